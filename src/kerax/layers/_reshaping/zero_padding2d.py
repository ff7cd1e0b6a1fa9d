"""``ZeroPadding2D``: zeros around the height and width of images."""

from __future__ import annotations

from typing import Any

from kerax.layers._reshaping._base_zero_padding import BaseZeroPadding


class ZeroPadding2D(BaseZeroPadding):
    """Add zeros before and after each of the height and width of images.

    Args:

        padding: an int (the same everywhere), a tuple of 2 ints (symmetric padding per axis), or a tuple
            of 2 ``(before, after)`` pairs (default ``(1, 1)``).
        data_format: ``"channels_last"`` or ``"channels_first"``, or ``None`` (default) for
            ``kerax.config.image_data_format()``.
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Input shape:
        ``(batch, height, width, channels)``, or channels first ``(batch, channels, height, width)``.

    Output shape:
        ``(batch, padded_height, padded_width, channels)``, or channels first likewise.

    Example:
        >>> import numpy as np
        >>> import kerax

        >>> kerax.layers.ZeroPadding2D((1, 2))(np.ones((2, 3, 4, 1))).shape
        (2, 5, 8, 1)
    """

    def __init__(self, padding: Any = (1, 1), data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(padding, rank=2, data_format=data_format, **kwargs)
