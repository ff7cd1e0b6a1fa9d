"""CIFAR-10: 60,000 32x32 colour images in 10 classes (Krizhevsky, 2009).

Labels: 0 airplane, 1 automobile, 2 bird, 3 cat, 4 deer, 5 dog, 6 frog, 7 horse, 8 ship, 9 truck.
"""

from __future__ import annotations

import os

import numpy as np

from kerax import backend
from kerax.datasets._cifar import batches_dir, load_batch
from kerax.datasets._common import Split

__all__ = ["load_data"]

_ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
_SHA256 = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"


def load_data() -> Split:
    """Load CIFAR-10 from ``$KERAX_HOME/datasets/cifar-10-batches-py-target/cifar-10-batches-py/``.

    If the folder is missing, Keras 2's ``datasets/cifar-10-batches-py/`` is used; else the archive
    ``cifar-10-python.tar.gz`` is extracted (downloaded first if absent).

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: ``uint8`` images of shape ``(50000, 32, 32, 3)`` and
        ``(10000, 32, 32, 3)`` (channels first if the backend's image data format says so) and
        ``uint8`` labels of shape ``(50000, 1)`` and ``(10000, 1)``.

    Raises:
        DatasetUnavailableError: If the data is missing and cannot be downloaded.
        DatasetFormatError: If a batch file is missing or malformed.
        UnsafeDatasetError: If a batch pickle or the archive holds refused content.
    """
    folder = batches_dir("cifar-10-batches-py-target", "cifar-10-batches-py", _ORIGIN, _SHA256)
    parts = [load_batch(os.path.join(folder, f"data_batch_{i}")) for i in range(1, 6)]
    x_train = np.concatenate([x for x, _ in parts])
    y_train = np.concatenate([np.asarray(y, dtype=np.uint8) for _, y in parts]).reshape(-1, 1)
    x_test, labels = load_batch(os.path.join(folder, "test_batch"))
    y_test = np.asarray(labels, dtype=np.uint8).reshape(-1, 1)
    if backend.image_data_format() == "channels_last":
        x_train, x_test = x_train.transpose(0, 2, 3, 1), x_test.transpose(0, 2, 3, 1)
    return (x_train, y_train), (x_test, y_test)


def __dir__() -> list[str]:
    """The public names: not the modules and helpers the namespace is built from."""
    return list(__all__)
