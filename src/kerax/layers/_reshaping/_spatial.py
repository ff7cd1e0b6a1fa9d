"""Argument normalisation and shape checks shared by the padding, cropping and up-sampling layers."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

from kerax.layers import _conv_utils as cu

_ORDINALS = ("1st", "2nd", "3rd")


def normalize_pairs(value: Any, rank: int, arg: str, who: str) -> tuple[tuple[int, int], ...]:
    """``(before, after)`` amounts for each of ``rank`` spatial axes, all non-negative.

    Accepts an int (the same amount everywhere), a tuple of ``rank`` ints (symmetric per axis), or a tuple
    of ``rank`` pairs; entries of the outer tuple may mix ints and pairs, as in Keras.
    """
    wanted = (
        f"a non-negative integer, a tuple of {rank} non-negative integers, or a tuple of {rank} "
        f"(before, after) pairs of non-negative integers"
    )
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        if value < 0:
            raise ValueError(f"{who}: `{arg}` cannot be negative, received {arg}={value!r}.")
        return tuple((int(value), int(value)) for _ in range(rank))
    if not isinstance(value, Sequence) or isinstance(value, str) or len(value) != rank:
        raise ValueError(f"{who}: `{arg}` must be {wanted}, received {arg}={value!r}.")
    pairs = []
    for i, entry in enumerate(value):
        try:
            pairs.append(cu.normalize_tuple(entry, 2, f"{_ORDINALS[i]} entry of {arg}", who, allow_zero=True))
        except ValueError as error:
            raise ValueError(f"{error} `{arg}` must be {wanted}, received {arg}={value!r}.") from None
    return tuple(pairs)


def normalize_pair(value: Any, arg: str, who: str) -> tuple[int, int]:
    """``(before, after)`` for the single axis of the 1-D layers: an int or a tuple of 2 ints, non-negative."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool) and value < 0:
        raise ValueError(f"{who}: `{arg}` cannot be negative, received {arg}={value!r}.")
    return cu.normalize_tuple(value, 2, arg, who, allow_zero=True)  # type: ignore[return-value]


def check_cropping(
    who: str, input_shape: Sequence[int | None], axes: Sequence[int], cropping: Sequence[tuple[int, int]]
) -> None:
    """Every cropped axis must keep at least one element; the error names the sizes and the cropping."""
    shape = tuple(None if d is None else int(d) for d in input_shape)
    for axis, (before, after) in zip(axes, cropping, strict=True):
        size = shape[axis]
        if size is not None and before + after >= size:
            raise ValueError(
                f"{who}: cropping {before} + {after} = {before + after} elements from axis {axis}, which has "
                f"only {size}, would leave nothing; each cropping must be smaller than the size it crops. "
                f"Received input shape {shape} and cropping={tuple(cropping)}."
            )


def positive_int(value: Any, arg: str, who: str) -> int:
    """An int >= 1: a TypeError for a non-integer, a ValueError for zero or less (as Keras raises)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{who}: `{arg}` must be an integer, received {arg}={value!r} ({type(value).__name__}).")
    if value <= 0:
        raise ValueError(f"{who}: `{arg}` must be a positive integer, received {arg}={value!r}.")
    return int(value)
