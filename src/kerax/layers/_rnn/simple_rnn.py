"""``SimpleRNN``: a fully connected recurrent layer, ``h_t = activation(x_t W + h_{t-1} U + b)``."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers._rnn._base_rnn import BaseRNN


class SimpleRNN(BaseRNN):
    """A fully connected recurrent layer over ``(batch, time, features)`` inputs.

    Weights: ``kernel`` ``(input_dim, units)``, ``recurrent_kernel`` ``(units, units)``, ``bias`` ``(units,)``.

    Args:
        units: the width of the output and of the state.
        activation: default ``"tanh"``.
        use_bias, initializers, dropout, recurrent_dropout, return_sequences, return_state, go_backwards,
        unroll: as for ``LSTM``; ``return_state`` returns ``[output, h]``.

    Call arguments: ``inputs``, ``initial_state``, ``mask``, ``training``.

    Example:
        >>> SimpleRNN(4)(jnp.ones((2, 5, 3))).shape
        (2, 4)
    """

    _has_recurrent_activation = False

    def __init__(self, units: int, **kwargs: Any) -> None:
        if "recurrent_activation" in kwargs:
            raise TypeError("SimpleRNN: unexpected keyword argument 'recurrent_activation'.")
        super().__init__(units, **kwargs)

    def _build_cell(self, input_dim: int) -> None:
        u = self.units
        self.kernel = self.add_weight(
            (input_dim, u), self.kernel_initializer, name="kernel", **self._weight_penalties("kernel")
        )
        self.recurrent_kernel = self.add_weight(
            (u, u), self.recurrent_initializer, name="recurrent_kernel", **self._weight_penalties("recurrent")
        )
        self.bias = (
            self.add_weight((u,), self.bias_initializer, name="bias", **self._weight_penalties("bias"))
            if self.use_bias
            else None
        )

    def _cell(self, projected: jax.Array, states: tuple, params: dict, recurrent_mask: Any) -> tuple:
        (h,) = states
        if recurrent_mask is not None:
            h = h * recurrent_mask
        return (self.activation(projected + jnp.matmul(h, params["recurrent_kernel"])),)
