"""``GlobalMaxPooling3D``: the maximum over every spatial axis."""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from kerax.layers._pooling._base_global_pooling import BaseGlobalPooling


class GlobalMaxPooling3D(BaseGlobalPooling):
    """Maximum over the three spatial axes of a volume batch.

    Also exported as ``GlobalMaxPool3D``.

    Args:
        data_format: ``"channels_last"`` (``(batch, ..., channels)``) or ``"channels_first"``
            (``(batch, channels, ...)``), or ``None`` (default) for ``kerax.config.image_data_format()``.
        keepdims: whether to keep the spatial axes with size 1 (default ``False``).
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Input shape:
        ``(batch, depth, height, width, channels)``, or ``(batch, channels, depth, height, width)`` with
        ``"channels_first"``.

    Output shape:
        ``(batch, channels)``, or ``(batch, 1, 1, 1, channels)`` with ``keepdims=True``.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.GlobalMaxPooling3D()(np.ones((2, 4, 4, 4, 16))).shape
        (2, 16)
        >>> kerax.layers.GlobalMaxPooling3D(keepdims=True)(np.ones((2, 4, 4, 4, 16))).shape
        (2, 1, 1, 1, 16)
    """

    _reduce = staticmethod(jnp.max)

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any) -> None:
        super().__init__(pool_dimensions=3, data_format=data_format, keepdims=keepdims, **kwargs)
