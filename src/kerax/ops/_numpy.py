"""Array ops with NumPy's names, usable on arrays and on symbolic tensors alike."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from kerax.ops._registry import op

__all__ = [
    "abs",
    "absolute",
    "add",
    "argmax",
    "argmin",
    "cast",
    "clip",
    "concatenate",
    "convert_to_numpy",
    "convert_to_tensor",
    "divide",
    "dot",
    "einsum",
    "equal",
    "exp",
    "expand_dims",
    "get_item",
    "greater",
    "greater_equal",
    "less",
    "less_equal",
    "log",
    "matmul",
    "max",
    "maximum",
    "mean",
    "min",
    "minimum",
    "multiply",
    "negative",
    "not_equal",
    "ones",
    "power",
    "reshape",
    "shape",
    "sqrt",
    "square",
    "squeeze",
    "stack",
    "subtract",
    "sum",
    "transpose",
    "true_divide",
    "unstack",
    "where",
    "zeros",
]


@op("Add")
def add(x1: Any, x2: Any) -> jax.Array:
    return jnp.add(x1, x2)


@op("Subtract")
def subtract(x1: Any, x2: Any) -> jax.Array:
    return jnp.subtract(x1, x2)


@op("Multiply")
def multiply(x1: Any, x2: Any) -> jax.Array:
    return jnp.multiply(x1, x2)


@op("Divide")
def divide(x1: Any, x2: Any) -> jax.Array:
    return jnp.divide(x1, x2)


true_divide = divide


@op("Power")
def power(x1: Any, x2: Any) -> jax.Array:
    return jnp.power(x1, x2)


@op("Matmul")
def matmul(x1: Any, x2: Any) -> jax.Array:
    return jnp.matmul(x1, x2)


@op("Dot")
def dot(x1: Any, x2: Any) -> jax.Array:
    return jnp.dot(x1, x2)


@op("Einsum")
def einsum(subscripts: str, *operands: Any) -> jax.Array:
    return jnp.einsum(subscripts, *operands)


@op("Negative")
def negative(x: Any) -> jax.Array:
    return jnp.negative(x)


@op("Absolute")
def absolute(x: Any) -> jax.Array:
    return jnp.abs(x)


abs = absolute  # noqa: A001 - Keras's name


@op("Exp")
def exp(x: Any) -> jax.Array:
    return jnp.exp(x)


@op("Log")
def log(x: Any) -> jax.Array:
    return jnp.log(x)


@op("Sqrt")
def sqrt(x: Any) -> jax.Array:
    return jnp.sqrt(x)


@op("Square")
def square(x: Any) -> jax.Array:
    return jnp.square(x)


@op("Maximum")
def maximum(x1: Any, x2: Any) -> jax.Array:
    return jnp.maximum(x1, x2)


@op("Minimum")
def minimum(x1: Any, x2: Any) -> jax.Array:
    return jnp.minimum(x1, x2)


@op("Clip")
def clip(x: Any, x_min: Any, x_max: Any) -> jax.Array:
    return jnp.clip(x, x_min, x_max)


@op("Where")
def where(condition: Any, x1: Any, x2: Any) -> jax.Array:
    return jnp.where(condition, x1, x2)


@op("Less")
def less(x1: Any, x2: Any) -> jax.Array:
    return jnp.less(x1, x2)


@op("LessEqual")
def less_equal(x1: Any, x2: Any) -> jax.Array:
    return jnp.less_equal(x1, x2)


@op("Greater")
def greater(x1: Any, x2: Any) -> jax.Array:
    return jnp.greater(x1, x2)


@op("GreaterEqual")
def greater_equal(x1: Any, x2: Any) -> jax.Array:
    return jnp.greater_equal(x1, x2)


@op("Equal")
def equal(x1: Any, x2: Any) -> jax.Array:
    return jnp.equal(x1, x2)


@op("NotEqual")
def not_equal(x1: Any, x2: Any) -> jax.Array:
    return jnp.not_equal(x1, x2)


@op("Mean")
def mean(x: Any, axis: Any = None, keepdims: bool = False) -> jax.Array:
    return jnp.mean(x, axis=axis, keepdims=keepdims)


@op("Sum")
def sum(x: Any, axis: Any = None, keepdims: bool = False) -> jax.Array:  # noqa: A001
    return jnp.sum(x, axis=axis, keepdims=keepdims)


@op("Max")
def max(x: Any, axis: Any = None, keepdims: bool = False) -> jax.Array:  # noqa: A001
    return jnp.max(x, axis=axis, keepdims=keepdims)


@op("Min")
def min(x: Any, axis: Any = None, keepdims: bool = False) -> jax.Array:  # noqa: A001
    return jnp.min(x, axis=axis, keepdims=keepdims)


@op("Argmax")
def argmax(x: Any, axis: int | None = None) -> jax.Array:
    return jnp.argmax(x, axis=axis)


@op("Argmin")
def argmin(x: Any, axis: int | None = None) -> jax.Array:
    return jnp.argmin(x, axis=axis)


@op("Reshape")
def reshape(x: Any, newshape: Any) -> jax.Array:
    return jnp.reshape(x, newshape)


@op("Transpose")
def transpose(x: Any, axes: Any = None) -> jax.Array:
    return jnp.transpose(x, axes)


@op("Concatenate")
def concatenate(xs: Any, axis: int = 0) -> jax.Array:
    return jnp.concatenate(xs, axis=axis)


@op("Stack")
def stack(xs: Any, axis: int = 0) -> jax.Array:
    return jnp.stack(xs, axis=axis)


@op("Unstack")
def unstack(x: Any, num: int | None = None, axis: int = 0) -> list[jax.Array]:
    return [jnp.take(x, i, axis=axis) for i in range(x.shape[axis])]


@op("ExpandDims")
def expand_dims(x: Any, axis: int) -> jax.Array:
    return jnp.expand_dims(x, axis)


@op("Squeeze")
def squeeze(x: Any, axis: Any = None) -> jax.Array:
    return jnp.squeeze(x, axis=axis)


@op("Cast")
def cast(x: Any, dtype: Any) -> jax.Array:
    return jnp.asarray(x).astype(dtype)


@op("GetItem")
def get_item(x: Any, key: Any) -> jax.Array:
    return x[key]


def convert_to_tensor(x: Any, dtype: Any = None) -> jax.Array:
    """An array (a jax.Array) from anything array-like."""
    return jnp.asarray(x, dtype=dtype)


def convert_to_numpy(x: Any) -> np.ndarray:
    """A NumPy array from a jax array or anything array-like."""
    return np.asarray(x)


def shape(x: Any) -> tuple[int | None, ...]:
    """The shape of an array or symbolic tensor (``None`` for unknown sizes)."""
    return tuple(x.shape)


def zeros(shape: Any, dtype: Any = "float32") -> jax.Array:
    return jnp.zeros(shape, dtype=dtype)


def ones(shape: Any, dtype: Any = "float32") -> jax.Array:
    return jnp.ones(shape, dtype=dtype)
