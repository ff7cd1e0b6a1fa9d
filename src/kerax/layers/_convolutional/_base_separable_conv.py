"""``BaseSeparableConv``: the N-D separable convolution behind ``SeparableConv1D``/``SeparableConv2D``."""

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
from kerax.ops._nn import separable_conv


class BaseSeparableConv(WindowConv):
    """An N-D depthwise-separable convolution over channels-last inputs: a depthwise convolution
    (``depth_multiplier`` filters per input channel) followed by a pointwise (window 1) convolution that
    mixes the channels into ``filters`` outputs, then bias and activation.

    Args:
        rank: the number of spatial dimensions (1 or 2).
        depth_multiplier: the number of depthwise filters per input channel.
        filters: the number of output channels.
        kernel_size: an int or a tuple of ``rank`` ints, the depthwise window.
        strides: an int or a tuple of ``rank`` ints (default 1), of the depthwise step.
        padding: ``"valid"`` or ``"same"``.
        data_format: ``"channels_last"`` or ``None``.
        dilation_rate: an int or a tuple of ``rank`` ints, of the depthwise step.
        activation: a name or callable; default none (linear).
        use_bias: whether to add a bias.
        depthwise_initializer: default ``"glorot_uniform"``.
        pointwise_initializer: default ``"glorot_uniform"``.
        bias_initializer: default ``"zeros"``.
    """

    def __init__(
        self,
        rank: int,
        depth_multiplier: int,
        filters: int,
        kernel_size: int | tuple[int, ...],
        strides: int | tuple[int, ...] = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: int | tuple[int, ...] = 1,
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
        super().__init__(**kwargs)
        who = self._who = f"{type(self).__name__} '{self.name}'"
        self._keep_regularization(
            depthwise_regularizer=depthwise_regularizer,
            pointwise_regularizer=pointwise_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            depthwise_constraint=depthwise_constraint,
            pointwise_constraint=pointwise_constraint,
            bias_constraint=bias_constraint,
        )
        check_positive_int(depth_multiplier, "depth_multiplier", who)
        check_positive_int(filters, "filters", who)
        self.rank = rank
        self.depth_multiplier = depth_multiplier
        self.filters = filters
        self._set_window(kernel_size, strides, dilation_rate)
        self.padding = cu.normalize_padding(padding, who)
        self._set_output(
            data_format,
            activation,
            use_bias,
            depthwise_initializer=depthwise_initializer,
            pointwise_initializer=pointwise_initializer,
            bias_initializer=bias_initializer,
        )

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        channels = check_input_rank_and_channels(self._who, self.rank, input_shape)
        self._output_spatial(input_shape)
        depthwise_shape = (*self.kernel_size, channels, self.depth_multiplier)
        pointwise_shape = (*(1,) * self.rank, channels * self.depth_multiplier, self.filters)
        self.depthwise_kernel = self.add_weight(
            depthwise_shape, self.depthwise_initializer, name="depthwise_kernel", **self._weight_penalties("depthwise")
        )
        self.pointwise_kernel = self.add_weight(
            pointwise_shape, self.pointwise_initializer, name="pointwise_kernel", **self._weight_penalties("pointwise")
        )
        self._build_bias(self.filters, channels)

    def _output_spatial(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        return window_output_shape(self, input_shape)

    def call(self, inputs: jax.Array) -> jax.Array:
        depthwise = self.depthwise_kernel.value
        outputs = separable_conv(
            inputs.astype(depthwise.dtype),
            depthwise,
            self.pointwise_kernel.value,
            self.strides,
            self.padding,
            "channels_last",
            self.dilation_rate,
        )
        return self._bias_and_activation(outputs)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            **self.regularization_config(),
            "depth_multiplier": self.depth_multiplier,
            "filters": self.filters,
            **self._window_config(),
            "depthwise_initializer": initializers.serialize(self.depthwise_initializer),
            "pointwise_initializer": initializers.serialize(self.pointwise_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
        }
