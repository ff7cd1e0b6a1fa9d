"""``Conv3D``: a 3-D convolution over channels-last volumes."""

from __future__ import annotations

from typing import Any

from kerax.layers._convolutional._base_conv import BaseConv


class Conv3D(BaseConv):
    """3-D convolution (spatial convolution over volumes): ``activation(conv3d(inputs, kernel) + bias)``.

    Args:
        filters: the number of output channels.
        kernel_size: an int or a tuple ``(depth, height, width)``.
        strides: an int or a tuple of 3 ints (default ``(1, 1, 1)``).
        padding: ``"valid"`` (no padding) or ``"same"`` (output size ``ceil(input / stride)``).
        data_format: ``"channels_last"`` or ``None`` (kerax convolutions are channels-last only).
        dilation_rate: an int or a tuple of 3 ints, for atrous convolution.
        groups: split the input channels and filters into this many independent groups.
        activation: a name (``"relu"``) or callable; default none (linear).
        use_bias: whether to add a bias.
        kernel_initializer: default ``"glorot_uniform"``.
        bias_initializer: default ``"zeros"``.

    Shapes:
        ``(batch, depth, height, width, channels)`` -> ``(batch, new_depth, new_height, new_width,
        filters)``; weights ``kernel`` of shape ``(*kernel_size, channels // groups, filters)`` and
        ``bias`` ``(filters,)``.

    Example:
        >>> Conv3D(4, 3, padding="same")(jnp.ones((1, 8, 8, 8, 2))).shape
        (1, 8, 8, 8, 4)
    """

    def __init__(
        self,
        filters: int,
        kernel_size: int | tuple[int, int, int],
        strides: int | tuple[int, int, int] = (1, 1, 1),
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: int | tuple[int, int, int] = (1, 1, 1),
        groups: int = 1,
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
            rank=3,
            filters=filters,
            kernel_size=kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            groups=groups,
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
