"""``DepthwiseConv1D``: a 1-D depthwise convolution over channels-last sequences."""

from __future__ import annotations

from typing import Any

from kerax.layers._convolutional._base_depthwise_conv import BaseDepthwiseConv


class DepthwiseConv1D(BaseDepthwiseConv):
    """1-D depthwise convolution: each input channel is convolved with its own ``depth_multiplier``
    filters (no mixing across channels), then bias and activation.

    Args:
        kernel_size: an int or a tuple of 1 int, the window length.
        strides: an int or a tuple of 1 int (default 1).
        padding: ``"valid"`` (no padding) or ``"same"`` (output size ``ceil(input / stride)``).
        depth_multiplier: the number of filters per input channel (default 1).
        data_format: ``"channels_last"`` or ``None`` (kerax convolutions are channels-last only).
        dilation_rate: an int or a tuple of 1 int.
        activation: a name (``"relu"``) or callable; default none (linear).
        use_bias: whether to add a bias.
        depthwise_initializer: default ``"glorot_uniform"``.
        bias_initializer: default ``"zeros"``.

    Shapes:
        ``(batch, steps, channels)`` ->
        ``(batch, new_steps, channels * depth_multiplier)``, output channel
        ``c * depth_multiplier + m`` coming from input channel ``c``;
        weights ``kernel`` (Keras's name) of shape ``(*kernel_size, channels, depth_multiplier)`` and
        ``bias`` ``(channels * depth_multiplier,)``.

    Example:
        >>> DepthwiseConv1D(3, depth_multiplier=2)(jnp.ones((2, 10, 4))).shape
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
