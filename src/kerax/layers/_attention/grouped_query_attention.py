"""``GroupQueryAttention``: attention where groups of query heads share one key/value head."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp

from kerax import constraints, initializers, regularizers
from kerax.backend import _config
from kerax.layers._attention._base import QueryValueKeyLayer, combined_attention_mask
from kerax.layers._core.einsum_dense import EinsumDense
from kerax.layers._layer import Layer
from kerax.layers._regularization.dropout import Dropout


def _large_negative(dtype: Any) -> float:
    """The fill value of masked scores, as Keras picks it: -3e4 in half precision, else -1e9."""
    return -3e4 if jnp.dtype(dtype) in (jnp.dtype("float16"), jnp.dtype("bfloat16")) else -1e9


def _positive_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


class GroupedQueryAttention(QueryValueKeyLayer):
    """Grouped-query attention (Ainslie et al., 2023), with Keras 3's weights, arguments and masking.

    ``query`` is projected to ``num_query_heads`` heads, ``key`` and ``value`` to ``num_key_value_heads``
    heads, each repeated to serve ``num_query_heads // num_key_value_heads`` query heads; each query head
    attends with ``softmax(q . k / sqrt(head_dim))`` and the heads are projected back to the query's width.
    One key/value head is multi-query attention; as many as query heads is multi-head attention. The
    weights are the ``query``, ``key``, (``gate``), ``value`` and ``attention_output`` kernels and biases,
    in that order. Also exported as ``GroupQueryAttention``, Keras's name.

    Args:
        head_dim: the size of each head.
        num_query_heads: the number of query heads.
        num_key_value_heads: the number of key and value heads; must divide ``num_query_heads``.
        dropout: the dropout rate on the attention probabilities, in ``[0, 1)``, applied in training only
            (default 0).
        use_bias: whether the projections have biases (default ``True``).
        sliding_window: a positive int: each query only sees keys less than this many positions away; or
            ``None`` (default) for no window.
        flash_attention: ``True``, ``False`` or ``None`` (default: follow ``kerax.config``); the
            computation is the same either way, and, as in Keras, flash attention refuses dropout and
            returning the scores.
        kernel_initializer: the projections' kernel initializer, a fresh copy for each projection (default
            ``"glorot_uniform"``).
        bias_initializer: the projections' bias initializer (default ``"zeros"``).
        kernel_regularizer: a regularizer on the projections' kernels, or ``None`` (default).
        bias_regularizer: a regularizer on the projections' biases, or ``None`` (default).
        activity_regularizer: a regularizer on the output of each projection and on this layer's outputs,
            as Keras applies it, or ``None`` (default).
        kernel_constraint: a constraint on the projections' kernels, or ``None`` (default).
        bias_constraint: a constraint on the projections' biases, or ``None`` (default).
        use_gate: whether to multiply the attention output by a sigmoid gate projected from the query
            (default ``False``).
        seed: the seed of the dropout, an int or ``None`` (default).
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Call arguments:
        query: the query ``(batch, T, query_dim)``.
        value: the value ``(batch, S, value_dim)``.
        key: the key ``(batch, S, key_dim)``; defaults to ``value``.
        query_mask: a boolean ``(batch, T)`` mask of the query steps, or ``None``; taken from the mask the
            query carries (``Embedding(mask_zero=True)``, ``Masking``) when not given.
        value_mask: a boolean ``(batch, S)`` mask of the value steps, or ``None``; taken from the value's
            mask when not given.
        key_mask: a boolean ``(batch, S)`` mask of the key steps, or ``None``; taken from the key's mask
            when not given.
        attention_mask: a boolean ``(batch, T, S)`` mask, ``True`` where a query step may attend to a key
            step, or ``None``.
        return_attention_scores: also return the attention scores (default ``False``).
        training: whether the dropout applies.
        use_causal_mask: whether query step ``i`` only sees key steps up to ``i`` (default ``False``).

    Returns:
        The attention output ``(batch, T, query_dim)``, and with ``return_attention_scores=True`` also the
        scores ``(batch, num_query_heads, T, S)``.

    Raises:
        ValueError: for a non-positive size, ``num_query_heads`` not divisible by ``num_key_value_heads``, a
            dropout outside ``[0, 1)``, a bad ``sliding_window``, or dropout together with flash attention.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> layer = kerax.layers.GroupedQueryAttention(head_dim=4, num_query_heads=4, num_key_value_heads=2)
        >>> query, value = np.ones((2, 3, 8)), np.ones((2, 5, 8))
        >>> outputs, scores = layer(query, value, return_attention_scores=True)
        >>> outputs.shape, scores.shape
        ((2, 3, 8), (2, 4, 3, 5))
    """

    supports_masking = True

    def __init__(
        self,
        head_dim: int,
        num_query_heads: int,
        num_key_value_heads: int,
        dropout: float = 0.0,
        use_bias: bool = True,
        sliding_window: int | None = None,
        flash_attention: bool | None = None,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        use_gate: bool = False,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        who = f"GroupQueryAttention '{self.name}'"
        for what, value in (
            ("head_dim", head_dim),
            ("num_query_heads", num_query_heads),
            ("num_key_value_heads", num_key_value_heads),
        ):
            if not _positive_int(value):
                raise ValueError(f"{who}: `{what}` must be a positive integer, received {what}={value!r}.")
        if num_query_heads % num_key_value_heads != 0:
            raise ValueError(
                f"{who}: `num_query_heads` must be divisible by `num_key_value_heads`, received "
                f"num_query_heads={num_query_heads} and num_key_value_heads={num_key_value_heads}."
            )
        if not 0 <= dropout < 1:
            raise ValueError(f"{who}: `dropout` must be in [0, 1), received {dropout!r}.")
        if sliding_window is not None and not _positive_int(sliding_window):
            raise ValueError(
                f"{who}: `sliding_window` must be None or a positive integer, received {sliding_window!r}."
            )
        self._flash_attention = flash_attention or _config.is_flash_attention_enabled()
        if self._flash_attention and dropout > 0:
            raise ValueError(f"{who}: dropout is not supported with flash attention; set dropout=0.0.")
        self.head_dim = head_dim
        self.num_query_heads = num_query_heads
        self.num_key_value_heads = num_key_value_heads
        self.num_repeats = num_query_heads // num_key_value_heads
        self.dropout = float(dropout)
        self.use_bias = bool(use_bias)
        self.use_gate = bool(use_gate)
        self.sliding_window = sliding_window
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.seed = seed
        self._inverse_sqrt_head_dim = 1.0 / math.sqrt(float(head_dim))
        self._dropout_layer = Dropout(self.dropout, seed=seed) if self.dropout > 0 else None

    # The projections keep Keras's private attribute names (`_query_dense`...), which are also the paths of
    # their weights in a `.keras` file; they are this layer's sub-layers in Keras's order.
    _PROJECTIONS = ("_query_dense", "_key_dense", "_gate_dense", "_value_dense", "_output_dense")

    def _tracked_layers(self) -> list[Layer]:
        return [self.__dict__[name] for name in self._PROJECTIONS if name in self.__dict__]

    # -- building ------------------------------------------------------------------------------------
    def _projection(self, name: str, equation: str, output_shape: tuple, bias_axes: str, **extra: Any) -> EinsumDense:
        def fresh(init: Any) -> Any:
            # Each projection gets its own copy, as in Keras (a seeded initializer must not repeat itself).
            return type(init).from_config(init.get_config()) if isinstance(init, initializers.Initializer) else init

        return EinsumDense(
            equation,
            output_shape=output_shape,
            bias_axes=bias_axes if self.use_bias else None,
            kernel_initializer=fresh(self.kernel_initializer),
            bias_initializer=fresh(self.bias_initializer),
            kernel_regularizer=self.kernel_regularizer,
            bias_regularizer=self.bias_regularizer,
            activity_regularizer=self.activity_regularizer,
            kernel_constraint=self.kernel_constraint,
            bias_constraint=self.bias_constraint,
            name=name,
            dtype=self.dtype_policy,
            **extra,
        )

    def build(
        self,
        query_shape: Sequence[int | None],
        value_shape: Sequence[int | None],
        key_shape: Sequence[int | None] | None = None,
    ) -> None:
        query_shape = tuple(query_shape)
        value_shape = tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        for what, shape in (("query", query_shape), ("value", value_shape), ("key", key_shape)):
            if len(shape) != 3:
                raise ValueError(
                    f"GroupQueryAttention '{self.name}': `{what}` must have shape (batch, length, features), "
                    f"received shape {shape}."
                )
        self.feature_dim = query_shape[-1]
        heads, kv_heads, dim = self.num_query_heads, self.num_key_value_heads, self.head_dim
        # Sub-layers are assigned in Keras's order, which is the order of `weights`.
        self._query_dense = self._projection("query", "bqm,muh->bquh", (None, heads, dim), "uh")
        self._query_dense.build(query_shape)
        self._key_dense = self._projection("key", "bkm,mvh->bkvh", (None, kv_heads, dim), "vh")
        self._key_dense.build(key_shape)
        if self.use_gate:
            self._gate_dense = self._projection("gate", "bqm,muh->bquh", (None, heads, dim), "uh", activation="sigmoid")
            self._gate_dense.build(query_shape)
        self._value_dense = self._projection("value", "bkm,mvh->bkvh", (None, kv_heads, dim), "vh")
        self._value_dense.build(value_shape)
        self._output_dense = self._projection("attention_output", "bquh,uhm->bqm", (None, self.feature_dim), "m")
        self._output_dense.build((None, None, heads, dim))

    # -- calling -------------------------------------------------------------------------------------
    def call(
        self,
        query: jax.Array,
        value: jax.Array,
        key: jax.Array | None = None,
        query_mask: Any = None,
        value_mask: Any = None,
        key_mask: Any = None,
        attention_mask: Any = None,
        return_attention_scores: bool = False,
        training: bool | None = None,
        use_causal_mask: bool = False,
    ) -> Any:
        if key is None:
            key = value
        mask = self._compute_attention_mask(
            query, value, query_mask, value_mask, key_mask, attention_mask, use_causal_mask
        )
        gate = self._gate_dense(query) if self.use_gate else None
        q = self._query_dense(query)
        k = jnp.repeat(self._key_dense(key), self.num_repeats, axis=2)
        v = jnp.repeat(self._value_dense(value), self.num_repeats, axis=2)
        output, scores = self._compute_attention(q, k, v, mask, training, return_attention_scores)
        if gate is not None:
            output = output * gate
        output = self._output_dense(output)
        if return_attention_scores:
            return output, scores
        return output

    def _compute_attention_mask(
        self,
        query: jax.Array,
        value: jax.Array,
        query_mask: Any = None,
        value_mask: Any = None,
        key_mask: Any = None,
        attention_mask: Any = None,
        use_causal_mask: bool = False,
    ) -> jax.Array | None:
        """AND of every mask given: query ``[B, T, 1]``, value and key ``[B, 1, S]``, causal, window, explicit."""
        return combined_attention_mask(
            query, value, query_mask, value_mask, key_mask, attention_mask, use_causal_mask, self.sliding_window
        )

    def _compute_attention(
        self,
        query: jax.Array,
        key: jax.Array,
        value: jax.Array,
        mask: jax.Array | None,
        training: bool | None,
        return_attention_scores: bool,
    ) -> tuple[jax.Array, jax.Array]:
        if self._flash_attention and return_attention_scores:
            raise ValueError(
                f"GroupQueryAttention '{self.name}': attention scores cannot be returned with flash attention "
                "enabled; disable flash attention to get them."
            )
        query = query * jnp.asarray(self._inverse_sqrt_head_dim, query.dtype)
        scores = jnp.einsum("bquh,bkuh->buqk", query, key)
        if mask is not None:
            while mask.ndim < scores.ndim:
                mask = jnp.expand_dims(mask, -3)  # the heads axis (and a batch axis if absent)
            scores = jnp.where(mask, scores, jnp.asarray(_large_negative(scores.dtype), scores.dtype))
        probs = jax.nn.softmax(scores, axis=-1)
        # Keras zeroes masked probabilities except on its fused path (no dropout, no scores returned),
        # where a query that may attend nowhere averages every value instead.
        fused = not (self.dropout > 0 or return_attention_scores)
        if mask is not None and not fused:
            probs = jnp.where(mask, probs, jnp.zeros((), probs.dtype))
        dropped = self._dropout_layer(probs, training=training) if self._dropout_layer is not None else probs
        output = jnp.einsum("buqk,bkuh->bquh", dropped, value)
        return output, probs

    def compute_output_shape(
        self,
        query_shape: Sequence[int | None],
        value_shape: Sequence[int | None],
        key_shape: Sequence[int | None] | None = None,
    ) -> tuple:
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        if query_shape[-1] != value_shape[-1]:
            raise ValueError(
                f"GroupQueryAttention '{self.name}': the last dimensions of `query` and `value` must be equal, "
                f"received query_shape={query_shape} and value_shape={value_shape}."
            )
        if value_shape[1:-1] != key_shape[1:-1]:
            raise ValueError(
                f"GroupQueryAttention '{self.name}': all dimensions of `value` and `key` except the last must be "
                f"equal, received value_shape={value_shape} and key_shape={key_shape}."
            )
        return query_shape

    def compute_mask(self, query: Any, previous_mask: Any = None) -> Any:
        """The query's mask passes through to the output."""
        return previous_mask

    def get_config(self) -> dict[str, Any]:
        def maybe(serialize: Any, value: Any) -> Any:
            return None if value is None else serialize(value)

        return {
            **super().get_config(),
            "head_dim": self.head_dim,
            "num_query_heads": self.num_query_heads,
            "num_key_value_heads": self.num_key_value_heads,
            "use_bias": self.use_bias,
            "use_gate": self.use_gate,
            "sliding_window": self.sliding_window,
            "dropout": self.dropout,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": maybe(regularizers.serialize, self.kernel_regularizer),
            "bias_regularizer": maybe(regularizers.serialize, self.bias_regularizer),
            "activity_regularizer": maybe(regularizers.serialize, self.activity_regularizer),
            "kernel_constraint": maybe(constraints.serialize, self.kernel_constraint),
            "bias_constraint": maybe(constraints.serialize, self.bias_constraint),
            "seed": self.seed,
        }


# Keras exports the class as `keras.layers.GroupQueryAttention`; its own name, which gives the default layer
# name ("grouped_query_attention") and the weights' paths in a `.keras` file, is GroupedQueryAttention.
GroupQueryAttention = GroupedQueryAttention
