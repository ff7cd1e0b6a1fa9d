"""``GlobalAveragePooling3D``: the mean over every spatial axis."""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from kerax.layers._pooling._base_global_pooling import BaseGlobalPooling


class GlobalAveragePooling3D(BaseGlobalPooling):
    """Average over the three spatial axes of a volume batch.

    Args:
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.
        keepdims: keep the spatial axes with size 1 (default ``False``).

    Shapes:
        ``(batch, dim1, dim2, dim3, channels)`` -> ``(batch, channels)``, or
        ``(batch, 1, 1, 1, channels)`` with ``keepdims=True``.

    Example:
        >>> GlobalAveragePooling3D()(jnp.ones((2, 4, 4, 4, 16))).shape
        (2, 16)
    """

    _reduce = staticmethod(jnp.mean)

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any) -> None:
        super().__init__(pool_dimensions=3, data_format=data_format, keepdims=keepdims, **kwargs)
