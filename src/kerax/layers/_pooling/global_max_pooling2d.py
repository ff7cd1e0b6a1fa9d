"""``GlobalMaxPooling2D``: the maximum over height and width."""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from kerax.layers._pooling._base_global_pooling import BaseGlobalPooling


class GlobalMaxPooling2D(BaseGlobalPooling):
    """Maximum over both spatial axes of an image batch.

    Also exported as ``GlobalMaxPool2D``.

    Args:
        data_format: ``"channels_last"`` (``(batch, ..., channels)``) or ``"channels_first"``
            (``(batch, channels, ...)``), or ``None`` (default) for ``kerax.config.image_data_format()``.
        keepdims: whether to keep the spatial axes with size 1 (default ``False``).
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Input shape:
        ``(batch, height, width, channels)``, or ``(batch, channels, height, width)`` with
        ``"channels_first"``.

    Output shape:
        ``(batch, channels)``, or ``(batch, 1, 1, channels)`` with ``keepdims=True``.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.GlobalMaxPooling2D()(np.ones((2, 7, 7, 64))).shape
        (2, 64)
        >>> kerax.layers.GlobalMaxPooling2D(keepdims=True)(np.ones((2, 7, 7, 64))).shape
        (2, 1, 1, 64)
    """

    _reduce = staticmethod(jnp.max)

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any) -> None:
        super().__init__(pool_dimensions=2, data_format=data_format, keepdims=keepdims, **kwargs)
