"""``MaxPooling1D``: the maximum over each temporal window."""

from __future__ import annotations

from typing import Any

from kerax.layers._pooling._base_pooling import BasePooling


class MaxPooling1D(BasePooling):
    """Max pooling over 1-D temporal windows.

    Also exported as ``MaxPool1D``.

    Args:
        pool_size: an int or a tuple of 1 int, the window size (default ``2``).
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
        >>> x = np.array([[[1.0], [3.0], [2.0], [5.0], [4.0]]])
        >>> kerax.layers.MaxPooling1D(pool_size=2, strides=1)(x)[0, :, 0]
        Array([3., 3., 5., 5.], dtype=float32)
        >>> kerax.layers.MaxPooling1D(padding="same")(x).shape
        (1, 3, 1)
    """

    def __init__(
        self,
        pool_size: int | tuple[int] = 2,
        strides: int | tuple[int] | None = None,
        padding: str = "valid",
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            pool_size,
            strides,
            pool_dimensions=1,
            pool_mode="max",
            padding=padding,
            data_format=data_format,
            **kwargs,
        )
