"""Keras's built-in data sets: the same ``load_data()`` functions, files and cache layout.

Files are looked for in ``$KERAX_HOME/datasets`` (``KERAX_HOME`` defaults to ``~/.kerax``), laid out as
Keras lays out ``~/.keras/datasets``, and downloaded there (hash-checked, atomically) when missing.
Without network access a ``DatasetUnavailableError`` says which files to put where.
``fashion_mnist.load_sample()`` loads a small real sample bundled with kerax, for offline use.
"""

from kerax.datasets import (
    boston_housing,
    california_housing,
    cifar10,
    cifar100,
    fashion_mnist,
    imdb,
    mnist,
    reuters,
)
from kerax.datasets._errors import (
    DatasetFormatError,
    DatasetIntegrityError,
    DatasetUnavailableError,
    UnsafeDatasetError,
)

__all__ = [
    "DatasetFormatError",
    "DatasetIntegrityError",
    "DatasetUnavailableError",
    "UnsafeDatasetError",
    "boston_housing",
    "california_housing",
    "cifar10",
    "cifar100",
    "fashion_mnist",
    "imdb",
    "mnist",
    "reuters",
]


def __dir__() -> list[str]:
    """The public names: not the modules and helpers the namespace is built from."""
    return list(__all__)
