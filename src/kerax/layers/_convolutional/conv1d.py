"""``Conv1D``: a 1-D convolution over channels-last sequences."""

from __future__ import annotations

from typing import Any

from kerax.layers._convolutional._base_conv import BaseConv


class Conv1D(BaseConv):
    """1-D convolution (temporal convolution): ``activation(conv1d(inputs, kernel) + bias)``.

    The weights are ``kernel``, of shape ``(*kernel_size, channels // groups, filters)``, and ``bias``,
    of shape ``(filters,)``.

    Args:
        filters: the number of output channels, a positive int.
        kernel_size: an int or a tuple of 1 int, the window length.
        strides: an int or a tuple of 1 int (default 1).
        padding: ``"valid"`` (default, no padding), ``"same"`` (output length ``ceil(steps / stride)``) or
            ``"causal"`` (``dilation_rate * (kernel_size - 1)`` zeros before the sequence, so that output
            ``t`` only sees inputs ``<= t``; the length is as for ``"same"``).
        data_format: ``"channels_last"`` or ``None`` (default: ``kerax.config.image_data_format()``, which
            must then be channels-last); kerax convolutions are channels-last only.
        dilation_rate: an int or a tuple of 1 int (default 1), for dilated (atrous) convolution;
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
        ``(batch, steps, channels)``.

    Output shape:
        ``(batch, new_steps, filters)``.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> layer = kerax.layers.Conv1D(8, 3, padding="causal")
        >>> layer(np.ones((2, 10, 4))).shape
        (2, 10, 8)
        >>> layer.kernel.shape
        (3, 4, 8)
    """

    def __init__(
        self,
        filters: int,
        kernel_size: int | tuple[int],
        strides: int | tuple[int] = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: int | tuple[int] = 1,
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
            rank=1,
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
