"""``LSTM``: the long short-term memory layer (Hochreiter and Schmidhuber, 1997)."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from kerax.layers._rnn._base_rnn import BaseRNN


class LSTM(BaseRNN):
    """Long short-term memory over ``(batch, time, features)`` inputs, with Keras 3's weights.

    Weights: ``kernel`` ``(input_dim, 4 * units)``, ``recurrent_kernel`` ``(units, 4 * units)`` and
    ``bias`` ``(4 * units,)``, gates in the order input, forget, cell, output.

    Args:
        units: the width of the output and of both states.
        activation: default ``"tanh"``. recurrent_activation: default ``"sigmoid"`` (the gates).
        use_bias, kernel_initializer, recurrent_initializer (default ``"orthogonal"``), bias_initializer.
        unit_forget_bias: initialize the forget-gate bias to ones (default ``True``).
        dropout, recurrent_dropout: rates for the inputs and the recurrent state, during training only.
        return_sequences: return the whole output sequence instead of the last output.
        return_state: also return the final states: ``[output, h, c]``.
        go_backwards: process the sequence backwards (the output sequence comes in processing order).
        unroll: unroll the time loop (accepted; the loop is a ``lax.scan`` either way).

    Call arguments: ``inputs``, ``initial_state`` (``[h, c]``), ``mask`` (boolean ``(batch, time)``:
    masked steps carry the states forward and repeat the previous output), ``training``.

    Example:
        >>> LSTM(4)(jnp.ones((2, 5, 3))).shape
        (2, 4)
    """

    _num_states = 2

    def __init__(self, units: int, unit_forget_bias: bool = True, **kwargs: Any) -> None:
        super().__init__(units, **kwargs)
        self.unit_forget_bias = bool(unit_forget_bias)

    def _build_cell(self, input_dim: int) -> None:
        u = self.units
        self.kernel = self.add_weight(
            (input_dim, 4 * u), self.kernel_initializer, name="kernel", **self._weight_penalties("kernel")
        )
        self.recurrent_kernel = self.add_weight(
            (u, 4 * u), self.recurrent_initializer, name="recurrent_kernel", **self._weight_penalties("recurrent")
        )
        if self.use_bias:
            init: Any = self.bias_initializer
            if self.unit_forget_bias:
                base = self.bias_initializer

                def init(shape: tuple, dtype: Any = "float32") -> np.ndarray:
                    return np.concatenate(
                        [
                            np.asarray(base((u,), dtype=dtype)),
                            np.ones((u,), np.dtype(dtype)),
                            np.asarray(base((2 * u,), dtype=dtype)),
                        ]
                    )

            self.bias = self.add_weight((4 * u,), init, name="bias", **self._weight_penalties("bias"))
        else:
            self.bias = None

    def _cell(self, projected: jax.Array, states: tuple, params: dict, recurrent_mask: Any) -> tuple:
        h, c = states
        if recurrent_mask is not None:
            h = h * recurrent_mask
        z = projected + jnp.matmul(h, params["recurrent_kernel"])
        zi, zf, zc, zo = jnp.split(z, 4, axis=-1)
        i = self.recurrent_activation(zi)
        f = self.recurrent_activation(zf)
        c = f * c + i * self.activation(zc)
        o = self.recurrent_activation(zo)
        return o * self.activation(c), c

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["unit_forget_bias"] = self.unit_forget_bias
        return config
