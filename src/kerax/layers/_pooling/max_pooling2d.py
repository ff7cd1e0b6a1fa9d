"""``MaxPooling2D``: the maximum over each spatial window."""

from __future__ import annotations

from typing import Any

from kerax.layers._pooling._base_pooling import BasePooling


class MaxPooling2D(BasePooling):
    """Max pooling over 2-D spatial windows.

    Also exported as ``MaxPool2D``.

    Args:
        pool_size: an int or a tuple ``(height, width)``, the window size (default ``(2, 2)``).
        strides: an int, a tuple of 2 ints, or ``None`` (default) for ``pool_size``.
        padding: ``"valid"`` (default: drop incomplete windows) or ``"same"`` (output size
            ``ceil(input / stride)``).
        data_format: ``"channels_last"`` (``(batch, ..., channels)``) or ``"channels_first"``
            (``(batch, channels, ...)``), or ``None`` (default) for ``kerax.config.image_data_format()``.
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Input shape:
        ``(batch, height, width, channels)``, or ``(batch, channels, height, width)`` with
        ``"channels_first"``.

    Output shape:
        ``(batch, pooled_height, pooled_width, channels)``, or channels first likewise.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.MaxPooling2D()(np.ones((2, 8, 8, 3))).shape
        (2, 4, 4, 3)
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
