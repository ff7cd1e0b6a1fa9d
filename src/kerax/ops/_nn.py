"""Neural-network ops with Keras's names, signatures and defaults (``keras.ops.nn``)."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from kerax import backend
from kerax.ops._registry import op

__all__ = [
    "adaptive_average_pool",
    "adaptive_max_pool",
    "average_pool",
    "batch_normalization",
    "binary_crossentropy",
    "categorical_crossentropy",
    "celu",
    "conv",
    "conv_transpose",
    "ctc_decode",
    "ctc_loss",
    "depth_to_space",
    "depthwise_conv",
    "dot_product_attention",
    "elu",
    "fold",
    "gelu",
    "glu",
    "hard_shrink",
    "hard_sigmoid",
    "hard_silu",
    "hard_swish",
    "hard_tanh",
    "layer_normalization",
    "leaky_relu",
    "log_sigmoid",
    "log_softmax",
    "max_pool",
    "mish",
    "moments",
    "multi_hot",
    "normalize",
    "one_hot",
    "polar",
    "psnr",
    "relu",
    "relu6",
    "rms_normalization",
    "selu",
    "separable_conv",
    "sigmoid",
    "silu",
    "soft_shrink",
    "softmax",
    "softplus",
    "softsign",
    "space_to_depth",
    "sparse_categorical_crossentropy",
    "sparse_plus",
    "sparse_sigmoid",
    "sparsemax",
    "squareplus",
    "swish",
    "tanh_shrink",
    "threshold",
    "unfold",
]

DATA_FORMATS = ("channels_first", "channels_last")


# -- Shared helpers (also used by the image ops) ----------------------------------------------------------
def standardize_data_format(data_format: Any, who: str) -> str:
    """``data_format`` lower-cased and checked; ``None`` means the backend's image data format."""
    if data_format is None:
        getter = getattr(backend, "image_data_format", None)
        return getter() if getter is not None else "channels_last"
    value = str(data_format).lower()
    if value not in DATA_FORMATS:
        raise ValueError(f"{who}: `data_format` must be 'channels_first' or 'channels_last', received {data_format!r}.")
    return value


def standardize_padding(padding: Any, who: str) -> str:
    """``padding`` as lax wants it ('SAME'/'VALID'), after checking it is 'same' or 'valid'."""
    value = padding.lower() if isinstance(padding, str) else padding
    if value not in ("same", "valid"):
        raise ValueError(f"{who}: `padding` must be 'valid' or 'same', received {padding!r}.")
    return value.upper()


def spatial_tuple(value: Any, n: int, name: str, who: str) -> tuple[int, ...]:
    """An int or a sequence of ``n`` ints, as a tuple of ``n`` ints."""
    if isinstance(value, int | np.integer):
        return (int(value),) * n
    if isinstance(value, Sequence) and len(value) == n and all(isinstance(v, int | np.integer) for v in value):
        return tuple(int(v) for v in value)
    raise ValueError(f"{who}: `{name}` must be an int or a tuple of {n} ints, received {value!r}.")


def float_dtype(dtype: Any) -> Any:
    """``dtype`` if it is a float type, else ``floatx()`` (Keras's ``result_type(dtype, float)``)."""
    dtype = jnp.dtype(dtype)
    return dtype if jnp.issubdtype(dtype, jnp.inexact) else jnp.dtype(backend.floatx())


def at_least_float32(dtype: Any) -> Any:
    """Keras's ``result_type(dtype, "float32")``: computations of low-precision floats run in float32."""
    return jnp.promote_types(dtype, jnp.float32)


def conv_dimension_numbers(num_spatial: int, data_format: str) -> lax.ConvDimensionNumbers:
    """Dimension numbers for ``(batch, *spatial, channels)`` or channels-first inputs, ``(*k, in, out)`` kernels."""
    spatial = tuple(range(num_spatial))
    if data_format == "channels_last":
        lhs = (0, num_spatial + 1, *range(1, num_spatial + 1))
    else:
        lhs = (0, 1, *range(2, num_spatial + 2))
    return lax.ConvDimensionNumbers(lhs_spec=lhs, rhs_spec=(num_spatial + 1, num_spatial, *spatial), out_spec=lhs)


def _channels(x: Any, data_format: str) -> int:
    return x.shape[-1] if data_format == "channels_last" else x.shape[1]


def _check_conv_ranks(inputs: Any, kernel: Any, who: str, kernel_name: str = "kernel") -> int:
    if inputs.ndim not in (3, 4, 5):
        raise ValueError(
            f"{who}: `inputs` must have rank 3, 4 or 5 (batch, spatial dims, channels), received shape {inputs.shape}."
        )
    if kernel.ndim != inputs.ndim:
        raise ValueError(
            f"{who}: `{kernel_name}` must have the rank of `inputs` ({inputs.ndim}), received shape {kernel.shape}."
        )
    return inputs.ndim - 2


def _check_channels(inputs: Any, kernel_channels: int, data_format: str, who: str, name: str = "kernel") -> None:
    channels = _channels(inputs, data_format)
    if channels != kernel_channels:
        raise ValueError(
            f"{who}: `inputs` have {channels} channels but `{name}` expects {kernel_channels} input channels "
            f"(inputs shape {inputs.shape}, data_format={data_format!r})."
        )


# -- Activations --------------------------------------------------------------------------------------
@op("Relu")
def relu(x: Any) -> jax.Array:
    """Rectified linear unit ``max(x, 0)``, element by element.

    Args:
        x: Input tensor.
    """
    return jax.nn.relu(jnp.asarray(x))


@op("Relu6")
def relu6(x: Any) -> jax.Array:
    """Rectified linear unit capped at 6: ``min(max(x, 0), 6)``, element by element.

    Args:
        x: Input tensor.
    """
    return jax.nn.relu6(jnp.asarray(x))


@op("Sigmoid")
def sigmoid(x: Any) -> jax.Array:
    """Logistic sigmoid ``1 / (1 + exp(-x))``, element by element.

    Args:
        x: Input tensor.
    """
    return jax.nn.sigmoid(jnp.asarray(x))


@op("SparseSigmoid")
def sparse_sigmoid(x: Any) -> jax.Array:
    """Sparse sigmoid: 0 below -1, 1 above 1, ``(x + 1) / 2`` in between, element by element.

    Args:
        x: Input tensor.
    """
    return jax.nn.sparse_sigmoid(jnp.asarray(x))


@op("Tanh")
def tanh(x: Any) -> jax.Array:
    """Hyperbolic tangent, element by element.

    Args:
        x: Input tensor.
    """
    return jnp.tanh(jnp.asarray(x))


@op("TanhShrink")
def tanh_shrink(x: Any) -> jax.Array:
    """Tanh shrink ``x - tanh(x)``, element by element.

    Args:
        x: Input tensor.
    """
    x = jnp.asarray(x)
    return x - jnp.tanh(x)


@op("Softplus")
def softplus(x: Any) -> jax.Array:
    """Softplus ``log(exp(x) + 1)``, element by element.

    Args:
        x: Input tensor.
    """
    return jax.nn.softplus(jnp.asarray(x))


@op("Softsign")
def softsign(x: Any) -> jax.Array:
    """Softsign ``x / (abs(x) + 1)``, element by element.

    Args:
        x: Input tensor.
    """
    return jax.nn.soft_sign(jnp.asarray(x))


@op("SoftShrink")
def soft_shrink(x: Any, threshold: float = 0.5) -> jax.Array:
    """Soft shrinkage: ``x`` moved ``threshold`` towards zero, and 0 within ``threshold`` of it.

    Args:
        x: Input tensor.
        threshold: Half-width of the interval mapped to zero (default 0.5).
    """
    x = jnp.asarray(x)
    return jnp.where(x > threshold, x - threshold, jnp.where(x < -threshold, x + threshold, 0.0))


@op("SparsePlus")
def sparse_plus(x: Any) -> jax.Array:
    """SparsePlus: 0 below -1, ``x`` above 1, ``(x + 1) ** 2 / 4`` in between, element by element.

    Args:
        x: Input tensor.
    """
    return jax.nn.sparse_plus(jnp.asarray(x))


@op("Silu")
def silu(x: Any) -> jax.Array:
    """Sigmoid linear unit (swish) ``x * sigmoid(x)``, element by element.

    Args:
        x: Input tensor.
    """
    return jax.nn.silu(jnp.asarray(x))


swish = silu
"""Alias of ``silu``."""


@op("Squareplus")
def squareplus(x: Any, b: float = 4) -> jax.Array:
    """Squareplus ``(x + sqrt(x ** 2 + b)) / 2``, element by element.

    Args:
        x: Input tensor.
        b: Smoothness of the curve near 0, non-negative (default 4).
    """
    return jax.nn.squareplus(jnp.asarray(x), b=b)


@op("LogSigmoid")
def log_sigmoid(x: Any) -> jax.Array:
    """Logarithm of the sigmoid, ``-softplus(-x)``, element by element.

    Args:
        x: Input tensor.
    """
    return jax.nn.log_sigmoid(jnp.asarray(x))


@op("LeakyRelu")
def leaky_relu(x: Any, negative_slope: float = 0.2) -> jax.Array:
    """Leaky rectified linear unit: ``x`` for positive values, ``negative_slope * x`` otherwise.

    Args:
        x: Input tensor.
        negative_slope: Slope below zero (default 0.2).
    """
    return jax.nn.leaky_relu(jnp.asarray(x), negative_slope=negative_slope)


@op("HardSigmoid")
def hard_sigmoid(x: Any) -> jax.Array:
    """Hard sigmoid ``relu6(x + 3) / 6``, a piecewise-linear sigmoid, element by element.

    Args:
        x: Input tensor.
    """
    return jax.nn.hard_sigmoid(jnp.asarray(x))


@op("HardSilu")
def hard_silu(x: Any) -> jax.Array:
    """Hard SiLU (hard swish) ``x * relu6(x + 3) / 6``, element by element.

    Args:
        x: Input tensor.
    """
    return jax.nn.hard_silu(jnp.asarray(x))


hard_swish = hard_silu
"""Alias of ``hard_silu``."""


@op("Elu")
def elu(x: Any, alpha: float = 1.0) -> jax.Array:
    """Exponential linear unit: ``x`` for positive values, ``alpha * (exp(x) - 1)`` otherwise.

    Args:
        x: Input tensor.
        alpha: Scale of the negative part (default 1.0).
    """
    return jax.nn.elu(jnp.asarray(x), alpha=alpha)


@op("Selu")
def selu(x: Any) -> jax.Array:
    """Scaled exponential linear unit: ``scale * elu(x, alpha)`` with the fixed self-normalising constants.

    Args:
        x: Input tensor.
    """
    return jax.nn.selu(jnp.asarray(x))


@op("Gelu")
def gelu(x: Any, approximate: bool = True) -> jax.Array:
    """Gaussian error linear unit ``x * P(X <= x)`` for a standard normal ``X``, element by element.

    Args:
        x: Input tensor.
        approximate: Whether to use the tanh approximation (default ``True``) instead of the exact erf form.
    """
    return jax.nn.gelu(jnp.asarray(x), approximate=approximate)


@op("Celu")
def celu(x: Any, alpha: float = 1.0) -> jax.Array:
    """Continuously differentiable ELU: ``max(x, 0) + min(alpha * (exp(x / alpha) - 1), 0)``.

    Args:
        x: Input tensor.
        alpha: Scale of the negative part (default 1.0).
    """
    return jax.nn.celu(jnp.asarray(x), alpha=alpha)


@op("Glu")
def glu(x: Any, axis: int = -1) -> jax.Array:
    """Gated linear unit: ``x`` split in halves ``a, b`` along ``axis``, giving ``a * sigmoid(b)``.

    Args:
        x: Input tensor.
        axis: The axis to split, whose size must be even (default -1).
    """
    x = jnp.asarray(x)
    if x.shape[axis] % 2:
        raise ValueError(f"glu: the size of axis {axis} must be even, received x.shape={x.shape}.")
    return jax.nn.glu(x, axis=axis)


@op("HardTanh")
def hard_tanh(x: Any) -> jax.Array:
    """Hard tanh: ``x`` clipped to ``[-1, 1]``, element by element.

    Args:
        x: Input tensor.
    """
    return jax.nn.hard_tanh(jnp.asarray(x))


@op("HardShrink")
def hard_shrink(x: Any, threshold: float = 0.5) -> jax.Array:
    """Hard shrinkage: ``x`` where ``abs(x) > threshold``, 0 elsewhere.

    Args:
        x: Input tensor.
        threshold: Threshold below which (in absolute value) outputs are set to zero (default 0.5).
    """
    x = jnp.asarray(x)
    return jnp.where(jnp.abs(x) > threshold, x, 0.0)


@op("Threshold")
def threshold(x: Any, threshold: float, default_value: float) -> jax.Array:
    """``x`` where ``x > threshold``, ``default_value`` elsewhere.

    Args:
        x: Input tensor.
        threshold: The threshold.
        default_value: The value for elements not above ``threshold``.
    """
    x = jnp.asarray(x)
    return jnp.where(x > threshold, x, default_value)


@op("Mish")
def mish(x: Any) -> jax.Array:
    """Mish ``x * tanh(softplus(x))``, element by element.

    Args:
        x: Input tensor.
    """
    x = jnp.asarray(x)
    return x * jnp.tanh(jax.nn.softplus(x))


@op("Softmax")
def softmax(x: Any, axis: int | tuple[int, ...] | None = -1) -> jax.Array:
    """Softmax: ``exp(x)`` normalised to sum to 1 along ``axis``.

    Args:
        x: Input tensor.
        axis: The axis or axes to normalise over (default -1); ``None`` normalises over all.
    """
    return jax.nn.softmax(jnp.asarray(x), axis=axis)


@op("LogSoftmax")
def log_softmax(x: Any, axis: int | tuple[int, ...] | None = -1) -> jax.Array:
    """Logarithm of the softmax along ``axis``, computed stably.

    Args:
        x: Input tensor.
        axis: The axis or axes to normalise over (default -1); ``None`` normalises over all.
    """
    return jax.nn.log_softmax(jnp.asarray(x), axis=axis)


@op("Sparsemax")
def sparsemax(x: Any, axis: int = -1) -> jax.Array:
    """Sparsemax: the Euclidean projection of ``x`` onto the probability simplex along ``axis``.

    Args:
        x: Input tensor.
        axis: The axis to normalise over (default -1).
    """
    x = jnp.asarray(x)
    z = jnp.moveaxis(x, axis, -1)
    z_sorted = -jnp.sort(-z, axis=-1)
    k = jnp.arange(1, z.shape[-1] + 1, dtype=z.dtype)
    cumulative = jnp.cumsum(z_sorted, axis=-1)
    in_support = z_sorted - (cumulative - 1) / k > 0
    support_size = jnp.sum(in_support, axis=-1, keepdims=True)
    tau = (jnp.sum(jnp.where(in_support, cumulative, 0.0), axis=-1, keepdims=True) - 1) / support_size
    return jnp.moveaxis(jnp.maximum(z - tau, 0.0), -1, axis)


# -- Pooling ------------------------------------------------------------------------------------------
def _pool_windows(inputs: Any, pool_size: Any, strides: Any, data_format: str, who: str) -> tuple[tuple, tuple]:
    if inputs.ndim not in (3, 4, 5):
        raise ValueError(f"{who}: `inputs` must have rank 3, 4 or 5, received shape {inputs.shape}.")
    n = inputs.ndim - 2
    size = spatial_tuple(pool_size, n, "pool_size", who)
    step = size if strides is None else spatial_tuple(strides, n, "strides", who)
    if data_format == "channels_last":
        return (1, *size, 1), (1, *step, 1)
    return (1, 1, *size), (1, 1, *step)


def _lowest(dtype: Any) -> Any:
    dtype = jnp.dtype(dtype)
    if jnp.issubdtype(dtype, jnp.inexact):
        return np.array(-np.inf, dtype)
    if dtype == jnp.bool_:
        return np.array(False)
    return np.array(jnp.iinfo(dtype).min, dtype)


@op("MaxPool")
def max_pool(
    inputs: Any, pool_size: Any, strides: Any = None, padding: str = "valid", data_format: str | None = None
) -> jax.Array:
    """Max pooling: the maximum of each window over the spatial axes.

    Args:
        inputs: Input tensor of rank 3, 4 or 5: a batch of 1-D, 2-D or 3-D data laid out as ``data_format`` says.
        pool_size: Size of the pooling window: an int or one per spatial axis.
        strides: Step of the window: an int or one per spatial axis; ``None`` (default) means ``pool_size``.
        padding: ``"valid"`` (default: no padding) or ``"same"`` (pad so the output size is the input size over the
            stride).
        data_format: ``"channels_last"`` (``(batch, *spatial, channels)``) or ``"channels_first"`` (``(batch, channels,
            *spatial)``); ``None`` (default) means ``kerax.config.image_data_format()``.
    """
    who = "max_pool"
    data_format = standardize_data_format(data_format, who)
    padding = standardize_padding(padding, who)
    inputs = jnp.asarray(inputs)
    window, step = _pool_windows(inputs, pool_size, strides, data_format, who)
    return lax.reduce_window(inputs, _lowest(inputs.dtype), lax.max, window, step, padding)


@op("AveragePool")
def average_pool(
    inputs: Any, pool_size: Any, strides: Any = None, padding: str = "valid", data_format: str | None = None
) -> jax.Array:
    """Average pooling: the mean of each window over the spatial axes (padding is not counted).

    Args:
        inputs: Input tensor of rank 3, 4 or 5: a batch of 1-D, 2-D or 3-D data laid out as ``data_format`` says.
        pool_size: Size of the pooling window: an int or one per spatial axis.
        strides: Step of the window: an int or one per spatial axis; ``None`` (default) means ``pool_size``.
        padding: ``"valid"`` (default: no padding) or ``"same"`` (pad so the output size is the input size over the
            stride).
        data_format: ``"channels_last"`` (``(batch, *spatial, channels)``) or ``"channels_first"`` (``(batch, channels,
            *spatial)``); ``None`` (default) means ``kerax.config.image_data_format()``.
    """
    who = "average_pool"
    data_format = standardize_data_format(data_format, who)
    padding = standardize_padding(padding, who)
    inputs = jnp.asarray(inputs)
    window, step = _pool_windows(inputs, pool_size, strides, data_format, who)
    zero = np.array(0, inputs.dtype)
    total = lax.reduce_window(inputs, zero, lax.add, window, step, padding)
    if padding == "VALID":
        return total / math.prod(window)
    ones_shape = [d if w != 1 else 1 for d, w in zip(inputs.shape, window, strict=True)]
    counts = lax.reduce_window(jnp.ones(ones_shape, inputs.dtype), zero, lax.add, window, step, padding)
    return total / counts


def _adaptive_pool_axis(x: jax.Array, axis: int, out_size: int, reduce: str) -> jax.Array:
    """Pool ``axis`` to ``out_size`` with windows [floor(i*L/out), ceil((i+1)*L/out))."""
    length = x.shape[axis]
    i = np.arange(out_size)
    starts = (i * length) // out_size
    ends = -((-(i + 1) * length) // out_size)
    width = int((ends - starts).max())
    offsets = starts[:, None] + np.arange(width)[None, :]
    valid = offsets < ends[:, None]
    windows = jnp.take(x, np.minimum(offsets, length - 1).reshape(-1), axis=axis)
    windows = windows.reshape(x.shape[:axis] + (out_size, width) + x.shape[axis + 1 :])
    mask = valid.reshape((out_size, width) + (1,) * (x.ndim - axis - 1))
    if reduce == "max":
        return jnp.max(jnp.where(mask, windows, _lowest(x.dtype)), axis=axis + 1)
    counts = valid.sum(axis=1).reshape((out_size,) + (1,) * (x.ndim - axis - 1))
    return jnp.sum(jnp.where(mask, windows, 0), axis=axis + 1) / counts.astype(x.dtype)


def _adaptive_pool(inputs: Any, output_size: Any, data_format: Any, reduce: str, who: str) -> jax.Array:
    data_format = standardize_data_format(data_format, who)
    x = jnp.asarray(inputs)
    if x.ndim not in (3, 4, 5):
        raise ValueError(f"{who}: `inputs` must have rank 3, 4 or 5 (1D/2D/3D pooling), received shape {x.shape}.")
    n = x.ndim - 2
    sizes = spatial_tuple(output_size, n, "output_size", who)
    if any(s < 1 for s in sizes):
        raise ValueError(f"{who}: `output_size` must be positive, received {output_size!r}.")
    first = 1 if data_format == "channels_last" else 2
    for k, size in enumerate(sizes):
        x = _adaptive_pool_axis(x, first + k, size, reduce)
    return x


@op("AdaptiveMaxPool")
def adaptive_max_pool(inputs: Any, output_size: Any, data_format: str | None = None) -> jax.Array:
    """Adaptive max pooling: windows chosen so the spatial output size is ``output_size``.

    Args:
        inputs: Input tensor of rank 3, 4 or 5: a batch of 1-D, 2-D or 3-D data laid out as ``data_format`` says.
        output_size: Spatial size of the output: an int or one per spatial axis.
        data_format: ``"channels_last"`` (``(batch, *spatial, channels)``) or ``"channels_first"`` (``(batch, channels,
            *spatial)``); ``None`` (default) means ``kerax.config.image_data_format()``.
    """
    return _adaptive_pool(inputs, output_size, data_format, "max", "adaptive_max_pool")


@op("AdaptiveAveragePool")
def adaptive_average_pool(inputs: Any, output_size: Any, data_format: str | None = None) -> jax.Array:
    """Adaptive average pooling: windows chosen so the spatial output size is ``output_size``.

    Args:
        inputs: Input tensor of rank 3, 4 or 5: a batch of 1-D, 2-D or 3-D data laid out as ``data_format`` says.
        output_size: Spatial size of the output: an int or one per spatial axis.
        data_format: ``"channels_last"`` (``(batch, *spatial, channels)``) or ``"channels_first"`` (``(batch, channels,
            *spatial)``); ``None`` (default) means ``kerax.config.image_data_format()``.
    """
    return _adaptive_pool(inputs, output_size, data_format, "mean", "adaptive_average_pool")


# -- Convolutions -------------------------------------------------------------------------------------
@op("Conv")
def conv(
    inputs: Any,
    kernel: Any,
    strides: Any = 1,
    padding: str = "valid",
    data_format: str | None = None,
    dilation_rate: Any = 1,
) -> jax.Array:
    """N-D convolution (1-D, 2-D or 3-D, as ``inputs``' rank says).

    Args:
        inputs: Input tensor of rank 3, 4 or 5: a batch of 1-D, 2-D or 3-D data laid out as ``data_format`` says.
        kernel: Kernel of shape ``(*kernel_size, in_channels / groups, out_channels)``; fewer input channels than
            ``inputs`` have make a grouped convolution.
        strides: Step of the window along each spatial axis: an int or one per axis (default 1).
        padding: ``"valid"`` (default: no padding) or ``"same"`` (pad so the output size is the input size over the
            stride).
        data_format: ``"channels_last"`` (``(batch, *spatial, channels)``) or ``"channels_first"`` (``(batch, channels,
            *spatial)``); ``None`` (default) means ``kerax.config.image_data_format()``.
        dilation_rate: Dilation of the kernel along each spatial axis: an int or one per axis (default 1).
    """
    who = "conv"
    data_format = standardize_data_format(data_format, who)
    padding = standardize_padding(padding, who)
    kernel = jnp.asarray(kernel)
    inputs = jnp.asarray(inputs, dtype=kernel.dtype)
    n = _check_conv_ranks(inputs, kernel, who)
    channels, kernel_channels = _channels(inputs, data_format), kernel.shape[-2]
    if channels % kernel_channels:
        raise ValueError(
            f"{who}: the {channels} input channels must be a multiple of the kernel's {kernel_channels} input "
            f"channels (inputs shape {inputs.shape}, kernel shape {kernel.shape}, data_format={data_format!r})."
        )
    out = lax.conv_general_dilated(
        inputs,
        kernel,
        spatial_tuple(strides, n, "strides", who),
        padding,
        rhs_dilation=spatial_tuple(dilation_rate, n, "dilation_rate", who),
        dimension_numbers=conv_dimension_numbers(n, data_format),
        feature_group_count=channels // kernel_channels,
    )
    if out.size == 0 and inputs.size != 0:
        raise ValueError(
            f"{who}: the output is empty: inputs of shape {inputs.shape} are too small for a kernel of shape "
            f"{kernel.shape} with strides={strides!r}, dilation_rate={dilation_rate!r}, padding={padding.lower()!r}."
        )
    return out


@op("DepthwiseConv")
def depthwise_conv(
    inputs: Any,
    kernel: Any,
    strides: Any = 1,
    padding: str = "valid",
    data_format: str | None = None,
    dilation_rate: Any = 1,
) -> jax.Array:
    """N-D depthwise convolution: each input channel convolved with its own filters.

    Args:
        inputs: Input tensor of rank 3, 4 or 5: a batch of 1-D, 2-D or 3-D data laid out as ``data_format`` says.
        kernel: Kernel of shape ``(*kernel_size, in_channels, channel_multiplier)``.
        strides: Step of the window along each spatial axis: an int or one per axis (default 1).
        padding: ``"valid"`` (default: no padding) or ``"same"`` (pad so the output size is the input size over the
            stride).
        data_format: ``"channels_last"`` (``(batch, *spatial, channels)``) or ``"channels_first"`` (``(batch, channels,
            *spatial)``); ``None`` (default) means ``kerax.config.image_data_format()``.
        dilation_rate: Dilation of the kernel along each spatial axis: an int or one per axis (default 1).
    """
    who = "depthwise_conv"
    data_format = standardize_data_format(data_format, who)
    padding = standardize_padding(padding, who)
    inputs, kernel = jnp.asarray(inputs), jnp.asarray(kernel)
    n = _check_conv_ranks(inputs, kernel, who)
    _check_channels(inputs, kernel.shape[-2], data_format, who)
    channels = kernel.shape[-2]
    kernel = jnp.reshape(kernel, kernel.shape[:-2] + (1, channels * kernel.shape[-1]))
    return lax.conv_general_dilated(
        inputs,
        kernel,
        spatial_tuple(strides, n, "strides", who),
        padding,
        rhs_dilation=spatial_tuple(dilation_rate, n, "dilation_rate", who),
        dimension_numbers=conv_dimension_numbers(n, data_format),
        feature_group_count=channels,
    )


@op("SeparableConv")
def separable_conv(
    inputs: Any,
    depthwise_kernel: Any,
    pointwise_kernel: Any,
    strides: Any = 1,
    padding: str = "valid",
    data_format: str | None = None,
    dilation_rate: Any = 1,
) -> jax.Array:
    """N-D separable convolution: a depthwise convolution followed by a 1x1 pointwise one.

    Args:
        inputs: Input tensor of rank 3, 4 or 5: a batch of 1-D, 2-D or 3-D data laid out as ``data_format`` says.
        depthwise_kernel: Kernel of shape ``(*kernel_size, in_channels, channel_multiplier)``.
        pointwise_kernel: Kernel of shape ``(*ones, in_channels * channel_multiplier, out_channels)``.
        strides: Step of the depthwise window along each spatial axis: an int or one per axis (default 1).
        padding: ``"valid"`` (default: no padding) or ``"same"`` (pad so the output size is the input size over the
            stride).
        data_format: ``"channels_last"`` (``(batch, *spatial, channels)``) or ``"channels_first"`` (``(batch, channels,
            *spatial)``); ``None`` (default) means ``kerax.config.image_data_format()``.
        dilation_rate: Dilation of the kernel along each spatial axis: an int or one per axis (default 1).
    """
    who = "separable_conv"
    data_format = standardize_data_format(data_format, who)
    inputs, depthwise_kernel = jnp.asarray(inputs), jnp.asarray(depthwise_kernel)
    pointwise_kernel = jnp.asarray(pointwise_kernel)
    _check_conv_ranks(inputs, depthwise_kernel, who, "depthwise_kernel")
    _check_channels(inputs, depthwise_kernel.shape[-2], data_format, who, "depthwise_kernel")
    depthwise = depthwise_conv.__wrapped__(inputs, depthwise_kernel, strides, padding, data_format, dilation_rate)
    _check_conv_ranks(depthwise, pointwise_kernel, who, "pointwise_kernel")
    _check_channels(depthwise, pointwise_kernel.shape[-2], data_format, who, "pointwise_kernel")
    return conv.__wrapped__(depthwise, pointwise_kernel, 1, "valid", data_format, dilation_rate)


def _conv_transpose_padding(
    kernel_size: int, stride: int, dilation: int, padding: str, output_padding: int | None
) -> tuple[int, int]:
    """(left, right) padding of the dilated input that gives TensorFlow's conv-transpose output size."""
    span = (kernel_size - 1) * dilation + 1
    if padding == "VALID":
        extra = max(span, stride) - span if output_padding is None else output_padding
        return span - 1, span - 1 + extra
    total = stride + span - 2 if output_padding is None else span + span % 2 - 2 + output_padding
    left = min(total // 2 + total % 2, span - 1)
    return left, total - left


@op("ConvTranspose")
def conv_transpose(
    inputs: Any,
    kernel: Any,
    strides: Any = 1,
    padding: str = "valid",
    output_padding: Any = None,
    data_format: str | None = None,
    dilation_rate: Any = 1,
) -> jax.Array:
    """N-D transposed convolution (the gradient of ``conv``, sometimes called deconvolution).

    Args:
        inputs: Input tensor of rank 3, 4 or 5: a batch of 1-D, 2-D or 3-D data laid out as ``data_format`` says.
        kernel: Kernel of shape ``(*kernel_size, out_channels, in_channels)``.
        strides: Step of the window along each spatial axis: an int or one per axis (default 1).
        padding: ``"valid"`` (default: no padding) or ``"same"`` (pad so the output size is the input size over the
            stride).
        output_padding: Extra size added to one side of each spatial output axis: an int or one per axis; ``None``
            (default) infers it.
        data_format: ``"channels_last"`` (``(batch, *spatial, channels)``) or ``"channels_first"`` (``(batch, channels,
            *spatial)``); ``None`` (default) means ``kerax.config.image_data_format()``.
        dilation_rate: Dilation of the kernel along each spatial axis: an int or one per axis (default 1).
    """
    who = "conv_transpose"
    data_format = standardize_data_format(data_format, who)
    padding = standardize_padding(padding, who)
    inputs, kernel = jnp.asarray(inputs), jnp.asarray(kernel)
    n = _check_conv_ranks(inputs, kernel, who)
    _check_channels(inputs, kernel.shape[-1], data_format, who)
    step = spatial_tuple(strides, n, "strides", who)
    dilation = spatial_tuple(dilation_rate, n, "dilation_rate", who)
    extra = (None,) * n if output_padding is None else spatial_tuple(output_padding, n, "output_padding", who)
    pads = [_conv_transpose_padding(kernel.shape[i], step[i], dilation[i], padding, extra[i]) for i in range(n)]
    return lax.conv_transpose(
        inputs,
        kernel,
        step,
        padding=pads,
        rhs_dilation=dilation,
        dimension_numbers=conv_dimension_numbers(n, data_format),
        transpose_kernel=True,
    )


# -- Encodings ----------------------------------------------------------------------------------------
def _no_sparse(sparse: bool, who: str) -> None:
    if sparse:
        raise ValueError(f"{who}: kerax has no sparse tensors; call it with `sparse=False`.")


@op("OneHot")
def one_hot(x: Any, num_classes: int, axis: int = -1, dtype: Any = None, sparse: bool = False) -> jax.Array:
    """One-hot encoding of integer class indices.

    Args:
        x: Integer tensor of class indices (out-of-range indices give all zeros).
        num_classes: Number of classes: the size of the new axis.
        axis: Where the class axis goes in the result (default -1: last).
        dtype: Data type of the result; ``None`` (default) means ``floatx()``.
        sparse: Whether to return a sparse tensor; kerax supports only ``False`` (default).
    """
    _no_sparse(sparse, "one_hot")
    return jax.nn.one_hot(jnp.asarray(x), num_classes, axis=axis, dtype=dtype or backend.floatx())


@op("MultiHot")
def _multi_hot(inputs: Any, num_classes: int, axis: int = -1, dtype: Any = None) -> jax.Array:
    x = jnp.asarray(inputs).astype("int32")
    encoded = jax.nn.one_hot(x, num_classes, axis=axis, dtype=dtype or backend.floatx())
    return jnp.max(encoded, axis=1 if x.ndim > 1 else 0)


def multi_hot(
    inputs: Any, num_classes: int | None = None, axis: int = -1, dtype: Any = None, sparse: bool = False, **kwargs: Any
) -> Any:
    """Encode integer labels as multi-hot vectors (one per sample of a batch of label lists).

    Args:
        inputs: Integer labels: a list of labels, or a batch of them (one row per sample).
        num_classes: Number of classes: the size of the encoding. Defaults to ``None``.
        axis: Where the class axis goes in the result (default -1: last).
        dtype: Data type of the result; ``None`` (default) means ``floatx()``.
        sparse: Whether to return a sparse tensor; kerax supports only ``False`` (default).
        **kwargs: ``num_tokens``, Keras's older name for ``num_classes``; nothing else.
    """
    if num_classes is None:
        num_classes = kwargs.pop("num_tokens", None)
    if kwargs:
        raise TypeError(f"multi_hot: unexpected keyword arguments {sorted(kwargs)}.")
    if num_classes is None:
        raise ValueError("multi_hot: argument `num_classes` must be specified.")
    _no_sparse(sparse, "multi_hot")
    return _multi_hot(inputs, num_classes, axis=axis, dtype=dtype)


# -- Losses -------------------------------------------------------------------------------------------
def _same_shapes(target: jax.Array, output: jax.Array, who: str) -> None:
    if target.shape != output.shape:
        raise ValueError(
            f"{who}: `target` and `output` must have the same shape, received target.shape={target.shape} and "
            f"output.shape={output.shape}."
        )


def _log_probabilities(output: jax.Array, from_logits: bool, axis: int) -> jax.Array:
    if from_logits:
        return jax.nn.log_softmax(output, axis=axis)
    eps = backend.epsilon()
    output = output / jnp.sum(output, axis=axis, keepdims=True)
    return jnp.log(jnp.clip(output, eps, 1.0 - eps))


@op("BinaryCrossentropy")
def binary_crossentropy(target: Any, output: Any, from_logits: bool = False) -> jax.Array:
    """Binary cross-entropy between targets and predicted probabilities, element by element.

    Args:
        target: Targets in ``[0, 1]``, the shape of ``output``.
        output: Predicted probabilities (or logits if ``from_logits``).
        from_logits: Whether ``output`` holds logits rather than probabilities (default ``False``).
    """
    target, output = jnp.asarray(target), jnp.asarray(output)
    _same_shapes(target, output, "binary_crossentropy")
    if from_logits:
        return -target * jax.nn.log_sigmoid(output) - (1.0 - target) * jax.nn.log_sigmoid(-output)
    eps = backend.epsilon()
    output = jnp.clip(output, eps, 1.0 - eps)
    return -(target * jnp.log(output) + (1.0 - target) * jnp.log(1.0 - output))


@op("CategoricalCrossentropy")
def categorical_crossentropy(target: Any, output: Any, from_logits: bool = False, axis: int = -1) -> jax.Array:
    """Categorical cross-entropy between one-hot (or soft) targets and predictions.

    Args:
        target: Target probabilities, the shape of ``output``.
        output: Predicted probabilities (or logits if ``from_logits``), classes along ``axis``.
        from_logits: Whether ``output`` holds logits rather than probabilities (default ``False``).
        axis: The class axis (default -1).
    """
    target, output = jnp.asarray(target), jnp.asarray(output)
    _same_shapes(target, output, "categorical_crossentropy")
    if target.ndim < 1:
        raise ValueError("categorical_crossentropy: `target` and `output` must have rank >= 1, received scalars.")
    return -jnp.sum(target * _log_probabilities(output, from_logits, axis), axis=axis)


@op("SparseCategoricalCrossentropy")
def sparse_categorical_crossentropy(target: Any, output: Any, from_logits: bool = False, axis: int = -1) -> jax.Array:
    """Categorical cross-entropy between integer class targets and predictions.

    Args:
        target: Integer class indices, the shape of ``output`` without the class axis (a trailing axis of size 1 is also
            accepted).
        output: Predicted probabilities (or logits if ``from_logits``), classes along ``axis``.
        from_logits: Whether ``output`` holds logits rather than probabilities (default ``False``).
        axis: The class axis (default -1).
    """
    who = "sparse_categorical_crossentropy"
    target, output = jnp.asarray(target, dtype="int32"), jnp.asarray(output)
    if output.ndim < 1:
        raise ValueError(f"{who}: `output` must have rank >= 1, received a scalar.")
    if target.ndim == output.ndim and target.shape[-1] == 1:
        target = jnp.squeeze(target, axis=-1)
    class_axis = axis % output.ndim
    if target.shape != output.shape[:class_axis] + output.shape[class_axis + 1 :]:
        raise ValueError(
            f"{who}: `target` must have the shape of `output` without its class axis, received "
            f"target.shape={target.shape} and output.shape={output.shape}."
        )
    log_prob = _log_probabilities(output, from_logits, axis)
    return -jnp.sum(jax.nn.one_hot(target, output.shape[axis], axis=axis) * log_prob, axis=axis)


# -- CTC ----------------------------------------------------------------------------------------------
def _logsumexp3(a: jax.Array, b: jax.Array, c: jax.Array) -> jax.Array:
    top = jnp.maximum(jnp.maximum(a, b), c)
    return top + jnp.log(jnp.exp(a - top) + jnp.exp(b - top) + jnp.exp(c - top))


@op("CTCLoss")
def ctc_loss(target: Any, output: Any, target_length: Any, output_length: Any, mask_index: int = 0) -> jax.Array:
    """Connectionist temporal classification (CTC) loss, one value per sequence.

    Args:
        target: Integer labels, shape ``(batch, max_label_length)``.
        output: Logits, shape ``(batch, max_time, num_classes)``.
        target_length: Length of each label sequence, shape ``(batch,)``.
        output_length: Length of each output sequence, shape ``(batch,)``.
        mask_index: Index of the blank class (default 0).
    """
    who = "ctc_loss"
    target = jnp.asarray(target, dtype="int32")
    output = jnp.asarray(output)
    target_length = jnp.asarray(target_length, dtype="int32")
    output_length = jnp.asarray(output_length, dtype="int32")
    if output.ndim != 3 or target.ndim != 2:
        raise ValueError(
            f"{who}: `output` must be (batch, time, classes) and `target` (batch, labels), received "
            f"output.shape={output.shape} and target.shape={target.shape}."
        )
    batch = output.shape[0]
    for name, value in (("target", target), ("target_length", target_length), ("output_length", output_length)):
        if value.shape[:1] != (batch,):
            raise ValueError(f"{who}: `{name}` must have batch size {batch}, received shape {value.shape}.")
    dtype = at_least_float32(output.dtype)
    log_probs = jax.nn.log_softmax(output.astype(dtype), axis=-1)
    steps, labels = output.shape[1], target.shape[1]
    # Alignment states: blank, label 1, blank, label 2, ..., blank.
    states = jnp.full((batch, 2 * labels + 1), mask_index, dtype="int32").at[:, 1::2].set(target)
    can_skip = jnp.zeros(states.shape, dtype=bool).at[:, 3::2].set(target[:, 1:] != target[:, :-1])
    emissions = jnp.take_along_axis(log_probs, jnp.broadcast_to(states[:, None, :], (batch, steps, states.shape[1])), 2)
    never = jnp.asarray(-1e5, dtype)  # Keras's finite log(0): impossible alignments cost about 1e5
    alpha = jnp.full(states.shape, never, dtype).at[:, :2].set(emissions[:, 0, :2])

    def shifted(alpha: jax.Array, k: int) -> jax.Array:
        return jnp.pad(alpha, ((0, 0), (k, 0)), constant_values=never)[:, : alpha.shape[1]]

    def step(alpha: jax.Array, inputs: tuple[jax.Array, jax.Array]) -> tuple[jax.Array, None]:
        emission, t = inputs
        from_skip = jnp.where(can_skip, shifted(alpha, 2), never)
        advanced = _logsumexp3(alpha, shifted(alpha, 1), from_skip) + emission
        return jnp.where((t < output_length)[:, None], advanced, alpha), None

    alpha, _ = lax.scan(step, alpha, (jnp.swapaxes(emissions[:, 1:], 0, 1), jnp.arange(1, steps)))
    end = 2 * target_length
    last_blank = jnp.take_along_axis(alpha, end[:, None], axis=1)[:, 0]
    last_label = jnp.take_along_axis(alpha, jnp.maximum(end - 1, 0)[:, None], axis=1)[:, 0]
    last_label = jnp.where(target_length > 0, last_label, never)
    return -jnp.logaddexp(last_blank, last_label)


def _ctc_greedy(inputs: jax.Array, lengths: jax.Array, merge_repeated: bool, blank: int) -> tuple:
    steps = inputs.shape[1]
    best = jnp.argmax(inputs, axis=-1)
    scores = jnp.max(inputs, axis=-1)
    within = jnp.arange(steps)[None, :] < lengths[:, None]
    best = jnp.where(within, best, blank)
    scores = jnp.where(within, scores, 0.0)
    if merge_repeated:
        repeated = jnp.pad(best[:, 1:] == best[:, :-1], ((0, 0), (1, 0)))
        best = jnp.where(repeated, blank, best)
    kept = best != blank
    order = jnp.argsort(jnp.where(kept, jnp.arange(steps)[None, :], steps), axis=-1, stable=True)
    decoded = jnp.take_along_axis(jnp.where(kept, best, -1), order, axis=-1)
    return decoded[None].astype("int32"), -jnp.sum(scores, axis=1, keepdims=True)


def _segment_logsumexp(values: jax.Array, segments: jax.Array, count: int) -> jax.Array:
    top = jax.ops.segment_max(values, segments, count)
    shift = jnp.where(jnp.isfinite(top), top, 0.0)
    return jnp.log(jax.ops.segment_sum(jnp.exp(values - shift[segments]), segments, count)) + shift


def _ctc_beam_search(log_probs: jax.Array, length: jax.Array, beam_width: int, top_paths: int, blank: int) -> tuple:
    """Prefix beam search over one sequence: ``top_paths`` label sequences (padded with -1) and log-probabilities."""
    steps, classes = log_probs.shape
    labels = np.array([c for c in range(classes) if c != blank], dtype=np.int32)
    positions = jnp.arange(steps)
    prefixes = jnp.full((beam_width, steps), -1, dtype="int32")
    minus_inf = jnp.full((beam_width,), -jnp.inf, log_probs.dtype)
    state = (prefixes, minus_inf.at[0].set(0.0), minus_inf)

    def step(state: tuple, inputs: tuple) -> tuple[tuple, None]:
        prefixes, blank_score, label_score = state
        frame, active = inputs
        size = jnp.sum(prefixes >= 0, axis=1)
        last = jnp.take_along_axis(prefixes, jnp.maximum(size - 1, 0)[:, None], axis=1)[:, 0]
        last = jnp.where(size > 0, last, -1)
        total = jnp.logaddexp(blank_score, label_score)
        stay_blank = total + frame[blank]
        stay_label = jnp.where(size > 0, label_score + frame[jnp.maximum(last, 0)], -jnp.inf)
        grown_score = jnp.where(labels[None, :] == last[:, None], blank_score[:, None], total[:, None])
        grown_score = grown_score + frame[labels][None, :]
        grown = jnp.where(positions[None, None, :] == size[:, None, None], labels[None, :, None], prefixes[:, None, :])
        candidates = jnp.concatenate([prefixes, grown.reshape(-1, steps)])
        cand_blank = jnp.concatenate([stay_blank, jnp.full(grown_score.size, -jnp.inf, frame.dtype)])
        cand_label = jnp.concatenate([stay_label, grown_score.reshape(-1)])
        count = candidates.shape[0]
        unique, inverse = jnp.unique(candidates, axis=0, return_inverse=True, size=count, fill_value=-1)
        inverse = inverse.reshape(-1)
        merged_blank = _segment_logsumexp(cand_blank, inverse, count)
        merged_label = _segment_logsumexp(cand_label, inverse, count)
        _, best = lax.top_k(jnp.logaddexp(merged_blank, merged_label), beam_width)
        new = (unique[best], merged_blank[best], merged_label[best])
        return jax.tree_util.tree_map(lambda n, o: jnp.where(active, n, o), new, state), None

    (prefixes, blank_score, label_score), _ = lax.scan(step, state, (log_probs, positions < length))
    scores, best = lax.top_k(jnp.logaddexp(blank_score, label_score), top_paths)
    return prefixes[best], scores


@op("CTCDecode")
def ctc_decode(
    inputs: Any,
    sequence_lengths: Any,
    strategy: str = "greedy",
    beam_width: int = 100,
    top_paths: int = 1,
    merge_repeated: bool = True,
    mask_index: int | None = 0,
) -> tuple[jax.Array, jax.Array]:
    """Decode CTC outputs into label sequences, greedily or by beam search.

    Args:
        inputs: Logits or probabilities, shape ``(batch, max_time, num_classes)``.
        sequence_lengths: Length of each sequence, shape ``(batch,)``.
        strategy: ``"greedy"`` (default) or ``"beam_search"``.
        beam_width: Number of beams of the beam search (default 100).
        top_paths: Number of most likely paths to return (default 1; at most ``beam_width``).
        merge_repeated: Whether greedy decoding merges repeated labels (default ``True``).
        mask_index: Index of the blank class (default 0); ``None`` means the last class.
    """
    who = "ctc_decode"
    inputs = jnp.asarray(inputs)
    if inputs.ndim != 3:
        raise ValueError(f"{who}: `inputs` must be (batch, time, classes), received shape {inputs.shape}.")
    inputs = inputs.astype(at_least_float32(inputs.dtype))
    lengths = jnp.asarray(sequence_lengths, dtype="int32")
    blank = inputs.shape[-1] - 1 if mask_index is None else mask_index
    if strategy == "greedy":
        return _ctc_greedy(inputs, lengths, merge_repeated, blank)
    if strategy == "beam_search":
        if top_paths > beam_width:
            raise ValueError(f"{who}: `top_paths` ({top_paths}) must not exceed `beam_width` ({beam_width}).")
        search = jax.vmap(lambda lp, n: _ctc_beam_search(lp, n, beam_width, top_paths, blank))
        paths, scores = search(jax.nn.log_softmax(inputs, axis=-1), lengths)
        return jnp.swapaxes(paths, 0, 1), scores
    raise ValueError(f"{who}: `strategy` must be 'greedy' or 'beam_search', received {strategy!r}.")


# -- Normalisation ------------------------------------------------------------------------------------
def _axes_tuple(axes: Any) -> Any:
    return tuple(axes) if isinstance(axes, list) else axes


@op("Moments")
def moments(x: Any, axes: Any, keepdims: bool = False, synchronized: bool = False) -> tuple[jax.Array, jax.Array]:
    """Mean and variance of ``x`` over ``axes``.

    Args:
        x: Input tensor.
        axes: The axis or axes to reduce over.
        keepdims: Whether to keep the reduced axes as dimensions of size 1 (default ``False``).
        synchronized: Whether to synchronise across devices; kerax supports only ``False`` (default).
    """
    if synchronized:
        raise NotImplementedError("moments: `synchronized=True` is not supported by kerax (single-process JAX).")
    x = jnp.asarray(x)
    axes = _axes_tuple(axes)
    original = x.dtype
    low_precision = original in (jnp.float16, jnp.bfloat16)
    if low_precision:
        x = x.astype("float32")
    mean = jnp.mean(x, axis=axes, keepdims=keepdims)
    variance = jnp.var(x, axis=axes, keepdims=keepdims)
    if low_precision:
        limit = float(jnp.finfo(jnp.float16).max)
        mean = jnp.clip(mean, -limit, limit).astype(original)
        variance = jnp.clip(variance, -limit, limit).astype(original)
    return mean, variance


@op("BatchNorm")
def batch_normalization(
    x: Any, mean: Any, variance: Any, axis: int, offset: Any = None, scale: Any = None, epsilon: float = 1e-3
) -> jax.Array:
    """Normalise ``x`` with given statistics: ``(x - mean) / sqrt(variance + epsilon)``, scaled and shifted.

    Args:
        x: Input tensor.
        mean: Mean, 1-D of the size of ``x``'s ``axis``.
        variance: Variance, 1-D of the size of ``x``'s ``axis``.
        axis: The feature axis of ``x``.
        offset: Offset added after normalising, like ``mean``; ``None`` (default) adds none.
        scale: Factor applied after normalising, like ``mean``; ``None`` (default) applies none.
        epsilon: Small value added to the variance (default 1e-3).
    """
    x, mean, variance = jnp.asarray(x), jnp.asarray(mean), jnp.asarray(variance)
    expected = (x.shape[axis],)
    for name, value in (("mean", mean), ("variance", variance), ("offset", offset), ("scale", scale)):
        if value is not None and tuple(jnp.shape(value)) != expected:
            raise ValueError(
                f"batch_normalization: `{name}` must be a vector of length x.shape[axis] = {expected[0]}, "
                f"received shape {tuple(jnp.shape(value))}."
            )
    shape = [1] * x.ndim
    shape[axis] = expected[0]
    inv = lax.rsqrt(jnp.reshape(variance, shape) + epsilon)
    if scale is not None:
        inv = inv * jnp.reshape(scale, shape)
    shift = -jnp.reshape(mean, shape) * inv
    if offset is not None:
        shift = shift + jnp.reshape(offset, shape)
    return x * inv + shift


def _layer_norm(x: Any, gamma: Any, beta: Any, axis: Any, epsilon: float | None, rms_scaling: bool) -> jax.Array:
    epsilon = backend.epsilon() if epsilon is None else epsilon
    x = jnp.asarray(x)
    original = x.dtype
    x = x.astype(at_least_float32(original))
    axes = sorted(a % x.ndim for a in ([axis] if isinstance(axis, int) else axis))
    broadcast = [x.shape[a] if a in axes else 1 for a in range(x.ndim)]

    def fit(v: Any) -> Any:
        if v is None:
            return None
        v = jnp.asarray(v, dtype=x.dtype)
        return v if v.ndim == x.ndim or axes == [x.ndim - 1] else jnp.reshape(v, broadcast)

    gamma, beta = fit(gamma), fit(beta)
    if rms_scaling:
        out = x * lax.rsqrt(jnp.var(x, axis=tuple(axes), keepdims=True) + epsilon)
        if gamma is not None:
            out = out * gamma
        return out.astype(original)
    mean = jnp.mean(x, axis=tuple(axes), keepdims=True)
    variance = jnp.var(x, axis=tuple(axes), keepdims=True)
    inv = lax.rsqrt(variance + epsilon)
    if gamma is not None:
        inv = inv * gamma
    shift = -mean * inv
    if beta is not None:
        shift = shift + beta
    return (x * inv + shift).astype(original)


@op("LayerNorm")
def _layer_normalization(
    x: Any, gamma: Any = None, beta: Any = None, axis: Any = -1, epsilon: float | None = None, rms_scaling: bool = False
) -> jax.Array:
    return _layer_norm(x, gamma, beta, axis, epsilon, rms_scaling)


def layer_normalization(
    x: Any, gamma: Any = None, beta: Any = None, axis: Any = -1, epsilon: float | None = None, **kwargs: Any
) -> Any:
    """Normalise ``x`` over ``axis`` to zero mean and unit variance, then scale by ``gamma`` and shift by ``beta``.

    Args:
        x: Input tensor.
        gamma: Scale, broadcast against the normalised axes; ``None`` (default) scales by 1.
        beta: Offset, broadcast against the normalised axes; ``None`` (default) shifts by 0.
        axis: The axis or axes to normalise over (default -1).
        epsilon: Small value added to the variance; ``None`` (default) means ``kerax.config.epsilon()``.
        **kwargs: ``rms_scaling`` (deprecated: use ``rms_normalization``); nothing else.
    """
    rms_scaling = kwargs.pop("rms_scaling", False)
    if kwargs:
        raise TypeError(f"layer_normalization: unexpected keyword arguments {sorted(kwargs)}.")
    if rms_scaling:
        warnings.warn(
            "layer_normalization: `rms_scaling=True` is deprecated (it scales by the variance, not the root mean "
            "square); use `kerax.ops.rms_normalization` instead.",
            stacklevel=2,
        )
    return _layer_normalization(x, gamma, beta, axis=axis, epsilon=epsilon, rms_scaling=rms_scaling)


@op("RMSNorm")
def rms_normalization(x: Any, scale: Any = None, axis: Any = -1, epsilon: float | None = None) -> jax.Array:
    """Root-mean-square normalisation: ``x / sqrt(mean(x ** 2) + epsilon) * scale``.

    Args:
        x: Input tensor.
        scale: Scale, broadcast against ``x``; ``None`` (default) scales by 1.
        axis: The axis or axes to normalise over (default -1).
        epsilon: Small value added to the mean square; ``None`` (default) means ``kerax.config.epsilon()``.
    """
    epsilon = backend.epsilon() if epsilon is None else epsilon
    x = jnp.asarray(x)
    original = x.dtype
    x = x.astype(at_least_float32(original))
    if x.ndim == 0:
        x = x[None]
    axis = tuple(sorted(axis)) if isinstance(axis, list | tuple) else axis
    out = x * lax.rsqrt(jnp.mean(jnp.square(x), axis=axis, keepdims=True) + epsilon)
    if scale is not None:
        out = out * jnp.asarray(scale, dtype=x.dtype)
    return out.astype(original)


@op("Normalize")
def normalize(x: Any, axis: Any = -1, order: int = 2, epsilon: float | None = None) -> jax.Array:
    """``x`` divided by its ``order``-norm along ``axis`` (by ``epsilon`` where the norm is smaller).

    Args:
        x: Input tensor.
        axis: The axis or axes of the norm (default -1).
        order: Order of the norm, a positive int (default 2: Euclidean).
        epsilon: Lower bound of the norm; ``None`` (default) means ``kerax.config.epsilon()``.
    """
    if isinstance(order, bool) or not isinstance(order, int) or order < 1:
        raise ValueError(f"normalize: `order` must be an int >= 1, received {order!r}.")
    x = jnp.asarray(x)
    if x.ndim == 0:
        x = x[None]
    epsilon = backend.epsilon() if epsilon is None else epsilon
    axis = _axes_tuple(axis)
    if order == 2:
        inv_norm = lax.rsqrt(jnp.sum(jnp.square(x), axis=axis, keepdims=True))
        return x * jnp.minimum(inv_norm, 1.0 / epsilon)
    x = x.astype(float_dtype(x.dtype))
    return x / jnp.maximum(jnp.linalg.norm(x, ord=order, axis=axis, keepdims=True), epsilon)


# -- Attention ----------------------------------------------------------------------------------------
@op("DotProductAttention")
def dot_product_attention(
    query: Any,
    key: Any,
    value: Any,
    bias: Any = None,
    mask: Any = None,
    scale: float | None = None,
    is_causal: bool = False,
    flash_attention: bool | None = None,
    attn_logits_soft_cap: float | None = None,
) -> jax.Array:
    """Scaled dot-product attention: ``softmax(query @ key.T * scale + bias) @ value``, per head.

    Args:
        query: Queries, shape ``(batch, target_length, num_heads, head_dim)``.
        key: Keys, shape ``(batch, source_length, num_kv_heads, head_dim)``; ``num_heads`` must be a multiple of
            ``num_kv_heads``.
        value: Values, shape ``(batch, source_length, num_kv_heads, value_dim)``.
        bias: Added to the attention logits, broadcast to ``(batch, num_heads, target_length, source_length)``; ``None``
            (default) adds none.
        mask: Boolean mask of the same broadcast shape: ``False`` positions are not attended to; ``None`` (default)
            masks none.
        scale: Factor of the logits; ``None`` (default) means ``1 / sqrt(head_dim)``.
        is_causal: Whether each target position attends only to source positions up to its own (default ``False``).
        flash_attention: Whether to use cuDNN's flash attention, on a GPU only; ``None`` (default) or ``False`` uses
            XLA's.
        attn_logits_soft_cap: Soft cap of the logits, ``cap * tanh(logits / cap)``, on a TPU only; ``None`` (default)
            caps none.
    """
    who = "dot_product_attention"
    query, key, value = jnp.asarray(query), jnp.asarray(key), jnp.asarray(value)
    if query.ndim != 4 or key.ndim != 4 or value.ndim != 4:
        raise ValueError(
            f"{who}: `query`, `key` and `value` must be 4D (batch, length, heads, depth), received "
            f"query.shape={query.shape}, key.shape={key.shape}, value.shape={value.shape}."
        )
    platform = jax.devices()[0].platform
    if attn_logits_soft_cap is not None and platform != "tpu":
        raise ValueError(f"{who}: `attn_logits_soft_cap` is only supported on TPU; pass attn_logits_soft_cap=None.")
    if flash_attention and platform != "gpu":
        raise ValueError(f"{who}: `flash_attention=True` needs a GPU with cuDNN; this platform is {platform!r}.")
    dtype = jnp.result_type(query.dtype, key.dtype, value.dtype)
    query, key, value = query.astype(dtype), key.astype(dtype), value.astype(dtype)
    if bias is not None:
        bias = jnp.asarray(bias, dtype=dtype)
    if mask is not None:
        mask = jnp.asarray(mask).astype(bool)
    if attn_logits_soft_cap is not None:
        return _soft_capped_attention(query, key, value, bias, mask, scale, is_causal, attn_logits_soft_cap)
    return jax.nn.dot_product_attention(
        query,
        key,
        value,
        bias=bias,
        mask=mask,
        scale=scale,
        is_causal=is_causal,
        implementation="cudnn" if flash_attention else "xla",
    )


def _soft_capped_attention(
    query: jax.Array,
    key: jax.Array,
    value: jax.Array,
    bias: Any,
    mask: Any,
    scale: float | None,
    is_causal: bool,
    cap: float,
) -> jax.Array:
    heads, kv_heads = query.shape[2], key.shape[2]
    key = jnp.repeat(key, heads // kv_heads, axis=2)
    value = jnp.repeat(value, heads // kv_heads, axis=2)
    scale = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
    logits = jnp.einsum("btnh,bsnh->bnts", query, key, preferred_element_type=jnp.float32) * scale
    logits = cap * jnp.tanh(logits / cap)
    if bias is not None:
        logits = logits + bias
    keep = jnp.ones(logits.shape, bool)
    if mask is not None:
        keep = keep & mask
    if is_causal:
        keep = keep & jnp.tril(jnp.ones(logits.shape[-2:], bool))
    logits = jnp.where(keep, logits, -0.7 * jnp.finfo(jnp.float32).max)
    probs = jax.nn.softmax(logits, axis=-1).astype(value.dtype)
    return jnp.einsum("bnts,bsnh->btnh", probs, value)


# -- Miscellaneous ------------------------------------------------------------------------------------
@op("PSNR")
def psnr(x1: Any, x2: Any, max_val: Any) -> jax.Array:
    """Peak signal-to-noise ratio between two tensors, in decibels.

    Args:
        x1: First tensor (e.g. a batch of images).
        x2: Second tensor, the shape of ``x1``.
        max_val: The largest possible value of the signal (e.g. 1.0 or 255).
    """
    x1, x2 = jnp.asarray(x1), jnp.asarray(x2)
    if x1.shape != x2.shape:
        raise ValueError(f"psnr: `x1` and `x2` must have the same shape, received {x1.shape} and {x2.shape}.")
    max_val = jnp.asarray(max_val, dtype=x2.dtype)
    mse = jnp.mean(jnp.square(x1 - x2))
    return 20 * jnp.log10(max_val) - 10 * jnp.log10(mse)


@op("Polar")
def polar(abs_: Any, angle: Any) -> jax.Array:
    """Complex numbers from magnitudes and angles: ``abs_ * (cos(angle) + 1j * sin(angle))``.

    Args:
        abs_: Magnitudes (floats).
        angle: Angles in radians, the shape of ``abs_``.
    """
    abs_, angle = jnp.asarray(abs_), jnp.asarray(angle)
    real, imag = abs_ * jnp.cos(angle), abs_ * jnp.sin(angle)
    if real.shape != imag.shape or not jnp.issubdtype(real.dtype, jnp.floating):
        raise ValueError(
            f"polar: `abs_` and `angle` must be float tensors of one shape, received {abs_.shape} {abs_.dtype} and "
            f"{angle.shape} {angle.dtype}."
        )
    return lax.complex(real, imag)


def _pair(value: Any, name: str, who: str) -> tuple[int, int]:
    return spatial_tuple(value, 2, name, who)  # type: ignore[return-value]


@op("Unfold")
def unfold(x: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0, stride: Any = 1) -> jax.Array:
    """Sliding local blocks of a batch of images, flattened (PyTorch's ``unfold``).

    Args:
        x: Images, shape ``(batch, channels, height, width)``.
        kernel_size: Size of the blocks: an int or a pair.
        dilation: Spacing between the elements of a block: an int or a pair (default 1).
        padding: Zero padding on each side of the images: an int or a pair (default 0).
        stride: Step between blocks: an int or a pair (default 1).
    """
    who = "unfold"
    x = jnp.asarray(x)
    if x.ndim != 4:
        raise ValueError(f"{who}: `x` must be a 4D (N, C, H, W) tensor, received shape {x.shape}.")
    kh, kw = _pair(kernel_size, "kernel_size", who)
    ph, pw = _pair(padding, "padding", who)
    x = jnp.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    patches = lax.conv_general_dilated_patches(
        x,
        filter_shape=(kh, kw),
        window_strides=_pair(stride, "stride", who),
        padding="VALID",
        rhs_dilation=_pair(dilation, "dilation", who),
        dimension_numbers=("NCHW", "OIHW", "NCHW"),
    )
    return patches.reshape(patches.shape[0], patches.shape[1], -1)


@op("Fold")
def fold(x: Any, output_size: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0, stride: Any = 1) -> jax.Array:
    """Sum sliding local blocks back into a batch of images (the inverse layout of ``unfold``).

    Args:
        x: Blocks, shape ``(batch, channels * kernel_height * kernel_width, num_blocks)``.
        output_size: Spatial size ``(height, width)`` of the images: an int or a pair.
        kernel_size: Size of the blocks: an int or a pair.
        dilation: Spacing between the elements of a block: an int or a pair (default 1).
        padding: Zero padding on each side of the images: an int or a pair (default 0).
        stride: Step between blocks: an int or a pair (default 1).
    """
    who = "fold"
    x = jnp.asarray(x)
    if x.ndim != 3:
        raise ValueError(f"{who}: `x` must be a 3D (N, C*kh*kw, L) tensor, received shape {x.shape}.")
    height, width = _pair(output_size, "output_size", who)
    kh, kw = _pair(kernel_size, "kernel_size", who)
    dh, dw = _pair(dilation, "dilation", who)
    ph, pw = _pair(padding, "padding", who)
    sh, sw = _pair(stride, "stride", who)
    batch, depth, blocks = x.shape
    if depth % (kh * kw):
        raise ValueError(f"{who}: x.shape[1] ({depth}) must be a multiple of kernel_size's product ({kh * kw}).")
    nh = (height + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    nw = (width + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    if nh * nw != blocks:
        raise ValueError(
            f"{who}: x.shape[2] ({blocks}) must be the number of blocks, {nh} x {nw} for output_size={output_size!r}."
        )
    channels = depth // (kh * kw)
    rows = (np.arange(kh) * dh)[:, None, None, None] + (np.arange(nh) * sh)[None, None, :, None]
    cols = (np.arange(kw) * dw)[None, :, None, None] + (np.arange(nw) * sw)[None, None, None, :]
    blocks_x = x.reshape(batch, channels, kh, kw, nh, nw)
    out = jnp.zeros((batch, channels, height + 2 * ph, width + 2 * pw), x.dtype).at[:, :, rows, cols].add(blocks_x)
    return out[:, :, ph : ph + height, pw : pw + width]


def _block_layout(x: jax.Array, block_size: int, data_format: Any, who: str) -> tuple[jax.Array, str]:
    data_format = standardize_data_format(data_format, who)
    if isinstance(block_size, bool) or not isinstance(block_size, int) or block_size < 2:
        raise ValueError(f"{who}: `block_size` must be an int >= 2, received {block_size!r}.")
    if x.ndim != 4:
        raise ValueError(f"{who}: `x` must be a 4D tensor, received shape {x.shape}.")
    return (x if data_format == "channels_last" else jnp.transpose(x, (0, 2, 3, 1))), data_format


def _restore_layout(x: jax.Array, data_format: str) -> jax.Array:
    return x if data_format == "channels_last" else jnp.transpose(x, (0, 3, 1, 2))


@op("DepthToSpace")
def depth_to_space(x: Any, block_size: int, data_format: str = "channels_last") -> jax.Array:
    """Move blocks of channels into spatial blocks: ``(h, w, c)`` becomes ``(h * b, w * b, c / b ** 2)``.

    Args:
        x: A batch of images (rank 4).
        block_size: Size ``b`` of the spatial blocks, at least 2; the channels must divide by ``b ** 2``.
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.
    """
    who = "depth_to_space"
    x, data_format = _block_layout(jnp.asarray(x), block_size, data_format, who)
    n, h, w, c = x.shape
    b = block_size
    if c % (b * b):
        raise ValueError(f"{who}: the {c} channels must be a multiple of block_size**2 = {b * b}.")
    if data_format == "channels_last":
        x = x.reshape(n, h, w, b, b, c // (b * b))
    else:
        x = x.reshape(n, h, w, c // (b * b), b, b).transpose(0, 1, 2, 4, 5, 3)
    x = x.transpose(0, 1, 3, 2, 4, 5).reshape(n, h * b, w * b, c // (b * b))
    return _restore_layout(x, data_format)


@op("SpaceToDepth")
def space_to_depth(x: Any, block_size: int, data_format: str = "channels_last") -> jax.Array:
    """Move spatial blocks into channels: ``(h, w, c)`` becomes ``(h / b, w / b, c * b ** 2)``.

    Args:
        x: A batch of images (rank 4).
        block_size: Size ``b`` of the spatial blocks, at least 2; height and width must divide by ``b``.
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.
    """
    who = "space_to_depth"
    x, data_format = _block_layout(jnp.asarray(x), block_size, data_format, who)
    n, h, w, c = x.shape
    b = block_size
    if h % b or w % b:
        raise ValueError(f"{who}: height ({h}) and width ({w}) must be multiples of block_size ({b}).")
    x = x.reshape(n, h // b, b, w // b, b, c).transpose(0, 1, 3, 2, 4, 5)
    if data_format == "channels_first":
        x = x.transpose(0, 1, 2, 5, 3, 4)
    return _restore_layout(x.reshape(n, h // b, w // b, c * b * b), data_format)
