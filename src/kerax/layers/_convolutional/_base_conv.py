"""``BaseConv``: the N-D convolution that ``Conv1D``/``Conv2D``/``Conv3D`` specialise by ``rank``."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax import activations, initializers
from kerax.layers import _conv_utils as cu
from kerax.layers._input_spec import InputSpec
from kerax.layers._layer import Layer
from kerax.ops._nn import conv

# "causal" (left padding only, for sequences) exists for 1-D convolutions only, as in Keras.
_PADDINGS = {1: ("valid", "same", "causal"), 2: ("valid", "same"), 3: ("valid", "same")}


def check_positive_int(value: Any, arg: str, who: str) -> None:
    """``filters``, ``groups``, ``depth_multiplier``: a positive int (not a bool), else a message naming ``who``."""
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"{who}: `{arg}` must be a positive integer, received {value!r}.")


def check_input_rank_and_channels(who: str, rank: int, input_shape: tuple[int | None, ...]) -> int:
    """The input's channel count, after checking it has ``rank`` spatial dimensions and known channels."""
    if len(input_shape) != rank + 2:
        raise ValueError(
            f"{who}: expected inputs of rank {rank + 2} (batch, {rank} spatial dimensions, channels), "
            f"received shape {input_shape}."
        )
    channels = input_shape[-1]
    if channels is None:
        raise ValueError(f"{who}: the channels dimension of the input must be known, received {input_shape}.")
    return channels


def check_strides_or_dilation(who: str, strides: tuple[int, ...], dilation_rate: tuple[int, ...]) -> None:
    """Refuse, naming the layer, strides above 1 together with a dilation above 1 (as Keras does)."""
    if max(strides) > 1 and max(dilation_rate) > 1:
        raise ValueError(
            f"{who}: `strides` > 1 cannot be combined with `dilation_rate` > 1, received "
            f"strides={strides} and dilation_rate={dilation_rate}."
        )


def check_not_empty(
    who: str,
    out: tuple[int | None, ...],
    input_shape: tuple[int | None, ...],
    details: str,
    hint: str = "Use a smaller kernel or padding='same'.",
) -> None:
    """Refuse, naming the layer, a window arithmetic that leaves no output."""
    if any(o is not None and o <= 0 for o in out):
        raise ValueError(
            f"{who}: the output would be empty (spatial size {out}) for input shape {input_shape}, {details}. " + hint
        )


def window_output_shape(layer: Any, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
    """The spatial output size of ``layer``'s sliding window (kernel, strides, padding, dilation) on an input.

    Shared by the plain, depthwise and separable convolutions; refuses an empty output naming the layer.
    """
    out = tuple(
        cu.output_length(n, k, s, layer.padding, d)
        for n, k, s, d in zip(input_shape[1:-1], layer.kernel_size, layer.strides, layer.dilation_rate, strict=True)
    )
    check_not_empty(
        layer._who,
        out,
        input_shape,
        f"kernel_size={layer.kernel_size}, strides={layer.strides}, dilation_rate={layer.dilation_rate}, "
        f"padding={layer.padding!r}",
    )
    return out


class WindowConv(Layer):
    """What the convolution bases share: the window's arguments, the bias and the activation.

    A subclass's ``__init__`` sets ``self._who`` (the layer as messages name it), calls ``_set_window``
    and then ``_set_output``; its ``build`` ends with ``_build_bias`` and its ``call`` with
    ``_bias_and_activation``.
    """

    def _set_window(self, kernel_size: Any, strides: Any, dilation_rate: Any) -> None:
        """Normalise the window's sizes to tuples of ``self.rank`` ints, naming the layer if one is invalid."""
        self.kernel_size = cu.normalize_tuple(kernel_size, self.rank, "kernel_size", self._who)
        self.strides = cu.normalize_tuple(strides, self.rank, "strides", self._who)
        self.dilation_rate = cu.normalize_tuple(dilation_rate, self.rank, "dilation_rate", self._who)

    def _set_output(self, data_format: Any, activation: Any, use_bias: bool, **initializers_: Any) -> None:
        """Keep the data format (channels-last only), activation, ``use_bias`` and the named initializers."""
        self.data_format = cu.normalize_data_format(data_format, self._who, allowed=("channels_last",))
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        for name, initializer in initializers_.items():
            setattr(self, name, initializers.get(initializer))
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def _build_bias(self, units: int, channels: int) -> None:
        """Add the bias of ``units`` entries (when ``use_bias``) and fix the input's channels."""
        self.bias = (
            self.add_weight((units,), self.bias_initializer, name="bias", **self._weight_penalties("bias"))
            if self.use_bias
            else None
        )
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={-1: channels})

    def _bias_and_activation(self, outputs: jax.Array) -> jax.Array:
        if self.bias is not None:
            outputs = outputs + self.bias.value
        return self.activation(outputs)

    def _window_config(self) -> dict[str, Any]:
        """The config entries of the window and of the output (not the initializers)."""
        return {
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
        }


class BaseConv(WindowConv):
    """An N-D convolution over channels-last inputs: ``activation(conv(inputs, kernel) + bias)``.

    Args:
        rank: the number of spatial dimensions (1, 2 or 3).
        filters: the number of output channels.
        kernel_size: an int or a tuple of ``rank`` ints.
        strides: an int or a tuple of ``rank`` ints (default 1).
        padding: ``"valid"`` (no padding), ``"same"`` (output size ``ceil(input / stride)``) or, for
            ``rank=1`` only, ``"causal"`` (pad only at the start, so no output sees later steps).
        data_format: ``"channels_last"`` or ``None``.
        dilation_rate: an int or a tuple of ``rank`` ints; cannot exceed 1 together with strides.
        groups: split inputs and filters into this many independent groups.
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
        data_format: str | None = None,
        dilation_rate: int | tuple[int, ...] = 1,
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
        check_positive_int(groups, "groups", who)
        if filters % groups:
            raise ValueError(
                f"{who}: `filters` must be divisible by `groups`, received filters={filters}, groups={groups}."
            )
        self.rank = rank
        self.filters = filters
        self.groups = groups
        self._set_window(kernel_size, strides, dilation_rate)
        check_strides_or_dilation(who, self.strides, self.dilation_rate)
        self.padding = cu.normalize_padding(padding, who, allowed=_PADDINGS[rank])
        self._set_output(
            data_format, activation, use_bias, kernel_initializer=kernel_initializer, bias_initializer=bias_initializer
        )

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        who = self._who
        channels = check_input_rank_and_channels(who, self.rank, input_shape)
        if channels % self.groups:
            raise ValueError(
                f"{who}: the number of input channels must be divisible by `groups`, received groups="
                f"{self.groups} and an input with {channels} channels (full shape {input_shape})."
            )
        self._output_spatial(input_shape)
        kernel_shape = (*self.kernel_size, channels // self.groups, self.filters)
        self.kernel = self.add_weight(
            kernel_shape, self.kernel_initializer, name="kernel", **self._weight_penalties("kernel")
        )
        self._build_bias(self.filters, channels)

    def _output_spatial(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        return window_output_shape(self, input_shape)

    def call(self, inputs: jax.Array) -> jax.Array:
        padding = self.padding
        if padding == "causal":  # the whole dilated window minus one, all before the first step
            inputs = jnp.pad(inputs, ((0, 0), (self.dilation_rate[0] * (self.kernel_size[0] - 1), 0), (0, 0)))
            padding = "valid"
        # The kernel's input channels (channels / groups) make ops.conv a grouped convolution.
        outputs = conv(inputs, self.kernel.value, self.strides, padding, "channels_last", self.dilation_rate)
        return self._bias_and_activation(outputs)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            **self.regularization_config(),
            "filters": self.filters,
            **self._window_config(),
            "groups": self.groups,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
        }
