"""``BaseDepthwiseConv``: the N-D depthwise convolution behind ``DepthwiseConv1D``/``DepthwiseConv2D``."""

from __future__ import annotations

from typing import Any

import jax

from kerax import initializers
from kerax.layers import _conv_utils as cu
from kerax.layers._convolutional._base_conv import (
    WindowConv,
    check_input_rank_and_channels,
    check_positive_int,
    window_output_shape,
)
from kerax.ops._nn import depthwise_conv


class BaseDepthwiseConv(WindowConv):
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
        who = self._who = f"{type(self).__name__} '{self.name}'"
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
        self._set_window(kernel_size, strides, dilation_rate)
        self.padding = cu.normalize_padding(padding, who)
        self._set_output(
            data_format,
            activation,
            use_bias,
            depthwise_initializer=depthwise_initializer,
            bias_initializer=bias_initializer,
        )

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        channels = check_input_rank_and_channels(self._who, self.rank, input_shape)
        self._output_spatial(input_shape)
        # Keras names this weight "kernel" (SeparableConv's is "depthwise_kernel").
        kernel_shape = (*self.kernel_size, channels, self.depth_multiplier)
        self.kernel = self.add_weight(
            kernel_shape, self.depthwise_initializer, name="kernel", **self._weight_penalties("depthwise")
        )
        self._build_bias(channels * self.depth_multiplier, channels)

    def _output_spatial(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        return window_output_shape(self, input_shape)

    def call(self, inputs: jax.Array) -> jax.Array:
        kernel = self.kernel.value
        # Output channel c * depth_multiplier + m is input channel c convolved with kernel[..., c, m].
        outputs = depthwise_conv(
            inputs.astype(kernel.dtype), kernel, self.strides, self.padding, "channels_last", self.dilation_rate
        )
        return self._bias_and_activation(outputs)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            **self.regularization_config(),
            "depth_multiplier": self.depth_multiplier,
            **self._window_config(),
            "depthwise_initializer": initializers.serialize(self.depthwise_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
        }
