"""``SimpleRNNCell`` and ``SimpleRNN``: ``h_t = activation(x_t W + b + h_{t-1} U)``."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers._rnn._cell_base import BuiltinCell, Masks
from kerax.layers._rnn.rnn import BuiltinRNN


class SimpleRNNCell(BuiltinCell):
    """One step of a fully connected recurrent layer, with Keras 3's weights.

    The weights are ``kernel`` ``(input_dim, units)``, ``recurrent_kernel`` ``(units, units)`` and ``bias``
    ``(units,)``. One state ``h``, which is also the output.

    Args:
        units: the width of the output and of the state(s), a positive int.
        activation: the activation of the output (default ``"tanh"``).
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
        dropout: the fraction of the inputs to drop, in training only (default 0); a rate of 1 drops everything, as
            in Keras. One mask per sequence.
        recurrent_dropout: the fraction of the recurrent state to drop, in training only (default 0); a rate of 1
            drops everything, as in Keras.
        seed: the seed of the dropout masks, an int or ``None`` (default).
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Call arguments:
        sequence: the inputs of one step, ``(batch, features)``.
        states: ``h`` or ``[h]``, ``(batch, units)``.
        training: whether the dropout applies.

    Returns:
        ``(h, new_states)``, the new states in the form they came in.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.RNN(kerax.layers.SimpleRNNCell(4))(np.ones((2, 5, 3))).shape
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

    The weights are its ``SimpleRNNCell``'s (``cell``): ``kernel``, ``recurrent_kernel`` and ``bias``.

    Args:
        units: the width of the output and of the state(s), a positive int.
        activation: the activation of the output (default ``"tanh"``).
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
        dropout: the fraction of the inputs to drop, in training only (default 0); a rate of 1 drops everything, as
            in Keras. One mask per sequence.
        recurrent_dropout: the fraction of the recurrent state to drop, in training only (default 0); a rate of 1
            drops everything, as in Keras.
        return_sequences: whether to return the output of every step (``(batch, time, units)``) instead of the last
            one (default ``False``).
        return_state: whether to also return the final state: ``(output, h)`` (default ``False``).
        go_backwards: whether to process the sequence backwards (default ``False``); the output sequence comes in
            processing order.
        stateful: whether the final states of a call are the initial states of the next (default ``False``); the
            batch size must be static, and ``reset_state()`` sets them back to zeros.
        unroll: whether to unroll the time loop (``lax.scan(unroll=True)``): faster for short sequences, at the cost
            of memory and compile time (default ``False``). See ``RNN``.
        seed: the seed of the dropout masks, an int or ``None`` (default).
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

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
        >>> kerax.layers.SimpleRNN(4)(np.ones((2, 5, 3))).shape
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
            **self._cell_arguments("simple_rnn_cell", kwargs),
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
