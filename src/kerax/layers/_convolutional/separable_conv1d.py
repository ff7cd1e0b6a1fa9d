"""``SeparableConv1D``: a 1-D depthwise-separable convolution over channels-last sequences."""

from __future__ import annotations

from typing import Any

from kerax.layers._convolutional._base_separable_conv import BaseSeparableConv


class SeparableConv1D(BaseSeparableConv):
    """1-D separable convolution: a depthwise convolution (``depth_multiplier`` filters per input channel)
    followed by a pointwise convolution mixing the channels into ``filters`` outputs, then bias and
    activation.

    Args:
        filters: the number of output channels.
        kernel_size: an int or a tuple of 1 int, the window length, the depthwise window.
        strides: an int or a tuple of 1 int (default 1).
        padding: ``"valid"`` (no padding) or ``"same"`` (output size ``ceil(input / stride)``).
        data_format: ``"channels_last"`` or ``None`` (kerax convolutions are channels-last only).
        dilation_rate: an int or a tuple of 1 int.
        depth_multiplier: the number of depthwise filters per input channel (default 1).
        activation: a name (``"relu"``) or callable; default none (linear).
        use_bias: whether to add a bias.
        depthwise_initializer, pointwise_initializer: default ``"glorot_uniform"``.
        bias_initializer: default ``"zeros"``.

    Shapes:
        ``(batch, steps, channels)`` -> ``(batch, new_steps, filters)``;
        weights ``depthwise_kernel`` of shape
        ``(*kernel_size, channels, depth_multiplier)``, ``pointwise_kernel``
        ``(1, channels * depth_multiplier, filters)`` and ``bias`` ``(filters,)``.

    Example:
        >>> SeparableConv1D(8, 3, padding="same")(jnp.ones((2, 10, 4))).shape
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
