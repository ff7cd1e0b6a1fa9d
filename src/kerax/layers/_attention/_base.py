"""The call shared by the attention layers called as ``layer(query, value, key=None)``."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax.backend._masking import get_keras_mask, set_keras_mask
from kerax.layers._layer import Layer


def _shape(x: Any) -> tuple | None:
    return None if x is None else tuple(x.shape)


def combined_attention_mask(
    query: jax.Array,
    value: jax.Array,
    query_mask: Any,
    value_mask: Any,
    key_mask: Any,
    attention_mask: Any,
    use_causal_mask: bool,
    sliding_window: int | None,
) -> jax.Array | None:
    """The AND of every mask given (``None`` when there is none), as multi-head and grouped-query attention take it.

    Args:
        query: The query, ``[B, T, ...]``.
        value: The value, ``[B, S, ...]``.
        query_mask: ``None`` or ``[B, T]``, applied as ``[B, T, 1]``.
        value_mask: ``None`` or ``[B, S]``, applied as ``[B, 1, S]``.
        key_mask: ``None`` or ``[B, S]``, applied as ``[B, 1, S]``.
        attention_mask: ``None`` or an explicit ``[B, T, S]`` mask.
        use_causal_mask: Whether query step ``t`` sees only value steps up to ``t``.
        sliding_window: ``None`` or the number of steps on either side a query step sees (``|t - s| < window``).
    """
    combined = None

    def merge(m: jax.Array) -> None:
        nonlocal combined
        combined = m if combined is None else combined & m

    if query_mask is not None:
        merge(jnp.expand_dims(jnp.asarray(query_mask).astype(bool), -1))
    if value_mask is not None:
        merge(jnp.expand_dims(jnp.asarray(value_mask).astype(bool), -2))
    if key_mask is not None:
        merge(jnp.expand_dims(jnp.asarray(key_mask).astype(bool), -2))
    rows = jnp.arange(query.shape[1])[:, None]
    cols = jnp.arange(value.shape[1])[None, :]
    if use_causal_mask:
        merge((rows >= cols)[None])
    if sliding_window is not None:
        merge((jnp.abs(rows - cols) < sliding_window)[None])
    if attention_mask is not None:
        explicit = jnp.asarray(attention_mask).astype(bool)
        combined = explicit if combined is None else explicit & combined
    return combined


class QueryValueKeyLayer(Layer):
    """A layer called on ``(query, value, key=None)`` and built from their three shapes at the first call.

    ``value`` and ``key`` keep the masks they carry through conversion, so their masks reach ``call``.
    """

    def __call__(self, query: Any, value: Any, key: Any = None, **kwargs: Any) -> Any:
        # Conversion may make new arrays: they keep the masks the given ones carry.
        value_mask, key_mask = get_keras_mask(value), get_keras_mask(key)
        value = self._convert_input(value)
        key = self._convert_input(key)
        if value_mask is not None:
            set_keras_mask(value, value_mask)
        if key_mask is not None:
            set_keras_mask(key, key_mask)
        if not self.built:
            self.build(_shape(query), _shape(value), _shape(key))
        return super().__call__(query, value, key, **kwargs)
