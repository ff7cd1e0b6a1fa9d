"""``MaxPooling3D``: the maximum over each 3-D spatial window."""

from __future__ import annotations

from typing import Any

from kerax.layers._pooling._base_pooling import BasePooling


class MaxPooling3D(BasePooling):
    """Max pooling over 3-D spatial windows.

    Args:
        pool_size: an int or a tuple of 3 ints (default ``(2, 2, 2)``).
        strides: an int, a tuple of 3 ints, or ``None`` (default: ``pool_size``).
        padding: ``"valid"`` (drop incomplete windows) or ``"same"`` (output size ``ceil(input / stride)``).
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.

    Shapes:
        ``(batch, dim1, dim2, dim3, channels)`` -> ``(batch, pooled1, pooled2, pooled3, channels)``.

    Example:
        >>> MaxPooling3D()(jnp.ones((2, 8, 8, 8, 3))).shape
        (2, 4, 4, 4, 3)
    """

    def __init__(
        self,
        pool_size: int | tuple[int, int, int] = (2, 2, 2),
        strides: int | tuple[int, int, int] | None = None,
        padding: str = "valid",
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            pool_size,
            strides,
            pool_dimensions=3,
            pool_mode="max",
            padding=padding,
            data_format=data_format,
            **kwargs,
        )
