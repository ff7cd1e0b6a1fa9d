"""Boston housing prices: 506 samples of 13 attributes (StatLib; see Keras's ethics warning)."""

from __future__ import annotations

from kerax.datasets._common import KERAS_ORIGIN, Split, check_pairs, check_test_split, shuffle_split
from kerax.datasets._files import get_file
from kerax.datasets._npz import load_npz

__all__ = ["load_data"]

_SHA256 = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"


def load_data(path: str = "boston_housing.npz", test_split: float = 0.2, seed: int = 113) -> Split:
    """Load the Boston housing data set, shuffled and split as Keras does.

    This data set includes a variable that encodes a racial assumption; Keras discourages its use except
    to illustrate ethical issues in data science.

    Args:
        path: File name inside ``$KERAX_HOME/datasets``. Defaults to ``"boston_housing.npz"``.
        test_split: Fraction of the samples held out as test set, in ``[0, 1)``. Defaults to ``0.2``.
        seed: Seed of the shuffle done before splitting. Defaults to ``113``.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: samples of shape ``(n, 13)``, targets ``(n,)``
        (median home values in k$).

    Raises:
        ValueError: If ``test_split`` is outside ``[0, 1)``.
        DatasetUnavailableError: If the file is missing and cannot be downloaded.
        DatasetFormatError: If the file is not a valid ``.npz`` with ``x`` and ``y``.
    """
    test_split = check_test_split(test_split)
    fpath = get_file(path, KERAS_ORIGIN + "boston_housing.npz", _SHA256)
    f = load_npz(fpath, ("x", "y"))
    check_pairs(fpath, f["x"], f["y"], 2)
    return shuffle_split(f["x"], f["y"], test_split, seed)


def __dir__() -> list[str]:
    """The public names: not the modules and helpers the namespace is built from."""
    return list(__all__)
