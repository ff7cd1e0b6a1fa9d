"""``GlobalMaxPooling1D``: the maximum over the steps axis."""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from kerax.layers._pooling._base_global_pooling import BaseGlobalPooling


class GlobalMaxPooling1D(BaseGlobalPooling):
    """Maximum over the steps axis of a sequence batch.

    Args:
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.
        keepdims: keep the steps axis with size 1 (default ``False``).

    Shapes:
        ``(batch, steps, channels)`` -> ``(batch, channels)``, or ``(batch, 1, channels)`` with ``keepdims=True``.

    Example:
        >>> GlobalMaxPooling1D()(jnp.ones((2, 10, 16))).shape
        (2, 16)
    """

    _reduce = staticmethod(jnp.max)

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any) -> None:
        super().__init__(pool_dimensions=1, data_format=data_format, keepdims=keepdims, **kwargs)
