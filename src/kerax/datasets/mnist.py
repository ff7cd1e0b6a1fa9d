"""MNIST handwritten digits: 60,000 training and 10,000 test images, 28x28 grayscale."""

from __future__ import annotations

from kerax.datasets._common import KERAS_ORIGIN, Split, check_pairs
from kerax.datasets._files import get_file
from kerax.datasets._npz import load_npz

__all__ = ["load_data"]

_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"


def load_data(path: str = "mnist.npz") -> Split:
    """Load MNIST from ``$KERAX_HOME/datasets/mnist.npz``, downloading it if missing.

    Args:
        path: File name inside the cache folder. Defaults to ``"mnist.npz"``.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: ``uint8`` arrays of shapes ``(60000, 28, 28)``,
        ``(60000,)``, ``(10000, 28, 28)`` and ``(10000,)`` for the published file.

    Raises:
        DatasetUnavailableError: If the file is missing and cannot be downloaded.
        DatasetFormatError: If the file is not a valid MNIST ``.npz``.
    """
    fpath = get_file(path, KERAS_ORIGIN + "mnist.npz", _SHA256)
    f = load_npz(fpath, ("x_train", "y_train", "x_test", "y_test"))
    check_pairs(fpath, f["x_train"], f["y_train"], 3)
    check_pairs(fpath, f["x_test"], f["y_test"], 3)
    return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])


def __dir__() -> list[str]:
    """The public names: not the modules and helpers the namespace is built from."""
    return list(__all__)
