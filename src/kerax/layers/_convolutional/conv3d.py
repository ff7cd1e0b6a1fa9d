"""``Conv3D``: a 3-D convolution over channels-last volumes."""

from __future__ import annotations

from typing import Any

from kerax.layers._convolutional._base_conv import BaseConv


class Conv3D(BaseConv):
    """3-D convolution (spatial convolution over volumes): ``activation(conv3d(inputs, kernel) + bias)``.

    The weights are ``kernel``, of shape ``(*kernel_size, channels // groups, filters)``, and ``bias``,
    of shape ``(filters,)``.

    Args:
        filters: the number of output channels, a positive int.
        kernel_size: an int or a tuple ``(depth, height, width)``.
        strides: an int or a tuple of 3 ints (default ``(1, 1, 1)``).
        padding: ``"valid"`` (default, no padding) or ``"same"`` (output size ``ceil(input / stride)``).
        data_format: ``"channels_last"`` or ``None`` (default: ``kerax.config.image_data_format()``, which
            must then be channels-last); kerax convolutions are channels-last only.
        dilation_rate: an int or a tuple of 3 ints (default ``(1, 1, 1)``), for dilated (atrous) convolution;
            cannot exceed 1 together with strides.
        groups: split the input channels and the filters into this many independent groups (default 1);
            both must be divisible by it.
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
        ``(batch, depth, height, width, channels)``.

    Output shape:
        ``(batch, new_depth, new_height, new_width, filters)``.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.Conv3D(4, 3)(np.ones((1, 8, 8, 8, 2))).shape
        (1, 6, 6, 6, 4)
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
