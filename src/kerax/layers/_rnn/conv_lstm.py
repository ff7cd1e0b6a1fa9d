"""``ConvLSTMCell`` and ``ConvLSTM``, the base of ``ConvLSTM1D/2D/3D``: an LSTM whose products are convolutions."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from kerax import activations, initializers, regularizers
from kerax.layers._conv_utils import normalize_data_format, normalize_padding, normalize_tuple, output_length
from kerax.layers._input_spec import InputSpec
from kerax.layers._rnn._cell_base import BuiltinCell, Masks, check_rate
from kerax.layers._rnn.rnn import RNN, BuiltinRNN, cell_property
from kerax.ops._nn import conv_dimension_numbers


class ConvLSTMCell(BuiltinCell):
    """One step of a convolutional LSTM over ``rank``-D feature maps, with Keras 3's weights.

    Weights: ``kernel`` ``(*kernel_size, channels, 4 * filters)``, ``recurrent_kernel``
    ``(*kernel_size, filters, 4 * filters)`` and ``bias`` ``(4 * filters,)``, gates in the order input,
    forget, cell, output. The inputs' convolution uses ``strides``, ``padding`` and ``dilation_rate``; the
    recurrent one is stride 1, ``"same"``. States ``[h, c]``, each of the shape of the output. In an ``RNN``
    the inputs of all time steps are convolved at once before the time loop; only the recurrent
    convolution runs per step. Dropout draws one mask per gate, of the shape of the step's inputs (and of
    ``h`` for ``recurrent_dropout``), once per sequence, applied for rates strictly between 0 and 1.

    Args:
        rank: 1, 2 or 3, the number of spatial dimensions.
        filters: the number of output channels.
        kernel_size: an int or a tuple of ``rank`` ints.
        strides: the strides of the inputs' convolution (an int or ``rank`` ints); not with ``dilation_rate > 1``.
        padding: ``"valid"`` or ``"same"`` for the inputs' convolution.
        data_format: ``"channels_last"`` or ``"channels_first"``; default ``kerax.config.image_data_format()``.
        dilation_rate: the dilation of the inputs' convolution.
        activation: default ``"tanh"``.
        recurrent_activation: the gates' activation, default ``"sigmoid"``.
        use_bias: whether to add a bias.
        kernel_initializer: default ``"glorot_uniform"``.
        recurrent_initializer: default ``"orthogonal"``.
        bias_initializer: default ``"zeros"``.
        unit_forget_bias: initialize the forget-gate bias to ones (default True).
        kernel_regularizer: a penalty on ``kernel``.
        recurrent_regularizer: a penalty on ``recurrent_kernel``.
        bias_regularizer: a penalty on ``bias``.
        kernel_constraint: a projection of ``kernel`` after each optimizer step.
        recurrent_constraint: a projection of ``recurrent_kernel``.
        bias_constraint: a projection of ``bias``.
        dropout: the drop rate of the inputs, in training.
        recurrent_dropout: the drop rate of ``h``, in training.
        seed: the seed of the dropout masks.
        **kwargs: base layer arguments (``name``, ``dtype``, ``trainable``).
    """

    _gates = 4

    def __init__(
        self,
        rank: int,
        filters: int,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: Any = 1,
        activation: Any = "tanh",
        recurrent_activation: Any = "sigmoid",
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal",
        bias_initializer: Any = "zeros",
        unit_forget_bias: bool = True,
        kernel_regularizer: Any = None,
        recurrent_regularizer: Any = None,
        bias_regularizer: Any = None,
        kernel_constraint: Any = None,
        recurrent_constraint: Any = None,
        bias_constraint: Any = None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        who = f"{type(self).__name__} '{self.name}'"
        if rank not in (1, 2, 3):
            raise ValueError(f"{who}: `rank` must be 1, 2 or 3, received rank={rank!r}.")
        if isinstance(filters, bool) or not isinstance(filters, int) or filters <= 0:
            raise ValueError(f"{who}: `filters` must be a positive integer, received filters={filters!r}.")
        self.rank = rank
        self.filters = filters
        self.kernel_size = normalize_tuple(kernel_size, rank, "kernel_size", who)
        self.strides = normalize_tuple(strides, rank, "strides", who)
        self.padding = normalize_padding(padding, who)
        self.data_format = normalize_data_format(data_format, who)
        self.dilation_rate = normalize_tuple(dilation_rate, rank, "dilation_rate", who)
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                f"{who}: `strides > 1` is not compatible with `dilation_rate > 1`; received "
                f"strides={self.strides} and dilation_rate={self.dilation_rate}."
            )
        self._keep_regularization(
            kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
        )
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.dropout = check_rate(self, "dropout", dropout)
        self.recurrent_dropout = check_rate(self, "recurrent_dropout", recurrent_dropout)
        self._keep_seed(seed)
        self._prepared_masks = None
        self.implementation = 1
        self.input_spec = InputSpec(ndim=rank + 2)
        self.state_size = -1  # as in Keras: the states' shapes come from get_initial_state
        self._dimension_numbers = conv_dimension_numbers(rank, self.data_format)
        self._channel_axis = -1 if self.data_format == "channels_last" else -(rank + 1)

    # -- weights -------------------------------------------------------------------------------------
    def build(self, inputs_shape: Any, states_shape: Any = None) -> None:
        who = f"{type(self).__name__} '{self.name}'"
        inputs_shape = tuple(inputs_shape)
        if len(inputs_shape) != self.rank + 2:
            raise ValueError(
                f"{who}: each step's inputs must have {self.rank + 2} dimensions (batch, {self.rank} spatial, "
                f"channels), received shape {inputs_shape}."
            )
        if self.data_format == "channels_first":
            channels, spatial = inputs_shape[1], inputs_shape[2:]
        else:
            channels, spatial = inputs_shape[-1], inputs_shape[1:-1]
        if None in spatial:
            raise ValueError(
                f"{who}: ConvLSTM layers need static spatial dimensions, received input shape {inputs_shape}."
            )
        if channels is None:
            raise ValueError(f"{who}: the channel dimension of the inputs must be known, received {inputs_shape}.")
        self.spatial_dims = tuple(int(d) for d in spatial)
        self.input_dim = int(channels)
        self.input_spec = InputSpec(ndim=self.rank + 2, shape=(None, *inputs_shape[1:]))
        f = self.filters
        self.kernel = self.add_weight(
            (*self.kernel_size, self.input_dim, 4 * f),
            self.kernel_initializer,
            name="kernel",
            **self._weight_penalties("kernel"),
        )
        self.recurrent_kernel = self.add_weight(
            (*self.kernel_size, f, 4 * f),
            self.recurrent_initializer,
            name="recurrent_kernel",
            **self._weight_penalties("recurrent"),
        )
        if not self.use_bias:
            self.bias = None
            return
        init: Any = self.bias_initializer
        if self.unit_forget_bias:
            base = self.bias_initializer

            def init(shape: tuple, dtype: Any = "float32") -> np.ndarray:
                return np.concatenate(
                    [
                        np.asarray(base((f,), dtype=dtype)),
                        np.ones((f,), np.dtype(dtype)),
                        np.asarray(base((2 * f,), dtype=dtype)),
                    ]
                )

        self.bias = self.add_weight((4 * f,), init, name="bias", **self._weight_penalties("bias"))

    # -- shapes --------------------------------------------------------------------------------------
    def _output_spatial(self, spatial: tuple) -> tuple:
        return tuple(
            output_length(n, k, s, self.padding, d)
            for n, k, s, d in zip(spatial, self.kernel_size, self.strides, self.dilation_rate, strict=True)
        )

    def _state_shape(self, batch_size: int | None) -> tuple:
        spatial = self._output_spatial(self.spatial_dims)
        if self.data_format == "channels_last":
            return (batch_size, *spatial, self.filters)
        return (batch_size, self.filters, *spatial)

    def compute_output_shape(self, inputs_shape: Any, states_shape: Any = None) -> tuple:
        inputs_shape = tuple(inputs_shape)
        if self.data_format == "channels_last":
            spatial = self._output_spatial(inputs_shape[1:-1])
            shape = (inputs_shape[0], *spatial, self.filters)
        else:
            spatial = self._output_spatial(inputs_shape[2:])
            shape = (inputs_shape[0], self.filters, *spatial)
        return shape, [shape, shape]

    def get_initial_state(self, batch_size: int | None = None) -> list[jax.Array]:
        shape = self._state_shape(batch_size)
        return [jnp.zeros(shape, self.compute_dtype), jnp.zeros(shape, self.compute_dtype)]

    # -- dropout -------------------------------------------------------------------------------------
    def _step_input_shape(self, batch: int) -> tuple:
        if self.data_format == "channels_last":
            return (batch, *self.spatial_dims, self.input_dim)
        return (batch, self.input_dim, *self.spatial_dims)

    def _draw_gate_masks(self, rate: float, shape: tuple, dtype: Any) -> Masks:
        if not 0.0 < rate < 1.0:
            return None
        keep = jax.random.bernoulli(self._key(), 1.0 - rate, (4, *shape))
        return keep.astype(dtype) / (1.0 - rate)

    def _draw_masks(self, batch: int, dtype: Any) -> tuple[Masks, Masks]:
        """``(input_masks, recurrent_masks)``: each None or four masks (one per gate) of a step's shape."""
        return (
            self._draw_gate_masks(self.dropout, self._step_input_shape(batch), dtype),
            self._draw_gate_masks(self.recurrent_dropout, self._state_shape(batch), dtype),
        )

    # -- the step ------------------------------------------------------------------------------------
    def _conv(self, x: jax.Array, kernel: jax.Array, strides: tuple, padding: str, dilation: tuple) -> jax.Array:
        """``x`` of any leading shape before ``(batch, *spatial, channels)`` (or channels first), convolved."""
        step = self.rank + 1
        lead = x.shape[: x.ndim - step]
        flat = x.reshape((-1, *x.shape[x.ndim - step :]))
        out = jax.lax.conv_general_dilated(
            flat,
            kernel.astype(x.dtype),
            window_strides=strides,
            padding=padding.upper(),
            rhs_dilation=dilation,
            dimension_numbers=self._dimension_numbers,
        )
        return out.reshape((*lead, *out.shape[1:]))

    def _gate_convs(
        self, x: jax.Array, masks: Masks, kernel: jax.Array, strides: tuple, padding: str, dilation: tuple
    ) -> jax.Array:
        if masks is None:
            return self._conv(x, kernel, strides, padding, dilation)
        blocks = jnp.split(kernel, 4, axis=-1)
        parts = [self._conv(x * masks[g], block, strides, padding, dilation) for g, block in enumerate(blocks)]
        return jnp.concatenate(parts, axis=self._channel_axis)

    def _project(self, inputs: jax.Array, masks: Masks) -> jax.Array:
        """The inputs' convolution (all gates, plus the bias) for inputs with any leading (time) axes."""
        out = self._gate_convs(inputs, masks, self.kernel.value, self.strides, self.padding, self.dilation_rate)
        if self.bias is None:
            return out
        bias = self.bias.value.astype(out.dtype)
        if self.data_format == "channels_first":
            bias = bias.reshape((-1,) + (1,) * self.rank)
        return out + bias

    def _recurrent_step(self, projected: jax.Array, states: tuple, masks: Masks) -> tuple[jax.Array, tuple]:
        h, c = states
        ones = (1,) * self.rank
        z = projected + self._gate_convs(h, masks, self.recurrent_kernel.value, ones, "same", ones)
        z_i, z_f, z_c, z_o = jnp.split(z, 4, axis=self._channel_axis)
        i = self.recurrent_activation(z_i)
        f = self.recurrent_activation(z_f)
        c = f * c + i * self.activation(z_c)
        o = self.recurrent_activation(z_o)
        h = o * self.activation(c)
        return h, (h, c)

    # -- config --------------------------------------------------------------------------------------
    def _options(self) -> dict[str, Any]:
        return {
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "activation": activations.serialize(self.activation),
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "unit_forget_bias": self.unit_forget_bias,
            **self.regularization_config(),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
        }

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "rank": self.rank, **self._options()}


class ConvLSTM(BuiltinRNN):
    """The base of ``ConvLSTM1D``, ``ConvLSTM2D`` and ``ConvLSTM3D``: an ``RNN`` over a ``ConvLSTMCell``.

    Inputs ``(batch, time, *spatial, channels)`` (``channels_last``) or ``(batch, time, channels,
    *spatial)``; the weights are the cell's (``conv_lstm2d/conv_lstm_cell/kernel``...), as in Keras.
    ``rank`` is the number of spatial dimensions; every other argument is documented on ``ConvLSTM1D``,
    ``ConvLSTM2D`` and ``ConvLSTM3D``.
    """

    _unroll_steps_on_cpu = 32  # see RNN._unroll_steps_on_cpu

    def __init__(
        self,
        rank: int,
        filters: int,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: Any = 1,
        activation: Any = "tanh",
        recurrent_activation: Any = "sigmoid",
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal",
        bias_initializer: Any = "zeros",
        unit_forget_bias: bool = True,
        kernel_regularizer: Any = None,
        recurrent_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        recurrent_constraint: Any = None,
        bias_constraint: Any = None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        seed: int | None = None,
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        stateful: bool = False,
        **kwargs: Any,
    ) -> None:
        cell = ConvLSTMCell(
            rank=rank,
            filters=filters,
            kernel_size=kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            activation=activation,
            recurrent_activation=recurrent_activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            unit_forget_bias=unit_forget_bias,
            kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            seed=seed,
            **self._cell_arguments("conv_lstm_cell", kwargs),
        )
        super().__init__(
            cell,
            return_sequences=return_sequences,
            return_state=return_state,
            go_backwards=go_backwards,
            stateful=stateful,
            activity_regularizer=activity_regularizer,
            **kwargs,
        )
        self.rank = rank
        self.input_spec = InputSpec(ndim=rank + 3)

    def build(self, sequences_shape: Any, initial_state_shape: Any = None) -> None:
        sequences_shape = tuple(sequences_shape)
        if len(sequences_shape) != self.rank + 3:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': expected inputs of {self.rank + 3} dimensions (batch, "
                f"time, {self.rank} spatial, channels), received shape {sequences_shape}."
            )
        RNN.build(self, sequences_shape, initial_state_shape)
        self.input_spec = InputSpec(ndim=self.rank + 3, shape=(None, None, *sequences_shape[2:]))

    def compute_output_shape(self, sequences_shape: Any, initial_state_shape: Any = None) -> Any:
        sequences_shape = tuple(sequences_shape)
        batch, steps = sequences_shape[0], sequences_shape[1]
        state = self.cell.compute_output_shape((batch, *sequences_shape[2:]))[0][1:]
        output = (batch, steps, *state) if self.return_sequences else (batch, *state)
        if self.return_state:
            return output, (batch, *state), (batch, *state)
        return output

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if isinstance(mask, list | tuple):
            mask = next((m for m in mask if m is not None), None)
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask, None, None]
        return output_mask

    filters = cell_property("filters")
    kernel_size = cell_property("kernel_size")
    strides = cell_property("strides")
    padding = cell_property("padding")
    data_format = cell_property("data_format")
    dilation_rate = cell_property("dilation_rate")
    recurrent_activation = cell_property("recurrent_activation")
    unit_forget_bias = cell_property("unit_forget_bias")

    def get_config(self) -> dict[str, Any]:
        config = self._loop_config()
        config.update(self.cell._options())
        config["activity_regularizer"] = (
            regularizers.serialize(self.activity_regularizer) if self.activity_regularizer is not None else None
        )
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> RNN:
        return cls(**config)
