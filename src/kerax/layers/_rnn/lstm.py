"""``LSTMCell`` and ``LSTM``: long short-term memory (Hochreiter and Schmidhuber, 1997)."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from kerax import activations
from kerax.layers._rnn._cell_base import BuiltinCell, Masks, gate_products
from kerax.layers._rnn.rnn import BuiltinRNN, cell_property


class LSTMCell(BuiltinCell):
    """One step of an LSTM, with Keras 3's weights.

    The weights are ``kernel`` ``(input_dim, 4 * units)``, ``recurrent_kernel`` ``(units, 4 * units)`` and
    ``bias`` ``(4 * units,)``, gates in the order input, forget, cell, output. The states are ``[h, c]``.

    Args:
        units: the width of the output and of the state(s), a positive int.
        activation: the activation of the candidate cell state and of the output (default ``"tanh"``).
        recurrent_activation: the activation of the gates (default ``"sigmoid"``).
        use_bias: whether to add a bias (default ``True``).
        kernel_initializer: the initializer of ``kernel``, which acts on the inputs (default ``"glorot_uniform"``).
        recurrent_initializer: the initializer of ``recurrent_kernel``, which acts on the state (default
            ``"orthogonal"``).
        bias_initializer: the initializer of ``bias`` (default ``"zeros"``).
        unit_forget_bias: whether to initialize the forget-gate bias to ones (default ``True``).
        kernel_regularizer: a regularizer applied to ``kernel``, or ``None`` (default).
        recurrent_regularizer: a regularizer applied to ``recurrent_kernel``, or ``None`` (default).
        bias_regularizer: a regularizer applied to ``bias``, or ``None`` (default).
        kernel_constraint: a constraint applied to ``kernel`` after each update, or ``None`` (default).
        recurrent_constraint: a constraint applied to ``recurrent_kernel`` after each update, or ``None`` (default).
        bias_constraint: a constraint applied to ``bias`` after each update, or ``None`` (default).
        dropout: the fraction of the inputs to drop, in training only (default 0); a rate of 1 applies no dropout,
            as in Keras. The masks are drawn once per sequence.
        recurrent_dropout: the fraction of the recurrent state to drop, in training only (default 0); a rate of 1
            applies no dropout, as in Keras. One mask per gate, drawn once per sequence.
        seed: the seed of the dropout masks, an int or ``None`` (default).
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``; Keras's ``implementation`` (1 or 2)
            is accepted: 1 draws one input dropout mask per gate.

    Call arguments:
        inputs: the inputs of one step, ``(batch, features)``.
        states: ``[h, c]``, each ``(batch, units)``.
        training: whether the dropout applies.

    Returns:
        ``(h, [h, c])``.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.RNN(kerax.layers.LSTMCell(4))(np.ones((2, 5, 3))).shape
        (2, 4)
    """

    _gates = 4

    def __init__(
        self,
        units: int,
        activation: Any = "tanh",
        recurrent_activation: Any = "sigmoid",
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal",
        bias_initializer: Any = "zeros",
        unit_forget_bias: bool = True,
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
        self.unit_forget_bias = bool(unit_forget_bias)
        self.state_size = [self.units, self.units]

    def build(self, input_shape: Any) -> None:
        u = self.units
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

        self._build_kernels(input_shape, (4 * u,), init)

    def _recurrent_step(self, projected: jax.Array, states: tuple, masks: Masks) -> tuple[jax.Array, tuple]:
        h, c = states
        recurrent = self.recurrent_kernel.value
        z = projected + (jnp.matmul(h, recurrent) if masks is None else gate_products(h, masks, recurrent))
        z_i, z_f, z_c, z_o = jnp.split(z, 4, axis=-1)
        i = self.recurrent_activation(z_i)
        f = self.recurrent_activation(z_f)
        c = f * c + i * self.activation(z_c)
        o = self.recurrent_activation(z_o)
        h = o * self.activation(c)
        return h, (h, c)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            **self._cell_config(),
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "unit_forget_bias": self.unit_forget_bias,
        }


class LSTM(BuiltinRNN):
    """Long short-term memory over ``(batch, time, features)`` inputs: ``RNN(LSTMCell(...))``, as in Keras 3.

    The weights are its ``LSTMCell``'s (``cell``): ``kernel``, ``recurrent_kernel`` and ``bias``.

    Args:
        units: the width of the output and of the state(s), a positive int.
        activation: the activation of the candidate cell state and of the output (default ``"tanh"``).
        recurrent_activation: the activation of the gates (default ``"sigmoid"``).
        use_bias: whether to add a bias (default ``True``).
        kernel_initializer: the initializer of ``kernel``, which acts on the inputs (default ``"glorot_uniform"``).
        recurrent_initializer: the initializer of ``recurrent_kernel``, which acts on the state (default
            ``"orthogonal"``).
        bias_initializer: the initializer of ``bias`` (default ``"zeros"``).
        unit_forget_bias: whether to initialize the forget-gate bias to ones (default ``True``).
        kernel_regularizer: a regularizer applied to ``kernel``, or ``None`` (default).
        recurrent_regularizer: a regularizer applied to ``recurrent_kernel``, or ``None`` (default).
        bias_regularizer: a regularizer applied to ``bias``, or ``None`` (default).
        activity_regularizer: a regularizer applied to the layer's output, or ``None`` (default).
        kernel_constraint: a constraint applied to ``kernel`` after each update, or ``None`` (default).
        recurrent_constraint: a constraint applied to ``recurrent_kernel`` after each update, or ``None`` (default).
        bias_constraint: a constraint applied to ``bias`` after each update, or ``None`` (default).
        dropout: the fraction of the inputs to drop, in training only (default 0); a rate of 1 applies no dropout,
            as in Keras. The masks are drawn once per sequence.
        recurrent_dropout: the fraction of the recurrent state to drop, in training only (default 0); a rate of 1
            applies no dropout, as in Keras. One mask per gate, drawn once per sequence.
        seed: the seed of the dropout masks, an int or ``None`` (default).
        return_sequences: whether to return the output of every step (``(batch, time, units)``) instead of the last
            one (default ``False``).
        return_state: whether to also return the final states: ``(output, h, c)`` (default ``False``).
        go_backwards: whether to process the sequence backwards (default ``False``); the output sequence comes in
            processing order.
        stateful: whether the final states of a call are the initial states of the next (default ``False``); the
            batch size must be static, and ``reset_state()`` sets them back to zeros.
        unroll: whether to unroll the time loop (``lax.scan(unroll=True)``): faster for short sequences, at the cost
            of memory and compile time (default ``False``). See ``RNN``.
        use_cudnn: accepted for Keras compatibility (``"auto"``, ``True`` or ``False``); kerax has no cuDNN kernel,
            so the time loop is the same on every device.
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``; Keras's ``implementation`` (1 or 2)
            is accepted: 1 draws one input dropout mask per gate.

    Call arguments:
        inputs: the sequences, ``(batch, time, features)``.
        initial_state: the initial states (``[h, c]``), or ``None`` for zeros.
        mask: a boolean ``(batch, time)`` mask, or ``None``: masked steps carry the states forward and
            repeat the previous output.
        training: whether the dropout applies.

    Input shape:
        ``(batch, time, features)``.

    Output shape:
        ``(batch, units)``, or ``(batch, time, units)`` with ``return_sequences=True``; with
        ``return_state=True``, ``(output, h, c)``.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.LSTM(4)(np.ones((2, 5, 3))).shape
        (2, 4)
        >>> outputs, h, c = kerax.layers.LSTM(4, return_sequences=True, return_state=True)(np.ones((2, 5, 3)))
        >>> outputs.shape, h.shape, c.shape
        ((2, 5, 4), (2, 4), (2, 4))
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
        unit_forget_bias: bool = True,
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
        use_cudnn: Any = "auto",
        **kwargs: Any,
    ) -> None:
        cell = LSTMCell(
            units,
            activation=activation,
            recurrent_activation=recurrent_activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            unit_forget_bias=unit_forget_bias,
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
            implementation=kwargs.pop("implementation", 2),
            **self._cell_arguments("lstm_cell", kwargs),
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
    unit_forget_bias = cell_property("unit_forget_bias")
