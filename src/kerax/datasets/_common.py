"""Helpers shared by several loaders."""

from __future__ import annotations

import numpy as np

from kerax.datasets._errors import DatasetFormatError

# Where Keras's own copies of the data sets are published.
KERAS_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"

Split = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def check_test_split(test_split: float) -> float:
    """Return ``test_split`` if it lies in ``[0, 1)``.

    Args:
        test_split: Fraction of the data to hold out.

    Returns:
        The same value, as a float.

    Raises:
        ValueError: If it lies outside ``[0, 1)``.
    """
    if not 0 <= test_split < 1:
        raise ValueError(f"Invalid `test_split` argument: {test_split}. It must be between 0 and 1 (exclusive of 1).")
    return float(test_split)


def shuffle_split(x: np.ndarray, y: np.ndarray, test_split: float, seed: int) -> Split:
    """Shuffle ``x`` and ``y`` together as Keras does, then cut off the last ``test_split`` as test set.

    Args:
        x: Samples.
        y: Targets, as many as samples.
        test_split: Fraction held out, in ``[0, 1)``.
        seed: Seed of the ``np.random.RandomState`` shuffle.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``.
    """
    indices = np.arange(len(x))
    np.random.RandomState(seed).shuffle(indices)
    x, y = x[indices], y[indices]
    cut = int(len(x) * (1 - test_split))
    return (np.array(x[:cut]), np.array(y[:cut])), (np.array(x[cut:]), np.array(y[cut:]))


def check_pairs(source: str, x: np.ndarray, y: np.ndarray, x_ndim: int, y_ndim: int = 1) -> None:
    """Check that samples and targets have the expected ranks and the same length.

    Args:
        source: Name of the file, for the error message.
        x: Samples.
        y: Targets.
        x_ndim: Expected rank of ``x``.
        y_ndim: Expected rank of ``y``. Defaults to ``1``.

    Raises:
        DatasetFormatError: If they do not.
    """
    if x.ndim != x_ndim or y.ndim != y_ndim or len(x) != len(y):
        raise DatasetFormatError(
            f"{source}: expected {x_ndim}-D samples and {y_ndim}-D targets of the same length, received "
            f"shapes {x.shape} and {y.shape}."
        )
