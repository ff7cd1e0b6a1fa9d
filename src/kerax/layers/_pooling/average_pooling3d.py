"""``AveragePooling3D``: the mean over each 3-D spatial window."""

from __future__ import annotations

from typing import Any

from kerax.layers._pooling._base_pooling import BasePooling


class AveragePooling3D(BasePooling):
    """Average pooling over 3-D spatial windows; with ``"same"`` padding, padded cells are not counted.

    Also exported as ``AvgPool3D``.

    Args:
        pool_size: an int or a tuple of 3 ints, the window size (required, as in Keras 3).
        strides: an int, a tuple of 3 ints, or ``None`` (default) for ``pool_size``.
        padding: ``"valid"`` (default: drop incomplete windows) or ``"same"`` (output size
            ``ceil(input / stride)``).
        data_format: ``"channels_last"`` (``(batch, ..., channels)``) or ``"channels_first"``
            (``(batch, channels, ...)``), or ``None`` (default) for ``kerax.config.image_data_format()``.
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Input shape:
        ``(batch, depth, height, width, channels)``, or ``(batch, channels, depth, height, width)`` with
        ``"channels_first"``.

    Output shape:
        ``(batch, pooled_depth, pooled_height, pooled_width, channels)``, or channels first likewise.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.AveragePooling3D(2)(np.ones((2, 4, 4, 4, 3))).shape
        (2, 2, 2, 2, 3)
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
