"""California housing prices: 20,640 census block groups of 8 features (StatLib)."""

from __future__ import annotations

from kerax.datasets._common import KERAS_ORIGIN, Split, check_pairs, check_test_split, shuffle_split
from kerax.datasets._files import get_file
from kerax.datasets._npz import load_npz

__all__ = ["load_data"]

_SHA256 = "1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f"
_SMALL = 600


def load_data(
    version: str = "large", path: str = "california_housing.npz", test_split: float = 0.2, seed: int = 113
) -> Split:
    """Load the California housing data set, shuffled and split as Keras does.

    Args:
        version: ``"large"`` (all 20,640 samples) or ``"small"`` (the first 600, a stand-in for the
            Boston housing data). Defaults to ``"large"``.
        path: File name inside ``$KERAX_HOME/datasets``. Defaults to ``"california_housing.npz"``.
        test_split: Fraction of the samples held out as test set, in ``[0, 1)``. Defaults to ``0.2``.
        seed: Seed of the shuffle done before splitting. Defaults to ``113``.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: samples of shape ``(n, 8)``, targets ``(n,)``
        (median house values in dollars).

    Raises:
        ValueError: If ``version`` or ``test_split`` is invalid.
        DatasetUnavailableError: If the file is missing and cannot be downloaded.
        DatasetFormatError: If the file is not a valid ``.npz`` with ``x`` and ``y``.
    """
    if version not in ("small", "large"):
        raise ValueError(f"Argument `version` must be one of 'small', 'large'. Received: version={version}")
    test_split = check_test_split(test_split)
    fpath = get_file(path, KERAS_ORIGIN + "california_housing.npz", _SHA256)
    f = load_npz(fpath, ("x", "y"))
    x, y = f["x"], f["y"]
    check_pairs(fpath, x, y, 2)
    if version == "small":
        x, y = x[:_SMALL], y[:_SMALL]
    return shuffle_split(x, y, test_split, seed)


def __dir__() -> list[str]:
    """The public names: not the modules and helpers the namespace is built from."""
    return list(__all__)
