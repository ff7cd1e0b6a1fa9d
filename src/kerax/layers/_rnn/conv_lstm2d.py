"""``ConvLSTM2D``: a convolutional LSTM over sequences of images."""

from __future__ import annotations

from typing import Any

from kerax.layers._rnn.conv_lstm import ConvLSTM


class ConvLSTM2D(ConvLSTM):
    """A 2D convolutional LSTM: an LSTM whose input and recurrent products are 2D convolutions.

    The weights, as in Keras, are ``conv_lstm_cell/kernel`` ``(*kernel_size, channels, 4 * filters)``,
    ``conv_lstm_cell/recurrent_kernel`` ``(*kernel_size, filters, 4 * filters)`` and ``conv_lstm_cell/bias``
    ``(4 * filters,)``, gates in the order input, forget, cell, output.

    Args:
        filters: the number of output channels, a positive int.
        kernel_size: an int or a tuple of 2 ints, the convolution window.
        strides: the strides of the inputs' convolution, an int or a tuple of 2 ints (default 1); not with
            ``dilation_rate > 1``.
        padding: ``"valid"`` (default) or ``"same"``, for the inputs' convolution (the recurrent one is always
            ``"same"``, stride 1).
        data_format: ``"channels_last"`` or ``"channels_first"``, or ``None`` (default) for
            ``kerax.config.image_data_format()``.
        dilation_rate: the dilation of the inputs' convolution, an int or a tuple of 2 ints (default 1).
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
        dropout: the fraction of the inputs to drop, in training only (default 0); one mask per gate, drawn once per
            sequence, applied for rates strictly between 0 and 1.
        recurrent_dropout: the fraction of the recurrent state to drop, in training only (default 0), with masks as
            for ``dropout``.
        seed: the seed of the dropout masks, an int or ``None`` (default).
        return_sequences: whether to return the output of every step instead of the last one (default ``False``).
        return_state: whether to also return the final states: ``(output, h, c)`` (default ``False``).
        go_backwards: whether to process the sequence backwards (default ``False``).
        stateful: whether the final states of a call are the initial states of the next (default ``False``); the
            batch size must be static, and ``reset_state()`` sets them back to zeros.
        **kwargs: ``unroll`` and ``zero_output_for_mask`` (as for ``RNN``; on CPU a loop of at most 32 steps is
            unrolled anyway, with the same results) and base layer keyword arguments such as ``name`` and ``dtype``.

    Call arguments:
        inputs: the sequences of feature maps.
        initial_state: ``[h, c]``, each of the shape of one output step, or ``None`` for zeros.
        mask: a boolean ``(batch, time)`` mask, or ``None``: masked steps carry the states forward.
        training: whether the dropout applies.

    Input shape:
        ``(batch, time, rows, cols, channels)`` (``"channels_last"``) or
        ``(batch, time, channels, rows, cols)`` (``"channels_first"``).

    Output shape:
        ``(batch, new_rows, new_cols, filters)`` (or channels first), with a time axis after the batch with
        ``return_sequences=True``.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> layer = kerax.layers.ConvLSTM2D(4, 3, padding="same", return_sequences=True)
        >>> layer(np.ones((2, 5, 8, 8, 3))).shape
        (2, 5, 8, 8, 4)
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
