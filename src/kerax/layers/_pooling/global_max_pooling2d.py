"""``GlobalMaxPooling2D``: the maximum over height and width."""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from kerax.layers._pooling._base_global_pooling import BaseGlobalPooling


class GlobalMaxPooling2D(BaseGlobalPooling):
    """Maximum over both spatial axes of an image batch.

    Args:
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.
        keepdims: keep the spatial axes with size 1 (default ``False``).

    Shapes:
        ``(batch, height, width, channels)`` -> ``(batch, channels)``, or ``(batch, 1, 1, channels)``
        with ``keepdims=True``.

    Example:
        >>> GlobalMaxPooling2D()(jnp.ones((2, 7, 7, 64))).shape
        (2, 64)
    """

    _reduce = staticmethod(jnp.max)

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any) -> None:
        super().__init__(pool_dimensions=2, data_format=data_format, keepdims=keepdims, **kwargs)
