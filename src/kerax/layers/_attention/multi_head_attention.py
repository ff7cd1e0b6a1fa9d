"""``MultiHeadAttention``: scaled dot-product attention over several learned projections."""

from __future__ import annotations

import math
import string
from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp

from kerax import initializers, regularizers
from kerax.layers._attention._base import QueryValueKeyLayer, combined_attention_mask
from kerax.layers._layer import Layer
from kerax.layers._regularization.dropout import Dropout


class _Projection(Layer):
    """A kernel contracting the last ``bound_dims`` input axes into ``out_dims`` new axes, plus a bias.

    The weight layout is the one of the ``EinsumDense`` sub-layers Keras uses inside multi-head attention:
    kernel ``(*bound, *out_dims)``, bias ``out_dims``.
    """

    def __init__(
        self,
        bound_dims: int,
        out_dims: Sequence[int],
        use_bias: bool,
        kernel_initializer: Any,
        bias_initializer: Any,
        activation: Any = None,
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._keep_regularization(
            kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint,
        )
        self.bound_dims = bound_dims
        self.out_dims = tuple(int(d) for d in out_dims)
        self.use_bias = use_bias
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer
        self.activation = activation

    def build(self, input_shape: tuple) -> None:
        bound = tuple(input_shape[len(input_shape) - self.bound_dims :])
        if any(d is None for d in bound):
            raise ValueError(f"Layer '{self.name}': the contracted input axes must be known, received {input_shape}.")
        self.kernel = self.add_weight(
            (*bound, *self.out_dims), self.kernel_initializer, name="kernel", **self._weight_penalties("kernel")
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                self.out_dims, self.bias_initializer, name="bias", **self._weight_penalties("bias")
            )

    def call(self, inputs: jax.Array) -> jax.Array:
        n = self.bound_dims
        axes = (list(range(inputs.ndim - n, inputs.ndim)), list(range(n)))
        x = jnp.tensordot(inputs, self.kernel.value, axes=axes)
        if self.bias is not None:
            x = x + self.bias.value
        if self.activation is not None:
            x = self.activation(x)
        return x


def _attention_equations(rank: int, attn_axes: tuple[int, ...]) -> tuple[str, str, int]:
    """Einsum equations for the scores (key, query -> scores) and the combination (scores, value -> out).

    Projected tensors are ``(batch, <other dims>, <attention dims>, heads, channels)``; every axis that is
    not an attention axis nor the channel axis is a batch axis of the product.
    """
    letters = string.ascii_lowercase
    query_sub = letters[:rank]
    key_sub = ""
    extra = rank
    for i in range(rank):
        if i in attn_axes:
            key_sub += letters[extra]
            extra += 1
        else:
            key_sub += query_sub[i]
    batch_axes = [i for i in range(rank) if i not in attn_axes and i != rank - 1]
    scores_sub = (
        "".join(query_sub[i] for i in batch_axes)
        + "".join(query_sub[i] for i in attn_axes)
        + "".join(key_sub[i] for i in attn_axes)
    )
    return f"{key_sub},{query_sub}->{scores_sub}", f"{scores_sub},{key_sub}->{query_sub}", len(scores_sub)


class MultiHeadAttention(QueryValueKeyLayer):
    """Multi-head attention (Vaswani et al., 2017) with Keras 3's weights, arguments and masking.

    ``query``, ``key`` and ``value`` are projected to ``num_heads`` heads, each query attends to the keys
    with ``softmax(q . k / sqrt(key_dim))``, the weighted values of all heads are projected back. The
    query's mask passes to the output.

    Args:
        num_heads: the number of heads.
        key_dim: the size of each head for query and key.
        value_dim: the size of each head for value, or ``None`` (default) for ``key_dim``.
        dropout: the dropout rate on the attention probabilities, applied in training only (default 0).
        use_bias: whether the projections have biases (default ``True``).
        output_shape: the last dimension(s) of the output, an int or a tuple, or ``None`` (default) for the
            query's last dimension.
        attention_axes: the axes attention runs over, or ``None`` (default) for all axes but batch, heads
            and features.
        sliding_window: a positive int: each query only sees keys less than this many positions away; or
            ``None`` (default) for no window.
        flash_attention: accepted for Keras compatibility, ``True``, ``False`` or ``None`` (default); the
            computation is the same either way, and, as in Keras, ``flash_attention=True`` refuses dropout.
        kernel_initializer: the initializer of the projections' kernels (default ``"glorot_uniform"``).
        bias_initializer: the initializer of the projections' biases (default ``"zeros"``).
        kernel_regularizer: a regularizer on the projections' kernels, or ``None`` (default).
        bias_regularizer: a regularizer on the projections' biases, or ``None`` (default).
        activity_regularizer: a regularizer on the output of each projection (query, key, value, gate,
            output), as Keras applies it, or ``None`` (default).
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
        The attention output ``(batch, T, query_dim)`` (or ``output_shape``), and with
        ``return_attention_scores=True`` also the scores ``(batch, num_heads, T, S)``.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> layer = kerax.layers.MultiHeadAttention(num_heads=2, key_dim=4)
        >>> query, value = np.ones((2, 3, 8)), np.ones((2, 5, 6))
        >>> outputs, scores = layer(query, value, return_attention_scores=True)
        >>> outputs.shape, scores.shape
        ((2, 3, 8), (2, 2, 3, 5))
    """

    supports_masking = True

    def __init__(
        self,
        num_heads: int,
        key_dim: int,
        value_dim: int | None = None,
        dropout: float = 0.0,
        use_bias: bool = True,
        output_shape: Any = None,
        attention_axes: Any = None,
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
        super().__init__(**kwargs)
        who = f"MultiHeadAttention '{self.name}'"
        for what, value in (("num_heads", num_heads), ("key_dim", key_dim)):
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ValueError(f"{who}: `{what}` must be a positive integer, received {what}={value!r}.")
        if value_dim is not None and (not isinstance(value_dim, int) or isinstance(value_dim, bool) or value_dim <= 0):
            raise ValueError(f"{who}: `value_dim` must be a positive integer or None, received {value_dim!r}.")
        if not 0 <= dropout < 1:
            raise ValueError(f"{who}: `dropout` must be in [0, 1), received {dropout!r}.")
        if sliding_window is not None and (
            not isinstance(sliding_window, int) or isinstance(sliding_window, bool) or sliding_window <= 0
        ):
            raise ValueError(
                f"{who}: `sliding_window` must be None or a positive integer, received {sliding_window!r}."
            )
        if flash_attention and dropout > 0:
            raise ValueError(f"{who}: dropout is not supported with flash attention; set dropout=0.0.")
        # As in Keras, these apply to the projections' kernels, biases and outputs, not to this layer's output.
        self._keep_regularization(
            kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint,
        )
        self._projection_activity_regularizer = regularizers.get(activity_regularizer)
        if output_shape:
            if isinstance(output_shape, int):
                output_shape = (output_shape,)
            try:
                output_shape = tuple(int(d) for d in output_shape)
            except TypeError as error:
                raise ValueError(
                    f"{who}: `output_shape` must be an int, a tuple or a list, received {output_shape!r}."
                ) from error
        else:
            output_shape = None
        if isinstance(attention_axes, int):
            attention_axes = (attention_axes,)
        elif attention_axes is not None:
            if not isinstance(attention_axes, list | tuple):
                raise ValueError(
                    f"{who}: `attention_axes` must be an int, a list or a tuple, received {attention_axes!r}."
                )
            attention_axes = tuple(attention_axes)
        self._num_heads = num_heads
        self._key_dim = key_dim
        self._value_dim = value_dim if value_dim else key_dim
        self._dropout = float(dropout)
        self._use_bias = bool(use_bias)
        self._output_shape = output_shape
        self._attention_axes = attention_axes
        self._sliding_window = sliding_window
        self._use_gate = bool(use_gate)
        self._kernel_initializer = initializers.get(kernel_initializer)
        self._bias_initializer = initializers.get(bias_initializer)
        self.seed = seed
        self._inverse_sqrt_key_dim = 1.0 / math.sqrt(float(key_dim))
        self._dropout_layer = Dropout(self._dropout, seed=seed) if self._dropout > 0 else None

    num_heads = property(lambda self: self._num_heads)
    key_dim = property(lambda self: self._key_dim)
    value_dim = property(lambda self: self._value_dim)
    dropout = property(lambda self: self._dropout)
    use_bias = property(lambda self: self._use_bias)
    attention_axes = property(lambda self: self._attention_axes)

    # -- building ------------------------------------------------------------------------------------
    def _projection(self, name: str, bound: int, out: Sequence[int], activation: Any = None) -> _Projection:
        def fresh(init: Any) -> Any:
            # Each projection gets its own copy, as in Keras (a seeded initializer must not repeat itself).
            return type(init).from_config(init.get_config()) if isinstance(init, initializers.Initializer) else init

        return _Projection(
            bound,
            out,
            self._use_bias,
            fresh(self._kernel_initializer),
            fresh(self._bias_initializer),
            activation=activation,
            kernel_regularizer=self.kernel_regularizer,
            bias_regularizer=self.bias_regularizer,
            kernel_constraint=self.kernel_constraint,
            bias_constraint=self.bias_constraint,
            activity_regularizer=self._projection_activity_regularizer,
            name=name,
            dtype=self.dtype,
        )

    def _three_shapes(
        self,
        query_shape: Sequence[int | None],
        value_shape: Sequence[int | None] | None,
        key_shape: Sequence[int | None] | None,
    ) -> tuple[tuple, tuple, tuple]:
        """The three shapes as tuples (value defaults to query, key to value), value and key checked to agree."""
        query_shape = tuple(query_shape)
        value_shape = query_shape if value_shape is None else tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        if value_shape[1:-1] != key_shape[1:-1]:
            raise ValueError(
                f"MultiHeadAttention '{self.name}': all dimensions of `value` and `key` except the last must be "
                f"equal, received value_shape={value_shape} and key_shape={key_shape}."
            )
        return query_shape, value_shape, key_shape

    def build(
        self,
        query_shape: Sequence[int | None],
        value_shape: Sequence[int | None] | None = None,
        key_shape: Sequence[int | None] | None = None,
    ) -> None:
        query_shape, value_shape, key_shape = self._three_shapes(query_shape, value_shape, key_shape)
        heads = self._num_heads
        # Sub-layers are assigned in Keras's order, which is the order of `weights`.
        self.query_dense = self._projection("query", 1, (heads, self._key_dim))
        self.query_dense.build(query_shape)
        self.key_dense = self._projection("key", 1, (heads, self._key_dim))
        self.key_dense.build(key_shape)
        if self._use_gate:
            self.gate_dense = self._projection("gate", 1, (heads, self._value_dim), activation=jax.nn.sigmoid)
            self.gate_dense.build(query_shape)
        self.value_dense = self._projection("value", 1, (heads, self._value_dim))
        self.value_dense.build(value_shape)
        rank = len(value_shape) + 1  # the rank of the projected tensors
        if self._attention_axes is None:
            axes = tuple(range(1, rank - 2))
        else:
            axes = tuple(a if a >= 0 else (rank - 1) + a for a in self._attention_axes)
        self._attention_axes = axes
        self._dot_product_equation, self._combine_equation, scores_rank = _attention_equations(rank, axes)
        self._norm_axes = tuple(range(scores_rank - len(axes), scores_rank))
        output_dims = self._output_shape or (query_shape[-1],)
        self.output_dense = self._projection("attention_output", 2, output_dims)
        self.output_dense.build((*query_shape[:-1], heads, self._value_dim))

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
        mask = self._combined_mask(query, value, query_mask, value_mask, key_mask, attention_mask, use_causal_mask)
        gate = self.gate_dense(query) if self._use_gate else None
        q = self.query_dense(query)
        k = self.key_dense(key)
        v = self.value_dense(value)
        output, scores = self._compute_attention(q, k, v, mask, training, return_attention_scores)
        if gate is not None:
            output = output * gate
        output = self.output_dense(output)
        if return_attention_scores:
            return output, scores
        return output

    def _combined_mask(
        self,
        query: jax.Array,
        value: jax.Array,
        query_mask: Any,
        value_mask: Any,
        key_mask: Any,
        attention_mask: Any,
        use_causal_mask: bool,
    ) -> jax.Array | None:
        """AND of every mask given: query ``[B, T, 1]``, value and key ``[B, 1, S]``, causal, window, explicit."""
        return combined_attention_mask(
            query, value, query_mask, value_mask, key_mask, attention_mask, use_causal_mask, self._sliding_window
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
        query = query * jnp.asarray(self._inverse_sqrt_key_dim, query.dtype)
        scores = jnp.einsum(self._dot_product_equation, key, query)
        if mask is not None:
            # The mask [B, T, S] lines up with the trailing axes; insert the heads axis (and any other
            # batch axes) in front of the attention axes.
            expand_at = -len(self._attention_axes) * 2 - 1
            while mask.ndim < scores.ndim:
                mask = jnp.expand_dims(mask, expand_at)
            scores = jnp.where(mask, scores, jnp.asarray(-1e9, scores.dtype))
        if len(self._norm_axes) > 1:
            probs = jnp.exp(scores - jax.nn.logsumexp(scores, axis=self._norm_axes, keepdims=True))
        else:
            probs = jax.nn.softmax(scores, axis=self._norm_axes[0])
        # Keras zeroes masked probabilities except on its fused path (no dropout, no scores returned,
        # rank-4 projections), where a query that may attend nowhere averages every value instead.
        fused = not (self._dropout > 0 or return_attention_scores or query.ndim != 4)
        if mask is not None and not fused:
            probs = jnp.where(mask, probs, jnp.zeros((), probs.dtype))
        dropped = self._dropout_layer(probs, training=training) if self._dropout_layer is not None else probs
        output = jnp.einsum(self._combine_equation, dropped, value)
        return output, probs

    def compute_output_shape(
        self,
        query_shape: Sequence[int | None],
        value_shape: Sequence[int | None] | None = None,
        key_shape: Sequence[int | None] | None = None,
    ) -> tuple:
        query_shape, value_shape, key_shape = self._three_shapes(query_shape, value_shape, key_shape)
        if self._output_shape:
            return query_shape[:-1] + self._output_shape
        return query_shape

    def compute_mask(self, query: Any, previous_mask: Any = None) -> Any:
        """The query's mask passes through to the output."""
        return previous_mask

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "num_heads": self._num_heads,
            "key_dim": self._key_dim,
            "value_dim": self._value_dim,
            "dropout": self._dropout,
            "use_bias": self._use_bias,
            "use_gate": self._use_gate,
            "output_shape": self._output_shape,
            "attention_axes": self._attention_axes,
            "sliding_window": self._sliding_window,
            "kernel_initializer": initializers.serialize(self._kernel_initializer),
            "bias_initializer": initializers.serialize(self._bias_initializer),
            **self.regularization_config(),
            "activity_regularizer": (
                None
                if self._projection_activity_regularizer is None
                else regularizers.serialize(self._projection_activity_regularizer)
            ),
            "seed": self.seed,
        }
