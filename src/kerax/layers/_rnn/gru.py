"""``GRU``: the gated recurrent unit layer (Cho et al., 2014)."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers._rnn._base_rnn import BaseRNN


class GRU(BaseRNN):
    """Gated recurrent unit over ``(batch, time, features)`` inputs, with Keras 3's weights.

    Weights: ``kernel`` ``(input_dim, 3 * units)``, ``recurrent_kernel`` ``(units, 3 * units)``, gates in
    the order update, reset, candidate; ``bias`` ``(2, 3 * units)`` (input and recurrent biases) when
    ``reset_after=True`` (the default), ``(3 * units,)`` otherwise.

    Args:
        units: the width of the output and of the state.
        activation: default ``"tanh"``. recurrent_activation: default ``"sigmoid"``.
        reset_after: apply the reset gate after the recurrent matrix product (default ``True``).
        use_bias, initializers, dropout, recurrent_dropout, return_sequences, return_state, go_backwards,
        unroll: as for ``LSTM``; ``return_state`` returns ``[output, h]``.

    Call arguments: ``inputs``, ``initial_state``, ``mask``, ``training``.

    Example:
        >>> GRU(4, return_sequences=True)(jnp.ones((2, 5, 3))).shape
        (2, 5, 4)
    """

    def __init__(self, units: int, reset_after: bool = True, **kwargs: Any) -> None:
        super().__init__(units, **kwargs)
        self.reset_after = bool(reset_after)

    def _build_cell(self, input_dim: int) -> None:
        u = self.units
        self.kernel = self.add_weight(
            (input_dim, 3 * u), self.kernel_initializer, name="kernel", **self._weight_penalties("kernel")
        )
        self.recurrent_kernel = self.add_weight(
            (u, 3 * u), self.recurrent_initializer, name="recurrent_kernel", **self._weight_penalties("recurrent")
        )
        if self.use_bias:
            shape = (2, 3 * u) if self.reset_after else (3 * u,)
            self.bias = self.add_weight(shape, self.bias_initializer, name="bias", **self._weight_penalties("bias"))
        else:
            self.bias = None

    def _input_bias(self, params: dict) -> jax.Array | None:
        bias = params["bias"]
        return bias[0] if bias is not None and self.reset_after else bias

    def _cell(self, projected: jax.Array, states: tuple, params: dict, recurrent_mask: Any) -> tuple:
        (h,) = states
        u = self.units
        bias = params["bias"]
        h_in = h * recurrent_mask if recurrent_mask is not None else h
        recurrent_bias = bias[1] if bias is not None and self.reset_after else None
        x_z, x_r, x_h = projected[:, :u], projected[:, u : 2 * u], projected[:, 2 * u :]
        rk = params["recurrent_kernel"]
        if self.reset_after:
            inner = jnp.matmul(h_in, rk)
            if recurrent_bias is not None:
                inner = inner + recurrent_bias
        else:
            inner = jnp.matmul(h_in, rk[:, : 2 * u])
        z = self.recurrent_activation(x_z + inner[:, :u])
        r = self.recurrent_activation(x_r + inner[:, u : 2 * u])
        if self.reset_after:
            rec_h = r * inner[:, 2 * u :]
        else:
            rec_h = jnp.matmul(r * h_in, rk[:, 2 * u :])
        hh = self.activation(x_h + rec_h)
        return (z * h + (1 - z) * hh,)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["reset_after"] = self.reset_after
        return config
