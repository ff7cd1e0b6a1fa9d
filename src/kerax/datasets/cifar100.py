"""CIFAR-100: 60,000 32x32 colour images in 100 fine classes grouped in 20 coarse ones (Krizhevsky 2009)."""

from __future__ import annotations

import os

import numpy as np

from kerax import backend
from kerax.datasets._cifar import batches_dir, load_batch
from kerax.datasets._common import Split

__all__ = ["load_data"]

_ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
_SHA256 = "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7"


def load_data(label_mode: str = "fine") -> Split:
    """Load CIFAR-100 from ``$KERAX_HOME/datasets/cifar-100-python-target/cifar-100-python/``.

    If the folder is missing, Keras 2's ``datasets/cifar-100-python/`` is used; else the archive
    ``cifar-100-python.tar.gz`` is extracted (downloaded first if absent).

    Args:
        label_mode: ``"fine"`` (100 classes) or ``"coarse"`` (20 superclasses). Defaults to ``"fine"``.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: ``uint8`` images of shape ``(50000, 32, 32, 3)`` and
        ``(10000, 32, 32, 3)`` (channels first if the backend's image data format says so) and labels
        of shape ``(50000, 1)`` and ``(10000, 1)``, ``int64`` as Keras returns them.

    Raises:
        ValueError: If ``label_mode`` is not ``"fine"`` or ``"coarse"``.
        DatasetUnavailableError: If the data is missing and cannot be downloaded.
        DatasetFormatError: If a batch file is missing or malformed.
        UnsafeDatasetError: If a batch pickle or the archive holds refused content.
    """
    if label_mode not in ("fine", "coarse"):
        raise ValueError(f'`label_mode` must be one of `"fine"`, `"coarse"`. Received: label_mode={label_mode}.')
    folder = batches_dir("cifar-100-python-target", "cifar-100-python", _ORIGIN, _SHA256)
    x_train, y_train = load_batch(os.path.join(folder, "train"), label_key=f"{label_mode}_labels")
    x_test, y_test = load_batch(os.path.join(folder, "test"), label_key=f"{label_mode}_labels")
    y_train = np.asarray(y_train, dtype=np.int64).reshape(-1, 1)
    y_test = np.asarray(y_test, dtype=np.int64).reshape(-1, 1)
    if backend.image_data_format() == "channels_last":
        x_train, x_test = x_train.transpose(0, 2, 3, 1), x_test.transpose(0, 2, 3, 1)
    return (x_train, y_train), (x_test, y_test)


def __dir__() -> list[str]:
    """The public names: not the modules and helpers the namespace is built from."""
    return list(__all__)
