"""``GlobalAveragePooling1D``: the mean over the steps axis."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers._pooling._base_global_pooling import BaseGlobalPooling


class GlobalAveragePooling1D(BaseGlobalPooling):
    """Average over the steps axis of a sequence batch.

    Also exported as ``GlobalAvgPool1D``.

    Args:
        data_format: ``"channels_last"`` (``(batch, ..., channels)``) or ``"channels_first"``
            (``(batch, channels, ...)``), or ``None`` (default) for ``kerax.config.image_data_format()``.
        keepdims: whether to keep the steps axis with size 1 (default ``False``).
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Call arguments:
        inputs: the sequences.
        mask: an optional ``(batch, steps)`` boolean mask, ``True`` for a real step: the mean then runs over
            the unmasked steps only.

    Input shape:
        ``(batch, steps, channels)``, or ``(batch, channels, steps)`` with
        ``"channels_first"``.

    Output shape:
        ``(batch, channels)``, or ``(batch, 1, channels)`` with ``keepdims=True``.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.GlobalAveragePooling1D()(np.ones((2, 10, 16))).shape
        (2, 16)
        >>> kerax.layers.GlobalAveragePooling1D(keepdims=True)(np.ones((2, 10, 16))).shape
        (2, 1, 16)
        >>> x = np.array([[[1.0], [3.0], [100.0]]])
        >>> kerax.layers.GlobalAveragePooling1D()(x, mask=np.array([[True, True, False]]))
        Array([[2.]], dtype=float32)
    """

    supports_masking = True
    _reduce = staticmethod(jnp.mean)

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any) -> None:
        super().__init__(pool_dimensions=1, data_format=data_format, keepdims=keepdims, **kwargs)

    def call(self, inputs: jax.Array, mask: Any = None) -> jax.Array:
        if mask is None:
            return super().call(inputs)
        steps_axis = 1 if self.data_format == "channels_last" else 2
        keep = jnp.expand_dims(jnp.asarray(mask).astype(bool), 2 if steps_axis == 1 else 1)
        total = jnp.sum(jnp.where(keep, inputs, jnp.zeros((), inputs.dtype)), axis=steps_axis, keepdims=self.keepdims)
        count = jnp.sum(keep.astype(inputs.dtype), axis=steps_axis, keepdims=self.keepdims)
        return total / count

    def compute_mask(self, inputs: Any, mask: Any = None) -> None:
        """Pooling over the steps removes the step mask."""
        return None
