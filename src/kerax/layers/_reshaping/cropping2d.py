"""``Cropping2D``: drop rows and columns at the edges of images."""

from __future__ import annotations

from typing import Any

from kerax.layers._reshaping._base_cropping import BaseCropping


class Cropping2D(BaseCropping):
    """Remove rows at the top and bottom and columns at the left and right of images.

    Args:

        cropping: an int (the same everywhere), a tuple of 2 ints (symmetric cropping of height and
            width), or a tuple of 2 ``(before, after)`` pairs (default ``((0, 0), (0, 0))``); each pair must
            sum to less than the size it crops.
        data_format: ``"channels_last"`` or ``"channels_first"``, or ``None`` (default) for
            ``kerax.config.image_data_format()``.
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Input shape:
        ``(batch, height, width, channels)``, or channels first ``(batch, channels, height, width)``.

    Output shape:
        ``(batch, cropped_height, cropped_width, channels)``, or channels first likewise.

    Example:
        >>> import numpy as np
        >>> import kerax

        >>> kerax.layers.Cropping2D(((1, 0), (2, 2)))(np.ones((2, 5, 6, 3))).shape
        (2, 4, 2, 3)
    """

    def __init__(self, cropping: Any = ((0, 0), (0, 0)), data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(cropping, rank=2, data_format=data_format, **kwargs)
