"""``MaxPooling2D``: the maximum over each spatial window."""

from __future__ import annotations

from typing import Any

from kerax.layers._pooling._base_pooling import BasePooling


class MaxPooling2D(BasePooling):
    """Max pooling over 2-D spatial windows.

    Args:
        pool_size: an int or a tuple ``(height, width)`` (default ``(2, 2)``).
        strides: an int, a tuple of 2 ints, or ``None`` (default: ``pool_size``).
        padding: ``"valid"`` (drop incomplete windows) or ``"same"`` (output size ``ceil(input / stride)``).
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.

    Shapes:
        ``(batch, height, width, channels)`` -> ``(batch, pooled_height, pooled_width, channels)``.

    Example:
        >>> MaxPooling2D()(jnp.ones((2, 28, 28, 3))).shape
        (2, 14, 14, 3)
    """

    def __init__(
        self,
        pool_size: int | tuple[int, int] = (2, 2),
        strides: int | tuple[int, int] | None = None,
        padding: str = "valid",
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            pool_size,
            strides,
            pool_dimensions=2,
            pool_mode="max",
            padding=padding,
            data_format=data_format,
            **kwargs,
        )
