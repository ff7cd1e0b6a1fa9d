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

    The weights are ``kernel`` ``(input_dim, 3 * units)`` and ``recurrent_kernel`` ``(units, 3 * units)``,
    gates in the order update, reset, candidate, and ``bias``: ``(2, 3 * units)`` (input and recurrent
    biases) when ``reset_after=True`` (the default), ``(3 * units,)`` otherwise. One state ``h``.

    Args:
        units: the width of the output and of the state(s), a positive int.
        activation: the activation of the candidate state (default ``"tanh"``).
        recurrent_activation: the activation of the gates (default ``"sigmoid"``).
        use_bias: whether to add a bias (default ``True``).
        kernel_initializer: the initializer of ``kernel``, which acts on the inputs (default ``"glorot_uniform"``).
        recurrent_initializer: the initializer of ``recurrent_kernel``, which acts on the state (default
            ``"orthogonal"``).
        bias_initializer: the initializer of ``bias`` (default ``"zeros"``).
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
        reset_after: whether to apply the reset gate after the recurrent matrix product (default ``True``, the
            cuDNN-compatible variant Keras 3 uses by default).
        seed: the seed of the dropout masks, an int or ``None`` (default).
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``; Keras's ``implementation`` (1 or 2)
            is accepted: 1 draws one input dropout mask per gate.

    Call arguments:
        inputs: the inputs of one step, ``(batch, features)``.
        states: ``h`` or ``[h]``, ``(batch, units)``.
        training: whether the dropout applies.

    Returns:
        ``(h, new_states)``, the new states in the form they came in.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.RNN(kerax.layers.GRUCell(4), return_sequences=True)(np.ones((2, 5, 3))).shape
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

    The weights are its ``GRUCell``'s (``cell``): ``kernel``, ``recurrent_kernel`` and ``bias``.

    Args:
        units: the width of the output and of the state(s), a positive int.
        activation: the activation of the candidate state (default ``"tanh"``).
        recurrent_activation: the activation of the gates (default ``"sigmoid"``).
        use_bias: whether to add a bias (default ``True``).
        kernel_initializer: the initializer of ``kernel``, which acts on the inputs (default ``"glorot_uniform"``).
        recurrent_initializer: the initializer of ``recurrent_kernel``, which acts on the state (default
            ``"orthogonal"``).
        bias_initializer: the initializer of ``bias`` (default ``"zeros"``).
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
        return_state: whether to also return the final state: ``(output, h)`` (default ``False``).
        go_backwards: whether to process the sequence backwards (default ``False``); the output sequence comes in
            processing order.
        stateful: whether the final states of a call are the initial states of the next (default ``False``); the
            batch size must be static, and ``reset_state()`` sets them back to zeros.
        unroll: whether to unroll the time loop (``lax.scan(unroll=True)``): faster for short sequences, at the cost
            of memory and compile time (default ``False``). See ``RNN``.
        reset_after: whether to apply the reset gate after the recurrent matrix product (default ``True``).
        use_cudnn: accepted for Keras compatibility (``"auto"``, ``True`` or ``False``); kerax has no cuDNN kernel,
            so the time loop is the same on every device.
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``; Keras's ``implementation`` (1 or 2)
            is accepted: 1 draws one input dropout mask per gate.

    Call arguments:
        inputs: the sequences, ``(batch, time, features)``.
        initial_state: the initial states (``h``), or ``None`` for zeros.
        mask: a boolean ``(batch, time)`` mask, or ``None``: masked steps carry the states forward and
            repeat the previous output.
        training: whether the dropout applies.

    Input shape:
        ``(batch, time, features)``.

    Output shape:
        ``(batch, units)``, or ``(batch, time, units)`` with ``return_sequences=True``; with
        ``return_state=True``, ``(output, h)``.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.GRU(4, return_sequences=True)(np.ones((2, 5, 3))).shape
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
            seed=seed,
            implementation=kwargs.pop("implementation", 2),
            **self._cell_arguments("gru_cell", kwargs),
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
