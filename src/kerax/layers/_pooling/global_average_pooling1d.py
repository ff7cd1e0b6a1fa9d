"""``GlobalAveragePooling1D``: the mean over the steps axis."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers._pooling._base_global_pooling import BaseGlobalPooling


class GlobalAveragePooling1D(BaseGlobalPooling):
    """Average over the steps axis of a sequence batch.

    Args:
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.
        keepdims: keep the steps axis with size 1 (default ``False``).

    Call arguments: ``inputs``, ``mask`` (``(batch, steps)``, ``True`` = a real step): the mean then runs
    over the unmasked steps only.

    Shapes:
        ``(batch, steps, channels)`` -> ``(batch, channels)``, or ``(batch, 1, channels)`` with ``keepdims=True``.

    Example:
        >>> GlobalAveragePooling1D()(jnp.ones((2, 10, 16))).shape
        (2, 16)
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
