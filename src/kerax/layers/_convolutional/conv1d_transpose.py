"""``Conv1DTranspose``: a 1-D transposed convolution over channels-last sequences."""

from __future__ import annotations

from typing import Any

from kerax.layers._convolutional._base_conv_transpose import BaseConvTranspose


class Conv1DTranspose(BaseConvTranspose):
    """1-D transposed convolution (sometimes called deconvolution): each input position spreads over a
    window of outputs, upsampling by ``strides``.

    The weights are ``kernel``, of shape ``(*kernel_size, filters, channels)`` as in Keras, and ``bias``,
    of shape ``(filters,)``.

    Args:
        filters: the number of output channels, a positive int.
        kernel_size: an int or a tuple of 1 int, the window length.
        strides: an int or a tuple of 1 int (default 1): the upsampling factor.
        padding: ``"valid"`` (default) or ``"same"``, the padding of the convolution this layer transposes.
        output_padding: ``None`` (default) or an int or a tuple of 1 int, each smaller than its stride: the
            extra size added at the end of each spatial dimension. Output size per dimension, with
            ``k = dilation_rate * (kernel_size - 1) + 1``: ``"same"``: ``input * stride`` when ``None``, else
            ``(input - 1) * stride + k % 2 + output_padding``; ``"valid"``: ``(input - 1) * stride + k +
            output_padding``, ``None`` meaning ``max(k, stride) - k``.
        data_format: ``"channels_last"`` or ``None`` (default: ``kerax.config.image_data_format()``, which
            must then be channels-last); kerax convolutions are channels-last only.
        dilation_rate: an int or a tuple of 1 int (default 1); cannot exceed 1 together with
            strides.
        activation: the activation, a name (``"relu"``) or a callable, or ``None`` (default) for none
            (linear).
        use_bias: whether to add a bias (default ``True``).
        kernel_initializer: the initializer of the kernel (default ``"glorot_uniform"``).
        bias_initializer: the initializer of the bias (default ``"zeros"``).
        kernel_regularizer: a regularizer applied to the kernel, or ``None`` (default).
        bias_regularizer: a regularizer applied to the bias, or ``None`` (default).
        activity_regularizer: a regularizer applied to the layer's output, or ``None`` (default).
        kernel_constraint: a constraint applied to the kernel after each update, or ``None`` (default).
        bias_constraint: a constraint applied to the bias after each update, or ``None`` (default).
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Input shape:
        ``(batch, steps, channels)``.

    Output shape:
        ``(batch, new_steps, filters)``.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.Conv1DTranspose(4, 3, strides=2, padding="same")(np.ones((2, 5, 3))).shape
        (2, 10, 4)
    """

    def __init__(
        self,
        filters: int,
        kernel_size: int | tuple[int],
        strides: int | tuple[int] = 1,
        padding: str = "valid",
        output_padding: int | tuple[int] | None = None,
        data_format: str | None = None,
        dilation_rate: int | tuple[int] = 1,
        activation: Any = None,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            rank=1,
            filters=filters,
            kernel_size=kernel_size,
            strides=strides,
            padding=padding,
            output_padding=output_padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint,
            **kwargs,
        )
