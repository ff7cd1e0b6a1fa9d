"""``BaseConvTranspose``: the N-D transposed convolution behind ``Conv1DTranspose``, ``Conv2DTranspose`` and
``Conv3DTranspose``."""

from __future__ import annotations

from typing import Any

import jax

from kerax import initializers
from kerax.layers import _conv_utils as cu
from kerax.layers._convolutional._base_conv import (
    WindowConv,
    check_input_rank_and_channels,
    check_not_empty,
    check_positive_int,
    check_strides_or_dilation,
)
from kerax.ops._nn import conv_transpose


class BaseConvTranspose(WindowConv):
    """An N-D transposed convolution (the gradient of a convolution with respect to its input) over
    channels-last inputs: ``activation(conv_transpose(inputs, kernel) + bias)``.

    Args:
        rank: the number of spatial dimensions (1, 2 or 3).
        filters: the number of output channels.
        kernel_size: an int or a tuple of ``rank`` ints.
        strides: an int or a tuple of ``rank`` ints (default 1): the upsampling factor.
        padding: ``"valid"`` or ``"same"``, the padding of the convolution this one transposes.
        output_padding: ``None`` or an int or tuple of ``rank`` ints, each smaller than its stride: the
            extra size added at the end of each spatial dimension. ``None`` lets the padding decide
            (``"same"``: ``input * stride``; ``"valid"``: ``(input - 1) * stride + max(window, stride)``).
        data_format: ``"channels_last"`` or ``None``.
        dilation_rate: an int or a tuple of ``rank`` ints; cannot exceed 1 together with strides.
        activation: a name or callable; default none (linear).
        use_bias: whether to add a bias.
        kernel_initializer: default ``"glorot_uniform"``.
        bias_initializer: default ``"zeros"``.
    """

    def __init__(
        self,
        rank: int,
        filters: int,
        kernel_size: int | tuple[int, ...],
        strides: int | tuple[int, ...] = 1,
        padding: str = "valid",
        output_padding: int | tuple[int, ...] | None = None,
        data_format: str | None = None,
        dilation_rate: int | tuple[int, ...] = 1,
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
        super().__init__(**kwargs)
        who = self._who = f"{type(self).__name__} '{self.name}'"
        self._keep_regularization(
            kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint,
        )
        check_positive_int(filters, "filters", who)
        self.rank = rank
        self.filters = filters
        self._set_window(kernel_size, strides, dilation_rate)
        self.padding = cu.normalize_padding(padding, who)
        if output_padding is None:
            self.output_padding = None
        else:
            self.output_padding = cu.normalize_tuple(output_padding, rank, "output_padding", who, allow_zero=True)
            for axis, (extra, stride) in enumerate(zip(self.output_padding, self.strides, strict=True)):
                if extra >= stride:
                    raise ValueError(
                        f"{who}: each `output_padding` must be smaller than the matching `strides`, received "
                        f"output_padding={self.output_padding} and strides={self.strides} "
                        f"({extra} >= {stride} at spatial axis {axis})."
                    )
        check_strides_or_dilation(who, self.strides, self.dilation_rate)
        self._set_output(
            data_format, activation, use_bias, kernel_initializer=kernel_initializer, bias_initializer=bias_initializer
        )

    def _extras(self) -> tuple[int | None, ...]:
        return self.output_padding if self.output_padding is not None else (None,) * self.rank

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        channels = check_input_rank_and_channels(self._who, self.rank, input_shape)
        self._output_spatial(input_shape)
        # Keras's layout: (*window, output channels, input channels).
        kernel_shape = (*self.kernel_size, self.filters, channels)
        self.kernel = self.add_weight(
            kernel_shape, self.kernel_initializer, name="kernel", **self._weight_penalties("kernel")
        )
        self._build_bias(self.filters, channels)

    def _output_spatial(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        out = tuple(
            cu.transpose_output_length(n, k, s, self.padding, e, d)
            for n, k, s, e, d in zip(
                input_shape[1:-1], self.kernel_size, self.strides, self._extras(), self.dilation_rate, strict=True
            )
        )
        check_not_empty(
            self._who,
            out,
            input_shape,
            f"kernel_size={self.kernel_size}, strides={self.strides}, output_padding={self.output_padding}, "
            f"padding={self.padding!r}",
            hint="Use a larger output_padding, output_padding=None or padding='valid'.",
        )
        return out

    def call(self, inputs: jax.Array) -> jax.Array:
        kernel = self.kernel.value
        # ops.conv_transpose takes Keras's (*window, filters, channels) kernel as the transpose of a
        # channels -> filters convolution.
        outputs = conv_transpose(
            inputs.astype(kernel.dtype),
            kernel,
            self.strides,
            self.padding,
            self.output_padding,
            "channels_last",
            self.dilation_rate,
        )
        return self._bias_and_activation(outputs)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            **self.regularization_config(),
            "filters": self.filters,
            **self._window_config(),
            "output_padding": self.output_padding,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
        }
