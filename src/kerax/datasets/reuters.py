"""Reuters newswire topics: 11,228 newswires labelled over 46 topics, as word-index sequences."""

from __future__ import annotations

import numpy as np

from kerax.datasets import _sequences as seq
from kerax.datasets._common import KERAS_ORIGIN, Split
from kerax.datasets._files import get_file
from kerax.datasets._npz import load_npz

__all__ = ["get_label_names", "get_word_index", "load_data"]

_SHA256 = "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"
_WORD_INDEX_MD5 = "4d44cc38712099c9e383dc6e5f11a921"
_LABEL_NAMES = tuple(
    "cocoa grain veg-oil earn acq wheat copper housing money-supply coffee sugar trade reserves "
    "ship cotton carcass crude nat-gas cpi money-fx interest gnp meal-feed alum oilseed gold "
    "tin strategic-metal livestock retail ipi iron-steel rubber heat jobs lei bop zinc orange "
    "pet-chem dlr gas silver wpi hog lead".split()
)


def load_data(
    path: str = "reuters.npz",
    num_words: int | None = None,
    skip_top: int = 0,
    maxlen: int | None = None,
    test_split: float = 0.2,
    seed: int = 113,
    start_char: int | None = 1,
    oov_char: int | None = 2,
    index_from: int = 3,
) -> Split:
    """Load the Reuters newswires from ``$KERAX_HOME/datasets/reuters.npz``, processed as Keras does.

    All newswires are shuffled, word indices shifted by ``index_from`` and prefixed by ``start_char``,
    those of ``maxlen`` words or more dropped, words outside ``[skip_top, num_words)`` replaced by
    ``oov_char`` (or removed if it is ``None``), and the last ``test_split`` kept as test set.

    Args:
        path: File name inside the cache folder. Defaults to ``"reuters.npz"``.
        num_words: Keep only the most frequent words below this index; ``None`` keeps all. Defaults to ``None``.
        skip_top: Also replace the ``skip_top`` most frequent indices. Defaults to ``0``.
        maxlen: Drop sequences whose length (with the start marker) is ``maxlen`` or more. Defaults to ``None``.
        test_split: Fraction held out as test set, in ``[0, 1]``. Defaults to ``0.2``.
        seed: Seed of the shuffle. Defaults to ``113``.
        start_char: Index marking the start of a newswire, or ``None`` for no marker. Defaults to ``1``.
        oov_char: Index replacing cut words, or ``None`` to remove them. Defaults to ``2``.
        index_from: Offset added to every word index. Defaults to ``3``.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: 1-D object arrays of int lists and int topic arrays.

    Raises:
        ValueError: If ``test_split`` is outside ``[0, 1]``.
        DatasetUnavailableError: If the file is missing and cannot be downloaded.
        DatasetFormatError: If the file is not a valid Reuters ``.npz``.
        UnsafeDatasetError: If its object arrays' pickles name anything but numpy array reconstruction.
    """
    if not 0 <= test_split <= 1:
        raise ValueError(f"Invalid `test_split` argument: {test_split}. It must be between 0 and 1.")
    fpath = get_file(path, KERAS_ORIGIN + "reuters.npz", _SHA256)
    f = load_npz(fpath, ("x", "y"), object_arrays=True)
    seq.check_sequences(fpath, f["x"], f["y"])
    xs, labels = seq.shuffled(f["x"], f["y"], np.random.RandomState(seed))
    xs = seq.offset(xs, start_char, index_from)
    xs, labels = seq.drop_long(maxlen, xs, labels)
    xs = seq.restrict_vocabulary(xs, num_words, skip_top, oov_char)
    cut = int(len(xs) * (1 - test_split))
    return (
        (seq.object_array(xs[:cut]), np.array(labels[:cut])),
        (seq.object_array(xs[cut:]), np.array(labels[cut:])),
    )


def get_word_index(path: str = "reuters_word_index.json") -> dict[str, int]:
    """Return the Reuters word index (word -> rank; add ``index_from`` to match ``load_data``'s indices).

    Args:
        path: File name inside ``$KERAX_HOME/datasets``. Defaults to ``"reuters_word_index.json"``.

    Returns:
        A dict from word to index.

    Raises:
        DatasetUnavailableError: If the file is missing and cannot be downloaded.
        DatasetFormatError: If it is not a JSON object of word -> int.
    """
    fpath = get_file(path, KERAS_ORIGIN + "reuters_word_index.json", _WORD_INDEX_MD5)
    return seq.read_word_index(fpath)


def get_label_names() -> tuple[str, ...]:
    """Return the 46 topic names, indexed as the labels of ``load_data``.

    Returns:
        A tuple of strings.
    """
    return _LABEL_NAMES


def __dir__() -> list[str]:
    """The public names: not the modules and helpers the namespace is built from."""
    return list(__all__)
