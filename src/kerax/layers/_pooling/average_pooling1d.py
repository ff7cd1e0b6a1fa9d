"""``AveragePooling1D``: the mean over each temporal window."""

from __future__ import annotations

from typing import Any

from kerax.layers._pooling._base_pooling import BasePooling


class AveragePooling1D(BasePooling):
    """Average pooling over 1-D temporal windows; with ``"same"`` padding, padded cells are not counted.

    Also exported as ``AvgPool1D``.

    Args:
        pool_size: an int or a tuple of 1 int, the window size (required, as in Keras 3).
        strides: an int, a tuple of 1 int, or ``None`` (default) for ``pool_size``.
        padding: ``"valid"`` (default: drop incomplete windows) or ``"same"`` (output size
            ``ceil(input / stride)``).
        data_format: ``"channels_last"`` (``(batch, ..., channels)``) or ``"channels_first"``
            (``(batch, channels, ...)``), or ``None`` (default) for ``kerax.config.image_data_format()``.
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Input shape:
        ``(batch, steps, channels)``, or ``(batch, channels, steps)`` with
        ``"channels_first"``.

    Output shape:
        ``(batch, pooled_steps, channels)``, or channels first likewise.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.AveragePooling1D(2)(np.ones((2, 10, 3))).shape
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
