"""Word-index sequence processing shared by the IMDB and Reuters loaders (Keras's exact steps)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np

from kerax.datasets._errors import DatasetFormatError


def check_sequences(source: str, xs: np.ndarray, labels: np.ndarray) -> None:
    """Check that ``xs`` is a 1-D array of int lists and ``labels`` a 1-D array of the same length.

    Args:
        source: File name for error messages.
        xs: The sequences.
        labels: The labels.

    Raises:
        DatasetFormatError: If they are not.
    """
    if xs.ndim != 1 or labels.ndim != 1 or len(xs) != len(labels):
        raise DatasetFormatError(
            f"{source}: expected 1-D sequences and labels of the same length, received shapes {xs.shape} "
            f"and {labels.shape}."
        )
    for i, seq in enumerate(xs):
        if isinstance(seq, np.ndarray) and seq.ndim == 1 and seq.dtype.kind in "iu":
            continue
        if type(seq) is not list or not set(map(type, seq)) <= {int}:
            raise DatasetFormatError(f"{source}: sequence {i} is not a list of ints ({type(seq).__name__}).")


def shuffled(xs: np.ndarray, labels: np.ndarray, rng: np.random.RandomState) -> tuple[np.ndarray, np.ndarray]:
    """Shuffle sequences and labels together with ``rng``.

    Args:
        xs: The sequences.
        labels: The labels.
        rng: The random state (consumed as Keras consumes it).

    Returns:
        The shuffled ``(xs, labels)``.
    """
    indices = np.arange(len(xs))
    rng.shuffle(indices)
    return xs[indices], labels[indices]


def offset(xs: Sequence, start_char: int | None, index_from: int) -> list[list[int]]:
    """Shift word indices by ``index_from`` and prepend ``start_char`` when it is not ``None``.

    Args:
        xs: The sequences.
        start_char: Marker for the start of a sequence, or ``None``.
        index_from: Added to every word index.

    Returns:
        New lists.
    """
    if start_char is not None:
        return [[start_char] + [int(w) + index_from for w in x] for x in xs]
    return [[int(w) + index_from for w in x] for x in xs]


def drop_long(maxlen: int | None, xs: list[list[int]], labels: Sequence) -> tuple[list[list[int]], Sequence]:
    """Keep only the sequences strictly shorter than ``maxlen`` (all of them if ``maxlen`` is falsy).

    Args:
        maxlen: Length bound, or ``None``.
        xs: The sequences.
        labels: Their labels.

    Returns:
        The kept ``(xs, labels)``.
    """
    if not maxlen:
        return xs, labels
    kept = [(x, y) for x, y in zip(xs, labels, strict=True) if len(x) < maxlen]
    return [x for x, _ in kept], [y for _, y in kept]


def restrict_vocabulary(
    xs: list[list[int]], num_words: int | None, skip_top: int, oov_char: int | None
) -> list[list[int]]:
    """Replace (or, if ``oov_char`` is ``None``, drop) words outside ``[skip_top, num_words)``.

    As in Keras, a missing ``num_words`` means the largest index present, which is itself excluded.

    Args:
        xs: The sequences.
        num_words: Upper bound (exclusive) of the kept indices, or ``None``.
        skip_top: Lower bound (inclusive) of the kept indices.
        oov_char: Replacement for the others, or ``None`` to drop them.

    Returns:
        New lists.
    """
    if not num_words:
        num_words = max((max(x) for x in xs if len(x)), default=0)
    if oov_char is not None:
        return [[w if skip_top <= w < num_words else oov_char for w in x] for x in xs]
    return [[w for w in x if skip_top <= w < num_words] for x in xs]


def object_array(xs: Sequence[list[int]]) -> np.ndarray:
    """Return a 1-D object array holding the lists (never a 2-D array, even if all have one length).

    Args:
        xs: The sequences.

    Returns:
        An array of shape ``(len(xs),)`` and dtype ``object``.
    """
    out = np.empty(len(xs), dtype=object)
    for i, x in enumerate(xs):
        out[i] = x
    return out


def read_word_index(fpath: str) -> dict[str, int]:
    """Read a word-index JSON file and check that it maps strings to ints.

    Args:
        fpath: The JSON file.

    Returns:
        A dict from word to index.

    Raises:
        DatasetFormatError: If it is not a JSON object of word -> int.
    """
    try:
        with open(fpath, encoding="utf-8") as f:
            index: Any = json.load(f)
    except (ValueError, UnicodeDecodeError) as err:
        raise DatasetFormatError(f"{fpath} is not valid JSON: {err}") from err
    if not isinstance(index, dict) or not all(type(v) is int for v in index.values()):
        raise DatasetFormatError(f"{fpath}: expected a JSON object mapping words to integers.")
    return index
