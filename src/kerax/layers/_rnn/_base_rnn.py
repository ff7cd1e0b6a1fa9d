"""The shared machinery of the recurrent layers: arguments, masks, dropout and the ``lax.scan`` time loop."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax import activations, initializers
from kerax.backend._variables import Variable
from kerax.layers._input_spec import InputSpec
from kerax.layers._layer import Layer
from kerax.layers._regularization._noise import SeededNoiseMixin


def _check_rate(layer: Layer, name: str, value: Any) -> float:
    value = float(value)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{type(layer).__name__} '{layer.name}': `{name}` must be in [0, 1], received {value!r}.")
    return value


class BaseRNN(SeededNoiseMixin, Layer):
    """A recurrent layer over ``(batch, time, features)`` inputs; subclasses define the cell.

    Subclasses set ``_num_states``, create their weights in ``_build_cell(input_dim)`` and implement
    ``_cell(projected_t, states, params, recurrent_mask)`` returning the new states (the output is
    ``states[0]``). The inputs' projection (``x @ kernel + input bias``, after input dropout) is one
    matmul over the whole sequence before the time loop, so each step only multiplies the state.
    """

    _num_states = 1
    _has_recurrent_activation = True

    def __init__(
        self,
        units: int,
        activation: Any = "tanh",
        recurrent_activation: Any = "sigmoid",
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        recurrent_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        recurrent_constraint: Any = None,
        bias_constraint: Any = None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        seed: int | None = None,
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        stateful: bool = False,
        unroll: bool = False,
        zero_output_for_mask: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if not isinstance(units, int) or isinstance(units, bool) or units <= 0:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': `units` must be a positive integer, received {units!r}."
            )
        self._keep_regularization(
            kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
        )
        self.units = units
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.dropout = _check_rate(self, "dropout", dropout)
        self.recurrent_dropout = _check_rate(self, "recurrent_dropout", recurrent_dropout)
        self.seed = seed
        self._draws = 0
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = bool(stateful)
        self.unroll = bool(unroll)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.input_spec = InputSpec(ndim=3)
        self._state_variables: list[Variable] | None = None

    # -- subclass hooks ------------------------------------------------------------------------------
    def _build_cell(self, input_dim: int) -> None:
        raise NotImplementedError

    def _cell(self, projected: jax.Array, states: tuple, params: dict, recurrent_mask: Any) -> tuple:
        raise NotImplementedError

    def _input_bias(self, params: dict) -> jax.Array | None:
        """The bias added to the inputs' projection (the whole bias, unless a subclass splits it)."""
        return params["bias"]

    def _project_inputs(self, xs: jax.Array, params: dict, input_mask: Any) -> jax.Array:
        """``(time, batch, features)`` inputs -> their projection through the kernel, for every step at once."""
        if input_mask is not None:
            xs = xs * input_mask  # the same dropout mask at every time step, as Keras draws it
        projected = jnp.matmul(xs, params["kernel"])
        bias = self._input_bias(params)
        return projected if bias is None else projected + bias

    def _cell_params(self) -> dict[str, Any]:
        return {
            "kernel": self.kernel.value,
            "recurrent_kernel": self.recurrent_kernel.value,
            "bias": self.bias.value if self.bias is not None else None,
        }

    # -- building ------------------------------------------------------------------------------------
    def build(self, input_shape: tuple[int | None, ...]) -> None:
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': the last dimension of the input must be known, "
                f"received shape {input_shape}."
            )
        self._build_cell(int(input_dim))
        self.input_spec = InputSpec(ndim=3, axes={-1: int(input_dim)})
        if self.stateful:
            batch = input_shape[0]
            if batch is None:
                raise ValueError(
                    f"{type(self).__name__} '{self.name}': with `stateful=True` the batch size must be static; "
                    f"received input shape {input_shape}. Give `batch_size` to `Input` (or `batch_input_shape`)."
                )
            # As in Keras, the states are variables of the layer but not among its weights.
            self._state_variables = [
                Variable(
                    lambda shape, dtype: jnp.zeros(shape, dtype),
                    shape=(int(batch), self.units),
                    dtype=self.variable_dtype,
                    trainable=False,
                    name="rnn_state",
                    path=f"{self.name}/rnn_state",
                )
                for _ in range(self._num_states)
            ]

    @property
    def states(self) -> list[Variable] | None:
        """The state variables of a stateful layer (``None`` otherwise, or before building)."""
        return self._state_variables

    def reset_state(self) -> None:
        """Set the states of a stateful layer back to zeros."""
        for var in self._state_variables or []:
            var.assign(jnp.zeros(var.shape, var.dtype))

    reset_states = reset_state

    # -- calling -------------------------------------------------------------------------------------
    def _initial_states(self, inputs: jax.Array, initial_state: Any) -> tuple:
        batch = inputs.shape[0]
        if initial_state is None:
            return tuple(jnp.zeros((batch, self.units), self.compute_dtype) for _ in range(self._num_states))
        if not isinstance(initial_state, list | tuple):
            initial_state = [initial_state]
        if len(initial_state) != self._num_states:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': expected {self._num_states} initial state tensor(s), "
                f"received {len(initial_state)}."
            )
        states = []
        for s in initial_state:
            s = jnp.asarray(s, self.compute_dtype)
            if tuple(s.shape) != (batch, self.units):
                raise ValueError(
                    f"{type(self).__name__} '{self.name}': each initial state must have shape "
                    f"{(batch, self.units)}, received {tuple(s.shape)}."
                )
            states.append(s)
        return tuple(states)

    def _dropout_mask(self, rate: float, shape: tuple[int, ...], dtype: Any) -> jax.Array | None:
        if rate <= 0.0:
            return None
        if rate >= 1.0:
            return jnp.zeros(shape, dtype)
        keep = jax.random.bernoulli(self._key(), 1.0 - rate, shape)
        return keep.astype(dtype) / (1.0 - rate)

    def call(
        self,
        inputs: jax.Array,
        initial_state: Any = None,
        mask: Any = None,
        training: bool | None = None,
    ) -> Any:
        batch, _, input_dim = inputs.shape
        stateful = self._state_variables is not None
        if stateful:
            expected = self._state_variables[0].shape[0]
            if batch != expected:
                raise ValueError(
                    f"{type(self).__name__} '{self.name}': the layer is stateful with batch size {expected}, "
                    f"but received inputs of batch size {batch}."
                )
            if initial_state is None:
                initial_state = [v.value for v in self._state_variables]
        states = self._initial_states(inputs, initial_state)
        if training:
            masks = (
                self._dropout_mask(self.dropout, (batch, input_dim), inputs.dtype),
                self._dropout_mask(self.recurrent_dropout, (batch, self.units), inputs.dtype),
            )
        else:
            masks = (None, None)
        params = self._cell_params()
        xs = self._project_inputs(jnp.swapaxes(inputs, 0, 1), params, masks[0])  # (time, batch, k * units)
        if mask is not None:
            mask = jnp.swapaxes(jnp.asarray(mask).astype(bool).reshape(batch, -1), 0, 1)
        if self.go_backwards:
            xs = jnp.flip(xs, axis=0)
            if mask is not None:
                mask = jnp.flip(mask, axis=0)

        if mask is None:

            def step(carry: tuple, x_t: jax.Array) -> tuple:
                new = self._cell(x_t, carry, params, masks[1])
                return new, new[0]

            final, outputs = jax.lax.scan(step, states, xs, unroll=self.unroll)
        else:
            zero_output = self.zero_output_for_mask

            def step(carry: tuple, xm: tuple) -> tuple:
                x_t, m_t = xm
                new = self._cell(x_t, carry, params, masks[1])
                keep = m_t[:, None]
                merged = tuple(jnp.where(keep, n, o) for n, o in zip(new, carry, strict=True))
                out = jnp.where(keep, new[0], jnp.zeros_like(new[0])) if zero_output else merged[0]
                return merged, out

            final, outputs = jax.lax.scan(step, states, (xs, mask), unroll=self.unroll)

        if stateful:
            # Eager calls carry the final states to the next call; traced calls (jit, symbolic shape
            # inference) leave them alone rather than leak tracers.
            for var, value in zip(self._state_variables, final, strict=True):
                if not isinstance(value, jax.core.Tracer):
                    var.assign(value)
        last_output = outputs[-1]
        output = jnp.swapaxes(outputs, 0, 1) if self.return_sequences else last_output
        if self.return_state:
            return (output, *final)
        return output

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        """The time-step mask for whole sequences (``return_sequences``), none for states or a last step."""
        if isinstance(mask, list | tuple):
            mask = mask[0] if mask else None
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask, *([None] * self._num_states)]
        return output_mask

    # -- config --------------------------------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        config = {
            **super().get_config(),
            **self.regularization_config(),
            "units": self.units,
            "activation": activations.serialize(self.activation),
        }
        if self._has_recurrent_activation:
            config["recurrent_activation"] = activations.serialize(self.recurrent_activation)
        config.update(
            {
                "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "dropout": self.dropout,
                "recurrent_dropout": self.recurrent_dropout,
                "seed": self.seed,
                "return_sequences": self.return_sequences,
                "return_state": self.return_state,
                "go_backwards": self.go_backwards,
                "stateful": self.stateful,
                "unroll": self.unroll,
                "zero_output_for_mask": self.zero_output_for_mask,
            }
        )
        return config
