"""``AveragePooling3D``: the mean over each 3-D spatial window."""

from __future__ import annotations

from typing import Any

from kerax.layers._pooling._base_pooling import BasePooling


class AveragePooling3D(BasePooling):
    """Average pooling over 3-D spatial windows; with ``"same"`` padding, padded cells are not counted.

    Args:
        pool_size: an int or a tuple of 3 ints (required, as in Keras 3).
        strides: an int, a tuple of 3 ints, or ``None`` (default: ``pool_size``).
        padding: ``"valid"`` (drop incomplete windows) or ``"same"`` (output size ``ceil(input / stride)``).
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.

    Shapes:
        ``(batch, dim1, dim2, dim3, channels)`` -> ``(batch, pooled1, pooled2, pooled3, channels)``.

    Example:
        >>> AveragePooling3D(2)(jnp.ones((2, 8, 8, 8, 3))).shape
        (2, 4, 4, 4, 3)
    """

    def __init__(
        self,
        pool_size: int | tuple[int, int, int],
        strides: int | tuple[int, int, int] | None = None,
        padding: str = "valid",
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            pool_size,
            strides,
            pool_dimensions=3,
            pool_mode="average",
            padding=padding,
            data_format=data_format,
            **kwargs,
        )
