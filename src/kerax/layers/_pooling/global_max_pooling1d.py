"""``GlobalMaxPooling1D``: the maximum over the steps axis."""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from kerax.layers._pooling._base_global_pooling import BaseGlobalPooling


class GlobalMaxPooling1D(BaseGlobalPooling):
    """Maximum over the steps axis of a sequence batch.

    Also exported as ``GlobalMaxPool1D``.

    Args:
        data_format: ``"channels_last"`` (``(batch, ..., channels)``) or ``"channels_first"``
            (``(batch, channels, ...)``), or ``None`` (default) for ``kerax.config.image_data_format()``.
        keepdims: whether to keep the steps axis with size 1 (default ``False``).
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Input shape:
        ``(batch, steps, channels)``, or ``(batch, channels, steps)`` with
        ``"channels_first"``.

    Output shape:
        ``(batch, channels)``, or ``(batch, 1, channels)`` with ``keepdims=True``.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.GlobalMaxPooling1D()(np.ones((2, 10, 16))).shape
        (2, 16)
        >>> kerax.layers.GlobalMaxPooling1D(keepdims=True)(np.ones((2, 10, 16))).shape
        (2, 1, 16)
    """

    _reduce = staticmethod(jnp.max)

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any) -> None:
        super().__init__(pool_dimensions=1, data_format=data_format, keepdims=keepdims, **kwargs)
