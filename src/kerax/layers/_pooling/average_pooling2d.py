"""``AveragePooling2D``: the mean over each spatial window."""

from __future__ import annotations

from typing import Any

from kerax.layers._pooling._base_pooling import BasePooling


class AveragePooling2D(BasePooling):
    """Average pooling over 2-D spatial windows; with ``"same"`` padding, padded cells are not counted.

    Args:
        pool_size: an int or a tuple ``(height, width)`` (required, as in Keras 3).
        strides: an int, a tuple of 2 ints, or ``None`` (default: ``pool_size``).
        padding: ``"valid"`` (drop incomplete windows) or ``"same"`` (output size ``ceil(input / stride)``).
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.

    Shapes:
        ``(batch, height, width, channels)`` -> ``(batch, pooled_height, pooled_width, channels)``.

    Example:
        >>> AveragePooling2D(2)(jnp.ones((2, 28, 28, 3))).shape
        (2, 14, 14, 3)
    """

    def __init__(
        self,
        pool_size: int | tuple[int, int],
        strides: int | tuple[int, int] | None = None,
        padding: str = "valid",
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            pool_size,
            strides,
            pool_dimensions=2,
            pool_mode="average",
            padding=padding,
            data_format=data_format,
            **kwargs,
        )
