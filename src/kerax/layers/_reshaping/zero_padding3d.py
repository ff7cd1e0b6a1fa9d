"""``ZeroPadding3D``: zeros around the three spatial axes of volumes."""

from __future__ import annotations

from typing import Any

from kerax.layers._reshaping._base_zero_padding import BaseZeroPadding


class ZeroPadding3D(BaseZeroPadding):
    """Add zeros before and after each of the three spatial axes of volumes.

    Args:

        padding: an int (the same everywhere), a tuple of 3 ints (symmetric padding per axis), or a tuple
            of 3 ``(before, after)`` pairs (default ``((1, 1), (1, 1), (1, 1))``).
        data_format: ``"channels_last"`` or ``"channels_first"``, or ``None`` (default) for
            ``kerax.config.image_data_format()``.
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Input shape:
        ``(batch, dim1, dim2, dim3, channels)``, or channels first ``(batch, channels, dim1, dim2, dim3)``.

    Output shape:
        ``(batch, padded_dim1, padded_dim2, padded_dim3, channels)``, or channels first likewise.

    Example:
        >>> import numpy as np
        >>> import kerax

        >>> kerax.layers.ZeroPadding3D(1)(np.ones((2, 3, 4, 5, 1))).shape
        (2, 5, 6, 7, 1)
    """

    def __init__(self, padding: Any = ((1, 1), (1, 1), (1, 1)), data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(padding, rank=3, data_format=data_format, **kwargs)
