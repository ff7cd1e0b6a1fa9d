"""``AdditiveAttention``: Bahdanau-style attention, ``sum(scale * tanh(query + key))`` scores."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers._attention.attention import Attention


class AdditiveAttention(Attention):
    """Additive (Bahdanau-style) attention with Keras 3's arguments and weights.

    ``scores[i, j] = sum(scale * tanh(query[i] + key[j]))`` with a learned per-feature ``scale``
    (``use_scale=True``, initialised Glorot-uniform) or 1; ``output = softmax(scores) @ value``.

    Args:
        use_scale: whether to learn the ``(dim,)`` scale vector (default ``True``).
        dropout: the dropout rate on the attention distribution, in ``[0, 1]``, applied in training only
            (default 0).
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``, and ``seed``, the seed of
            the dropout.

    Call arguments:
        inputs: ``[query, value]`` or ``[query, value, key]``, as for ``Attention``; the query and the key
            share their last dimension.
        mask: ``[query_mask, value_mask]``, as for ``Attention``.
        training: whether the dropout applies.
        return_attention_scores: also return the ``(batch, Tq, Tv)`` attention scores.
        use_causal_mask: whether query step ``i`` only sees value steps up to ``i``.

    Input shape:
        query ``(batch, Tq, dim)``, value ``(batch, Tv, dim)`` and key ``(batch, Tv, dim)``.

    Output shape:
        ``(batch, Tq, dim)``.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> query, value = np.ones((2, 3, 4)), np.ones((2, 5, 4))
        >>> kerax.layers.AdditiveAttention()([query, value]).shape
        (2, 3, 4)
    """

    def __init__(self, use_scale: bool = True, dropout: float = 0.0, **kwargs: Any) -> None:
        super().__init__(use_scale=use_scale, dropout=dropout, **kwargs)

    def build(self, input_shape: Any) -> None:
        self._validate_inputs(input_shape)
        dim = input_shape[0][-1]
        self.scale = None
        self.concat_score_weight = None
        if self.use_scale:
            if dim is None:
                raise ValueError(
                    f"AdditiveAttention '{self.name}': the last dimension of the query must be known, "
                    f"received shape {input_shape[0]}."
                )
            self.scale = self.add_weight((dim,), "glorot_uniform", name="scale")

    def _calculate_scores(self, query: jax.Array, key: jax.Array) -> jax.Array:
        pairs = jnp.tanh(jnp.expand_dims(query, -2) + jnp.expand_dims(key, -3))  # (B, Tq, Tv, dim)
        if self.scale is not None:
            pairs = self.scale.value * pairs
        return jnp.sum(pairs, axis=-1)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        del config["score_mode"]
        return config
