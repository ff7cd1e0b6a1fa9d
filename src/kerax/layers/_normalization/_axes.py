"""Helpers shared by the normalization layers: validating and resolving ``axis`` arguments."""

from __future__ import annotations

from typing import Any


def validate_axis(axis: Any, who: str, allow_list: bool = True) -> int | list[int]:
    """An int, or (when ``allow_list``) a list of ints; anything else is a TypeError naming the layer."""
    if isinstance(axis, int) and not isinstance(axis, bool):
        return axis
    if allow_list and isinstance(axis, list | tuple) and axis:
        if all(isinstance(a, int) and not isinstance(a, bool) for a in axis):
            return list(axis)
    expected = "an int or a non-empty list/tuple of ints" if allow_list else "an int"
    raise TypeError(f"{who}: `axis` must be {expected}, received axis={axis!r}.")


def resolve_axes(axis: int | list[int], input_shape: tuple[int | None, ...], who: str) -> list[int]:
    """The axes as sorted non-negative indices into ``input_shape``; out-of-range axes are an error."""
    ndim = len(input_shape)
    axes = [axis] if isinstance(axis, int) else list(axis)
    for a in axes:
        if not -ndim <= a < ndim:
            raise ValueError(
                f"{who}: axis {a} is out of bounds for inputs of shape {tuple(input_shape)} (rank {ndim}); "
                f"received axis={axis!r}."
            )
    resolved = sorted({a % ndim for a in axes})
    if len(resolved) != len(axes):
        raise ValueError(f"{who}: `axis` names the same dimension twice: axis={axis!r}, rank {ndim}.")
    return resolved


def require_known(axes: list[int], input_shape: tuple[int | None, ...], who: str) -> None:
    for a in axes:
        if input_shape[a] is None:
            raise ValueError(
                f"{who}: the size of axis {a} must be known to create the layer's weights, received input "
                f"shape {tuple(input_shape)}."
            )
