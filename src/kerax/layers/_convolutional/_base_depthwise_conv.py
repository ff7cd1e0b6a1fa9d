"""``BaseDepthwiseConv``: the N-D depthwise convolution behind ``DepthwiseConv1D``/``DepthwiseConv2D``."""

from __future__ import annotations

from typing import Any

import jax

from kerax import activations, initializers
from kerax.layers import _conv_utils as cu
from kerax.layers._convolutional._base_conv import (
    check_input_rank_and_channels,
    check_positive_int,
    window_output_shape,
)
from kerax.layers._input_spec import InputSpec
from kerax.layers._layer import Layer
from kerax.ops._nn import depthwise_conv


class BaseDepthwiseConv(Layer):
    """An N-D depthwise convolution over channels-last inputs: every input channel is convolved with its
    own ``depth_multiplier`` filters, giving ``channels * depth_multiplier`` output channels.

    Args:
        rank: the number of spatial dimensions (1 or 2).
        depth_multiplier: the number of filters per input channel.
        kernel_size: an int or a tuple of ``rank`` ints.
        strides: an int or a tuple of ``rank`` ints (default 1).
        padding: ``"valid"`` or ``"same"``.
        data_format: ``"channels_last"`` or ``None``.
        dilation_rate: an int or a tuple of ``rank`` ints.
        activation: a name or callable; default none (linear).
        use_bias: whether to add a bias.
        depthwise_initializer: default ``"glorot_uniform"``.
        bias_initializer: default ``"zeros"``.
    """

    def __init__(
        self,
        rank: int,
        depth_multiplier: int,
        kernel_size: int | tuple[int, ...],
        strides: int | tuple[int, ...] = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: int | tuple[int, ...] = 1,
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
        super().__init__(**kwargs)
        who = f"{type(self).__name__} '{self.name}'"
        self._who = who
        self._keep_regularization(
            depthwise_regularizer=depthwise_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            depthwise_constraint=depthwise_constraint,
            bias_constraint=bias_constraint,
        )
        check_positive_int(depth_multiplier, "depth_multiplier", who)
        self.rank = rank
        self.depth_multiplier = depth_multiplier
        self.kernel_size = cu.normalize_tuple(kernel_size, rank, "kernel_size", who)
        self.strides = cu.normalize_tuple(strides, rank, "strides", who)
        self.dilation_rate = cu.normalize_tuple(dilation_rate, rank, "dilation_rate", who)
        self.padding = cu.normalize_padding(padding, who)
        self.data_format = cu.normalize_data_format(data_format, who, allowed=("channels_last",))
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.input_spec = InputSpec(ndim=rank + 2)

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        channels = check_input_rank_and_channels(self._who, self.rank, input_shape)
        self._output_spatial(input_shape)
        # Keras names this weight "kernel" (SeparableConv's is "depthwise_kernel").
        kernel_shape = (*self.kernel_size, channels, self.depth_multiplier)
        self.kernel = self.add_weight(
            kernel_shape, self.depthwise_initializer, name="kernel", **self._weight_penalties("depthwise")
        )
        out_channels = channels * self.depth_multiplier
        self.bias = (
            self.add_weight((out_channels,), self.bias_initializer, name="bias", **self._weight_penalties("bias"))
            if self.use_bias
            else None
        )
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={-1: channels})

    def _output_spatial(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        return window_output_shape(self, input_shape)

    def call(self, inputs: jax.Array) -> jax.Array:
        kernel = self.kernel.value
        # Output channel c * depth_multiplier + m is input channel c convolved with kernel[..., c, m].
        outputs = depthwise_conv(
            inputs.astype(kernel.dtype), kernel, self.strides, self.padding, "channels_last", self.dilation_rate
        )
        if self.bias is not None:
            outputs = outputs + self.bias.value
        return self.activation(outputs)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            **self.regularization_config(),
            "depth_multiplier": self.depth_multiplier,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "depthwise_initializer": initializers.serialize(self.depthwise_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
        }
