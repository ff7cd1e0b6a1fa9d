"""``SeparableConv1D``: a 1-D depthwise-separable convolution over channels-last sequences."""

from __future__ import annotations

from typing import Any

from kerax.layers._convolutional._base_separable_conv import BaseSeparableConv


class SeparableConv1D(BaseSeparableConv):
    """1-D separable convolution: a depthwise convolution (``depth_multiplier`` filters per input channel)
    followed by a pointwise convolution mixing the channels into ``filters`` outputs, then bias and
    activation.

    The weights are ``depthwise_kernel``, of shape ``(*kernel_size, channels, depth_multiplier)``,
    ``pointwise_kernel``, of shape ``(1, channels * depth_multiplier, filters)``, and ``bias``, of shape
    ``(filters,)``.

    Args:
        filters: the number of output channels, a positive int.
        kernel_size: an int or a tuple of 1 int, the window length, the depthwise window.
        strides: an int or a tuple of 1 int (default 1), of the depthwise step.
        padding: ``"valid"`` (default, no padding) or ``"same"`` (output size ``ceil(input / stride)``).
        data_format: ``"channels_last"`` or ``None`` (default: ``kerax.config.image_data_format()``, which
            must then be channels-last); kerax convolutions are channels-last only.
        dilation_rate: an int or a tuple of 1 int (default 1), of the depthwise step.
        depth_multiplier: the number of depthwise filters per input channel, a positive int (default 1).
        activation: the activation, a name (``"relu"``) or a callable, or ``None`` (default) for none
            (linear).
        use_bias: whether to add a bias (default ``True``).
        depthwise_initializer: the initializer of the depthwise kernel (default ``"glorot_uniform"``).
        pointwise_initializer: the initializer of the pointwise kernel (default ``"glorot_uniform"``).
        bias_initializer: the initializer of the bias (default ``"zeros"``).
        depthwise_regularizer: a regularizer applied to the depthwise kernel, or ``None`` (default).
        pointwise_regularizer: a regularizer applied to the pointwise kernel, or ``None`` (default).
        bias_regularizer: a regularizer applied to the bias, or ``None`` (default).
        activity_regularizer: a regularizer applied to the layer's output, or ``None`` (default).
        depthwise_constraint: a constraint applied to the depthwise kernel after each update, or ``None`` (default).
        pointwise_constraint: a constraint applied to the pointwise kernel after each update, or ``None`` (default).
        bias_constraint: a constraint applied to the bias after each update, or ``None`` (default).
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Input shape:
        ``(batch, steps, channels)``.

    Output shape:
        ``(batch, new_steps, filters)``.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.SeparableConv1D(8, 3, padding="same")(np.ones((2, 10, 4))).shape
        (2, 10, 8)
    """

    def __init__(
        self,
        filters: int,
        kernel_size: int | tuple[int],
        strides: int | tuple[int] = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: int | tuple[int] = 1,
        depth_multiplier: int = 1,
        activation: Any = None,
        use_bias: bool = True,
        depthwise_initializer: Any = "glorot_uniform",
        pointwise_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        depthwise_regularizer: Any = None,
        pointwise_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        depthwise_constraint: Any = None,
        pointwise_constraint: Any = None,
        bias_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            rank=1,
            depth_multiplier=depth_multiplier,
            filters=filters,
            kernel_size=kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            activation=activation,
            use_bias=use_bias,
            depthwise_initializer=depthwise_initializer,
            pointwise_initializer=pointwise_initializer,
            bias_initializer=bias_initializer,
            depthwise_regularizer=depthwise_regularizer,
            pointwise_regularizer=pointwise_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            depthwise_constraint=depthwise_constraint,
            pointwise_constraint=pointwise_constraint,
            bias_constraint=bias_constraint,
            **kwargs,
        )
