"""``DepthwiseConv1D``: a 1-D depthwise convolution over channels-last sequences."""

from __future__ import annotations

from typing import Any

from kerax.layers._convolutional._base_depthwise_conv import BaseDepthwiseConv


class DepthwiseConv1D(BaseDepthwiseConv):
    """1-D depthwise convolution: each input channel is convolved with its own ``depth_multiplier``
    filters (no mixing across channels), then bias and activation.

    Output channel ``c * depth_multiplier + m`` comes from input channel ``c``. The weights are ``kernel``
    (Keras's name), of shape ``(*kernel_size, channels, depth_multiplier)``, and ``bias``, of shape
    ``(channels * depth_multiplier,)``.

    Args:
        kernel_size: an int or a tuple of 1 int, the window length.
        strides: an int or a tuple of 1 int (default 1).
        padding: ``"valid"`` (default, no padding) or ``"same"`` (output size ``ceil(input / stride)``).
        depth_multiplier: the number of filters per input channel, a positive int (default 1).
        data_format: ``"channels_last"`` or ``None`` (default: ``kerax.config.image_data_format()``, which
            must then be channels-last); kerax convolutions are channels-last only.
        dilation_rate: an int or a tuple of 1 int (default 1).
        activation: the activation, a name (``"relu"``) or a callable, or ``None`` (default) for none
            (linear).
        use_bias: whether to add a bias (default ``True``).
        depthwise_initializer: the initializer of the kernel (default ``"glorot_uniform"``).
        bias_initializer: the initializer of the bias (default ``"zeros"``).
        depthwise_regularizer: a regularizer applied to the kernel, or ``None`` (default).
        bias_regularizer: a regularizer applied to the bias, or ``None`` (default).
        activity_regularizer: a regularizer applied to the layer's output, or ``None`` (default).
        depthwise_constraint: a constraint applied to the kernel after each update, or ``None`` (default).
        bias_constraint: a constraint applied to the bias after each update, or ``None`` (default).
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Input shape:
        ``(batch, steps, channels)``.

    Output shape:
        ``(batch, new_steps, channels * depth_multiplier)``.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.DepthwiseConv1D(3, depth_multiplier=2)(np.ones((2, 10, 4))).shape
        (2, 8, 8)
    """

    def __init__(
        self,
        kernel_size: int | tuple[int],
        strides: int | tuple[int] = 1,
        padding: str = "valid",
        depth_multiplier: int = 1,
        data_format: str | None = None,
        dilation_rate: int | tuple[int] = 1,
        activation: Any = None,
        use_bias: bool = True,
        depthwise_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        depthwise_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        depthwise_constraint: Any = None,
        bias_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            rank=1,
            depth_multiplier=depth_multiplier,
            kernel_size=kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            activation=activation,
            use_bias=use_bias,
            depthwise_initializer=depthwise_initializer,
            bias_initializer=bias_initializer,
            depthwise_regularizer=depthwise_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            depthwise_constraint=depthwise_constraint,
            bias_constraint=bias_constraint,
            **kwargs,
        )
