"""``Attention``: dot-product (Luong-style) or concat attention between a query and a value sequence."""

from __future__ import annotations

import numbers
from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers._layer import Layer
from kerax.layers._regularization.dropout import Dropout


class Attention(Layer):
    """Dot-product (Luong-style) or concat attention of each query step over the value steps.

    ``scores = query @ key^T`` (``score_mode="dot"``, times a learned scalar ``scale`` if ``use_scale``),
    or ``scores = concat_score_weight * sum(tanh(scale * (query + key)))`` (``score_mode="concat"``);
    ``output = softmax(scores) @ value``. Arguments and weights are Keras 3's.

    Args:
        use_scale: whether to learn a scalar ``scale`` (initialised to 1) multiplying the scores (default
            ``False``).
        score_mode: how scores are computed, ``"dot"`` (default) or ``"concat"``.
        dropout: the dropout rate on the attention distribution, in ``[0, 1]``, applied in training only
            (default 0).
        seed: the seed of the dropout, an int or ``None`` (default).
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Call arguments:
        inputs: ``[query, value]`` or ``[query, value, key]``; ``key`` defaults to ``value``.
        mask: ``[query_mask, value_mask]``, boolean ``(batch, Tq)`` and ``(batch, Tv)``, either may be
            ``None``: masked values get no attention, masked query steps output zeros.
        training: whether the dropout applies.
        return_attention_scores: also return the ``(batch, Tq, Tv)`` attention scores (default ``False``).
        use_causal_mask: whether query step ``i`` only sees value steps up to ``i`` (default ``False``).

    Input shape:
        query ``(batch, Tq, dim)``, value ``(batch, Tv, dim)`` and key ``(batch, Tv, dim)``.

    Output shape:
        ``(batch, Tq, dim)``, and the scores ``(batch, Tq, Tv)`` with ``return_attention_scores=True``.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> query, value = np.ones((2, 3, 4)), np.ones((2, 5, 4))
        >>> outputs, scores = kerax.layers.Attention()([query, value], return_attention_scores=True)
        >>> outputs.shape, scores.shape
        ((2, 3, 4), (2, 3, 5))
        >>> np.asarray(scores[0, 0]).round(2)  # equal keys: equal attention
        array([0.2, 0.2, 0.2, 0.2, 0.2], dtype=float32)
    """

    def __init__(
        self,
        use_scale: bool = False,
        score_mode: str = "dot",
        dropout: float = 0.0,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        who = f"{type(self).__name__} '{self.name}'"
        if score_mode not in ("dot", "concat"):
            raise ValueError(f"{who}: `score_mode` must be 'dot' or 'concat', received score_mode={score_mode!r}.")
        if isinstance(dropout, bool) or not isinstance(dropout, numbers.Real) or not 0 <= dropout < 1:
            raise ValueError(f"{who}: `dropout` must be a float in [0, 1), received dropout={dropout!r}.")
        self.use_scale = bool(use_scale)
        self.score_mode = score_mode
        self.dropout = dropout
        self.seed = seed
        self._dropout_layer = Dropout(float(dropout), seed=seed) if dropout > 0 else None

    def _validate_inputs(self, inputs: Any, mask: Any = None) -> None:
        who = f"{type(self).__name__} '{self.name}'"
        if not isinstance(inputs, list | tuple):
            raise ValueError(
                f"{who} must be called on a list of inputs, [query, value] or [query, value, key]; "
                f"received {type(inputs).__name__}."
            )
        if not 2 <= len(inputs) <= 3:
            raise ValueError(
                f"{who} accepts a list of 2 or 3 inputs, [query, value] or [query, value, key]; received {len(inputs)}."
            )
        if mask is not None:
            if not isinstance(mask, list | tuple):
                raise ValueError(
                    f"{who}: `mask` must be a list, [query_mask, value_mask]; received {type(mask).__name__}."
                )
            if not 2 <= len(mask) <= 3:
                raise ValueError(f"{who}: `mask` must be a list of 2 or 3 masks, received {len(mask)}.")

    def build(self, input_shape: Any) -> None:
        self._validate_inputs(input_shape)
        self.scale = None
        self.concat_score_weight = None
        if self.use_scale:
            self.scale = self.add_weight((), "ones", name="scale")
        if self.score_mode == "concat":
            self.concat_score_weight = self.add_weight((), "ones", name="concat_score_weight")

    def _calculate_scores(self, query: jax.Array, key: jax.Array) -> jax.Array:
        if self.score_mode == "dot":
            scores = jnp.matmul(query, jnp.swapaxes(key, -2, -1))
            if self.scale is not None:
                scores = scores * self.scale.value
            return scores
        pairs = jnp.expand_dims(query, -2) + jnp.expand_dims(key, -3)  # (B, Tq, Tv, dim)
        if self.scale is not None:
            pairs = self.scale.value * pairs
        return self.concat_score_weight.value * jnp.sum(jnp.tanh(pairs), axis=-1)

    def call(
        self,
        inputs: list,
        mask: list | None = None,
        training: bool | None = False,
        return_attention_scores: bool = False,
        use_causal_mask: bool = False,
    ) -> Any:
        self._validate_inputs(inputs, mask)
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        query_mask = None if not mask or mask[0] is None else jnp.asarray(mask[0]).astype(bool)
        value_mask = None if not mask or mask[1] is None else jnp.asarray(mask[1]).astype(bool)
        scores = self._calculate_scores(query, key)
        allowed = None
        if value_mask is not None:
            allowed = jnp.expand_dims(value_mask, -2)  # (B, 1, Tv)
        if use_causal_mask:
            tq, tv = scores.shape[-2], scores.shape[-1]
            causal = (jnp.arange(tq)[:, None] >= jnp.arange(tv)[None, :])[None]
            allowed = causal if allowed is None else allowed & causal
        if allowed is not None:
            big = 65504.0 if scores.dtype == jnp.float16 else 1.0e9
            scores = jnp.where(allowed, scores, scores - jnp.asarray(big, scores.dtype))
        weights = jax.nn.softmax(scores, axis=-1)
        if training and self._dropout_layer is not None:
            weights = self._dropout_layer(weights, training=True)
        output = jnp.matmul(weights, value)
        if query_mask is not None:
            output = jnp.where(jnp.expand_dims(query_mask, -1), output, jnp.zeros((), output.dtype))
        if return_attention_scores:
            return output, weights
        return output

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        """The query's mask passes through."""
        self._validate_inputs(inputs, mask)
        if mask is None or mask[0] is None:
            return None
        return jnp.asarray(mask[0])

    def compute_output_shape(self, input_shape: Any) -> tuple:
        query_shape, value_shape = tuple(input_shape[0]), tuple(input_shape[1])
        return (*query_shape[:-1], value_shape[-1])

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "use_scale": self.use_scale,
            "score_mode": self.score_mode,
            "dropout": self.dropout,
            "seed": self.seed,
        }
