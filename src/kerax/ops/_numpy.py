"""Array ops with NumPy's names (all of ``keras.ops.numpy``), usable on arrays and on symbolic tensors alike.

Results follow Keras 3 on JAX, dtypes included: Keras promotes with JAX's lattice but resolves Python-scalar
("weak") results at ``floatx()``'s precision, and turns integers into floats for transcendental ops.
"""

from __future__ import annotations

import builtins
import functools
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from kerax.backend._config import floatx
from kerax.backend._dtypes import result_type, standardize_dtype
from kerax.backend._symbolic import SymbolicTensor, any_symbolic
from kerax.ops._operation import infer_output_spec
from kerax.ops._registry import op, unwrap_variables

__all__ = [
    "abs",
    "absolute",
    "add",
    "all",
    "allclose",
    "amax",
    "amin",
    "angle",
    "any",
    "append",
    "arange",
    "arccos",
    "arccosh",
    "arcsin",
    "arcsinh",
    "arctan",
    "arctan2",
    "arctanh",
    "argmax",
    "argmin",
    "argpartition",
    "argsort",
    "array",
    "array_split",
    "average",
    "bartlett",
    "bincount",
    "bitwise_and",
    "bitwise_invert",
    "bitwise_left_shift",
    "bitwise_not",
    "bitwise_or",
    "bitwise_right_shift",
    "bitwise_xor",
    "blackman",
    "broadcast_to",
    "cast",
    "cbrt",
    "ceil",
    "clip",
    "concatenate",
    "conj",
    "conjugate",
    "convert_to_numpy",
    "convert_to_tensor",
    "copy",
    "corrcoef",
    "correlate",
    "cos",
    "cosh",
    "count_nonzero",
    "cross",
    "cumprod",
    "cumsum",
    "deg2rad",
    "diag",
    "diagflat",
    "diagonal",
    "diff",
    "digitize",
    "divide",
    "divide_no_nan",
    "dot",
    "dsplit",
    "dstack",
    "einsum",
    "empty",
    "empty_like",
    "equal",
    "exp",
    "exp2",
    "expand_dims",
    "expm1",
    "eye",
    "fabs",
    "flip",
    "fliplr",
    "flipud",
    "floor",
    "floor_divide",
    "fmax",
    "fmin",
    "fmod",
    "full",
    "full_like",
    "gcd",
    "geomspace",
    "get_item",
    "greater",
    "greater_equal",
    "hamming",
    "hanning",
    "heaviside",
    "histogram",
    "hsplit",
    "hstack",
    "hypot",
    "i0",
    "identity",
    "imag",
    "inner",
    "isclose",
    "isfinite",
    "isin",
    "isinf",
    "isnan",
    "isneginf",
    "isposinf",
    "isreal",
    "kaiser",
    "kron",
    "lcm",
    "ldexp",
    "left_shift",
    "less",
    "less_equal",
    "linspace",
    "log",
    "log10",
    "log1p",
    "log2",
    "logaddexp",
    "logaddexp2",
    "logical_and",
    "logical_not",
    "logical_or",
    "logical_xor",
    "logspace",
    "matmul",
    "max",
    "maximum",
    "mean",
    "median",
    "meshgrid",
    "min",
    "minimum",
    "mod",
    "moveaxis",
    "multiply",
    "nan_to_num",
    "nanargmax",
    "nanargmin",
    "nancumprod",
    "nancumsum",
    "nanmax",
    "nanmean",
    "nanmedian",
    "nanmin",
    "nanpercentile",
    "nanprod",
    "nanquantile",
    "nanstd",
    "nansum",
    "nanvar",
    "ndim",
    "negative",
    "nextafter",
    "nonzero",
    "not_equal",
    "ones",
    "ones_like",
    "outer",
    "pad",
    "percentile",
    "power",
    "prod",
    "ptp",
    "quantile",
    "rad2deg",
    "ravel",
    "real",
    "reciprocal",
    "repeat",
    "reshape",
    "right_shift",
    "roll",
    "rot90",
    "round",
    "searchsorted",
    "select",
    "shape",
    "sign",
    "signbit",
    "sin",
    "sinc",
    "sinh",
    "size",
    "slogdet",
    "sort",
    "split",
    "sqrt",
    "square",
    "squeeze",
    "stack",
    "std",
    "subtract",
    "sum",
    "swapaxes",
    "take",
    "take_along_axis",
    "tan",
    "tanh",
    "tensordot",
    "tile",
    "trace",
    "transpose",
    "trapezoid",
    "tri",
    "tril",
    "triu",
    "true_divide",
    "trunc",
    "unique",
    "unravel_index",
    "unstack",
    "vander",
    "var",
    "vdot",
    "vectorize",
    "view",
    "vsplit",
    "vstack",
    "where",
    "zeros",
    "zeros_like",
]

# ---------------------------------------------------------------------------------------------------------
# Dtype rules (Keras's, on the JAX backend)


def _optional_dtype(dtype: Any) -> str | None:
    return None if dtype is None else standardize_dtype(dtype)


def _cast(x: Any, dtype: Any) -> jax.Array:
    x = jnp.asarray(x)
    return x if x.dtype == dtype else x.astype(dtype)


def _is_int_or_bool(dtype: Any) -> bool:
    return jnp.issubdtype(dtype, jnp.integer) or jnp.dtype(dtype) == jnp.bool_


def _to_float(x: Any) -> jax.Array:
    """Integers and bools as floats, for trigonometric and rounding ops."""
    x = jnp.asarray(x)
    return _cast(x, floatx() if x.dtype == jnp.int64 else result_type(x.dtype, float))


def _int_to_floatx(x: Any) -> jax.Array:
    x = jnp.asarray(x)
    return _cast(x, floatx()) if _is_int_or_bool(x.dtype) else x


def _int64_to_floatx(x: Any) -> jax.Array:
    x = jnp.asarray(x)
    return _cast(x, floatx()) if x.dtype == jnp.int64 else x


def _axis(axis: Any) -> Any:
    return tuple(axis) if isinstance(axis, list) else axis


# ---------------------------------------------------------------------------------------------------------
# Op construction


def _output_spec(spec: Callable[..., Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Give an op a hand-written symbolic output where sizes depend on values; ``spec`` returns None to trace."""

    def compute_output_spec(self: Any, *args: Any, **kwargs: Any) -> Any:
        out = spec(*args, **kwargs)
        return infer_output_spec(self.call, args, kwargs) if out is None else out

    def wrap(public: Callable[..., Any]) -> Callable[..., Any]:
        public.operation_class.compute_output_spec = compute_output_spec
        return public

    return wrap


def _class_name(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def _unary(fn: Callable[[Any], Any], prepare: Callable[[Any], Any] = jnp.asarray) -> Any:
    """Decorator: the op named after the decorated function (class ``Name``), computing ``fn(prepare(x))``.

    The decorated function gives the op its name, signature and docstring; its body is never run.
    """

    def wrap(stub: Callable[..., Any]) -> Any:
        def impl(x: Any) -> jax.Array:
            return fn(prepare(x))

        impl.__name__ = impl.__qualname__ = stub.__name__
        impl.__doc__ = stub.__doc__
        return op(_class_name(stub.__name__))(impl)

    return wrap


def _binary(fn: Callable[[Any, Any], Any], to_float: bool = False) -> Any:
    """Decorator: the op named after the decorated function (class ``Name``), computing ``fn(x1, x2)``, on floats
    of the promoted dtype if ``to_float``.

    The decorated function gives the op its name, signature and docstring; its body is never run.
    """

    def wrap(stub: Callable[..., Any]) -> Any:
        def impl(x1: Any, x2: Any) -> jax.Array:
            x1, x2 = jnp.asarray(x1), jnp.asarray(x2)
            if to_float:
                dtype = result_type(x1.dtype, x2.dtype, float)
                x1, x2 = _cast(x1, dtype), _cast(x2, dtype)
            return fn(x1, x2)

        impl.__name__ = impl.__qualname__ = stub.__name__
        impl.__doc__ = stub.__doc__
        return op(_class_name(stub.__name__))(impl)

    return wrap


def _no_symbolic(name: str, *args: Any) -> None:
    if any_symbolic(args):
        raise TypeError(f"`{name}` takes Python numbers, not symbolic tensors; received {args}.")


# ---------------------------------------------------------------------------------------------------------
# Element-wise ops


@_unary(jnp.absolute)
def absolute(x: Any) -> jax.Array:
    """Absolute value, element by element (the modulus for complex inputs).

    Args:
        x: Input tensor.
    """


abs = absolute  # noqa: A001 - Keras's name
"""Alias of ``absolute``."""


@_unary(jnp.negative)
def negative(x: Any) -> jax.Array:
    """Numerical negative ``-x``, element by element.

    Args:
        x: Input tensor.
    """


@_unary(jnp.square)
def square(x: Any) -> jax.Array:
    """Square ``x * x``, element by element.

    Args:
        x: Input tensor.
    """


@_unary(jnp.sign)
def sign(x: Any) -> jax.Array:
    """Sign of ``x`` (-1, 0 or 1), element by element.

    Args:
        x: Input tensor.
    """


@_unary(jnp.signbit)
def signbit(x: Any) -> jax.Array:
    """Whether the sign bit of ``x`` is set (true for negative numbers and -0.0), element by element.

    Args:
        x: Input tensor.
    """


@_unary(jnp.conjugate)
def conjugate(x: Any) -> jax.Array:
    """Complex conjugate, element by element.

    Args:
        x: Input tensor.
    """


conj = conjugate
"""Alias of ``conjugate``."""


@_unary(jnp.real)
def real(x: Any) -> jax.Array:
    """Real part of a complex tensor, element by element.

    Args:
        x: Input tensor.
    """


@_unary(jnp.imag)
def imag(x: Any) -> jax.Array:
    """Imaginary part of a complex tensor, element by element.

    Args:
        x: Input tensor.
    """


@_unary(jnp.copy)
def copy(x: Any) -> jax.Array:
    """A copy of ``x``.

    Args:
        x: Input tensor.
    """


@_unary(jnp.reciprocal)
def reciprocal(x: Any) -> jax.Array:
    """Reciprocal ``1 / x``, element by element.

    Args:
        x: Input tensor.
    """


@_unary(jnp.cbrt)
def cbrt(x: Any) -> jax.Array:
    """Cube root, element by element.

    Args:
        x: Input tensor.
    """


@_unary(jnp.deg2rad)
def deg2rad(x: Any) -> jax.Array:
    """Angles converted from degrees to radians.

    Args:
        x: Input tensor.
    """


@_unary(jnp.rad2deg)
def rad2deg(x: Any) -> jax.Array:
    """Angles converted from radians to degrees.

    Args:
        x: Input tensor.
    """


@_unary(jnp.isfinite)
def isfinite(x: Any) -> jax.Array:
    """Whether each element is finite (neither infinite nor NaN).

    Args:
        x: Input tensor.
    """


@_unary(jnp.isinf)
def isinf(x: Any) -> jax.Array:
    """Whether each element is positive or negative infinity.

    Args:
        x: Input tensor.
    """


@_unary(jnp.isnan)
def isnan(x: Any) -> jax.Array:
    """Whether each element is NaN.

    Args:
        x: Input tensor.
    """


@_unary(jnp.isneginf)
def isneginf(x: Any) -> jax.Array:
    """Whether each element is negative infinity.

    Args:
        x: Input tensor.
    """


@_unary(jnp.isposinf)
def isposinf(x: Any) -> jax.Array:
    """Whether each element is positive infinity.

    Args:
        x: Input tensor.
    """


@_unary(jnp.isreal)
def isreal(x: Any) -> jax.Array:
    """Whether each element is real (a zero imaginary part).

    Args:
        x: Input tensor.
    """


@_unary(jnp.logical_not)
def logical_not(x: Any) -> jax.Array:
    """Logical NOT, element by element (nonzero values are true).

    Args:
        x: Input tensor.
    """


@_unary(jnp.invert)
def bitwise_invert(x: Any) -> jax.Array:
    """Bitwise NOT of integers or booleans, element by element.

    Args:
        x: Input tensor.
    """


@_unary(jnp.invert)
def bitwise_not(x: Any) -> jax.Array:
    """Bitwise NOT of integers or booleans, element by element (as ``bitwise_invert``).

    Args:
        x: Input tensor.
    """


@_unary(jnp.arccos, _to_float)
def arccos(x: Any) -> jax.Array:
    """Inverse cosine, element by element; integers are computed as floats.

    Args:
        x: Input tensor.
    """


@_unary(jnp.arccosh, _to_float)
def arccosh(x: Any) -> jax.Array:
    """Inverse hyperbolic cosine, element by element; integers are computed as floats.

    Args:
        x: Input tensor.
    """


@_unary(jnp.arcsin, _to_float)
def arcsin(x: Any) -> jax.Array:
    """Inverse sine, element by element; integers are computed as floats.

    Args:
        x: Input tensor.
    """


@_unary(jnp.arcsinh, _to_float)
def arcsinh(x: Any) -> jax.Array:
    """Inverse hyperbolic sine, element by element; integers are computed as floats.

    Args:
        x: Input tensor.
    """


@_unary(jnp.arctan, _to_float)
def arctan(x: Any) -> jax.Array:
    """Inverse tangent, element by element; integers are computed as floats.

    Args:
        x: Input tensor.
    """


@_unary(jnp.arctanh, _to_float)
def arctanh(x: Any) -> jax.Array:
    """Inverse hyperbolic tangent, element by element; integers are computed as floats.

    Args:
        x: Input tensor.
    """


@_unary(jnp.cos, _to_float)
def cos(x: Any) -> jax.Array:
    """Cosine, element by element; integers are computed as floats.

    Args:
        x: Input tensor.
    """


@_unary(jnp.cosh, _to_float)
def cosh(x: Any) -> jax.Array:
    """Hyperbolic cosine, element by element; integers are computed as floats.

    Args:
        x: Input tensor.
    """


@_unary(jnp.sin, _to_float)
def sin(x: Any) -> jax.Array:
    """Sine, element by element; integers are computed as floats.

    Args:
        x: Input tensor.
    """


@_unary(jnp.sinh, _to_float)
def sinh(x: Any) -> jax.Array:
    """Hyperbolic sine, element by element; integers are computed as floats.

    Args:
        x: Input tensor.
    """


@_unary(jnp.tan, _to_float)
def tan(x: Any) -> jax.Array:
    """Tangent, element by element; integers are computed as floats.

    Args:
        x: Input tensor.
    """


@_unary(jnp.tanh, _to_float)
def tanh(x: Any) -> jax.Array:
    """Hyperbolic tangent, element by element; integers are computed as floats.

    Args:
        x: Input tensor.
    """


@_unary(jnp.sinc, _to_float)
def sinc(x: Any) -> jax.Array:
    """Normalised sinc ``sin(pi * x) / (pi * x)`` (1 at 0), element by element.

    Args:
        x: Input tensor.
    """


@_unary(jnp.angle, _to_float)
def angle(x: Any) -> jax.Array:
    """Argument (angle in radians) of complex numbers, element by element.

    Args:
        x: Input tensor.
    """


@_unary(jnp.ceil, _to_float)
def ceil(x: Any) -> jax.Array:
    """Ceiling (the smallest integer not below ``x``), element by element, as floats.

    Args:
        x: Input tensor.
    """


@_unary(jnp.floor, _to_float)
def floor(x: Any) -> jax.Array:
    """Floor (the largest integer not above ``x``), element by element, as floats.

    Args:
        x: Input tensor.
    """


@_unary(jnp.exp, _int_to_floatx)
def exp(x: Any) -> jax.Array:
    """Exponential ``e ** x``, element by element; integers give ``floatx()``.

    Args:
        x: Input tensor.
    """


@_unary(jnp.exp2, _int_to_floatx)
def exp2(x: Any) -> jax.Array:
    """Base-2 exponential ``2 ** x``, element by element; integers give ``floatx()``.

    Args:
        x: Input tensor.
    """


@_unary(jnp.expm1, _int_to_floatx)
def expm1(x: Any) -> jax.Array:
    """``exp(x) - 1``, element by element, accurate for small ``x``; integers give ``floatx()``.

    Args:
        x: Input tensor.
    """


@_unary(jnp.log, _int64_to_floatx)
def log(x: Any) -> jax.Array:
    """Natural logarithm, element by element.

    Args:
        x: Input tensor.
    """


@_unary(jnp.log10, _int64_to_floatx)
def log10(x: Any) -> jax.Array:
    """Base-10 logarithm, element by element.

    Args:
        x: Input tensor.
    """


@_unary(jnp.log1p, _int64_to_floatx)
def log1p(x: Any) -> jax.Array:
    """``log(1 + x)``, element by element, accurate for small ``x``.

    Args:
        x: Input tensor.
    """


@_unary(jnp.log2, _int64_to_floatx)
def log2(x: Any) -> jax.Array:
    """Base-2 logarithm, element by element.

    Args:
        x: Input tensor.
    """


@_unary(jnp.sqrt, _int64_to_floatx)
def sqrt(x: Any) -> jax.Array:
    """Non-negative square root, element by element.

    Args:
        x: Input tensor.
    """


@_binary(jnp.add)
def add(x1: Any, x2: Any) -> jax.Array:
    """Sum ``x1 + x2``, element by element (broadcasting).

    Args:
        x1: First input tensor.
        x2: Second input tensor, broadcast against ``x1``.
    """


@_binary(jnp.subtract)
def subtract(x1: Any, x2: Any) -> jax.Array:
    """Difference ``x1 - x2``, element by element (broadcasting).

    Args:
        x1: First input tensor.
        x2: Second input tensor, broadcast against ``x1``.
    """


@_binary(jnp.multiply)
def multiply(x1: Any, x2: Any) -> jax.Array:
    """Product ``x1 * x2``, element by element (broadcasting).

    Args:
        x1: First input tensor.
        x2: Second input tensor, broadcast against ``x1``.
    """


@_binary(jnp.divide)
def divide(x1: Any, x2: Any) -> jax.Array:
    """True division ``x1 / x2``, element by element (broadcasting).

    Args:
        x1: First input tensor.
        x2: Second input tensor, broadcast against ``x1``.
    """


@_binary(jnp.divide)
def true_divide(x1: Any, x2: Any) -> jax.Array:
    """True division ``x1 / x2``, element by element (as ``divide``).

    Args:
        x1: First input tensor.
        x2: Second input tensor, broadcast against ``x1``.
    """


@_binary(jnp.power)
def power(x1: Any, x2: Any) -> jax.Array:
    """``x1`` raised to the power ``x2``, element by element.

    Args:
        x1: First input tensor.
        x2: Second input tensor, broadcast against ``x1``.
    """


@_binary(jnp.floor_divide)
def floor_divide(x1: Any, x2: Any) -> jax.Array:
    """Floor division ``x1 // x2``, element by element.

    Args:
        x1: First input tensor.
        x2: Second input tensor, broadcast against ``x1``.
    """


@_binary(jnp.mod)
def mod(x1: Any, x2: Any) -> jax.Array:
    """Remainder of ``x1 / x2`` with the sign of the divisor (Python's ``%``), element by element.

    Args:
        x1: First input tensor.
        x2: Second input tensor, broadcast against ``x1``.
    """


@_binary(jnp.fmod)
def fmod(x1: Any, x2: Any) -> jax.Array:
    """Remainder of ``x1 / x2`` with the sign of the dividend (C's ``fmod``), element by element.

    Args:
        x1: First input tensor.
        x2: Second input tensor, broadcast against ``x1``.
    """


@_binary(jnp.maximum)
def maximum(x1: Any, x2: Any) -> jax.Array:
    """Element-wise maximum of ``x1`` and ``x2`` (NaN if either is NaN).

    Args:
        x1: First input tensor.
        x2: Second input tensor, broadcast against ``x1``.
    """


@_binary(jnp.minimum)
def minimum(x1: Any, x2: Any) -> jax.Array:
    """Element-wise minimum of ``x1`` and ``x2`` (NaN if either is NaN).

    Args:
        x1: First input tensor.
        x2: Second input tensor, broadcast against ``x1``.
    """


@_binary(jnp.fmax)
def fmax(x1: Any, x2: Any) -> jax.Array:
    """Element-wise maximum of ``x1`` and ``x2``, ignoring NaNs where the other value is a number.

    Args:
        x1: First input tensor.
        x2: Second input tensor, broadcast against ``x1``.
    """


@_binary(jnp.fmin)
def fmin(x1: Any, x2: Any) -> jax.Array:
    """Element-wise minimum of ``x1`` and ``x2``, ignoring NaNs where the other value is a number.

    Args:
        x1: First input tensor.
        x2: Second input tensor, broadcast against ``x1``.
    """


@_binary(jnp.heaviside)
def heaviside(x1: Any, x2: Any) -> jax.Array:
    """Heaviside step function: 0 where ``x1 < 0``, 1 where ``x1 > 0``, ``x2`` where ``x1 == 0``.

    Args:
        x1: First input tensor.
        x2: Second input tensor, broadcast against ``x1``.
    """


@_binary(jnp.hypot)
def hypot(x1: Any, x2: Any) -> jax.Array:
    """Hypotenuse ``sqrt(x1 ** 2 + x2 ** 2)``, element by element.

    Args:
        x1: First input tensor.
        x2: Second input tensor, broadcast against ``x1``.
    """


@_binary(jnp.nextafter)
def nextafter(x1: Any, x2: Any) -> jax.Array:
    """The next floating-point value after ``x1`` towards ``x2``, element by element.

    Args:
        x1: First input tensor.
        x2: Second input tensor, broadcast against ``x1``.
    """


@_binary(jnp.gcd)
def gcd(x1: Any, x2: Any) -> jax.Array:
    """Greatest common divisor of integers, element by element.

    Args:
        x1: First input tensor.
        x2: Second input tensor, broadcast against ``x1``.
    """


@_binary(jnp.lcm)
def lcm(x1: Any, x2: Any) -> jax.Array:
    """Least common multiple of integers, element by element.

    Args:
        x1: First input tensor.
        x2: Second input tensor, broadcast against ``x1``.
    """


@_binary(jnp.equal)
def equal(x1: Any, x2: Any) -> jax.Array:
    """Whether ``x1 == x2``, element by element.

    Args:
        x1: First input tensor.
        x2: Second input tensor, broadcast against ``x1``.
    """


@_binary(jnp.not_equal)
def not_equal(x1: Any, x2: Any) -> jax.Array:
    """Whether ``x1 != x2``, element by element.

    Args:
        x1: First input tensor.
        x2: Second input tensor, broadcast against ``x1``.
    """


@_binary(jnp.less)
def less(x1: Any, x2: Any) -> jax.Array:
    """Whether ``x1 < x2``, element by element.

    Args:
        x1: First input tensor.
        x2: Second input tensor, broadcast against ``x1``.
    """


@_binary(jnp.less_equal)
def less_equal(x1: Any, x2: Any) -> jax.Array:
    """Whether ``x1 <= x2``, element by element.

    Args:
        x1: First input tensor.
        x2: Second input tensor, broadcast against ``x1``.
    """


@_binary(jnp.greater)
def greater(x1: Any, x2: Any) -> jax.Array:
    """Whether ``x1 > x2``, element by element.

    Args:
        x1: First input tensor.
        x2: Second input tensor, broadcast against ``x1``.
    """


@_binary(jnp.greater_equal)
def greater_equal(x1: Any, x2: Any) -> jax.Array:
    """Whether ``x1 >= x2``, element by element.

    Args:
        x1: First input tensor.
        x2: Second input tensor, broadcast against ``x1``.
    """


@_binary(jnp.logical_and)
def logical_and(x1: Any, x2: Any) -> jax.Array:
    """Logical AND, element by element (nonzero values are true).

    Args:
        x1: First input tensor.
        x2: Second input tensor, broadcast against ``x1``.
    """


@_binary(jnp.logical_or)
def logical_or(x1: Any, x2: Any) -> jax.Array:
    """Logical OR, element by element (nonzero values are true).

    Args:
        x1: First input tensor.
        x2: Second input tensor, broadcast against ``x1``.
    """


@_binary(jnp.logical_xor)
def logical_xor(x1: Any, x2: Any) -> jax.Array:
    """Logical XOR, element by element (nonzero values are true).

    Args:
        x1: First input tensor.
        x2: Second input tensor, broadcast against ``x1``.
    """


@_binary(jnp.arctan2, to_float=True)
def arctan2(x1: Any, x2: Any) -> jax.Array:
    """Angle of the point ``(x2, x1)`` in radians (the quadrant-aware ``arctan(x1 / x2)``).

    Args:
        x1: First input tensor.
        x2: Second input tensor, broadcast against ``x1``.
    """


@_binary(jnp.logaddexp, to_float=True)
def logaddexp(x1: Any, x2: Any) -> jax.Array:
    """``log(exp(x1) + exp(x2))``, element by element, without overflow.

    Args:
        x1: First input tensor.
        x2: Second input tensor, broadcast against ``x1``.
    """


@_binary(jnp.logaddexp2, to_float=True)
def logaddexp2(x1: Any, x2: Any) -> jax.Array:
    """``log2(2 ** x1 + 2 ** x2)``, element by element, without overflow.

    Args:
        x1: First input tensor.
        x2: Second input tensor, broadcast against ``x1``.
    """


@_binary(jnp.kron)
def kron(x1: Any, x2: Any) -> jax.Array:
    """Kronecker product of ``x1`` and ``x2``.

    Args:
        x1: First input tensor.
        x2: Second input tensor.
    """


@_binary(jnp.outer)
def outer(x1: Any, x2: Any) -> jax.Array:
    """Outer product of ``x1`` and ``x2`` (both flattened): ``out[i, j] = x1[i] * x2[j]``.

    Args:
        x1: First input tensor.
        x2: Second input tensor.
    """


@_binary(jnp.inner)
def inner(x1: Any, x2: Any) -> jax.Array:
    """Inner product: a sum over the last axes of ``x1`` and ``x2``.

    Args:
        x1: First input tensor.
        x2: Second input tensor.
    """


@_binary(jnp.vdot)
def vdot(x1: Any, x2: Any) -> jax.Array:
    """Dot product of the flattened ``x1`` and ``x2`` (the first one conjugated if complex).

    Args:
        x1: First input tensor.
        x2: Second input tensor.
    """


@_binary(jnp.dot)
def dot(x1: Any, x2: Any) -> jax.Array:
    """Dot product of ``x1`` and ``x2``: the matrix product for 2-D inputs.

    In general, a sum over the last axis of ``x1`` and the second-to-last axis of ``x2`` (its only axis if 1-D).

    Args:
        x1: First input tensor.
        x2: Second input tensor.
    """


@op("BitwiseAnd")
def bitwise_and(x: Any, y: Any) -> jax.Array:
    """Bitwise AND of integers or booleans, element by element.

    Args:
        x: Input tensor.
        y: Second input tensor, broadcast against ``x``.
    """
    return jnp.bitwise_and(jnp.asarray(x), jnp.asarray(y))


@op("BitwiseOr")
def bitwise_or(x: Any, y: Any) -> jax.Array:
    """Bitwise OR of integers or booleans, element by element.

    Args:
        x: Input tensor.
        y: Second input tensor, broadcast against ``x``.
    """
    return jnp.bitwise_or(jnp.asarray(x), jnp.asarray(y))


@op("BitwiseXor")
def bitwise_xor(x: Any, y: Any) -> jax.Array:
    """Bitwise XOR of integers or booleans, element by element.

    Args:
        x: Input tensor.
        y: Second input tensor, broadcast against ``x``.
    """
    return jnp.bitwise_xor(jnp.asarray(x), jnp.asarray(y))


def _shift(fn: Callable[[Any, Any], Any], x: Any, y: Any) -> jax.Array:
    return fn(jnp.asarray(x), y if isinstance(y, int) else jnp.asarray(y))


@op("BitwiseLeftShift")
def bitwise_left_shift(x: Any, y: Any) -> jax.Array:
    """Integers shifted left by ``y`` bits, element by element.

    Args:
        x: Input tensor.
        y: Number of bits to shift by: an int or an integer tensor.
    """
    return _shift(jnp.left_shift, x, y)


@op("LeftShift")
def left_shift(x: Any, y: Any) -> jax.Array:
    """Integers shifted left by ``y`` bits, element by element (as ``bitwise_left_shift``).

    Args:
        x: Input tensor.
        y: Number of bits to shift by: an int or an integer tensor.
    """
    return _shift(jnp.left_shift, x, y)


@op("BitwiseRightShift")
def bitwise_right_shift(x: Any, y: Any) -> jax.Array:
    """Integers shifted right by ``y`` bits, element by element.

    Args:
        x: Input tensor.
        y: Number of bits to shift by: an int or an integer tensor.
    """
    return _shift(jnp.right_shift, x, y)


@op("RightShift")
def right_shift(x: Any, y: Any) -> jax.Array:
    """Integers shifted right by ``y`` bits, element by element (as ``bitwise_right_shift``).

    Args:
        x: Input tensor.
        y: Number of bits to shift by: an int or an integer tensor.
    """
    return _shift(jnp.right_shift, x, y)


@op("Fabs")
def fabs(x: Any) -> jax.Array:
    """Absolute value of real numbers, element by element; complex inputs raise a TypeError.

    Args:
        x: Input tensor.
    """
    x = jnp.asarray(x)
    if jnp.issubdtype(x.dtype, jnp.complexfloating):
        raise TypeError(f"fabs does not support complex inputs; received dtype {x.dtype}.")
    return jnp.fabs(x)


@op("Trunc")
def trunc(x: Any) -> jax.Array:
    """Values rounded towards zero, element by element (integers are returned as they are).

    Args:
        x: Input tensor.
    """
    x = jnp.asarray(x)
    return x if _is_int_or_bool(x.dtype) else jnp.trunc(x)


@op("Round")
def round(x: Any, decimals: int = 0) -> jax.Array:  # noqa: A001
    """Values rounded to ``decimals`` decimal places (halves to even), element by element.

    Args:
        x: Input tensor.
        decimals: Number of decimal places (default 0); negative values round to tens, hundreds...
    """
    x = jnp.asarray(x)
    if jnp.issubdtype(x.dtype, jnp.integer) and decimals < 0:
        factor = jnp.asarray(10.0**decimals, dtype=floatx())
        return (jnp.round(x.astype(floatx()) * factor) / factor).astype(x.dtype)
    return jnp.round(x, decimals=decimals)


@op("I0")
def i0(x: Any) -> jax.Array:
    """The modified Bessel function of the first kind, order 0.

    Args:
        x: Input tensor.
    """
    x = jnp.asarray(x)
    name = x.dtype.name
    dtype = "float64" if name in ("int64", "float64") else name if name in ("bfloat16", "float16") else floatx()
    return jnp.i0(_cast(x, dtype))


@op("Ldexp")
def ldexp(x1: Any, x2: Any) -> jax.Array:
    """``x1 * 2 ** x2``, element by element.

    Args:
        x1: Mantissas.
        x2: Integer exponents, broadcast against ``x1``.
    """
    x1, x2 = jnp.asarray(x1), jnp.asarray(x2)
    if not jnp.issubdtype(x2.dtype, jnp.integer):
        raise TypeError(f"ldexp exponent must be an integer type; received dtype {x2.dtype}.")
    return jnp.ldexp(x1, x2)


@op("DivideNoNan")
def divide_no_nan(x1: Any, x2: Any) -> jax.Array:
    """``x1 / x2``, with 0 wherever ``x2`` is 0.

    Args:
        x1: First input tensor.
        x2: Second input tensor, broadcast against ``x1``.
    """
    x1, x2 = jnp.asarray(x1), jnp.asarray(x2)
    zero = x2 == 0
    return jnp.where(zero, 0, jnp.divide(x1, jnp.where(zero, 1, x2)))


@op("Clip")
def clip(x: Any, x_min: Any, x_max: Any) -> jax.Array:
    """Values limited to ``[x_min, x_max]``, element by element (booleans are clipped as int32).

    Args:
        x: Input tensor.
        x_min: Lower bound: a scalar or a tensor broadcast against ``x``.
        x_max: Upper bound: a scalar or a tensor broadcast against ``x``.
    """
    x = jnp.asarray(x)
    return jnp.clip(_cast(x, "int32") if x.dtype == jnp.bool_ else x, x_min, x_max)


@op("NanToNum")
def nan_to_num(x: Any, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None) -> jax.Array:
    """NaNs and infinities replaced by finite numbers.

    Args:
        x: Input tensor.
        nan: Value that replaces NaN (default 0.0).
        posinf: Value that replaces positive infinity; ``None`` (default) means the dtype's largest finite value.
        neginf: Value that replaces negative infinity; ``None`` (default) means the dtype's most negative finite value.
    """
    return jnp.nan_to_num(jnp.asarray(x), nan=nan, posinf=posinf, neginf=neginf)


@op("Isclose")
def isclose(x1: Any, x2: Any, rtol: float = 1e-5, atol: float = 1e-8, equal_nan: bool = False) -> jax.Array:
    """Whether ``x1`` and ``x2`` are equal within a tolerance, element by element: ``|x1 - x2| <= atol + rtol * |x2|``.

    Args:
        x1: First input tensor.
        x2: Second input tensor, broadcast against ``x1``.
        rtol: Relative tolerance (default 1e-5).
        atol: Absolute tolerance (default 1e-8).
        equal_nan: Whether two NaNs count as equal (default ``False``).
    """
    return jnp.isclose(jnp.asarray(x1), jnp.asarray(x2), rtol, atol, equal_nan)


@op("AllClose")
def allclose(x1: Any, x2: Any, rtol: float = 1e-5, atol: float = 1e-8, equal_nan: bool = False) -> jax.Array:
    """Whether ``x1`` and ``x2`` are equal within a tolerance everywhere (a scalar boolean).

    Args:
        x1: First input tensor.
        x2: Second input tensor, broadcast against ``x1``.
        rtol: Relative tolerance (default 1e-5).
        atol: Absolute tolerance (default 1e-8).
        equal_nan: Whether two NaNs count as equal (default ``False``).
    """
    return jnp.allclose(jnp.asarray(x1), jnp.asarray(x2), rtol, atol, equal_nan)


@op("IsIn")
def isin(x1: Any, x2: Any, assume_unique: bool = False, invert: bool = False) -> jax.Array:
    """Whether each element of ``x1`` occurs in ``x2``.

    Args:
        x1: Input tensor.
        x2: The values to look for (any shape).
        assume_unique: Whether both inputs are known to hold unique values (default ``False``), which may be faster.
        invert: Whether to return the opposite: true where an element does not occur (default ``False``).
    """
    return jnp.isin(jnp.asarray(x1), jnp.asarray(x2), assume_unique=assume_unique, invert=invert)


def _where_spec(condition: Any, x1: Any = None, x2: Any = None) -> Any:
    return _nonzero_spec(condition) if x1 is None and x2 is None else None


@_output_spec(_where_spec)
@op("Where")
def where(condition: Any, x1: Any = None, x2: Any = None) -> Any:
    """Elements of ``x1`` where ``condition`` is true and of ``x2`` elsewhere.

    With neither ``x1`` nor ``x2``, the indices where ``condition`` is true (as ``nonzero``).

    Args:
        condition: Boolean tensor.
        x1: Values where ``condition`` is true; give both ``x1`` and ``x2`` or neither.
        x2: Values where ``condition`` is false.
    """
    if (x1 is None) != (x2 is None):
        raise ValueError("`where`: `x1` and `x2` must both be None or both be given.")
    return jnp.where(condition, x1, x2)


@op("Select")
def select(condlist: Any, choicelist: Any, default: Any = 0) -> jax.Array:
    """Per element, the choice of the first true condition (``default`` where none is).

    Args:
        condlist: A list of boolean tensors, tried in order.
        choicelist: A list of tensors, one per condition, broadcast against the conditions.
        default: Value where no condition holds (default 0).
    """
    if not isinstance(condlist, (list, tuple)) or not isinstance(choicelist, (list, tuple)):
        raise ValueError(
            f"`select`: condlist and choicelist must be lists; received {type(condlist)} and {type(choicelist)}."
        )
    if not condlist or not choicelist:
        raise ValueError("`select`: condlist and choicelist must not be empty.")
    return jnp.select([jnp.asarray(c) for c in condlist], [jnp.asarray(c) for c in choicelist], default)


# ---------------------------------------------------------------------------------------------------------
# Linear algebra and contractions


@op("Matmul")
def matmul(x1: Any, x2: Any) -> jax.Array:
    """Matrix product of ``x1`` and ``x2``, batched over leading axes (two int8 inputs give int32).

    Args:
        x1: First input tensor.
        x2: Second input tensor.
    """
    x1, x2 = jnp.asarray(x1), jnp.asarray(x2)
    both_int8 = x1.dtype == jnp.int8 and x2.dtype == jnp.int8
    return jnp.matmul(x1, x2, preferred_element_type="int32" if both_int8 else None)


@op("Einsum")
def einsum(subscripts: str, *operands: Any, **kwargs: Any) -> jax.Array:
    """Einstein summation: contract ``operands`` as ``subscripts`` says (``"ij,jk->ik"`` is a matrix product).

    Args:
        subscripts: The summation, in NumPy's ``einsum`` notation.
        *operands: The tensors to contract, one per comma-separated term of ``subscripts``.
        **kwargs: Further options of ``jax.numpy.einsum`` (such as ``precision``).
    """
    operands = tuple(jnp.asarray(x) for x in operands)
    all_int8 = builtins.all(x.dtype == jnp.int8 for x in operands)
    kwargs["preferred_element_type"] = "int32" if all_int8 else None
    return jnp.einsum(subscripts, *operands, **kwargs)


@op("Tensordot")
def tensordot(x1: Any, x2: Any, axes: Any = 2) -> jax.Array:
    """Tensor contraction of ``x1`` and ``x2`` over the given axes.

    Args:
        x1: First input tensor.
        x2: Second input tensor.
        axes: An int ``n`` (the last ``n`` axes of ``x1`` with the first ``n`` of ``x2``; default 2) or a pair of axis
            lists.
    """
    return jnp.tensordot(jnp.asarray(x1), jnp.asarray(x2), axes=axes)


@op("Cross")
def cross(x1: Any, x2: Any, axisa: int = -1, axisb: int = -1, axisc: int = -1, axis: int | None = None) -> jax.Array:
    """Cross product of (batches of) 2- or 3-element vectors.

    Args:
        x1: Tensor whose ``axisa`` holds the first vectors.
        x2: Tensor whose ``axisb`` holds the second vectors.
        axisa: Axis of ``x1`` holding the vectors (default -1).
        axisb: Axis of ``x2`` holding the vectors (default -1).
        axisc: Axis of the result holding the vectors (default -1).
        axis: If given, overrides ``axisa``, ``axisb`` and ``axisc`` together (default ``None``).
    """
    return jnp.cross(jnp.asarray(x1), jnp.asarray(x2), axisa=axisa, axisb=axisb, axisc=axisc, axis=axis)


@op("Correlate")
def correlate(x1: Any, x2: Any, mode: str = "valid") -> jax.Array:
    """Cross-correlation of two 1-D tensors.

    Args:
        x1: First 1-D tensor.
        x2: Second 1-D tensor.
        mode: ``"valid"`` (default: only full overlaps), ``"same"`` (``x1``'s length) or ``"full"``.
    """
    return jnp.correlate(jnp.asarray(x1), jnp.asarray(x2), mode)


@op("Corrcoef")
def corrcoef(x: Any) -> jax.Array:
    """Pearson correlation coefficients between the rows of ``x``.

    Args:
        x: A 1-D or 2-D tensor: each row a variable, each column an observation.
    """
    return jnp.corrcoef(jnp.asarray(x))


@op("Slogdet")
def slogdet(x: Any) -> tuple[jax.Array, jax.Array]:
    """The sign and the log of the absolute value of a (batch of) square matrix's determinant.

    Args:
        x: A square matrix or a batch of them, shape ``(..., n, n)``.

    Returns:
        A pair ``(sign, logabsdet)``.
    """
    return tuple(jnp.linalg.slogdet(jnp.asarray(x)))


@op("Trace")
def trace(x: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> jax.Array:
    """Sum along a diagonal of ``x``.

    Args:
        x: Input tensor.
        offset: Offset of the diagonal from the main one (default 0; positive is above).
        axis1: First axis of the 2-D planes (default 0).
        axis2: Second axis of the 2-D planes (default 1).
    """
    return jnp.trace(jnp.asarray(x), offset=offset, axis1=axis1, axis2=axis2)


@op("Vander")
def vander(x: Any, N: int | None = None, increasing: bool = False) -> jax.Array:
    """Vandermonde matrix: columns are powers of ``x``.

    Args:
        x: 1-D input tensor.
        N: Number of columns (default ``None``: ``len(x)``).
        increasing: Whether powers increase left to right (default ``False``: decreasing).
    """
    x = jnp.asarray(x)
    if x.ndim != 1:
        raise ValueError(f"`vander` takes a 1-D tensor; received shape {x.shape}.")
    if N is not None and (not isinstance(N, int) or N < 0):
        raise ValueError(f"`vander`: `N` must be a non-negative integer; received {N!r}.")
    if not isinstance(increasing, bool):
        raise TypeError(f"`vander`: `increasing` must be a bool; received {increasing!r}.")
    return jnp.vander(x, N=N, increasing=increasing)


# ---------------------------------------------------------------------------------------------------------
# Reductions and statistics


def _reduce(fn: Callable[..., Any], x: Any, axis: Any, keepdims: bool, **kwargs: Any) -> jax.Array:
    return fn(jnp.asarray(x), axis=_axis(axis), keepdims=keepdims, **kwargs)


@op("Sum")
def sum(x: Any, axis: Any = None, keepdims: bool = False) -> jax.Array:  # noqa: A001
    """Sum of the elements over ``axis``.

    Args:
        x: Input tensor.
        axis: Axis or axes to reduce over; ``None`` (default) reduces over all axes.
        keepdims: Whether to keep the reduced axes as dimensions of size 1 (default ``False``).
    """
    return _reduce(jnp.sum, x, axis, keepdims)


@op("Prod")
def prod(x: Any, axis: Any = None, keepdims: bool = False, dtype: Any = None) -> jax.Array:
    """Product of the elements over ``axis``.

    Args:
        x: Input tensor.
        axis: Axis or axes to reduce over; ``None`` (default) reduces over all axes.
        keepdims: Whether to keep the reduced axes as dimensions of size 1 (default ``False``).
        dtype: Data type of the result; ``None`` (default) follows NumPy's rules.
    """
    return _reduce(jnp.prod, x, axis, keepdims, dtype=_optional_dtype(dtype))


@op("Mean")
def mean(x: Any, axis: Any = None, keepdims: bool = False) -> jax.Array:
    """Arithmetic mean over ``axis`` (integers give floats).

    Args:
        x: Input tensor.
        axis: Axis or axes to reduce over; ``None`` (default) reduces over all axes.
        keepdims: Whether to keep the reduced axes as dimensions of size 1 (default ``False``).
    """
    x = jnp.asarray(x)
    compute_dtype = result_type(x.dtype, "float32")
    out = jnp.mean(x, axis=_axis(axis), keepdims=keepdims, dtype=compute_dtype)
    return _cast(out, compute_dtype if _is_int_or_bool(x.dtype) else x.dtype)


@op("Var")
def var(x: Any, axis: Any = None, keepdims: bool = False) -> jax.Array:
    """Variance over ``axis`` (integers give floats).

    Args:
        x: Input tensor.
        axis: Axis or axes to reduce over; ``None`` (default) reduces over all axes.
        keepdims: Whether to keep the reduced axes as dimensions of size 1 (default ``False``).
    """
    x = jnp.asarray(x)
    out = jnp.var(x, axis=_axis(axis), keepdims=keepdims, dtype=result_type(x.dtype, "float32"))
    return _cast(out, result_type(x.dtype, float))


@op("Std")
def std(x: Any, axis: Any = None, keepdims: bool = False) -> jax.Array:
    """Standard deviation over ``axis``.

    Args:
        x: Input tensor.
        axis: Axis or axes to reduce over; ``None`` (default) reduces over all axes.
        keepdims: Whether to keep the reduced axes as dimensions of size 1 (default ``False``).
    """
    return _reduce(jnp.std, _int64_to_floatx(x), axis, keepdims)


@op("Max")
def max(x: Any, axis: Any = None, keepdims: bool = False, initial: Any = None) -> jax.Array:  # noqa: A001
    """Maximum over ``axis``.

    Args:
        x: Input tensor.
        axis: Axis or axes to reduce over; ``None`` (default) reduces over all axes.
        keepdims: Whether to keep the reduced axes as dimensions of size 1 (default ``False``).
        initial: Minimum value of the result, also used for empty reductions (default ``None``).
    """
    return _reduce(jnp.max, x, axis, keepdims, initial=initial)


@op("Min")
def min(x: Any, axis: Any = None, keepdims: bool = False, initial: Any = None) -> jax.Array:  # noqa: A001
    """Minimum over ``axis``.

    Args:
        x: Input tensor.
        axis: Axis or axes to reduce over; ``None`` (default) reduces over all axes.
        keepdims: Whether to keep the reduced axes as dimensions of size 1 (default ``False``).
        initial: Maximum value of the result, also used for empty reductions (default ``None``).
    """
    return _reduce(jnp.min, x, axis, keepdims, initial=initial)


@op("Amax")
def amax(x: Any, axis: Any = None, keepdims: bool = False) -> jax.Array:
    """Maximum over ``axis`` (as ``max``).

    Args:
        x: Input tensor.
        axis: Axis or axes to reduce over; ``None`` (default) reduces over all axes.
        keepdims: Whether to keep the reduced axes as dimensions of size 1 (default ``False``).
    """
    return _reduce(jnp.amax, x, axis, keepdims)


@op("Amin")
def amin(x: Any, axis: Any = None, keepdims: bool = False) -> jax.Array:
    """Minimum over ``axis`` (as ``min``).

    Args:
        x: Input tensor.
        axis: Axis or axes to reduce over; ``None`` (default) reduces over all axes.
        keepdims: Whether to keep the reduced axes as dimensions of size 1 (default ``False``).
    """
    return _reduce(jnp.amin, x, axis, keepdims)


@op("All")
def all(x: Any, axis: Any = None, keepdims: bool = False) -> jax.Array:  # noqa: A001
    """Whether all elements over ``axis`` are true (nonzero).

    Args:
        x: Input tensor.
        axis: Axis or axes to reduce over; ``None`` (default) reduces over all axes.
        keepdims: Whether to keep the reduced axes as dimensions of size 1 (default ``False``).
    """
    return _reduce(jnp.all, x, axis, keepdims)


@op("Any")
def any(x: Any, axis: Any = None, keepdims: bool = False) -> jax.Array:  # noqa: A001
    """Whether any element over ``axis`` is true (nonzero).

    Args:
        x: Input tensor.
        axis: Axis or axes to reduce over; ``None`` (default) reduces over all axes.
        keepdims: Whether to keep the reduced axes as dimensions of size 1 (default ``False``).
    """
    return _reduce(jnp.any, x, axis, keepdims)


@op("Ptp")
def ptp(x: Any, axis: Any = None, keepdims: bool = False) -> jax.Array:
    """Range of values (maximum minus minimum).

    Args:
        x: Input tensor.
        axis: Axis or axes to reduce over; ``None`` (default) reduces over all axes.
        keepdims: Whether to keep the reduced axes as dimensions of size 1 (default ``False``).
    """
    return _reduce(jnp.ptp, x, axis, keepdims)


@op("Median")
def median(x: Any, axis: Any = None, keepdims: bool = False) -> jax.Array:
    """Median over ``axis``.

    Args:
        x: Input tensor.
        axis: Axis or axes to reduce over; ``None`` (default) reduces over all axes.
        keepdims: Whether to keep the reduced axes as dimensions of size 1 (default ``False``).
    """
    return _reduce(jnp.median, _int64_to_floatx(x), axis, keepdims)


@op("Quantile")
def quantile(x: Any, q: Any, axis: Any = None, method: str = "linear", keepdims: bool = False) -> jax.Array:
    """The ``q``-th quantiles of ``x`` over ``axis``.

    Args:
        x: Input tensor.
        q: Quantile(s) to compute, in ``[0, 1]``; a scalar or a 1-D tensor.
        axis: Axis or axes to reduce over; ``None`` (default) reduces over all axes.
        method: How to interpolate between data points: ``"linear"`` (default), ``"lower"``, ``"higher"``,
            ``"midpoint"`` or ``"nearest"``.
        keepdims: Whether to keep the reduced axes as dimensions of size 1 (default ``False``).
    """
    x = _int64_to_floatx(x)
    return jnp.quantile(x, jnp.asarray(q), axis=_axis(axis), method=method, keepdims=keepdims)


@op("Percentile")
def percentile(x: Any, q: Any, axis: Any = None, method: str = "linear", keepdims: bool = False) -> jax.Array:
    """The ``q``-th percentiles of ``x`` over ``axis``.

    Args:
        x: Input tensor.
        q: Percentile(s) to compute, in ``[0, 100]``; a scalar or a 1-D tensor.
        axis: Axis or axes to reduce over; ``None`` (default) reduces over all axes.
        method: How to interpolate between data points: ``"linear"`` (default), ``"lower"``, ``"higher"``,
            ``"midpoint"`` or ``"nearest"``.
        keepdims: Whether to keep the reduced axes as dimensions of size 1 (default ``False``).
    """
    return jnp.percentile(jnp.asarray(x), jnp.asarray(q), axis=_axis(axis), method=method, keepdims=keepdims)


@op("Average")
def average(x: Any, axis: Any = None, weights: Any = None) -> jax.Array:
    """Weighted average over ``axis``.

    Args:
        x: Input tensor.
        axis: Axis or axes to reduce over; ``None`` (default) reduces over all axes.
        weights: Weights, the shape of ``x`` or 1-D along ``axis``; ``None`` (default) weighs all elements equally.
    """
    x = jnp.asarray(x)
    weights = None if weights is None else jnp.asarray(weights)
    dtype = result_type(x.dtype, float, *(() if weights is None else (weights.dtype,)))
    return jnp.average(_cast(x, dtype), axis=_axis(axis), weights=None if weights is None else _cast(weights, dtype))


@op("CountNonzero")
def count_nonzero(x: Any, axis: Any = None) -> jax.Array:
    """Number of nonzero elements over ``axis``, as int32.

    Args:
        x: Input tensor.
        axis: Axis or axes to reduce over; ``None`` (default) reduces over all axes.
    """
    return _cast(jnp.count_nonzero(jnp.asarray(x), axis=_axis(axis)), "int32")


def _flush_safe(x: jax.Array) -> jax.Array:
    """On CPU, -0.0 as the tiniest negative normal number, so it ranks below 0.0, as in Keras's CPU workaround
    for XLA's flush-to-zero in argmax and argmin."""
    if not jnp.issubdtype(x.dtype, jnp.floating) or x.ndim == 0 or jax.default_backend() != "cpu":
        return x
    x = _cast(x, result_type(x.dtype, "float32"))
    return jnp.where((x == 0.0) & jnp.signbit(x), -jnp.finfo(x.dtype).tiny, x)


@op("Argmax")
def argmax(x: Any, axis: int | None = None, keepdims: bool = False) -> jax.Array:
    """Indices of the maximum values along ``axis`` (the first one on ties).

    Args:
        x: Input tensor.
        axis: Axis to search along; ``None`` (default) searches the flattened tensor.
        keepdims: Whether to keep ``axis`` as a dimension of size 1 (default ``False``).
    """
    return jnp.argmax(_flush_safe(jnp.asarray(x)), axis=axis, keepdims=keepdims)


@op("Argmin")
def argmin(x: Any, axis: int | None = None, keepdims: bool = False) -> jax.Array:
    """Indices of the minimum values along ``axis`` (the first one on ties).

    Args:
        x: Input tensor.
        axis: Axis to search along; ``None`` (default) searches the flattened tensor.
        keepdims: Whether to keep ``axis`` as a dimension of size 1 (default ``False``).
    """
    return jnp.argmin(_flush_safe(jnp.asarray(x)), axis=axis, keepdims=keepdims)


@op("Nanargmax")
def nanargmax(x: Any, axis: int | None = None, keepdims: bool = False) -> jax.Array:
    """Indices of the maximum values along ``axis``, ignoring NaNs.

    Args:
        x: Input tensor.
        axis: Axis to search along; ``None`` (default) searches the flattened tensor.
        keepdims: Whether to keep ``axis`` as a dimension of size 1 (default ``False``).
    """
    return jnp.nanargmax(jnp.asarray(x), axis=axis, keepdims=keepdims)


@op("Nanargmin")
def nanargmin(x: Any, axis: int | None = None, keepdims: bool = False) -> jax.Array:
    """Indices of the minimum values along ``axis``, ignoring NaNs.

    Args:
        x: Input tensor.
        axis: Axis to search along; ``None`` (default) searches the flattened tensor.
        keepdims: Whether to keep ``axis`` as a dimension of size 1 (default ``False``).
    """
    return jnp.nanargmin(jnp.asarray(x), axis=axis, keepdims=keepdims)


@op("Nanmax")
def nanmax(x: Any, axis: Any = None, keepdims: bool = False) -> jax.Array:
    """Maximum over ``axis``, ignoring NaNs.

    Args:
        x: Input tensor.
        axis: Axis or axes to reduce over; ``None`` (default) reduces over all axes.
        keepdims: Whether to keep the reduced axes as dimensions of size 1 (default ``False``).
    """
    return _reduce(jnp.nanmax, x, axis, keepdims)


@op("Nanmin")
def nanmin(x: Any, axis: Any = None, keepdims: bool = False) -> jax.Array:
    """Minimum over ``axis``, ignoring NaNs.

    Args:
        x: Input tensor.
        axis: Axis or axes to reduce over; ``None`` (default) reduces over all axes.
        keepdims: Whether to keep the reduced axes as dimensions of size 1 (default ``False``).
    """
    return _reduce(jnp.nanmin, x, axis, keepdims)


@op("Nansum")
def nansum(x: Any, axis: Any = None, keepdims: bool = False) -> jax.Array:
    """Sum over ``axis``, treating NaNs as zero.

    Args:
        x: Input tensor.
        axis: Axis or axes to reduce over; ``None`` (default) reduces over all axes.
        keepdims: Whether to keep the reduced axes as dimensions of size 1 (default ``False``).
    """
    return _reduce(jnp.nansum, x, axis, keepdims)


@op("Nanprod")
def nanprod(x: Any, axis: Any = None, keepdims: bool = False) -> jax.Array:
    """Product over ``axis``, treating NaNs as one.

    Args:
        x: Input tensor.
        axis: Axis or axes to reduce over; ``None`` (default) reduces over all axes.
        keepdims: Whether to keep the reduced axes as dimensions of size 1 (default ``False``).
    """
    return _reduce(jnp.nanprod, x, axis, keepdims)


@op("Nanmean")
def nanmean(x: Any, axis: Any = None, keepdims: bool = False) -> jax.Array:
    """Mean over ``axis``, ignoring NaNs.

    Args:
        x: Input tensor.
        axis: Axis or axes to reduce over; ``None`` (default) reduces over all axes.
        keepdims: Whether to keep the reduced axes as dimensions of size 1 (default ``False``).
    """
    return _reduce(jnp.nanmean, x, axis, keepdims)


@op("Nanmedian")
def nanmedian(x: Any, axis: Any = None, keepdims: bool = False) -> jax.Array:
    """Median over ``axis``, ignoring NaNs.

    Args:
        x: Input tensor.
        axis: Axis or axes to reduce over; ``None`` (default) reduces over all axes.
        keepdims: Whether to keep the reduced axes as dimensions of size 1 (default ``False``).
    """
    return _reduce(jnp.nanmedian, x, axis, keepdims)


@op("Nanstd")
def nanstd(x: Any, axis: Any = None, keepdims: bool = False) -> jax.Array:
    """Standard deviation over ``axis``, ignoring NaNs.

    Args:
        x: Input tensor.
        axis: Axis or axes to reduce over; ``None`` (default) reduces over all axes.
        keepdims: Whether to keep the reduced axes as dimensions of size 1 (default ``False``).
    """
    return _reduce(jnp.nanstd, x, axis, keepdims)


@op("Nanvar")
def nanvar(x: Any, axis: Any = None, keepdims: bool = False) -> jax.Array:
    """Variance over ``axis``, ignoring NaNs.

    Args:
        x: Input tensor.
        axis: Axis or axes to reduce over; ``None`` (default) reduces over all axes.
        keepdims: Whether to keep the reduced axes as dimensions of size 1 (default ``False``).
    """
    return _reduce(jnp.nanvar, x, axis, keepdims)


@op("Nanquantile")
def nanquantile(x: Any, q: Any, axis: Any = None, method: str = "linear", keepdims: bool = False) -> jax.Array:
    """The ``q``-th quantiles of ``x`` over ``axis``, ignoring NaNs.

    Args:
        x: Input tensor.
        q: Quantile(s) to compute, in ``[0, 1]``; a scalar or a 1-D tensor.
        axis: Axis or axes to reduce over; ``None`` (default) reduces over all axes.
        method: How to interpolate between data points: ``"linear"`` (default), ``"lower"``, ``"higher"``,
            ``"midpoint"`` or ``"nearest"``.
        keepdims: Whether to keep the reduced axes as dimensions of size 1 (default ``False``).
    """
    return jnp.nanquantile(jnp.asarray(x), jnp.asarray(q), axis=_axis(axis), method=method, keepdims=keepdims)


@op("Nanpercentile")
def nanpercentile(x: Any, q: Any, axis: Any = None, method: str = "linear", keepdims: bool = False) -> jax.Array:
    """The ``q``-th percentiles of ``x`` over ``axis``, ignoring NaNs.

    Args:
        x: Input tensor.
        q: Percentile(s) to compute, in ``[0, 100]``; a scalar or a 1-D tensor.
        axis: Axis or axes to reduce over; ``None`` (default) reduces over all axes.
        method: How to interpolate between data points: ``"linear"`` (default), ``"lower"``, ``"higher"``,
            ``"midpoint"`` or ``"nearest"``.
        keepdims: Whether to keep the reduced axes as dimensions of size 1 (default ``False``).
    """
    return jnp.nanpercentile(jnp.asarray(x), jnp.asarray(q), axis=_axis(axis), method=method, keepdims=keepdims)


@op("Cumsum")
def cumsum(x: Any, axis: int | None = None, dtype: Any = None) -> jax.Array:
    """Cumulative sum along ``axis``.

    Args:
        x: Input tensor.
        axis: Axis to accumulate along; ``None`` (default) flattens ``x`` first.
        dtype: Data type of the result; ``None`` (default) follows NumPy's rules.
    """
    return jnp.cumsum(jnp.asarray(x), axis=axis, dtype=_optional_dtype(dtype))


@op("Cumprod")
def cumprod(x: Any, axis: int | None = None, dtype: Any = None) -> jax.Array:
    """Cumulative product along ``axis``.

    Args:
        x: Input tensor.
        axis: Axis to accumulate along; ``None`` (default) flattens ``x`` first.
        dtype: Data type of the result; ``None`` (default) follows NumPy's rules.
    """
    return jnp.cumprod(jnp.asarray(x), axis=axis, dtype=_optional_dtype(dtype))


@op("Nancumsum")
def nancumsum(x: Any, axis: int | None = None, dtype: Any = None) -> jax.Array:
    """Cumulative sum along ``axis``, treating NaNs as zero.

    Args:
        x: Input tensor.
        axis: Axis to accumulate along; ``None`` (default) flattens ``x`` first.
        dtype: Data type of the result; ``None`` (default) follows NumPy's rules.
    """
    return jnp.nancumsum(jnp.asarray(x), axis=axis, dtype=_optional_dtype(dtype))


@op("Nancumprod")
def nancumprod(x: Any, axis: int | None = None, dtype: Any = None) -> jax.Array:
    """Cumulative product along ``axis``, treating NaNs as one.

    Args:
        x: Input tensor.
        axis: Axis to accumulate along; ``None`` (default) flattens ``x`` first.
        dtype: Data type of the result; ``None`` (default) follows NumPy's rules.
    """
    return jnp.nancumprod(jnp.asarray(x), axis=axis, dtype=_optional_dtype(dtype))


@op("Diff")
def diff(a: Any, n: int = 1, axis: int = -1) -> jax.Array:
    """The ``n``-th discrete difference along ``axis``.

    Args:
        a: Input tensor.
        n: Number of times to take the difference (default 1).
        axis: Axis along which to take it (default -1).
    """
    return jnp.diff(jnp.asarray(a), n=n, axis=axis)


@op("Trapezoid")
def trapezoid(y: Any, x: Any = None, dx: Any = 1.0, axis: int = -1) -> jax.Array:
    """Integral of ``y`` along ``axis`` by the trapezoidal rule.

    Args:
        y: Values to integrate.
        x: Sample points of ``y`` along ``axis``; ``None`` (default) means points ``dx`` apart.
        dx: Spacing of the sample points when ``x`` is ``None`` (default 1.0).
        axis: Axis to integrate along (default -1).
    """
    x = None if x is None else jnp.asarray(x)
    return jnp.trapezoid(jnp.asarray(y), x, dx=jnp.asarray(dx), axis=axis)


# ---------------------------------------------------------------------------------------------------------
# Shapes, indexing and rearrangement


@op("Reshape")
def reshape(x: Any, newshape: Any) -> jax.Array:
    """``x`` with a new shape and the same elements.

    Args:
        x: Input tensor.
        newshape: The new shape (an int or a tuple); one dimension may be -1, inferred from the size.
    """
    if not isinstance(newshape, (jax.Array, SymbolicTensor)):
        newshape = tuple(newshape) if isinstance(newshape, (list, tuple, np.ndarray)) else (newshape,)
        if builtins.any(isinstance(d, (int, np.integer)) and d < -1 for d in newshape) or newshape.count(-1) > 1:
            raise ValueError(
                "`reshape`: each dimension of `newshape` must be non-negative, or -1 for a single unknown "
                f"dimension; received newshape={newshape}."
            )
    return jnp.reshape(jnp.asarray(x), newshape)


@op("Transpose")
def transpose(x: Any, axes: Any = None) -> jax.Array:
    """``x`` with its axes permuted.

    Args:
        x: Input tensor.
        axes: The new order of the axes; ``None`` (default) reverses them.
    """
    return jnp.transpose(jnp.asarray(x), axes=None if axes is None else tuple(axes))


@op("ExpandDims")
def expand_dims(x: Any, axis: Any) -> jax.Array:
    """``x`` with new axes of size 1 inserted.

    Args:
        x: Input tensor.
        axis: Position(s) of the new axes in the result: an int, tuple or list.
    """
    if not isinstance(axis, (int, tuple, list)):
        raise ValueError(f"`expand_dims`: `axis` must be an int, tuple or list; received {axis!r}.")
    return jnp.expand_dims(jnp.asarray(x), _axis(axis))


@op("Squeeze")
def squeeze(x: Any, axis: Any = None) -> jax.Array:
    """``x`` without axes of size 1.

    Args:
        x: Input tensor.
        axis: The axis or axes to remove (each must have size 1); ``None`` (default) removes all of size 1.
    """
    return jnp.squeeze(jnp.asarray(x), axis=_axis(axis))


@op("Ravel")
def ravel(x: Any) -> jax.Array:
    """``x`` flattened to one dimension.

    Args:
        x: Input tensor.
    """
    return jnp.ravel(jnp.asarray(x))


@op("BroadcastTo")
def broadcast_to(x: Any, shape: Any) -> jax.Array:
    """``x`` broadcast to ``shape``.

    Args:
        x: Input tensor.
        shape: The target shape.
    """
    return jnp.broadcast_to(jnp.asarray(x), shape)


@op("Moveaxis")
def moveaxis(x: Any, source: Any, destination: Any) -> jax.Array:
    """``x`` with axes moved to new positions (the others keep their order).

    Args:
        x: Input tensor.
        source: Original position(s) of the axes to move.
        destination: Their new position(s), as many as ``source``.
    """
    source, destination = _axis(source), _axis(destination)
    if len(np.atleast_1d(source)) != len(np.atleast_1d(destination)):
        raise ValueError(
            "`moveaxis`: `source` and `destination` must have the same number of elements; "
            f"received source={source}, destination={destination}."
        )
    return jnp.moveaxis(jnp.asarray(x), source, destination)


@op("Swapaxes")
def swapaxes(x: Any, axis1: int, axis2: int) -> jax.Array:
    """``x`` with two axes interchanged.

    Args:
        x: Input tensor.
        axis1: First axis.
        axis2: Second axis.
    """
    return jnp.swapaxes(jnp.asarray(x), axis1, axis2)


@op("Flip")
def flip(x: Any, axis: Any = None) -> jax.Array:
    """``x`` with the order of elements reversed along ``axis``.

    Args:
        x: Input tensor.
        axis: The axis or axes to reverse; ``None`` (default) reverses all.
    """
    return jnp.flip(jnp.asarray(x), axis=_axis(axis))


@op("Fliplr")
def fliplr(x: Any) -> jax.Array:
    """``x`` reversed along axis 1 (left/right).

    Args:
        x: Input tensor with at least 2 dimensions.
    """
    return jnp.fliplr(jnp.asarray(x))


@op("Flipud")
def flipud(x: Any) -> jax.Array:
    """``x`` reversed along axis 0 (up/down).

    Args:
        x: Input tensor with at least 1 dimension.
    """
    return jnp.flipud(jnp.asarray(x))


@op("Rot90")
def rot90(array: Any, k: int = 1, axes: Any = (0, 1)) -> jax.Array:
    """``array`` rotated by 90 degrees ``k`` times in the plane of ``axes``.

    Args:
        array: Input tensor with at least 2 dimensions.
        k: Number of rotations (default 1); positive is counter-clockwise, from the first axis towards the second.
        axes: The two axes of the plane to rotate in (default ``(0, 1)``).
    """
    array = jnp.asarray(array)
    if array.ndim < 2:
        raise ValueError(f"`rot90` needs an input with at least 2 dimensions; received shape {array.shape}.")
    if len(axes) != 2 or axes[0] == axes[1]:
        raise ValueError(f"`rot90`: `axes` must name two different dimensions; received {axes}.")
    return jnp.rot90(array, k=k, axes=tuple(axes))


@op("Roll")
def roll(x: Any, shift: Any, axis: Any = None) -> jax.Array:
    """``x`` with elements shifted cyclically along ``axis``.

    Args:
        x: Input tensor.
        shift: Number of places to shift by (an int or one per axis).
        axis: The axis or axes to shift along; ``None`` (default) shifts the flattened tensor and restores its shape.
    """
    return jnp.roll(jnp.asarray(x), shift, axis=_axis(axis))


@op("Tile")
def tile(x: Any, repeats: Any) -> jax.Array:
    """``x`` repeated ``repeats`` times along each axis.

    Args:
        x: Input tensor.
        repeats: Number of repetitions: an int, or one per axis.
    """
    return jnp.tile(jnp.asarray(x), repeats)


@op("Repeat")
def repeat(x: Any, repeats: Any, axis: int | None = None) -> jax.Array:
    """Each element of ``x`` repeated.

    Args:
        x: Input tensor.
        repeats: Number of repetitions: an int, or one per element along ``axis``.
        axis: Axis to repeat along; ``None`` (default) flattens ``x`` first.
    """
    return jnp.repeat(jnp.asarray(x), repeats, axis=axis)


@op("Pad")
def pad(x: Any, pad_width: Any, mode: str = "constant", constant_values: Any = None) -> jax.Array:
    """``x`` padded along each axis.

    Args:
        x: Input tensor.
        pad_width: Padding ``(before, after)`` per axis: an int for all sides, one pair for all axes, or one pair per
            axis.
        mode: ``"constant"`` (default), ``"edge"``, ``"reflect"``, ``"symmetric"``, ``"wrap"``... (NumPy's modes).
        constant_values: The padding value for ``mode="constant"``; ``None`` (default) pads with 0.
    """
    x = jnp.asarray(x)
    if isinstance(pad_width, int):
        pad_width = ((pad_width, pad_width),)
    elif isinstance(pad_width[0], int):
        pad_width = (tuple(pad_width),)
    else:
        if builtins.any(len(p) != len(pad_width[0]) for p in pad_width):
            raise ValueError(f"`pad`: `pad_width` entries must all have length 1 or all 2; received {pad_width}.")
        pad_width = tuple((p[0], p[0]) if len(p) == 1 else tuple(p) for p in pad_width)
    if len(pad_width) > 1 and len(pad_width) != x.ndim:
        raise ValueError(f"`pad`: `pad_width` {pad_width} must have one entry per axis of x (shape {x.shape}).")
    if constant_values is None:
        return jnp.pad(x, pad_width, mode=mode)
    if mode != "constant":
        raise ValueError(f"`pad`: `constant_values` needs mode='constant'; received mode={mode!r}.")
    return jnp.pad(x, pad_width, mode=mode, constant_values=constant_values)


@op("Concatenate")
def concatenate(xs: Any, axis: int | None = 0) -> jax.Array:
    """Tensors joined along an existing axis.

    Args:
        xs: A list of tensors with the same shape except along ``axis``.
        axis: Axis to join along (default 0); ``None`` flattens the tensors first.
    """
    return jnp.concatenate([jnp.asarray(x) for x in xs], axis=axis)


@op("Append")
def append(x1: Any, x2: Any, axis: int | None = None) -> jax.Array:
    """``x2`` appended to the end of ``x1``.

    Args:
        x1: First input tensor.
        x2: Values to append.
        axis: Axis to append along; ``None`` (default) flattens both first.
    """
    return jnp.append(jnp.asarray(x1), jnp.asarray(x2), axis=axis)


@op("Stack")
def stack(x: Any, axis: int = 0) -> jax.Array:
    """Tensors of the same shape joined along a new axis.

    Args:
        x: A list of tensors of the same shape.
        axis: Position of the new axis in the result (default 0).
    """
    return jnp.stack([jnp.asarray(t) for t in x], axis=axis)


@op("Hstack")
def hstack(xs: Any) -> jax.Array:
    """Tensors joined horizontally (along axis 1, or axis 0 for 1-D tensors).

    Args:
        xs: A list of tensors.
    """
    return jnp.hstack([jnp.asarray(x) for x in xs])


@op("Vstack")
def vstack(xs: Any) -> jax.Array:
    """Tensors joined vertically (along axis 0, 1-D tensors as rows).

    Args:
        xs: A list of tensors.
    """
    return jnp.vstack([jnp.asarray(x) for x in xs])


@op("Dstack")
def dstack(xs: Any) -> jax.Array:
    """Tensors joined along the third axis (depth).

    Args:
        xs: A list of tensors.
    """
    return jnp.dstack([jnp.asarray(x) for x in xs])


def _sections(indices_or_sections: Any) -> Any:
    return indices_or_sections if isinstance(indices_or_sections, int) else tuple(indices_or_sections)


@op("Split")
def split(x: Any, indices_or_sections: Any, axis: int = 0) -> list[jax.Array]:
    """``x`` split into parts along ``axis``.

    Args:
        x: Input tensor.
        indices_or_sections: An int (that many equal parts) or a list of the indices at which to split. An int must
            divide the axis evenly.
        axis: Axis to split along (default 0).

    Returns:
        A list of tensors.
    """
    return jnp.split(jnp.asarray(x), _sections(indices_or_sections), axis=axis)


@op("ArraySplit")
def array_split(x: Any, indices_or_sections: int, axis: int = 0) -> list[jax.Array]:
    """``indices_or_sections`` nearly equal parts along ``axis`` (the first ones one longer).

    Args:
        x: Input tensor.
        indices_or_sections: Number of parts (a positive int).
        axis: Axis to split along (default 0).

    Returns:
        A list of tensors.
    """
    if not isinstance(indices_or_sections, int) or isinstance(indices_or_sections, bool):
        raise TypeError(f"`array_split`: `indices_or_sections` must be an int; received {indices_or_sections!r}.")
    if indices_or_sections <= 0:
        raise ValueError(f"`array_split`: `indices_or_sections` must be positive; received {indices_or_sections}.")
    if not isinstance(axis, int):
        raise TypeError(f"`array_split`: `axis` must be an int; received {axis!r}.")
    return jnp.array_split(jnp.asarray(x), indices_or_sections, axis=axis)


@op("Hsplit")
def hsplit(x: Any, indices_or_sections: Any) -> list[jax.Array]:
    """``x`` split horizontally (along axis 1, or axis 0 for 1-D tensors).

    Args:
        x: Input tensor.
        indices_or_sections: An int (that many equal parts) or a list of the indices at which to split.

    Returns:
        A list of tensors.
    """
    return jnp.hsplit(jnp.asarray(x), _sections(indices_or_sections))


@op("Vsplit")
def vsplit(x: Any, indices_or_sections: Any) -> list[jax.Array]:
    """``x`` split vertically (along axis 0).

    Args:
        x: Input tensor.
        indices_or_sections: An int (that many equal parts) or a list of the indices at which to split.

    Returns:
        A list of tensors.
    """
    return jnp.vsplit(jnp.asarray(x), _sections(indices_or_sections))


@op("Dsplit")
def dsplit(x: Any, indices_or_sections: Any) -> list[jax.Array]:
    """``x`` split along the third axis (depth).

    Args:
        x: Input tensor.
        indices_or_sections: An int (that many equal parts) or a list of the indices at which to split.

    Returns:
        A list of tensors.
    """
    return jnp.dsplit(jnp.asarray(x), _sections(indices_or_sections))


def _unstack_spec(x: Any, num: int | None = None, axis: int = 0) -> list[SymbolicTensor]:
    axis %= x.ndim
    count = num if num is not None else x.shape[axis]
    if count is None:
        raise ValueError(f"`unstack` cannot count the entries of axis {axis} of shape {x.shape}; pass `num`.")
    return [SymbolicTensor(x.shape[:axis] + x.shape[axis + 1 :], x.dtype) for _ in range(count)]


@_output_spec(_unstack_spec)
@op("Unstack")
def unstack(x: Any, num: int | None = None, axis: int = 0) -> list[jax.Array]:
    """The slices of ``x`` along ``axis``; ``num``, when given, must be their count.

    Args:
        x: Input tensor.
        num: The expected number of slices; ``None`` (default) reads it from the shape (needed when the axis is
            unknown).
        axis: Axis to unstack along (default 0).

    Returns:
        A list of tensors.
    """
    x = jnp.asarray(x)
    if num is not None and num != x.shape[axis]:
        raise ValueError(f"`unstack`: num={num}, but axis {axis} of shape {x.shape} has {x.shape[axis]} entries.")
    return [jax.lax.index_in_dim(x, i, axis, keepdims=False) for i in range(x.shape[axis])]


@op("GetItem")
def get_item(x: Any, key: Any) -> jax.Array:
    """``x[key]``: NumPy-style indexing and slicing.

    Args:
        x: Input tensor.
        key: An index, slice, tensor of indices or booleans, or a tuple (or list) of them.
    """
    return jnp.asarray(x)[tuple(key) if isinstance(key, list) else key]


@op("Take")
def take(x: Any, indices: Any, axis: int | None = None) -> jax.Array:
    """Elements of ``x`` at ``indices`` along ``axis``.

    Args:
        x: Input tensor.
        indices: Integer tensor of indices.
        axis: Axis to take along; ``None`` (default) indexes the flattened tensor.
    """
    return jnp.take(jnp.asarray(x), jnp.asarray(indices), axis=axis)


@op("TakeAlongAxis")
def take_along_axis(x: Any, indices: Any, axis: int | None = None) -> jax.Array:
    """Elements of ``x`` picked by ``indices`` along ``axis`` (as ``argsort``'s output indexes).

    Args:
        x: Input tensor.
        indices: Integer tensor with ``x``'s number of dimensions (broadcast against it).
        axis: Axis to take along; ``None`` (default) flattens ``x`` first.
    """
    return jnp.take_along_axis(jnp.asarray(x), jnp.asarray(indices), axis=axis)


@op("Diag")
def diag(x: Any, k: int = 0) -> jax.Array:
    """The ``k``-th diagonal of a matrix, or a matrix with a vector on its ``k``-th diagonal.

    Args:
        x: A 2-D tensor (its diagonal is extracted) or a 1-D tensor (a matrix is built).
        k: Diagonal offset (default 0; positive is above the main diagonal).
    """
    return jnp.diag(jnp.asarray(x), k=k)


@op("Diagflat")
def diagflat(x: Any, k: int = 0) -> jax.Array:
    """A 2-D tensor with the flattened ``x`` on its ``k``-th diagonal.

    Args:
        x: Input tensor.
        k: Diagonal offset (default 0; positive is above the main diagonal).
    """
    return jnp.diagflat(jnp.asarray(x), k=k)


@op("Diagonal")
def diagonal(x: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> jax.Array:
    """The diagonal of the 2-D planes of ``x`` given by ``axis1`` and ``axis2``.

    Args:
        x: Input tensor.
        offset: Offset of the diagonal from the main one (default 0; positive is above).
        axis1: First axis of the planes (default 0).
        axis2: Second axis of the planes (default 1); must differ from ``axis1``.
    """
    x = jnp.asarray(x)
    if axis1 % builtins.max(x.ndim, 1) == axis2 % builtins.max(x.ndim, 1):
        raise ValueError(f"`diagonal`: `axis1` and `axis2` must differ; received {axis1} and {axis2}.")
    return jnp.diagonal(x, offset=offset, axis1=axis1, axis2=axis2)


@op("Tril")
def tril(x: Any, k: int = 0) -> jax.Array:
    """The lower triangle of ``x`` (the last two axes): elements above the ``k``-th diagonal set to zero.

    Args:
        x: Input tensor.
        k: Diagonal above which to zero (default 0; negative is below the main diagonal).
    """
    return jnp.tril(jnp.asarray(x), k=k)


@op("Triu")
def triu(x: Any, k: int = 0) -> jax.Array:
    """The upper triangle of ``x`` (the last two axes): elements below the ``k``-th diagonal set to zero.

    Args:
        x: Input tensor.
        k: Diagonal below which to zero (default 0; negative is below the main diagonal).
    """
    return jnp.triu(jnp.asarray(x), k=k)


@op("Meshgrid")
def meshgrid(*x: Any, indexing: str = "xy") -> list[jax.Array]:
    """Coordinate grids from 1-D coordinate vectors.

    Args:
        *x: 1-D tensors, one per dimension of the grid.
        indexing: ``"xy"`` (default, Cartesian: the first two outputs' axes swapped) or ``"ij"`` (matrix).

    Returns:
        A list of tensors, one per input.
    """
    if indexing not in ("xy", "ij"):
        raise ValueError(f"`meshgrid`: `indexing` must be 'xy' or 'ij'; received {indexing!r}.")
    return jnp.meshgrid(*(jnp.asarray(t) for t in x), indexing=indexing)


@op("Sort")
def sort(x: Any, axis: int = -1) -> jax.Array:
    """``x`` sorted in ascending order along ``axis``.

    Args:
        x: Input tensor.
        axis: Axis to sort along (default -1); ``None`` sorts the flattened tensor.
    """
    return jnp.sort(jnp.asarray(x), axis=axis)


@op("Argsort")
def argsort(x: Any, axis: int = -1) -> jax.Array:
    """Indices that sort ``x`` in ascending order along ``axis``.

    Args:
        x: Input tensor.
        axis: Axis to sort along (default -1); ``None`` sorts the flattened tensor.
    """
    x = jnp.asarray(x)
    return jnp.argsort(x, axis=None if x.ndim == 0 else axis)


@op("Argpartition")
def argpartition(x: Any, kth: int, axis: int | None = -1) -> jax.Array:
    """Indices that put the ``kth`` element in its sorted place, smaller ones before it, larger after.

    Args:
        x: Input tensor.
        kth: Index of the element to put in its sorted place.
        axis: Axis to partition along (default -1); ``None`` partitions the flattened tensor.
    """
    x = jnp.asarray(x)
    if axis is None:
        return jnp.argpartition(jnp.ravel(x), kth, axis=0)
    return jnp.argpartition(x, kth, axis=axis)


@op("SearchSorted")
def searchsorted(sorted_sequence: Any, values: Any, side: str = "left") -> jax.Array:
    """Indices at which inserting ``values`` keeps ``sorted_sequence`` sorted.

    Args:
        sorted_sequence: A sorted 1-D tensor.
        values: Values to insert (any shape).
        side: ``"left"`` (default: the first suitable index) or ``"right"`` (the last).
    """
    sorted_sequence = jnp.asarray(sorted_sequence)
    if sorted_sequence.ndim != 1:
        raise ValueError(f"`searchsorted` takes a 1-D sorted sequence; received shape {sorted_sequence.shape}.")
    return jnp.searchsorted(sorted_sequence, jnp.asarray(values), side=side)


@op("Digitize")
def digitize(x: Any, bins: Any) -> jax.Array:
    """For each value, the index of the bin it falls in.

    Args:
        x: Input tensor.
        bins: A monotonic 1-D tensor of bin edges.
    """
    return jnp.digitize(jnp.asarray(x), jnp.asarray(bins))


@op("UnravelIndex")
def unravel_index(indices: Any, shape: Any) -> tuple[jax.Array, ...]:
    """Flat indices converted to a tuple of coordinate tensors for ``shape``.

    Args:
        indices: Integer tensor of flat indices.
        shape: The shape the indices refer to.

    Returns:
        A tuple of tensors, one per dimension of ``shape``.
    """
    return jnp.unravel_index(jnp.asarray(indices), shape)


@op("View")
def view(x: Any, dtype: Any = None) -> jax.Array:
    """The same bytes read as another dtype.

    Args:
        x: Input tensor.
        dtype: The dtype to read the bytes as; ``None`` (default) keeps ``x``'s.
    """
    return jnp.asarray(x).view(_optional_dtype(dtype))


# ---------------------------------------------------------------------------------------------------------
# Ops whose output size depends on the input's values (not usable under jit, as in Keras)


def _bincount_spec(x: Any, weights: Any = None, minlength: int = 0, sparse: bool = False) -> SymbolicTensor:
    dtype = "int32" if weights is None else result_type(x.dtype, weights.dtype)
    return SymbolicTensor((*x.shape[:-1], None), dtype)


@_output_spec(_bincount_spec)
@op("Bincount")
def bincount(x: Any, weights: Any = None, minlength: int = 0, sparse: bool = False) -> jax.Array:
    """Occurrences of each non-negative integer in ``x`` (weighted by ``weights``); row by row for 2-D ``x``.

    Args:
        x: Non-negative integers: a 1-D tensor, or a 2-D tensor counted row by row.
        weights: Weights, the shape of ``x``; ``None`` (default) counts 1 each.
        minlength: Minimum number of bins in the result (default 0).
        sparse: Whether to return a sparse tensor; kerax supports only ``False`` (default).
    """
    if sparse:
        raise ValueError("`bincount`: sparse outputs are not supported by kerax.")
    x = jnp.asarray(x)
    length = builtins.max(int(minlength), int(jnp.max(x)) + 1 if x.size else 0)
    count = functools.partial(jnp.bincount, minlength=minlength, length=length)
    if x.ndim == 2:
        return jax.vmap(count)(x) if weights is None else jax.vmap(count)(x, jnp.asarray(weights))
    return count(x, None if weights is None else jnp.asarray(weights))


def _nonzero_spec(x: Any) -> tuple[SymbolicTensor, ...]:
    return tuple(SymbolicTensor((None,), "int32") for _ in x.shape)


@_output_spec(_nonzero_spec)
@op("Nonzero")
def nonzero(x: Any) -> tuple[jax.Array, ...]:
    """Indices of the nonzero elements of ``x``.

    Args:
        x: Input tensor.

    Returns:
        A tuple of 1-D int tensors, one per dimension of ``x``.
    """
    return jnp.nonzero(jnp.asarray(x))


def _unique_spec(
    x: Any,
    sorted: bool = True,  # noqa: A002
    return_index: bool = False,
    return_inverse: bool = False,
    return_counts: bool = False,
    axis: int | None = None,
    size: int | None = None,
    fill_value: Any = None,
) -> Any:
    if size is not None:
        return None
    axis_ = None if axis is None else axis % x.ndim
    values = [SymbolicTensor((None,) if axis_ is None else x.shape[:axis_] + (None,) + x.shape[axis_ + 1 :], x.dtype)]
    if return_index:
        values.append(SymbolicTensor((None,), "int32"))
    if return_inverse:
        values.append(SymbolicTensor(x.shape if axis_ is None else (x.shape[axis_],), "int32"))
    if return_counts:
        values.append(SymbolicTensor((None,), "int32"))
    return values[0] if len(values) == 1 else tuple(values)


@_output_spec(_unique_spec)
@op("Unique")
def unique(
    x: Any,
    sorted: bool = True,  # noqa: A002
    return_index: bool = False,
    return_inverse: bool = False,
    return_counts: bool = False,
    axis: int | None = None,
    size: int | None = None,
    fill_value: Any = None,
) -> Any:
    """The unique values of ``x``; with ``size``, padded (or cut) to that many, which also works under jit.

    Args:
        x: Input tensor.
        sorted: Whether to sort the unique values (default ``True``).
        return_index: Whether to also return the index of each value's first occurrence (default ``False``).
        return_inverse: Whether to also return, for each element of ``x``, the index of its value among the unique ones
            (default ``False``).
        return_counts: Whether to also return each value's number of occurrences (default ``False``).
        axis: Axis along which to find unique slices; ``None`` (default) flattens ``x``.
        size: Fixed number of unique values to return (padded with ``fill_value`` or cut); ``None`` (default) returns
            them all.
        fill_value: Padding value when ``size`` exceeds the count; ``None`` (default) repeats the smallest value.

    Returns:
        The unique values, followed by the requested indices and counts as a tuple when any is requested.
    """
    return jnp.unique(
        jnp.asarray(x),
        return_index=return_index,
        return_inverse=return_inverse,
        return_counts=return_counts,
        axis=axis,
        equal_nan=False,
        size=size,
        sorted=sorted,
        fill_value=fill_value,
    )


@op("Histogram")
def histogram(x: Any, bins: int = 10, range: tuple[float, float] | None = None) -> tuple[jax.Array, jax.Array]:  # noqa: A002
    """Counts of ``x`` in ``bins`` equal bins over ``range`` (default: x's min to max), and the bin edges.

    Args:
        x: 1-D input tensor.
        bins: Number of equal-width bins (default 10).
        range: ``(low, high)`` bounds of the bins; ``None`` (default) uses the minimum and maximum of ``x``.

    Returns:
        A pair ``(counts, bin_edges)``.
    """
    if not isinstance(bins, int):
        raise TypeError(f"`histogram`: `bins` must be an int; received {bins!r}.")
    if bins < 0:
        raise ValueError(f"`histogram`: `bins` must be non-negative; received {bins}.")
    if range and (not isinstance(range, tuple) or len(range) < 2 or range[1] < range[0]):
        raise ValueError(f"`histogram`: `range` must be a tuple (low, high) with low <= high; received {range}.")
    x = jnp.asarray(x)
    if x.ndim > 1:
        raise ValueError(f"`histogram` takes a 1-D tensor; received shape {x.shape}.")
    return jnp.histogram(x, bins=bins, range=range)


# ---------------------------------------------------------------------------------------------------------
# Creation


def arange(start: Any, stop: Any = None, step: Any = None, dtype: Any = None) -> jax.Array:
    """Evenly spaced values in ``[start, stop)``; Python ints give int32 and Python floats floatx-sized floats.

    Args:
        start: Start of the interval; the end when ``stop`` is ``None``.
        stop: End of the interval (excluded); ``None`` (default) counts from 0 to ``start``.
        step: Spacing between values (default ``None``: 1).
        dtype: Data type of the result; ``None`` (default) is inferred from the other arguments.
    """
    if dtype is None:
        given = [v for v in (start, stop, step) if v is not None]
        dtype = result_type(*(getattr(v, "dtype", type(v)) for v in given))
    return jnp.arange(start, stop, step=step, dtype=standardize_dtype(dtype))


def zeros(shape: Any, dtype: Any = None) -> jax.Array:
    """A tensor of ``shape`` filled with zeros.

    Args:
        shape: Shape of the result (an int or a tuple).
        dtype: Data type of the result; ``None`` (default) means ``floatx()``.
    """
    return jnp.zeros(shape, dtype=standardize_dtype(dtype))


def ones(shape: Any, dtype: Any = None) -> jax.Array:
    """A tensor of ``shape`` filled with ones.

    Args:
        shape: Shape of the result (an int or a tuple).
        dtype: Data type of the result; ``None`` (default) means ``floatx()``.
    """
    return jnp.ones(shape, dtype=standardize_dtype(dtype))


def empty(shape: Any, dtype: Any = None) -> jax.Array:
    """An array of ``shape`` (zero-filled: JAX has no uninitialised memory).

    Args:
        shape: Shape of the result (an int or a tuple).
        dtype: Data type of the result; ``None`` (default) means ``floatx()``.
    """
    return jnp.empty(shape, dtype=standardize_dtype(dtype))


def eye(N: int, M: int | None = None, k: int = 0, dtype: Any = None) -> jax.Array:
    """An ``N`` by ``M`` matrix with ones on the ``k``-th diagonal.

    Args:
        N: Number of rows.
        M: Number of columns; ``None`` (default) means ``N``.
        k: Diagonal offset (default 0; positive is above the main diagonal).
        dtype: Data type of the result; ``None`` (default) means ``floatx()``.
    """
    for name, value in (("N", N), ("M", M)):
        if isinstance(value, float) or jnp.issubdtype(getattr(value, "dtype", int), jnp.floating):
            raise TypeError(f"`eye`: `{name}` must be an integer; received {value!r}.")
    return jnp.eye(N, M=M, k=k, dtype=standardize_dtype(dtype))


def identity(n: int, dtype: Any = None) -> jax.Array:
    """The ``n`` by ``n`` identity matrix.

    Args:
        n: Number of rows and columns.
        dtype: Data type of the result; ``None`` (default) means ``floatx()``.
    """
    return jnp.identity(n, dtype=standardize_dtype(dtype))


def tri(N: int, M: int | None = None, k: int = 0, dtype: Any = None) -> jax.Array:
    """An ``N`` by ``M`` matrix with ones on and below the ``k``-th diagonal.

    Args:
        N: Number of rows.
        M: Number of columns; ``None`` (default) means ``N``.
        k: Diagonal offset (default 0; positive is above the main diagonal).
        dtype: Data type of the result; ``None`` (default) means ``floatx()``.
    """
    return jnp.tri(N, M=M, k=k, dtype=standardize_dtype(dtype))


@op("Full")
def full(shape: Any, fill_value: Any, dtype: Any = None) -> jax.Array:
    """A tensor of ``shape`` filled with ``fill_value``.

    Args:
        shape: Shape of the result (an int or a tuple).
        fill_value: The value (a scalar, or a tensor broadcast to ``shape``).
        dtype: Data type of the result; ``None`` (default) means ``floatx()``.
    """
    return jnp.full(shape, fill_value, dtype=standardize_dtype(dtype))


@op("FullLike")
def full_like(x: Any, fill_value: Any, dtype: Any = None) -> jax.Array:
    """A tensor of ``x``'s shape filled with ``fill_value``.

    Args:
        x: Input tensor.
        fill_value: The value (a scalar, or a tensor broadcast to ``x``'s shape).
        dtype: Data type of the result; ``None`` (default) keeps ``x``'s.
    """
    return jnp.full_like(jnp.asarray(x), fill_value, dtype=_optional_dtype(dtype))


@op("ZerosLike")
def zeros_like(x: Any, dtype: Any = None) -> jax.Array:
    """A tensor of zeros with ``x``'s shape.

    Args:
        x: Input tensor.
        dtype: Data type of the result; ``None`` (default) keeps ``x``'s.
    """
    return jnp.zeros_like(jnp.asarray(x), dtype=_optional_dtype(dtype))


@op("OnesLike")
def ones_like(x: Any, dtype: Any = None) -> jax.Array:
    """A tensor of ones with ``x``'s shape.

    Args:
        x: Input tensor.
        dtype: Data type of the result; ``None`` (default) keeps ``x``'s.
    """
    return jnp.ones_like(jnp.asarray(x), dtype=_optional_dtype(dtype))


@op("EmptyLike")
def empty_like(x: Any, dtype: Any = None) -> jax.Array:
    """A tensor with ``x``'s shape (zero-filled: JAX has no uninitialised memory).

    Args:
        x: Input tensor.
        dtype: Data type of the result; ``None`` (default) keeps ``x``'s.
    """
    return jnp.empty_like(jnp.asarray(x), dtype=_optional_dtype(dtype))


@op("Array")
def array(x: Any, dtype: Any = None) -> jax.Array:
    """A tensor from an array-like (nested lists, NumPy arrays, scalars).

    Args:
        x: The array-like.
        dtype: Data type of the result; ``None`` (default) is inferred from ``x``.
    """
    return jnp.array(x, dtype=_optional_dtype(dtype))


@op("Linspace")
def linspace(
    start: Any,
    stop: Any,
    num: int = 50,
    endpoint: bool = True,
    retstep: bool = False,
    dtype: Any = None,
    axis: int = 0,
) -> Any:
    """``num`` evenly spaced values from ``start`` to ``stop``.

    Args:
        start: First value (a scalar or a tensor).
        stop: Last value (or the end, if ``endpoint`` is ``False``).
        num: Number of values (default 50).
        endpoint: Whether ``stop`` is included (default ``True``).
        retstep: Whether to also return the spacing between values (default ``False``).
        dtype: Data type of the result; ``None`` (default) means ``floatx()``.
        axis: Axis of the result holding the values, for tensor ``start``/``stop`` (default 0).
    """
    return jnp.linspace(
        start, stop, num=num, endpoint=endpoint, retstep=retstep, dtype=_optional_dtype(dtype), axis=axis
    )


@op("Logspace")
def logspace(
    start: Any, stop: Any, num: int = 50, endpoint: bool = True, base: float = 10, dtype: Any = None, axis: int = 0
) -> jax.Array:
    """``num`` values evenly spaced on a log scale, from ``base ** start`` to ``base ** stop``.

    Args:
        start: Exponent of the first value.
        stop: Exponent of the last value.
        num: Number of values (default 50).
        endpoint: Whether ``base ** stop`` is included (default ``True``).
        base: Base of the log scale (default 10).
        dtype: Data type of the result; ``None`` (default) means ``floatx()``.
        axis: Axis of the result holding the values, for tensor ``start``/``stop`` (default 0).
    """
    return jnp.logspace(start, stop, num=num, endpoint=endpoint, base=base, dtype=_optional_dtype(dtype), axis=axis)


@op("Geomspace")
def geomspace(
    start: Any, stop: Any, num: int = 50, endpoint: bool = True, dtype: Any = None, axis: int = 0
) -> jax.Array:
    """``num`` values in geometric progression from ``start`` to ``stop``.

    Args:
        start: First value.
        stop: Last value.
        num: Number of values (default 50).
        endpoint: Whether ``stop`` is included (default ``True``).
        dtype: Data type of the result; ``None`` (default) means ``floatx()``.
        axis: Axis of the result holding the values, for tensor ``start``/``stop`` (default 0).
    """
    return jnp.geomspace(start, stop, num=num, endpoint=endpoint, dtype=_optional_dtype(dtype), axis=axis)


def _window(name: str, fn: Callable[..., Any], x: Any, *args: Any) -> jax.Array:
    _no_symbolic(name, x)
    return _cast(fn(x, *args), floatx())


def bartlett(x: int) -> jax.Array:
    """The Bartlett (triangular) window of ``x`` points.

    Args:
        x: Number of points (a Python int).
    """
    return _window("bartlett", jnp.bartlett, x)


def blackman(x: int) -> jax.Array:
    """The Blackman window of ``x`` points.

    Args:
        x: Number of points (a Python int).
    """
    return _window("blackman", jnp.blackman, x)


def hamming(x: int) -> jax.Array:
    """The Hamming window of ``x`` points.

    Args:
        x: Number of points (a Python int).
    """
    return _window("hamming", jnp.hamming, x)


def hanning(x: int) -> jax.Array:
    """The Hann window of ``x`` points.

    Args:
        x: Number of points (a Python int).
    """
    return _window("hanning", jnp.hanning, x)


def kaiser(x: int, beta: float) -> jax.Array:
    """The Kaiser window of ``x`` points with shape parameter ``beta``.

    Args:
        x: Number of points (a Python int).
        beta: Shape parameter of the window.
    """
    return _window("kaiser", jnp.kaiser, x, beta)


# ---------------------------------------------------------------------------------------------------------
# Conversion and introspection


@op("Cast")
def cast(x: Any, dtype: Any) -> jax.Array:
    """``x`` converted to ``dtype``.

    Args:
        x: Input tensor.
        dtype: The target data type (a name such as ``"float16"`` or a dtype).
    """
    return _cast(x, standardize_dtype(dtype))


@op("ConvertToTensor")
def convert_to_tensor(x: Any, dtype: Any = None, sparse: bool | None = None, ragged: bool | None = None) -> jax.Array:
    """A jax.Array from anything array-like (Variables read their value), cast to ``dtype`` if given.

    Args:
        x: An array, Variable, NumPy array, list or scalar.
        dtype: Data type to cast to; ``None`` (default) keeps ``x``'s.
        sparse: Whether to return a sparse tensor; kerax supports only ``None`` or ``False``.
        ragged: Whether to return a ragged tensor; kerax supports only ``None`` or ``False``.
    """
    if sparse:
        raise ValueError("`convert_to_tensor`: sparse tensors are not supported by kerax.")
    if ragged:
        raise ValueError("`convert_to_tensor`: ragged tensors are not supported by kerax.")
    return jnp.asarray(x) if dtype is None else _cast(x, standardize_dtype(dtype))


def convert_to_numpy(x: Any) -> np.ndarray:
    """A NumPy copy of an array, Variable or array-like.

    Args:
        x: An array, Variable or array-like (not a symbolic tensor).
    """
    if any_symbolic(x):
        raise ValueError(f"A symbolic tensor has no value to convert to NumPy: {x}.")
    return np.array(unwrap_variables(x))


def shape(x: Any) -> tuple[int | None, ...]:
    """The shape of an array or symbolic tensor (``None`` for unknown sizes).

    Args:
        x: A tensor or symbolic tensor.
    """
    return tuple(x.shape) if hasattr(x, "shape") else jnp.shape(x)


def ndim(x: Any) -> int:
    """The number of dimensions of ``x``.

    Args:
        x: A tensor or symbolic tensor.
    """
    return len(shape(x))


@op("Size")
def size(x: Any) -> Any:
    """The number of elements of ``x``.

    Args:
        x: Input tensor.
    """
    return jnp.size(jnp.asarray(x))


def vectorize(pyfunc: Callable[..., Any], *, excluded: Any = None, signature: str | None = None) -> Callable[..., Any]:
    """``pyfunc`` mapped over its inputs' leading (broadcast) axes, NumPy-``vectorize`` style.

    Args:
        pyfunc: The function to vectorize.
        excluded: Positions or names of arguments to pass through unvectorized (default ``None``).
        signature: A generalised ufunc signature such as ``"(n),(n)->()"`` (default ``None``: scalar core).

    Returns:
        The vectorized function.
    """
    return jnp.vectorize(pyfunc, excluded=excluded or set(), signature=signature)
