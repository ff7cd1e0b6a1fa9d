"""What the built-in cells share: their arguments, dropout masks, and the hooks of the fused time loop."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax import activations, initializers
from kerax.layers._layer import Layer
from kerax.layers._seeded import SeededKeys

Masks = jax.Array | None


def check_units(layer: Layer, units: Any) -> int:
    if not isinstance(units, int) or isinstance(units, bool) or units <= 0:
        raise ValueError(
            f"{type(layer).__name__} '{layer.name}': `units` must be a positive integer, received {units!r}."
        )
    return units


def check_rate(layer: Layer, name: str, value: Any) -> float:
    value = float(value)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{type(layer).__name__} '{layer.name}': `{name}` must be in [0, 1], received {value!r}.")
    return value


def gate_products(h: jax.Array, masks: jax.Array, kernel: jax.Array) -> jax.Array:
    """``concat_g((h * masks[g]) @ kernel_g)`` over the ``g`` column blocks of ``kernel``, as one matmul."""
    gates = masks.shape[0]
    blocks = kernel.reshape(kernel.shape[0], gates, -1)
    return jnp.einsum("gbu,ugv->bgv", masks * h, blocks).reshape(h.shape[0], -1)


class BuiltinCell(SeededKeys, Layer):
    """Base of ``SimpleRNNCell``, ``LSTMCell`` and ``GRUCell``.

    The kernel holds ``_gates`` blocks of ``units`` columns. ``_project(inputs, input_masks)`` maps inputs
    of any leading shape through the kernel (and the input bias); ``_recurrent_step(projected, states,
    recurrent_masks)`` returns ``(output, new_states)`` from a projected step. ``call`` runs one step of
    both; ``RNN`` projects a whole sequence with one matmul before its time loop and only runs
    ``_recurrent_step`` per step (the fused path). Dropout masks are drawn once per sequence, as in Keras:
    ``RNN`` draws them before the loop (``_draw_masks``) and the cell reuses them at every step.
    """

    _gates = 1
    # LSTM and GRU apply dropout only for 0 < rate < 1 (a rate of 1 switches it off), SimpleRNN for rate > 0.
    _rate_one_drops_all = True

    def _setup_cell(
        self,
        units: Any,
        activation: Any,
        use_bias: bool,
        kernel_initializer: Any,
        recurrent_initializer: Any,
        bias_initializer: Any,
        regularization: dict[str, Any],
        dropout: float,
        recurrent_dropout: float,
        seed: int | None,
        implementation: int = 2,
    ) -> None:
        self._keep_regularization(**regularization)
        self.units = check_units(self, units)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.dropout = check_rate(self, "dropout", dropout)
        self.recurrent_dropout = check_rate(self, "recurrent_dropout", recurrent_dropout)
        if implementation not in (1, 2):
            raise ValueError(f"{type(self).__name__} '{self.name}': `implementation` must be 1 or 2.")
        # As in Keras, recurrent dropout uses one mask per gate (implementation 1).
        self.implementation = 1 if self.recurrent_dropout != 0.0 else int(implementation)
        self._keep_seed(seed)
        self._prepared_masks: tuple[Masks, Masks] | None = None
        self.output_size = self.units

    # -- weights -------------------------------------------------------------------------------------
    def _build_kernels(self, input_shape: Any, bias_shape: tuple[int, ...], bias_initializer: Any) -> None:
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': the last dimension of the input must be known, "
                f"received shape {tuple(input_shape)}."
            )
        width = self._gates * self.units
        self.kernel = self.add_weight(
            (int(input_dim), width), self.kernel_initializer, name="kernel", **self._weight_penalties("kernel")
        )
        self.recurrent_kernel = self.add_weight(
            (self.units, width),
            self.recurrent_initializer,
            name="recurrent_kernel",
            **self._weight_penalties("recurrent"),
        )
        self.bias = (
            self.add_weight(bias_shape, bias_initializer, name="bias", **self._weight_penalties("bias"))
            if self.use_bias
            else None
        )

    # -- dropout -------------------------------------------------------------------------------------
    def _mask_count(self, rate: float) -> int:
        active = 0.0 < rate < 1.0 if self._rate_one_drops_all else rate > 0.0
        if not active:
            return 0
        return self._gates if self.implementation == 1 else 1

    def _draw(self, rate: float, shape: tuple[int, ...], dtype: Any) -> Masks:
        count = self._mask_count(rate)
        if count == 0:
            return None
        if rate >= 1.0:
            return jnp.zeros((count, *shape), dtype)
        keep = jax.random.bernoulli(self._key(), 1.0 - rate, (count, *shape))
        return keep.astype(dtype) / (1.0 - rate)

    def _draw_masks(self, batch: int, dtype: Any) -> tuple[Masks, Masks]:
        """``(input_masks, recurrent_masks)`` for a training call: each ``None`` or ``(n, batch, dim)``."""
        return (
            self._draw(self.dropout, (batch, self.kernel.shape[0]), dtype),
            self._draw(self.recurrent_dropout, (batch, self.units), dtype),
        )

    # -- the step ------------------------------------------------------------------------------------
    def _input_bias(self) -> jax.Array | None:
        return self.bias.value if self.bias is not None else None

    def _project(self, inputs: jax.Array, masks: Masks) -> jax.Array:
        """``inputs @ kernel + input bias`` (after input dropout) for inputs of any leading shape."""
        kernel = self.kernel.value
        if masks is None:
            projected = jnp.matmul(inputs, kernel)
        elif masks.shape[0] == 1:
            projected = jnp.matmul(inputs * masks[0], kernel)
        else:
            blocks = jnp.split(kernel, masks.shape[0], axis=-1)
            projected = jnp.concatenate(
                [jnp.matmul(inputs * masks[g], block) for g, block in enumerate(blocks)], axis=-1
            )
        bias = self._input_bias()
        return projected if bias is None else projected + bias

    def _recurrent_step(self, projected: jax.Array, states: tuple, masks: Masks) -> tuple[jax.Array, tuple]:
        raise NotImplementedError

    def call(self, inputs: jax.Array, states: Any, training: bool = False) -> tuple[jax.Array, Any]:
        nested = isinstance(states, list | tuple)
        flat = tuple(states) if nested else (states,)
        masks: tuple[Masks, Masks] = (None, None)
        if training:
            masks = self._prepared_masks or self._draw_masks(inputs.shape[0], inputs.dtype)
        output, new_states = self._recurrent_step(self._project(inputs, masks[0]), flat, masks[1])
        if nested or len(new_states) > 1:
            return output, list(new_states)
        return output, new_states[0]

    def get_initial_state(self, batch_size: int | None = None) -> list[jax.Array]:
        sizes = self.state_size if isinstance(self.state_size, list) else [self.state_size]
        return [jnp.zeros((batch_size, size), self.compute_dtype) for size in sizes]

    # -- config --------------------------------------------------------------------------------------
    def _cell_config(self) -> dict[str, Any]:
        return {
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            **self.regularization_config(),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
        }
