"""``SimpleRNNCell`` and ``SimpleRNN``: ``h_t = activation(x_t W + b + h_{t-1} U)``."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers._rnn._cell_base import BuiltinCell, Masks
from kerax.layers._rnn.rnn import BuiltinRNN


class SimpleRNNCell(BuiltinCell):
    """One step of a fully connected recurrent layer, with Keras 3's weights.

    Weights: ``kernel`` ``(input_dim, units)``, ``recurrent_kernel`` ``(units, units)``, ``bias`` ``(units,)``.
    One state ``h``, which is also the output.

    Args:
        units: the width of the output and of the state.
        activation: default ``"tanh"``.
        use_bias, kernel_initializer, recurrent_initializer, bias_initializer, kernel_regularizer,
            recurrent_regularizer, bias_regularizer, kernel_constraint, recurrent_constraint,
            bias_constraint, seed: as for ``LSTMCell``.
        dropout, recurrent_dropout: rates for the inputs and the recurrent state, during training only
            (a rate of 1 drops everything, as in Keras).

    Call arguments: ``sequence`` ``(batch, features)``, ``states`` (``h`` or ``[h]``), ``training``.

    Example:
        >>> RNN(SimpleRNNCell(4))(jnp.ones((2, 5, 3))).shape
        (2, 4)
    """

    _rate_one_drops_all = False

    def __init__(
        self,
        units: int,
        activation: Any = "tanh",
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
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
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
        )
        self.implementation = 2
        self.state_size = self.units

    def build(self, input_shape: Any) -> None:
        self._build_kernels(input_shape, (self.units,), self.bias_initializer)

    def _recurrent_step(self, projected: jax.Array, states: tuple, masks: Masks) -> tuple[jax.Array, tuple]:
        (h,) = states
        if masks is not None:
            h = h * masks[0]
        output = self.activation(projected + jnp.matmul(h, self.recurrent_kernel.value))
        return output, (output,)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), **self._cell_config()}


class SimpleRNN(BuiltinRNN):
    """A fully connected recurrent layer over ``(batch, time, features)`` inputs: ``RNN(SimpleRNNCell(...))``.

    The weights are its ``SimpleRNNCell``'s (``cell``).

    Args:
        units, activation, use_bias, initializers, regularizers, constraints, dropout,
            recurrent_dropout, seed: as for ``SimpleRNNCell``.
        activity_regularizer: a penalty on the layer's output.
        return_sequences, return_state, go_backwards, stateful, unroll: as for ``RNN``; ``return_state``
            returns ``(output, h)``.

    Call arguments: ``inputs``, ``initial_state``, ``mask``, ``training``.

    Example:
        >>> SimpleRNN(4)(jnp.ones((2, 5, 3))).shape
        (2, 4)
    """

    def __init__(
        self,
        units: int,
        activation: Any = "tanh",
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
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        stateful: bool = False,
        unroll: bool = False,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        cell = SimpleRNNCell(
            units,
            activation=activation,
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
            seed=seed,
            dtype=kwargs.get("dtype"),
            trainable=kwargs.get("trainable", True),
            name="simple_rnn_cell",
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
