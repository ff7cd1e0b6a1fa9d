"""``AveragePooling1D``: the mean over each temporal window."""

from __future__ import annotations

from typing import Any

from kerax.layers._pooling._base_pooling import BasePooling


class AveragePooling1D(BasePooling):
    """Average pooling over 1-D temporal windows; with ``"same"`` padding, padded cells are not counted.

    Args:
        pool_size: an int or a tuple of 1 int (required, as in Keras 3).
        strides: an int, a tuple of 1 int, or ``None`` (default: ``pool_size``).
        padding: ``"valid"`` (drop incomplete windows) or ``"same"`` (output size ``ceil(input / stride)``).
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.

    Shapes:
        ``(batch, steps, channels)`` -> ``(batch, pooled_steps, channels)``.

    Example:
        >>> AveragePooling1D(2)(jnp.ones((2, 10, 3))).shape
        (2, 5, 3)
    """

    def __init__(
        self,
        pool_size: int | tuple[int],
        strides: int | tuple[int] | None = None,
        padding: str = "valid",
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            pool_size,
            strides,
            pool_dimensions=1,
            pool_mode="average",
            padding=padding,
            data_format=data_format,
            **kwargs,
        )
