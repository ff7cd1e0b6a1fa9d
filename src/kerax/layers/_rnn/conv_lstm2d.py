"""``ConvLSTM2D``: a convolutional LSTM over sequences of images."""

from __future__ import annotations

from typing import Any

from kerax.layers._rnn.conv_lstm import ConvLSTM


class ConvLSTM2D(ConvLSTM):
    """A 2D convolutional LSTM: an LSTM whose input and recurrent products are 2D convolutions.

    Inputs ``(batch, time, rows, cols, channels)`` (``channels_last``) or ``(batch, time, channels, rows, cols)``
    (``channels_first``); outputs ``(batch, [time,] new_rows, new_cols, filters)`` (or channels first), the time axis
    with ``return_sequences``. Weights, as in Keras: ``conv_lstm_cell/kernel`` ``(*kernel_size, channels,
    4 * filters)``, ``conv_lstm_cell/recurrent_kernel`` ``(*kernel_size, filters, 4 * filters)`` and
    ``conv_lstm_cell/bias`` ``(4 * filters,)``, gates in the order input, forget, cell, output.

    Args:
        filters: the number of output channels.
        kernel_size: an int or a tuple of 2 ints, the convolution window.
        strides: the strides of the inputs' convolution (an int or 2 ints); not with ``dilation_rate > 1``.
        padding: ``"valid"`` (default) or ``"same"``, for the inputs' convolution (the recurrent one is
            always ``"same"``, stride 1).
        data_format: ``"channels_last"`` or ``"channels_first"``; default
            ``kerax.config.image_data_format()``.
        dilation_rate: the dilation of the inputs' convolution (an int or 2 ints).
        activation: the cell and output activation, default ``"tanh"``.
        recurrent_activation: the gates' activation, default ``"sigmoid"``.
        use_bias: whether to add a bias (default True).
        kernel_initializer: default ``"glorot_uniform"``.
        recurrent_initializer: default ``"orthogonal"``.
        bias_initializer: default ``"zeros"``.
        unit_forget_bias: initialize the forget-gate bias to ones (default True).
        kernel_regularizer: a penalty on the kernel.
        recurrent_regularizer: a penalty on the recurrent kernel.
        bias_regularizer: a penalty on the bias.
        activity_regularizer: a penalty on the layer's output.
        kernel_constraint: a projection of the kernel after each optimizer step.
        recurrent_constraint: a projection of the recurrent kernel.
        bias_constraint: a projection of the bias.
        dropout: the drop rate of the inputs in training (one mask per gate and sequence).
        recurrent_dropout: the drop rate of the recurrent state in training.
        seed: the seed of the dropout masks.
        return_sequences: return the output of every step instead of the last one.
        return_state: also return the final states: ``(output, h, c)``.
        go_backwards: process the sequence backwards.
        stateful: carry each call's final states into the next call (the batch size must be static).
        **kwargs: ``unroll``, ``zero_output_for_mask`` (as for ``RNN``) and base layer arguments
            (``name``, ``dtype``, ``trainable``).

    Call arguments: ``inputs``, ``initial_state`` (``[h, c]``), ``mask`` (boolean ``(batch, time)``:
    masked steps carry the states forward), ``training``.

    Example:
        >>> ConvLSTM2D(4, 3, padding="same")(jnp.ones((2, 5, 8, 8, 3))).shape
        (2, 8, 8, 4)
    """

    def __init__(
        self,
        filters: int,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: Any = 1,
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
        **kwargs: Any,
    ) -> None:
        super().__init__(
            rank=2,
            filters=filters,
            kernel_size=kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            activation=activation,
            recurrent_activation=recurrent_activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            unit_forget_bias=unit_forget_bias,
            kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            seed=seed,
            return_sequences=return_sequences,
            return_state=return_state,
            go_backwards=go_backwards,
            stateful=stateful,
            **kwargs,
        )
