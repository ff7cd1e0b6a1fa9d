"""``Cropping3D``: drop elements at the edges of the three spatial axes of volumes."""

from __future__ import annotations

from typing import Any

from kerax.layers._reshaping._base_cropping import BaseCropping


class Cropping3D(BaseCropping):
    """Remove elements at both ends of each spatial axis of volumes.

    Args:

        cropping: an int (the same everywhere), a tuple of 3 ints (symmetric cropping per axis), or a tuple
            of 3 ``(before, after)`` pairs (default ``((1, 1), (1, 1), (1, 1))``); each pair must sum to
            less than the size it crops.
        data_format: ``"channels_last"`` or ``"channels_first"``, or ``None`` (default) for
            ``kerax.config.image_data_format()``.
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Input shape:
        ``(batch, dim1, dim2, dim3, channels)``, or channels first ``(batch, channels, dim1, dim2, dim3)``.

    Output shape:
        ``(batch, cropped1, cropped2, cropped3, channels)``, or channels first likewise.

    Example:
        >>> import numpy as np
        >>> import kerax

        >>> kerax.layers.Cropping3D(1)(np.ones((2, 4, 5, 6, 3))).shape
        (2, 2, 3, 4, 3)
    """

    def __init__(self, cropping: Any = ((1, 1), (1, 1), (1, 1)), data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(cropping, rank=3, data_format=data_format, **kwargs)
