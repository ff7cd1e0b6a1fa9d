"""IMDB movie-review sentiment: 25,000 training and 25,000 test reviews as word-index sequences."""

from __future__ import annotations

import numpy as np

from kerax.datasets import _sequences as seq
from kerax.datasets._common import KERAS_ORIGIN, Split
from kerax.datasets._files import get_file
from kerax.datasets._npz import load_npz

__all__ = ["get_word_index", "load_data"]

_SHA256 = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
_WORD_INDEX_MD5 = "bfafd718b763782e994055a2d397834f"


def load_data(
    path: str = "imdb.npz",
    num_words: int | None = None,
    skip_top: int = 0,
    maxlen: int | None = None,
    seed: int = 113,
    start_char: int | None = 1,
    oov_char: int | None = 2,
    index_from: int = 3,
) -> Split:
    """Load the IMDB reviews from ``$KERAX_HOME/datasets/imdb.npz``, processed exactly as Keras does.

    Each split is shuffled, word indices are shifted by ``index_from`` and prefixed by
    ``start_char``, reviews of ``maxlen`` words or more are dropped, and words outside
    ``[skip_top, num_words)`` become ``oov_char`` (or are removed if it is ``None``).

    Args:
        path: File name inside the cache folder. Defaults to ``"imdb.npz"``.
        num_words: Keep only the most frequent words below this index; ``None`` keeps all. Defaults to ``None``.
        skip_top: Also replace the ``skip_top`` most frequent indices. Defaults to ``0``.
        maxlen: Drop sequences whose length (with the start marker) is ``maxlen`` or more. Defaults to ``None``.
        seed: Seed of the shuffle. Defaults to ``113``.
        start_char: Index marking the start of a review, or ``None`` for no marker. Defaults to ``1``.
        oov_char: Index replacing cut words, or ``None`` to remove them. Defaults to ``2``.
        index_from: Offset added to every word index. Defaults to ``3``.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: 1-D object arrays of int lists and int label arrays.

    Raises:
        ValueError: If ``maxlen`` leaves no training or no test sequence.
        DatasetUnavailableError: If the file is missing and cannot be downloaded.
        DatasetFormatError: If the file is not a valid IMDB ``.npz``.
        UnsafeDatasetError: If its object arrays' pickles name anything but numpy array reconstruction.
    """
    fpath = get_file(path, KERAS_ORIGIN + "imdb.npz", _SHA256)
    f = load_npz(fpath, ("x_train", "y_train", "x_test", "y_test"), object_arrays=True)
    seq.check_sequences(fpath, f["x_train"], f["y_train"])
    seq.check_sequences(fpath, f["x_test"], f["y_test"])
    rng = np.random.RandomState(seed)
    x_train, labels_train = seq.shuffled(f["x_train"], f["y_train"], rng)
    x_test, labels_test = seq.shuffled(f["x_test"], f["y_test"], rng)
    x_train, x_test = seq.offset(x_train, start_char, index_from), seq.offset(x_test, start_char, index_from)
    if maxlen:
        x_train, labels_train = seq.drop_long(maxlen, x_train, labels_train)
        x_test, labels_test = seq.drop_long(maxlen, x_test, labels_test)
        if not x_train or not x_test:
            raise ValueError(
                f"After filtering for sequences shorter than maxlen={maxlen}, no sequence was kept. Increase maxlen."
            )
    xs = seq.restrict_vocabulary(x_train + x_test, num_words, skip_top, oov_char)
    labels = np.concatenate([np.asarray(labels_train), np.asarray(labels_test)])
    cut = len(x_train)
    return (seq.object_array(xs[:cut]), labels[:cut]), (seq.object_array(xs[cut:]), labels[cut:])


def get_word_index(path: str = "imdb_word_index.json") -> dict[str, int]:
    """Return the IMDB word index (word -> rank; add ``index_from`` to match ``load_data``'s indices).

    Args:
        path: File name inside ``$KERAX_HOME/datasets``. Defaults to ``"imdb_word_index.json"``.

    Returns:
        A dict from word to index.

    Raises:
        DatasetUnavailableError: If the file is missing and cannot be downloaded.
        DatasetFormatError: If it is not a JSON object of word -> int.
    """
    fpath = get_file(path, KERAS_ORIGIN + "imdb_word_index.json", _WORD_INDEX_MD5)
    return seq.read_word_index(fpath)


def __dir__() -> list[str]:
    """The public names: not the modules and helpers the namespace is built from."""
    return list(__all__)
