"""Argument normalisation and window arithmetic shared by convolution and pooling layers.

Every function takes ``who`` (e.g. ``"Conv2D 'conv2d'"``) so that its error messages name the layer.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

from kerax.backend import _config

DATA_FORMATS = ("channels_last", "channels_first")


def normalize_tuple(value: Any, n: int, arg: str, who: str, allow_zero: bool = False) -> tuple[int, ...]:
    """``3`` -> ``(3, 3)`` for ``n=2``; a sequence of ``n`` ints is returned as a tuple.

    Args:
        value: an int or a sequence of ``n`` ints.
        n: the number of spatial dimensions.
        arg: the argument's name, for messages (``"kernel_size"``).
        who: the layer, for messages.
        allow_zero: whether 0 is accepted (otherwise every entry must be positive).
    """
    floor = 0 if allow_zero else 1
    wanted = f"an integer or a tuple of {n} integers >= {floor}"
    if isinstance(value, bool):
        raise ValueError(f"{who}: `{arg}` must be {wanted}, received {value!r}.")
    if isinstance(value, numbers.Integral):
        values: tuple[Any, ...] = (value,) * n
    elif isinstance(value, Sequence) and not isinstance(value, str):
        values = tuple(value)
    else:
        raise ValueError(f"{who}: `{arg}` must be {wanted}, received {value!r}.")
    if len(values) != n or not all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in values):
        raise ValueError(f"{who}: `{arg}` must be {wanted}, received {value!r}.")
    if any(v < floor for v in values):
        raise ValueError(f"{who}: `{arg}` must be {wanted}, received {value!r}.")
    return tuple(int(v) for v in values)


def normalize_padding(value: Any, who: str, allowed: Sequence[str] = ("valid", "same")) -> str:
    """``"SAME"`` -> ``"same"``; anything not in ``allowed`` is an error naming the layer."""
    if isinstance(value, str) and value.lower() in allowed:
        return value.lower()
    options = ", ".join(repr(a) for a in allowed)
    raise ValueError(f"{who}: `padding` must be one of {options}, received {value!r}.")


def normalize_data_format(value: Any, who: str, allowed: Sequence[str] = DATA_FORMATS) -> str:
    """``None`` -> ``kerax.config.image_data_format()``; a format outside ``allowed`` is an error naming the layer."""
    if value is None:
        value = _config.image_data_format()
        if value not in allowed:
            raise ValueError(
                f"{who}: data_format=None takes kerax.config.image_data_format(), which is {value!r}, but this "
                f"layer only supports {' or '.join(repr(a) for a in allowed)}. Pass data_format explicitly or "
                "call kerax.config.set_image_data_format('channels_last')."
            )
        return value
    if isinstance(value, str) and value.lower() in allowed:
        return value.lower()
    if isinstance(value, str) and value.lower() in DATA_FORMATS:
        raise ValueError(
            f"{who}: data_format={value!r} is not supported; this layer only supports "
            f"{' or '.join(repr(a) for a in allowed)}. Transpose the inputs to channels_last "
            "(batch, ..., channels) instead."
        )
    raise ValueError(f"{who}: `data_format` must be 'channels_last' or 'channels_first', received {value!r}.")


def output_length(length: int | None, window: int, stride: int, padding: str, dilation: int = 1) -> int | None:
    """The output size of one spatial dimension (``None`` stays ``None``), as Keras computes it."""
    if length is None:
        return None
    if padding in ("same", "causal"):
        return math.ceil(length / stride)
    effective = dilation * (window - 1) + 1
    return (length - effective) // stride + 1


def explicit_padding(
    lengths: Sequence[int],
    windows: Sequence[int],
    strides: Sequence[int],
    padding: str,
    dilations: Sequence[int] | None = None,
) -> list[tuple[int, int]]:
    """``(low, high)`` pads per spatial dimension: zero for ``"valid"``; for ``"same"`` the total pad that
    keeps ``ceil(length / stride)`` outputs, the odd element going at the end (as TensorFlow and JAX do);
    for ``"causal"`` (1-D convolutions) the whole dilated window minus one, all at the start."""
    dilations = dilations or (1,) * len(windows)
    pads = []
    for length, window, stride, dilation in zip(lengths, windows, strides, dilations, strict=True):
        effective = dilation * (window - 1) + 1
        if padding == "causal":
            pads.append((effective - 1, 0))
            continue
        if padding != "same":
            pads.append((0, 0))
            continue
        out = math.ceil(length / stride)
        total = max((out - 1) * stride + effective - length, 0)
        pads.append((total // 2, total - total // 2))
    return pads


def spatial_axes(rank: int, data_format: str) -> tuple[int, ...]:
    """The spatial axes of a ``rank + 2``-D input: ``(1, ..., rank)`` or ``(2, ..., rank + 1)``."""
    start = 1 if data_format == "channels_last" else 2
    return tuple(range(start, start + rank))


def transpose_output_length(
    length: int | None, window: int, stride: int, padding: str, output_padding: int | None, dilation: int = 1
) -> int | None:
    """The output size of one spatial dimension of a transposed convolution, as Keras computes it.

    ``"valid"``: ``(length - 1) * stride + effective_window + output_padding``, the output padding
    defaulting to whatever makes the size ``(length - 1) * stride + max(effective_window, stride)``.
    ``"same"``: ``length * stride`` by default, else ``(length - 1) * stride + effective_window % 2 +
    output_padding``.
    """
    if length is None:
        return None
    effective = dilation * (window - 1) + 1
    if padding == "valid":
        extra = max(effective, stride) - effective if output_padding is None else output_padding
        return (length - 1) * stride + effective + extra
    if output_padding is None:
        return length * stride
    return (length - 1) * stride + effective % 2 + output_padding
