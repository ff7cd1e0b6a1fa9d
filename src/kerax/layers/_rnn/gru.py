"""``GRUCell`` and ``GRU``: the gated recurrent unit (Cho et al., 2014)."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax import activations
from kerax.layers._rnn._cell_base import BuiltinCell, Masks, gate_products
from kerax.layers._rnn.rnn import BuiltinRNN, cell_property


class GRUCell(BuiltinCell):
    """One step of a GRU, with Keras 3's weights.

    Weights: ``kernel`` ``(input_dim, 3 * units)``, ``recurrent_kernel`` ``(units, 3 * units)``, gates in
    the order update, reset, candidate; ``bias`` ``(2, 3 * units)`` (input and recurrent biases) when
    ``reset_after=True`` (the default), ``(3 * units,)`` otherwise. One state ``h``.

    Args:
        units: the width of the output and of the state.
        activation: default ``"tanh"``. recurrent_activation: default ``"sigmoid"``.
        use_bias, kernel_initializer, recurrent_initializer, bias_initializer, kernel_regularizer,
            recurrent_regularizer, bias_regularizer, kernel_constraint, recurrent_constraint,
            bias_constraint, dropout, recurrent_dropout, seed: as for ``LSTMCell``.
        reset_after: apply the reset gate after the recurrent matrix product (default ``True``).

    Call arguments: ``inputs`` ``(batch, features)``, ``states`` (``h`` or ``[h]``), ``training``.
    Returns ``(h, new states)`` in the form the states came in.

    Example:
        >>> RNN(GRUCell(4), return_sequences=True)(jnp.ones((2, 5, 3))).shape
        (2, 5, 4)
    """

    _gates = 3

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
        kernel_constraint: Any = None,
        recurrent_constraint: Any = None,
        bias_constraint: Any = None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        reset_after: bool = True,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        implementation = kwargs.pop("implementation", 2)
        super().__init__(**kwargs)
        self._setup_cell(
            units,
            activation,
            use_bias,
            kernel_initializer,
            recurrent_initializer,
            bias_initializer,
            {
                "kernel_regularizer": kernel_regularizer,
                "recurrent_regularizer": recurrent_regularizer,
                "bias_regularizer": bias_regularizer,
                "kernel_constraint": kernel_constraint,
                "recurrent_constraint": recurrent_constraint,
                "bias_constraint": bias_constraint,
            },
            dropout,
            recurrent_dropout,
            seed,
            implementation,
        )
        self.recurrent_activation = activations.get(recurrent_activation)
        self.reset_after = bool(reset_after)
        self.state_size = self.units

    def build(self, input_shape: Any) -> None:
        shape = (2, 3 * self.units) if self.reset_after else (3 * self.units,)
        self._build_kernels(input_shape, shape, self.bias_initializer)

    def _input_bias(self) -> jax.Array | None:
        if self.bias is None:
            return None
        bias = self.bias.value
        return bias[0] if self.reset_after else bias

    def _recurrent_step(self, projected: jax.Array, states: tuple, masks: Masks) -> tuple[jax.Array, tuple]:
        (h,) = states
        u = self.units
        recurrent = self.recurrent_kernel.value
        x_z, x_r, x_h = projected[:, :u], projected[:, u : 2 * u], projected[:, 2 * u :]
        if self.reset_after:
            inner = jnp.matmul(h, recurrent) if masks is None else gate_products(h, masks, recurrent)
            if self.bias is not None:
                inner = inner + self.bias.value[1]
            z = self.recurrent_activation(x_z + inner[:, :u])
            r = self.recurrent_activation(x_r + inner[:, u : 2 * u])
            candidate = r * inner[:, 2 * u :]
        else:
            gates = recurrent[:, : 2 * u]
            inner = jnp.matmul(h, gates) if masks is None else gate_products(h, masks[:2], gates)
            z = self.recurrent_activation(x_z + inner[:, :u])
            r = self.recurrent_activation(x_r + inner[:, u:])
            h_candidate = h if masks is None else h * masks[2]
            candidate = jnp.matmul(r * h_candidate, recurrent[:, 2 * u :])
        hh = self.activation(x_h + candidate)
        h = z * h + (1 - z) * hh
        return h, (h,)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            **self._cell_config(),
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "reset_after": self.reset_after,
        }


class GRU(BuiltinRNN):
    """Gated recurrent unit over ``(batch, time, features)`` inputs: ``RNN(GRUCell(...))``, as in Keras 3.

    The weights are its ``GRUCell``'s (``cell``).

    Args:
        units, activation, recurrent_activation, use_bias, initializers, regularizers, constraints,
            dropout, recurrent_dropout, seed, reset_after: as for ``GRUCell``.
        activity_regularizer: a penalty on the layer's output.
        return_sequences, return_state, go_backwards, stateful, unroll: as for ``RNN``; ``return_state``
            returns ``(output, h)``.
        use_cudnn: accepted for Keras compatibility; the loop is a ``lax.scan``.

    Call arguments: ``inputs``, ``initial_state``, ``mask``, ``training``.

    Example:
        >>> GRU(4, return_sequences=True)(jnp.ones((2, 5, 3))).shape
        (2, 5, 4)
    """

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
        reset_after: bool = True,
        use_cudnn: Any = "auto",
        **kwargs: Any,
    ) -> None:
        cell = GRUCell(
            units,
            activation=activation,
            recurrent_activation=recurrent_activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            reset_after=reset_after,
            dtype=kwargs.get("dtype"),
            trainable=kwargs.get("trainable", True),
            name="gru_cell",
            seed=seed,
            implementation=kwargs.pop("implementation", 2),
        )
        super().__init__(
            cell,
            return_sequences=return_sequences,
            return_state=return_state,
            go_backwards=go_backwards,
            stateful=stateful,
            unroll=unroll,
            activity_regularizer=activity_regularizer,
            **kwargs,
        )
        self.use_cudnn = self._check_cudnn(use_cudnn)

    recurrent_activation = cell_property("recurrent_activation")
    reset_after = cell_property("reset_after")
