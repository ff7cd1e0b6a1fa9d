"""Fashion-MNIST: 70,000 28x28 grayscale images of 10 kinds of clothing (Zalando Research, MIT licence).

Labels: 0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt, 7 Sneaker, 8 Bag,
9 Ankle boot.
"""

from __future__ import annotations

import os
from importlib import resources

from kerax.datasets._common import KERAS_ORIGIN, Split
from kerax.datasets._errors import DatasetFormatError
from kerax.datasets._files import get_files
from kerax.datasets._idx import read_idx

__all__ = ["load_data", "load_sample"]

# Keras's order; Keras publishes no hashes for these four files, so, like Keras, downloads are not
# hashed, but each one must parse as the IDX file it claims to be before it enters the cache.
_FILES = (
    "train-labels-idx1-ubyte.gz",
    "train-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
)
_CACHE_SUBDIR = "datasets/fashion-mnist"
_IMAGE_SHAPE = (28, 28)


def load_data() -> Split:
    """Load Fashion-MNIST from ``$KERAX_HOME/datasets/fashion-mnist/``, downloading missing files.

    The folder holds the four original gzip IDX files (``train-images-idx3-ubyte.gz``,
    ``train-labels-idx1-ubyte.gz``, ``t10k-images-idx3-ubyte.gz``, ``t10k-labels-idx1-ubyte.gz``).
    Image counts are read from the files, so a folder holding a subset of the data loads as well.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: ``uint8`` arrays of shapes ``(60000, 28, 28)``,
        ``(60000,)``, ``(10000, 28, 28)`` and ``(10000,)`` for the published files.

    Raises:
        DatasetUnavailableError: If files are missing and cannot be downloaded; the message lists them.
        DatasetFormatError: If a file is not a valid IDX file, or images and labels disagree in count.
    """
    paths = get_files(_FILES, KERAS_ORIGIN, _CACHE_SUBDIR, validate=_validate)
    return _parse(*paths)


def load_sample() -> Split:
    """Load the Fashion-MNIST sample bundled with kerax (no download, no cache).

    The sample is the first 3,615 images of the official training set, in the original format: the
    first 3,000 as training split, the next 615 as test split (not the official test images).

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: ``uint8`` arrays of shapes ``(3000, 28, 28)``,
        ``(3000,)``, ``(615, 28, 28)`` and ``(615,)``.

    Raises:
        DatasetFormatError: If the bundled files are damaged.
    """
    with resources.as_file(resources.files("kerax.datasets") / "_sample") as folder:
        return _parse(*(os.path.join(folder, name) for name in _FILES))


def _validate(path: str) -> None:
    if "idx1" in os.path.basename(path):
        read_idx(path, 1)
    else:
        read_idx(path, 3, _IMAGE_SHAPE)


def _parse(train_labels: str, train_images: str, test_labels: str, test_images: str) -> Split:
    y_train = read_idx(train_labels, 1)
    x_train = read_idx(train_images, 3, _IMAGE_SHAPE)
    y_test = read_idx(test_labels, 1)
    x_test = read_idx(test_images, 3, _IMAGE_SHAPE)
    for images, labels, x, y in (
        (train_images, train_labels, x_train, y_train),
        (test_images, test_labels, x_test, y_test),
    ):
        if len(x) != len(y):
            raise DatasetFormatError(f"{images} holds {len(x)} images but {labels} holds {len(y)} labels.")
    return (x_train, y_train), (x_test, y_test)


def __dir__() -> list[str]:
    """The public names: not the modules and helpers the namespace is built from."""
    return list(__all__)
