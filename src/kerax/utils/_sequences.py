"""``pad_sequences``: variable-length sequences to one array, padded and truncated as Keras does."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


def pad_sequences(
    sequences: Sequence[Any],
    maxlen: int | None = None,
    dtype: Any = "int32",
    padding: str = "pre",
    truncating: str = "pre",
    value: Any = 0.0,
) -> np.ndarray:
    """An array ``(len(sequences), maxlen, *sample_shape)``: each sequence padded and truncated to ``maxlen``.

    Args:
        sequences: a list of sequences (lists or arrays whose items share one shape).
        maxlen: the length of the output rows; default the longest sequence's.
        dtype: the output dtype (``object`` for variable-length strings). Defaults to ``"int32"``.
        padding: ``"pre"`` or ``"post"``: pad before or after each sequence. Defaults to ``"pre"``.
        truncating: ``"pre"`` or ``"post"``: drop values from the start or the end of longer sequences.
            Defaults to ``"pre"``.
        value: the padding value. Defaults to ``0.0``.
    """
    if not hasattr(sequences, "__len__"):
        raise ValueError("pad_sequences: `sequences` must be a list of sequences.")
    if padding not in ("pre", "post"):
        raise ValueError(f"pad_sequences: `padding` must be 'pre' or 'post', received {padding!r}.")
    if truncating not in ("pre", "post"):
        raise ValueError(f"pad_sequences: `truncating` must be 'pre' or 'post', received {truncating!r}.")
    lengths = []
    sample_shape: tuple[int, ...] = ()
    found_shape = False
    for seq in sequences:
        try:
            lengths.append(len(seq))
        except TypeError as error:
            raise ValueError(f"pad_sequences: every item must be a sequence, found {seq!r}.") from error
        if not found_shape and len(seq):
            sample_shape = np.asarray(seq).shape[1:]
            found_shape = True
    if maxlen is None:
        maxlen = int(np.max(lengths))
    is_text = np.issubdtype(dtype, np.str_) or np.issubdtype(dtype, np.bytes_)
    if isinstance(value, str) and dtype is not object and not is_text:
        raise ValueError(
            f"pad_sequences: dtype {dtype!r} cannot hold the string padding value {value!r}; use dtype=object "
            "for variable-length strings."
        )
    out = np.full((len(sequences), maxlen, *sample_shape), value, dtype=dtype)
    for i, seq in enumerate(sequences):
        if not len(seq):
            continue
        kept = np.asarray(seq[-maxlen:] if truncating == "pre" else seq[:maxlen], dtype=dtype)
        if kept.shape[1:] != sample_shape:
            raise ValueError(
                f"pad_sequences: sequence {i} has items of shape {kept.shape[1:]}, expected {sample_shape}."
            )
        if padding == "post":
            out[i, : len(kept)] = kept
        else:
            out[i, -len(kept) :] = kept
    return out
