"""``BasePooling``: max or average pooling over an N-D window, shared by the ``*Pooling{1,2,3}D`` layers."""

from __future__ import annotations

import math
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from kerax.layers import _conv_utils as cu
from kerax.layers._input_spec import InputSpec
from kerax.layers._layer import Layer


def _lowest(dtype: Any) -> np.ndarray:
    # A NumPy constant, not a jax array: reduce_window recognises a max (and differentiates it) only
    # when the initial value is a concrete identity element, also under jit.
    dtype = jnp.dtype(dtype)
    if jnp.issubdtype(dtype, jnp.floating):
        return np.array(-np.inf, dtype)
    if jnp.issubdtype(dtype, jnp.integer):
        return np.array(jnp.iinfo(dtype).min, dtype)
    return np.array(False, dtype)


@jax.custom_jvp
def _first_max(windows: jax.Array) -> jax.Array:
    """The maximum over the last axis, differentiated as XLA differentiates a max ``reduce_window``: the
    whole gradient goes to the first maximum of each window (what select-and-scatter picks on ties)."""
    return windows.max(axis=-1)


@_first_max.defjvp
def _first_max_jvp(primals: tuple, tangents: tuple) -> tuple:
    (windows,), (tangent,) = primals, tangents
    first = jnp.argmax(windows, axis=-1)
    chosen = jnp.arange(windows.shape[-1]) == first[..., None]
    return windows.max(axis=-1), jnp.where(chosen, tangent, jnp.zeros_like(tangent)).sum(axis=-1)


def _max_pool_tiles(inputs: jax.Array, pool_size: tuple[int, ...], axes: list[int]) -> jax.Array:
    """Max pooling over windows that tile the input (``strides == pool_size``, ``"valid"``) by a reshape.

    The same values and gradients as ``reduce_window``, but the backward pass is a masked broadcast where
    XLA's select-and-scatter costs about three times as much (a 3x3 pooling of a small CNN, on CPU).
    """
    index: list[Any] = [slice(None)] * inputs.ndim
    split: list[int] = []
    window_dims: list[int] = []
    for axis, dim in enumerate(inputs.shape):
        if axis in axes:
            k = pool_size[axes.index(axis)]
            index[axis] = slice(0, dim // k * k)
            split += [dim // k, k]
            window_dims.append(len(split) - 1)
        else:
            split.append(dim)
    kept = [d for d in range(len(split)) if d not in window_dims]
    tiles = inputs[tuple(index)].reshape(split).transpose(kept + window_dims)
    return _first_max(tiles.reshape(*[split[d] for d in kept], -1))


def pool(
    inputs: jax.Array,
    mode: str,
    pool_size: tuple[int, ...],
    strides: tuple[int, ...],
    padding: str,
    data_format: str = "channels_last",
) -> jax.Array:
    """Max or average pooling with ``lax.reduce_window``.

    ``"same"`` average pooling divides each window's sum by the number of input elements inside it (the
    padding is not counted), as Keras does.
    """
    rank = len(pool_size)
    axes = cu.spatial_axes(rank, data_format)
    window = [1] * inputs.ndim
    step = [1] * inputs.ndim
    pads = [(0, 0)] * inputs.ndim
    spatial_pads = cu.explicit_padding([inputs.shape[a] for a in axes], pool_size, strides, padding)
    for axis, size, stride, pad in zip(axes, pool_size, strides, spatial_pads, strict=True):
        window[axis], step[axis], pads[axis] = size, stride, pad
    if mode == "max":
        tiled = tuple(pool_size) == tuple(strides) and all(pad == (0, 0) for pad in spatial_pads)
        if tiled and jnp.issubdtype(inputs.dtype, jnp.floating):
            return _max_pool_tiles(inputs, tuple(pool_size), list(axes))
        return jax.lax.reduce_window(inputs, _lowest(inputs.dtype), jax.lax.max, window, step, pads)
    summed = jax.lax.reduce_window(inputs, np.array(0, inputs.dtype), jax.lax.add, window, step, pads)
    if padding == "valid":
        return summed / math.prod(pool_size)
    ones_shape = [inputs.shape[a] if a in axes else 1 for a in range(inputs.ndim)]
    counts = jax.lax.reduce_window(
        jnp.ones(ones_shape, inputs.dtype), np.array(0, inputs.dtype), jax.lax.add, window, step, pads
    )
    return summed / counts


class BasePooling(Layer):
    """Pooling over ``pool_dimensions`` spatial axes.

    Args:
        pool_size: an int or a tuple of ``pool_dimensions`` ints: the window size.
        strides: an int, a tuple, or ``None`` (default: ``pool_size``).
        pool_dimensions: the number of spatial dimensions.
        pool_mode: ``"max"`` or ``"average"``.
        padding: ``"valid"`` or ``"same"``.
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.
    """

    def __init__(
        self,
        pool_size: int | tuple[int, ...],
        strides: int | tuple[int, ...] | None,
        pool_dimensions: int,
        pool_mode: str = "max",
        padding: str = "valid",
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        who = f"{type(self).__name__} '{self.name}'"
        self._who = who
        self.pool_size = cu.normalize_tuple(pool_size, pool_dimensions, "pool_size", who)
        self.strides = cu.normalize_tuple(pool_size if strides is None else strides, pool_dimensions, "strides", who)
        self.pool_mode = pool_mode
        self.padding = cu.normalize_padding(padding, who)
        self.data_format = cu.normalize_data_format(data_format, who)
        self.input_spec = InputSpec(ndim=pool_dimensions + 2)

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        rank = len(self.pool_size)
        if len(input_shape) != rank + 2:
            raise ValueError(
                f"{self._who}: expected inputs of rank {rank + 2} (batch, {rank} spatial dimensions and "
                f"channels), received shape {input_shape}."
            )
        spatial = [input_shape[a] for a in cu.spatial_axes(rank, self.data_format)]
        out = [
            cu.output_length(n, p, s, self.padding)
            for n, p, s in zip(spatial, self.pool_size, self.strides, strict=True)
        ]
        if any(o is not None and o <= 0 for o in out):
            raise ValueError(
                f"{self._who}: the output would be empty (spatial size {tuple(out)}) for input shape "
                f"{input_shape}, pool_size={self.pool_size}, strides={self.strides}, "
                f"padding={self.padding!r}."
            )

    def call(self, inputs: jax.Array) -> jax.Array:
        return pool(inputs, self.pool_mode, self.pool_size, self.strides, self.padding, self.data_format)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "pool_size": self.pool_size,
            "padding": self.padding,
            "strides": self.strides,
            "data_format": self.data_format,
        }
