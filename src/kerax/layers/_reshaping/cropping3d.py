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
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.

    Shapes:
        ``(batch, dim1, dim2, dim3, channels)`` -> ``(batch, cropped1, cropped2, cropped3, channels)``.

    Example:
        >>> Cropping3D(1)(jnp.ones((2, 4, 5, 6, 3))).shape
        (2, 2, 3, 4, 3)
    """

    def __init__(self, cropping: Any = ((1, 1), (1, 1), (1, 1)), data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(cropping, rank=3, data_format=data_format, **kwargs)
