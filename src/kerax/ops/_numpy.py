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


def _unary(name: str, fn: Callable[[Any], Any], prepare: Callable[[Any], Any] = jnp.asarray) -> Any:
    """The op ``name`` (class ``Name``): ``fn`` on ``prepare(x)``."""

    def impl(x: Any) -> jax.Array:
        return fn(prepare(x))

    impl.__name__ = impl.__qualname__ = name
    return op(_class_name(name))(impl)


def _binary(name: str, fn: Callable[[Any, Any], Any], to_float: bool = False) -> Any:
    """The op ``name`` (class ``Name``): ``fn(x1, x2)``, on floats of the promoted dtype if ``to_float``."""

    def impl(x1: Any, x2: Any) -> jax.Array:
        x1, x2 = jnp.asarray(x1), jnp.asarray(x2)
        if to_float:
            dtype = result_type(x1.dtype, x2.dtype, float)
            x1, x2 = _cast(x1, dtype), _cast(x2, dtype)
        return fn(x1, x2)

    impl.__name__ = impl.__qualname__ = name
    return op(_class_name(name))(impl)


def _no_symbolic(name: str, *args: Any) -> None:
    if any_symbolic(args):
        raise TypeError(f"`{name}` takes Python numbers, not symbolic tensors; received {args}.")


# ---------------------------------------------------------------------------------------------------------
# Element-wise ops

absolute = _unary("absolute", jnp.absolute)
abs = absolute  # noqa: A001 - Keras's name
negative = _unary("negative", jnp.negative)
square = _unary("square", jnp.square)
sign = _unary("sign", jnp.sign)
signbit = _unary("signbit", jnp.signbit)
conjugate = _unary("conjugate", jnp.conjugate)
conj = conjugate
real = _unary("real", jnp.real)
imag = _unary("imag", jnp.imag)
copy = _unary("copy", jnp.copy)
reciprocal = _unary("reciprocal", jnp.reciprocal)
cbrt = _unary("cbrt", jnp.cbrt)
deg2rad = _unary("deg2rad", jnp.deg2rad)
rad2deg = _unary("rad2deg", jnp.rad2deg)
isfinite = _unary("isfinite", jnp.isfinite)
isinf = _unary("isinf", jnp.isinf)
isnan = _unary("isnan", jnp.isnan)
isneginf = _unary("isneginf", jnp.isneginf)
isposinf = _unary("isposinf", jnp.isposinf)
isreal = _unary("isreal", jnp.isreal)
logical_not = _unary("logical_not", jnp.logical_not)
bitwise_invert = _unary("bitwise_invert", jnp.invert)
bitwise_not = _unary("bitwise_not", jnp.invert)

arccos = _unary("arccos", jnp.arccos, _to_float)
arccosh = _unary("arccosh", jnp.arccosh, _to_float)
arcsin = _unary("arcsin", jnp.arcsin, _to_float)
arcsinh = _unary("arcsinh", jnp.arcsinh, _to_float)
arctan = _unary("arctan", jnp.arctan, _to_float)
arctanh = _unary("arctanh", jnp.arctanh, _to_float)
cos = _unary("cos", jnp.cos, _to_float)
cosh = _unary("cosh", jnp.cosh, _to_float)
sin = _unary("sin", jnp.sin, _to_float)
sinh = _unary("sinh", jnp.sinh, _to_float)
tan = _unary("tan", jnp.tan, _to_float)
tanh = _unary("tanh", jnp.tanh, _to_float)
sinc = _unary("sinc", jnp.sinc, _to_float)
angle = _unary("angle", jnp.angle, _to_float)
ceil = _unary("ceil", jnp.ceil, _to_float)
floor = _unary("floor", jnp.floor, _to_float)

exp = _unary("exp", jnp.exp, _int_to_floatx)
exp2 = _unary("exp2", jnp.exp2, _int_to_floatx)
expm1 = _unary("expm1", jnp.expm1, _int_to_floatx)
log = _unary("log", jnp.log, _int64_to_floatx)
log10 = _unary("log10", jnp.log10, _int64_to_floatx)
log1p = _unary("log1p", jnp.log1p, _int64_to_floatx)
log2 = _unary("log2", jnp.log2, _int64_to_floatx)
sqrt = _unary("sqrt", jnp.sqrt, _int64_to_floatx)

add = _binary("add", jnp.add)
subtract = _binary("subtract", jnp.subtract)
multiply = _binary("multiply", jnp.multiply)
divide = _binary("divide", jnp.divide)
true_divide = _binary("true_divide", jnp.divide)
power = _binary("power", jnp.power)
floor_divide = _binary("floor_divide", jnp.floor_divide)
mod = _binary("mod", jnp.mod)
fmod = _binary("fmod", jnp.fmod)
maximum = _binary("maximum", jnp.maximum)
minimum = _binary("minimum", jnp.minimum)
fmax = _binary("fmax", jnp.fmax)
fmin = _binary("fmin", jnp.fmin)
heaviside = _binary("heaviside", jnp.heaviside)
hypot = _binary("hypot", jnp.hypot)
nextafter = _binary("nextafter", jnp.nextafter)
gcd = _binary("gcd", jnp.gcd)
lcm = _binary("lcm", jnp.lcm)
equal = _binary("equal", jnp.equal)
not_equal = _binary("not_equal", jnp.not_equal)
less = _binary("less", jnp.less)
less_equal = _binary("less_equal", jnp.less_equal)
greater = _binary("greater", jnp.greater)
greater_equal = _binary("greater_equal", jnp.greater_equal)
logical_and = _binary("logical_and", jnp.logical_and)
logical_or = _binary("logical_or", jnp.logical_or)
logical_xor = _binary("logical_xor", jnp.logical_xor)
arctan2 = _binary("arctan2", jnp.arctan2, to_float=True)
logaddexp = _binary("logaddexp", jnp.logaddexp, to_float=True)
logaddexp2 = _binary("logaddexp2", jnp.logaddexp2, to_float=True)
kron = _binary("kron", jnp.kron)
outer = _binary("outer", jnp.outer)
inner = _binary("inner", jnp.inner)
vdot = _binary("vdot", jnp.vdot)
dot = _binary("dot", jnp.dot)


@op("BitwiseAnd")
def bitwise_and(x: Any, y: Any) -> jax.Array:
    return jnp.bitwise_and(jnp.asarray(x), jnp.asarray(y))


@op("BitwiseOr")
def bitwise_or(x: Any, y: Any) -> jax.Array:
    return jnp.bitwise_or(jnp.asarray(x), jnp.asarray(y))


@op("BitwiseXor")
def bitwise_xor(x: Any, y: Any) -> jax.Array:
    return jnp.bitwise_xor(jnp.asarray(x), jnp.asarray(y))


def _shift(fn: Callable[[Any, Any], Any], x: Any, y: Any) -> jax.Array:
    return fn(jnp.asarray(x), y if isinstance(y, int) else jnp.asarray(y))


@op("BitwiseLeftShift")
def bitwise_left_shift(x: Any, y: Any) -> jax.Array:
    return _shift(jnp.left_shift, x, y)


@op("LeftShift")
def left_shift(x: Any, y: Any) -> jax.Array:
    return _shift(jnp.left_shift, x, y)


@op("BitwiseRightShift")
def bitwise_right_shift(x: Any, y: Any) -> jax.Array:
    return _shift(jnp.right_shift, x, y)


@op("RightShift")
def right_shift(x: Any, y: Any) -> jax.Array:
    return _shift(jnp.right_shift, x, y)


@op("Fabs")
def fabs(x: Any) -> jax.Array:
    x = jnp.asarray(x)
    if jnp.issubdtype(x.dtype, jnp.complexfloating):
        raise TypeError(f"fabs does not support complex inputs; received dtype {x.dtype}.")
    return jnp.fabs(x)


@op("Trunc")
def trunc(x: Any) -> jax.Array:
    x = jnp.asarray(x)
    return x if _is_int_or_bool(x.dtype) else jnp.trunc(x)


@op("Round")
def round(x: Any, decimals: int = 0) -> jax.Array:  # noqa: A001
    x = jnp.asarray(x)
    if jnp.issubdtype(x.dtype, jnp.integer) and decimals < 0:
        factor = jnp.asarray(10.0**decimals, dtype=floatx())
        return (jnp.round(x.astype(floatx()) * factor) / factor).astype(x.dtype)
    return jnp.round(x, decimals=decimals)


@op("I0")
def i0(x: Any) -> jax.Array:
    """The modified Bessel function of the first kind, order 0."""
    x = jnp.asarray(x)
    name = x.dtype.name
    dtype = "float64" if name in ("int64", "float64") else name if name in ("bfloat16", "float16") else floatx()
    return jnp.i0(_cast(x, dtype))


@op("Ldexp")
def ldexp(x1: Any, x2: Any) -> jax.Array:
    x1, x2 = jnp.asarray(x1), jnp.asarray(x2)
    if not jnp.issubdtype(x2.dtype, jnp.integer):
        raise TypeError(f"ldexp exponent must be an integer type; received dtype {x2.dtype}.")
    return jnp.ldexp(x1, x2)


@op("DivideNoNan")
def divide_no_nan(x1: Any, x2: Any) -> jax.Array:
    """``x1 / x2``, with 0 wherever ``x2`` is 0."""
    x1, x2 = jnp.asarray(x1), jnp.asarray(x2)
    zero = x2 == 0
    return jnp.where(zero, 0, jnp.divide(x1, jnp.where(zero, 1, x2)))


@op("Clip")
def clip(x: Any, x_min: Any, x_max: Any) -> jax.Array:
    x = jnp.asarray(x)
    return jnp.clip(_cast(x, "int32") if x.dtype == jnp.bool_ else x, x_min, x_max)


@op("NanToNum")
def nan_to_num(x: Any, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None) -> jax.Array:
    return jnp.nan_to_num(jnp.asarray(x), nan=nan, posinf=posinf, neginf=neginf)


@op("Isclose")
def isclose(x1: Any, x2: Any, rtol: float = 1e-5, atol: float = 1e-8, equal_nan: bool = False) -> jax.Array:
    return jnp.isclose(jnp.asarray(x1), jnp.asarray(x2), rtol, atol, equal_nan)


@op("AllClose")
def allclose(x1: Any, x2: Any, rtol: float = 1e-5, atol: float = 1e-8, equal_nan: bool = False) -> jax.Array:
    return jnp.allclose(jnp.asarray(x1), jnp.asarray(x2), rtol, atol, equal_nan)


@op("IsIn")
def isin(x1: Any, x2: Any, assume_unique: bool = False, invert: bool = False) -> jax.Array:
    return jnp.isin(jnp.asarray(x1), jnp.asarray(x2), assume_unique=assume_unique, invert=invert)


def _where_spec(condition: Any, x1: Any = None, x2: Any = None) -> Any:
    return _nonzero_spec(condition) if x1 is None and x2 is None else None


@_output_spec(_where_spec)
@op("Where")
def where(condition: Any, x1: Any = None, x2: Any = None) -> Any:
    if (x1 is None) != (x2 is None):
        raise ValueError("`where`: `x1` and `x2` must both be None or both be given.")
    return jnp.where(condition, x1, x2)


@op("Select")
def select(condlist: Any, choicelist: Any, default: Any = 0) -> jax.Array:
    """Per element, the choice of the first true condition (``default`` where none is)."""
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
    x1, x2 = jnp.asarray(x1), jnp.asarray(x2)
    both_int8 = x1.dtype == jnp.int8 and x2.dtype == jnp.int8
    return jnp.matmul(x1, x2, preferred_element_type="int32" if both_int8 else None)


@op("Einsum")
def einsum(subscripts: str, *operands: Any, **kwargs: Any) -> jax.Array:
    operands = tuple(jnp.asarray(x) for x in operands)
    all_int8 = builtins.all(x.dtype == jnp.int8 for x in operands)
    kwargs["preferred_element_type"] = "int32" if all_int8 else None
    return jnp.einsum(subscripts, *operands, **kwargs)


@op("Tensordot")
def tensordot(x1: Any, x2: Any, axes: Any = 2) -> jax.Array:
    return jnp.tensordot(jnp.asarray(x1), jnp.asarray(x2), axes=axes)


@op("Cross")
def cross(x1: Any, x2: Any, axisa: int = -1, axisb: int = -1, axisc: int = -1, axis: int | None = None) -> jax.Array:
    return jnp.cross(jnp.asarray(x1), jnp.asarray(x2), axisa=axisa, axisb=axisb, axisc=axisc, axis=axis)


@op("Correlate")
def correlate(x1: Any, x2: Any, mode: str = "valid") -> jax.Array:
    return jnp.correlate(jnp.asarray(x1), jnp.asarray(x2), mode)


@op("Corrcoef")
def corrcoef(x: Any) -> jax.Array:
    return jnp.corrcoef(jnp.asarray(x))


@op("Slogdet")
def slogdet(x: Any) -> tuple[jax.Array, jax.Array]:
    """The sign and the log of the absolute value of a (batch of) square matrix's determinant."""
    return tuple(jnp.linalg.slogdet(jnp.asarray(x)))


@op("Trace")
def trace(x: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> jax.Array:
    return jnp.trace(jnp.asarray(x), offset=offset, axis1=axis1, axis2=axis2)


@op("Vander")
def vander(x: Any, N: int | None = None, increasing: bool = False) -> jax.Array:
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
    return _reduce(jnp.sum, x, axis, keepdims)


@op("Prod")
def prod(x: Any, axis: Any = None, keepdims: bool = False, dtype: Any = None) -> jax.Array:
    return _reduce(jnp.prod, x, axis, keepdims, dtype=_optional_dtype(dtype))


@op("Mean")
def mean(x: Any, axis: Any = None, keepdims: bool = False) -> jax.Array:
    x = jnp.asarray(x)
    compute_dtype = result_type(x.dtype, "float32")
    out = jnp.mean(x, axis=_axis(axis), keepdims=keepdims, dtype=compute_dtype)
    return _cast(out, compute_dtype if _is_int_or_bool(x.dtype) else x.dtype)


@op("Var")
def var(x: Any, axis: Any = None, keepdims: bool = False) -> jax.Array:
    x = jnp.asarray(x)
    out = jnp.var(x, axis=_axis(axis), keepdims=keepdims, dtype=result_type(x.dtype, "float32"))
    return _cast(out, result_type(x.dtype, float))


@op("Std")
def std(x: Any, axis: Any = None, keepdims: bool = False) -> jax.Array:
    return _reduce(jnp.std, _int64_to_floatx(x), axis, keepdims)


@op("Max")
def max(x: Any, axis: Any = None, keepdims: bool = False, initial: Any = None) -> jax.Array:  # noqa: A001
    return _reduce(jnp.max, x, axis, keepdims, initial=initial)


@op("Min")
def min(x: Any, axis: Any = None, keepdims: bool = False, initial: Any = None) -> jax.Array:  # noqa: A001
    return _reduce(jnp.min, x, axis, keepdims, initial=initial)


@op("Amax")
def amax(x: Any, axis: Any = None, keepdims: bool = False) -> jax.Array:
    return _reduce(jnp.amax, x, axis, keepdims)


@op("Amin")
def amin(x: Any, axis: Any = None, keepdims: bool = False) -> jax.Array:
    return _reduce(jnp.amin, x, axis, keepdims)


@op("All")
def all(x: Any, axis: Any = None, keepdims: bool = False) -> jax.Array:  # noqa: A001
    return _reduce(jnp.all, x, axis, keepdims)


@op("Any")
def any(x: Any, axis: Any = None, keepdims: bool = False) -> jax.Array:  # noqa: A001
    return _reduce(jnp.any, x, axis, keepdims)


@op("Ptp")
def ptp(x: Any, axis: Any = None, keepdims: bool = False) -> jax.Array:
    """Range of values (maximum minus minimum)."""
    return _reduce(jnp.ptp, x, axis, keepdims)


@op("Median")
def median(x: Any, axis: Any = None, keepdims: bool = False) -> jax.Array:
    return _reduce(jnp.median, _int64_to_floatx(x), axis, keepdims)


@op("Quantile")
def quantile(x: Any, q: Any, axis: Any = None, method: str = "linear", keepdims: bool = False) -> jax.Array:
    x = _int64_to_floatx(x)
    return jnp.quantile(x, jnp.asarray(q), axis=_axis(axis), method=method, keepdims=keepdims)


@op("Percentile")
def percentile(x: Any, q: Any, axis: Any = None, method: str = "linear", keepdims: bool = False) -> jax.Array:
    return jnp.percentile(jnp.asarray(x), jnp.asarray(q), axis=_axis(axis), method=method, keepdims=keepdims)


@op("Average")
def average(x: Any, axis: Any = None, weights: Any = None) -> jax.Array:
    x = jnp.asarray(x)
    weights = None if weights is None else jnp.asarray(weights)
    dtype = result_type(x.dtype, float, *(() if weights is None else (weights.dtype,)))
    return jnp.average(_cast(x, dtype), axis=_axis(axis), weights=None if weights is None else _cast(weights, dtype))


@op("CountNonzero")
def count_nonzero(x: Any, axis: Any = None) -> jax.Array:
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
    return jnp.argmax(_flush_safe(jnp.asarray(x)), axis=axis, keepdims=keepdims)


@op("Argmin")
def argmin(x: Any, axis: int | None = None, keepdims: bool = False) -> jax.Array:
    return jnp.argmin(_flush_safe(jnp.asarray(x)), axis=axis, keepdims=keepdims)


@op("Nanargmax")
def nanargmax(x: Any, axis: int | None = None, keepdims: bool = False) -> jax.Array:
    return jnp.nanargmax(jnp.asarray(x), axis=axis, keepdims=keepdims)


@op("Nanargmin")
def nanargmin(x: Any, axis: int | None = None, keepdims: bool = False) -> jax.Array:
    return jnp.nanargmin(jnp.asarray(x), axis=axis, keepdims=keepdims)


@op("Nanmax")
def nanmax(x: Any, axis: Any = None, keepdims: bool = False) -> jax.Array:
    return _reduce(jnp.nanmax, x, axis, keepdims)


@op("Nanmin")
def nanmin(x: Any, axis: Any = None, keepdims: bool = False) -> jax.Array:
    return _reduce(jnp.nanmin, x, axis, keepdims)


@op("Nansum")
def nansum(x: Any, axis: Any = None, keepdims: bool = False) -> jax.Array:
    return _reduce(jnp.nansum, x, axis, keepdims)


@op("Nanprod")
def nanprod(x: Any, axis: Any = None, keepdims: bool = False) -> jax.Array:
    return _reduce(jnp.nanprod, x, axis, keepdims)


@op("Nanmean")
def nanmean(x: Any, axis: Any = None, keepdims: bool = False) -> jax.Array:
    return _reduce(jnp.nanmean, x, axis, keepdims)


@op("Nanmedian")
def nanmedian(x: Any, axis: Any = None, keepdims: bool = False) -> jax.Array:
    return _reduce(jnp.nanmedian, x, axis, keepdims)


@op("Nanstd")
def nanstd(x: Any, axis: Any = None, keepdims: bool = False) -> jax.Array:
    return _reduce(jnp.nanstd, x, axis, keepdims)


@op("Nanvar")
def nanvar(x: Any, axis: Any = None, keepdims: bool = False) -> jax.Array:
    return _reduce(jnp.nanvar, x, axis, keepdims)


@op("Nanquantile")
def nanquantile(x: Any, q: Any, axis: Any = None, method: str = "linear", keepdims: bool = False) -> jax.Array:
    return jnp.nanquantile(jnp.asarray(x), jnp.asarray(q), axis=_axis(axis), method=method, keepdims=keepdims)


@op("Nanpercentile")
def nanpercentile(x: Any, q: Any, axis: Any = None, method: str = "linear", keepdims: bool = False) -> jax.Array:
    return jnp.nanpercentile(jnp.asarray(x), jnp.asarray(q), axis=_axis(axis), method=method, keepdims=keepdims)


@op("Cumsum")
def cumsum(x: Any, axis: int | None = None, dtype: Any = None) -> jax.Array:
    return jnp.cumsum(jnp.asarray(x), axis=axis, dtype=_optional_dtype(dtype))


@op("Cumprod")
def cumprod(x: Any, axis: int | None = None, dtype: Any = None) -> jax.Array:
    return jnp.cumprod(jnp.asarray(x), axis=axis, dtype=_optional_dtype(dtype))


@op("Nancumsum")
def nancumsum(x: Any, axis: int | None = None, dtype: Any = None) -> jax.Array:
    return jnp.nancumsum(jnp.asarray(x), axis=axis, dtype=_optional_dtype(dtype))


@op("Nancumprod")
def nancumprod(x: Any, axis: int | None = None, dtype: Any = None) -> jax.Array:
    return jnp.nancumprod(jnp.asarray(x), axis=axis, dtype=_optional_dtype(dtype))


@op("Diff")
def diff(a: Any, n: int = 1, axis: int = -1) -> jax.Array:
    """The ``n``-th discrete difference along ``axis``."""
    return jnp.diff(jnp.asarray(a), n=n, axis=axis)


@op("Trapezoid")
def trapezoid(y: Any, x: Any = None, dx: Any = 1.0, axis: int = -1) -> jax.Array:
    """Integral of ``y`` along ``axis`` by the trapezoidal rule."""
    x = None if x is None else jnp.asarray(x)
    return jnp.trapezoid(jnp.asarray(y), x, dx=jnp.asarray(dx), axis=axis)


# ---------------------------------------------------------------------------------------------------------
# Shapes, indexing and rearrangement


@op("Reshape")
def reshape(x: Any, newshape: Any) -> jax.Array:
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
    return jnp.transpose(jnp.asarray(x), axes=None if axes is None else tuple(axes))


@op("ExpandDims")
def expand_dims(x: Any, axis: Any) -> jax.Array:
    if not isinstance(axis, (int, tuple, list)):
        raise ValueError(f"`expand_dims`: `axis` must be an int, tuple or list; received {axis!r}.")
    return jnp.expand_dims(jnp.asarray(x), _axis(axis))


@op("Squeeze")
def squeeze(x: Any, axis: Any = None) -> jax.Array:
    return jnp.squeeze(jnp.asarray(x), axis=_axis(axis))


@op("Ravel")
def ravel(x: Any) -> jax.Array:
    return jnp.ravel(jnp.asarray(x))


@op("BroadcastTo")
def broadcast_to(x: Any, shape: Any) -> jax.Array:
    return jnp.broadcast_to(jnp.asarray(x), shape)


@op("Moveaxis")
def moveaxis(x: Any, source: Any, destination: Any) -> jax.Array:
    source, destination = _axis(source), _axis(destination)
    if len(np.atleast_1d(source)) != len(np.atleast_1d(destination)):
        raise ValueError(
            "`moveaxis`: `source` and `destination` must have the same number of elements; "
            f"received source={source}, destination={destination}."
        )
    return jnp.moveaxis(jnp.asarray(x), source, destination)


@op("Swapaxes")
def swapaxes(x: Any, axis1: int, axis2: int) -> jax.Array:
    return jnp.swapaxes(jnp.asarray(x), axis1, axis2)


@op("Flip")
def flip(x: Any, axis: Any = None) -> jax.Array:
    return jnp.flip(jnp.asarray(x), axis=_axis(axis))


@op("Fliplr")
def fliplr(x: Any) -> jax.Array:
    return jnp.fliplr(jnp.asarray(x))


@op("Flipud")
def flipud(x: Any) -> jax.Array:
    return jnp.flipud(jnp.asarray(x))


@op("Rot90")
def rot90(array: Any, k: int = 1, axes: Any = (0, 1)) -> jax.Array:
    array = jnp.asarray(array)
    if array.ndim < 2:
        raise ValueError(f"`rot90` needs an input with at least 2 dimensions; received shape {array.shape}.")
    if len(axes) != 2 or axes[0] == axes[1]:
        raise ValueError(f"`rot90`: `axes` must name two different dimensions; received {axes}.")
    return jnp.rot90(array, k=k, axes=tuple(axes))


@op("Roll")
def roll(x: Any, shift: Any, axis: Any = None) -> jax.Array:
    return jnp.roll(jnp.asarray(x), shift, axis=_axis(axis))


@op("Tile")
def tile(x: Any, repeats: Any) -> jax.Array:
    return jnp.tile(jnp.asarray(x), repeats)


@op("Repeat")
def repeat(x: Any, repeats: Any, axis: int | None = None) -> jax.Array:
    return jnp.repeat(jnp.asarray(x), repeats, axis=axis)


@op("Pad")
def pad(x: Any, pad_width: Any, mode: str = "constant", constant_values: Any = None) -> jax.Array:
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
    return jnp.concatenate([jnp.asarray(x) for x in xs], axis=axis)


@op("Append")
def append(x1: Any, x2: Any, axis: int | None = None) -> jax.Array:
    return jnp.append(jnp.asarray(x1), jnp.asarray(x2), axis=axis)


@op("Stack")
def stack(x: Any, axis: int = 0) -> jax.Array:
    return jnp.stack([jnp.asarray(t) for t in x], axis=axis)


@op("Hstack")
def hstack(xs: Any) -> jax.Array:
    return jnp.hstack([jnp.asarray(x) for x in xs])


@op("Vstack")
def vstack(xs: Any) -> jax.Array:
    return jnp.vstack([jnp.asarray(x) for x in xs])


@op("Dstack")
def dstack(xs: Any) -> jax.Array:
    return jnp.dstack([jnp.asarray(x) for x in xs])


def _sections(indices_or_sections: Any) -> Any:
    return indices_or_sections if isinstance(indices_or_sections, int) else tuple(indices_or_sections)


@op("Split")
def split(x: Any, indices_or_sections: Any, axis: int = 0) -> list[jax.Array]:
    return jnp.split(jnp.asarray(x), _sections(indices_or_sections), axis=axis)


@op("ArraySplit")
def array_split(x: Any, indices_or_sections: int, axis: int = 0) -> list[jax.Array]:
    """``indices_or_sections`` nearly equal parts along ``axis`` (the first ones one longer)."""
    if not isinstance(indices_or_sections, int) or isinstance(indices_or_sections, bool):
        raise TypeError(f"`array_split`: `indices_or_sections` must be an int; received {indices_or_sections!r}.")
    if indices_or_sections <= 0:
        raise ValueError(f"`array_split`: `indices_or_sections` must be positive; received {indices_or_sections}.")
    if not isinstance(axis, int):
        raise TypeError(f"`array_split`: `axis` must be an int; received {axis!r}.")
    return jnp.array_split(jnp.asarray(x), indices_or_sections, axis=axis)


@op("Hsplit")
def hsplit(x: Any, indices_or_sections: Any) -> list[jax.Array]:
    return jnp.hsplit(jnp.asarray(x), _sections(indices_or_sections))


@op("Vsplit")
def vsplit(x: Any, indices_or_sections: Any) -> list[jax.Array]:
    return jnp.vsplit(jnp.asarray(x), _sections(indices_or_sections))


@op("Dsplit")
def dsplit(x: Any, indices_or_sections: Any) -> list[jax.Array]:
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
    """The slices of ``x`` along ``axis``; ``num``, when given, must be their count."""
    x = jnp.asarray(x)
    if num is not None and num != x.shape[axis]:
        raise ValueError(f"`unstack`: num={num}, but axis {axis} of shape {x.shape} has {x.shape[axis]} entries.")
    return [jax.lax.index_in_dim(x, i, axis, keepdims=False) for i in range(x.shape[axis])]


@op("GetItem")
def get_item(x: Any, key: Any) -> jax.Array:
    return jnp.asarray(x)[tuple(key) if isinstance(key, list) else key]


@op("Take")
def take(x: Any, indices: Any, axis: int | None = None) -> jax.Array:
    return jnp.take(jnp.asarray(x), jnp.asarray(indices), axis=axis)


@op("TakeAlongAxis")
def take_along_axis(x: Any, indices: Any, axis: int | None = None) -> jax.Array:
    return jnp.take_along_axis(jnp.asarray(x), jnp.asarray(indices), axis=axis)


@op("Diag")
def diag(x: Any, k: int = 0) -> jax.Array:
    """The ``k``-th diagonal of a matrix, or a matrix with a vector on its ``k``-th diagonal."""
    return jnp.diag(jnp.asarray(x), k=k)


@op("Diagflat")
def diagflat(x: Any, k: int = 0) -> jax.Array:
    return jnp.diagflat(jnp.asarray(x), k=k)


@op("Diagonal")
def diagonal(x: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> jax.Array:
    x = jnp.asarray(x)
    if axis1 % builtins.max(x.ndim, 1) == axis2 % builtins.max(x.ndim, 1):
        raise ValueError(f"`diagonal`: `axis1` and `axis2` must differ; received {axis1} and {axis2}.")
    return jnp.diagonal(x, offset=offset, axis1=axis1, axis2=axis2)


@op("Tril")
def tril(x: Any, k: int = 0) -> jax.Array:
    return jnp.tril(jnp.asarray(x), k=k)


@op("Triu")
def triu(x: Any, k: int = 0) -> jax.Array:
    return jnp.triu(jnp.asarray(x), k=k)


@op("Meshgrid")
def meshgrid(*x: Any, indexing: str = "xy") -> list[jax.Array]:
    if indexing not in ("xy", "ij"):
        raise ValueError(f"`meshgrid`: `indexing` must be 'xy' or 'ij'; received {indexing!r}.")
    return jnp.meshgrid(*(jnp.asarray(t) for t in x), indexing=indexing)


@op("Sort")
def sort(x: Any, axis: int = -1) -> jax.Array:
    return jnp.sort(jnp.asarray(x), axis=axis)


@op("Argsort")
def argsort(x: Any, axis: int = -1) -> jax.Array:
    x = jnp.asarray(x)
    return jnp.argsort(x, axis=None if x.ndim == 0 else axis)


@op("Argpartition")
def argpartition(x: Any, kth: int, axis: int | None = -1) -> jax.Array:
    """Indices that put the ``kth`` element in its sorted place, smaller ones before it, larger after."""
    x = jnp.asarray(x)
    if axis is None:
        return jnp.argpartition(jnp.ravel(x), kth, axis=0)
    return jnp.argpartition(x, kth, axis=axis)


@op("SearchSorted")
def searchsorted(sorted_sequence: Any, values: Any, side: str = "left") -> jax.Array:
    sorted_sequence = jnp.asarray(sorted_sequence)
    if sorted_sequence.ndim != 1:
        raise ValueError(f"`searchsorted` takes a 1-D sorted sequence; received shape {sorted_sequence.shape}.")
    return jnp.searchsorted(sorted_sequence, jnp.asarray(values), side=side)


@op("Digitize")
def digitize(x: Any, bins: Any) -> jax.Array:
    """For each value, the index of the bin it falls in."""
    return jnp.digitize(jnp.asarray(x), jnp.asarray(bins))


@op("UnravelIndex")
def unravel_index(indices: Any, shape: Any) -> tuple[jax.Array, ...]:
    return jnp.unravel_index(jnp.asarray(indices), shape)


@op("View")
def view(x: Any, dtype: Any = None) -> jax.Array:
    """The same bytes read as another dtype."""
    return jnp.asarray(x).view(_optional_dtype(dtype))


# ---------------------------------------------------------------------------------------------------------
# Ops whose output size depends on the input's values (not usable under jit, as in Keras)


def _bincount_spec(x: Any, weights: Any = None, minlength: int = 0, sparse: bool = False) -> SymbolicTensor:
    dtype = "int32" if weights is None else result_type(x.dtype, weights.dtype)
    return SymbolicTensor((*x.shape[:-1], None), dtype)


@_output_spec(_bincount_spec)
@op("Bincount")
def bincount(x: Any, weights: Any = None, minlength: int = 0, sparse: bool = False) -> jax.Array:
    """Occurrences of each non-negative integer in ``x`` (weighted by ``weights``); row by row for 2-D ``x``."""
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
    """The unique values of ``x``; with ``size``, padded (or cut) to that many, which also works under jit."""
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
    """Counts of ``x`` in ``bins`` equal bins over ``range`` (default: x's min to max), and the bin edges."""
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
    """Evenly spaced values in ``[start, stop)``; Python ints give int32 and Python floats floatx-sized floats."""
    if dtype is None:
        given = [v for v in (start, stop, step) if v is not None]
        dtype = result_type(*(getattr(v, "dtype", type(v)) for v in given))
    return jnp.arange(start, stop, step=step, dtype=standardize_dtype(dtype))


def zeros(shape: Any, dtype: Any = None) -> jax.Array:
    return jnp.zeros(shape, dtype=standardize_dtype(dtype))


def ones(shape: Any, dtype: Any = None) -> jax.Array:
    return jnp.ones(shape, dtype=standardize_dtype(dtype))


def empty(shape: Any, dtype: Any = None) -> jax.Array:
    """An array of ``shape`` (zero-filled: JAX has no uninitialised memory)."""
    return jnp.empty(shape, dtype=standardize_dtype(dtype))


def eye(N: int, M: int | None = None, k: int = 0, dtype: Any = None) -> jax.Array:
    """An ``N`` by ``M`` matrix with ones on the ``k``-th diagonal."""
    for name, value in (("N", N), ("M", M)):
        if isinstance(value, float) or jnp.issubdtype(getattr(value, "dtype", int), jnp.floating):
            raise TypeError(f"`eye`: `{name}` must be an integer; received {value!r}.")
    return jnp.eye(N, M=M, k=k, dtype=standardize_dtype(dtype))


def identity(n: int, dtype: Any = None) -> jax.Array:
    return jnp.identity(n, dtype=standardize_dtype(dtype))


def tri(N: int, M: int | None = None, k: int = 0, dtype: Any = None) -> jax.Array:
    """An ``N`` by ``M`` matrix with ones on and below the ``k``-th diagonal."""
    return jnp.tri(N, M=M, k=k, dtype=standardize_dtype(dtype))


@op("Full")
def full(shape: Any, fill_value: Any, dtype: Any = None) -> jax.Array:
    return jnp.full(shape, fill_value, dtype=standardize_dtype(dtype))


@op("FullLike")
def full_like(x: Any, fill_value: Any, dtype: Any = None) -> jax.Array:
    return jnp.full_like(jnp.asarray(x), fill_value, dtype=_optional_dtype(dtype))


@op("ZerosLike")
def zeros_like(x: Any, dtype: Any = None) -> jax.Array:
    return jnp.zeros_like(jnp.asarray(x), dtype=_optional_dtype(dtype))


@op("OnesLike")
def ones_like(x: Any, dtype: Any = None) -> jax.Array:
    return jnp.ones_like(jnp.asarray(x), dtype=_optional_dtype(dtype))


@op("EmptyLike")
def empty_like(x: Any, dtype: Any = None) -> jax.Array:
    return jnp.empty_like(jnp.asarray(x), dtype=_optional_dtype(dtype))


@op("Array")
def array(x: Any, dtype: Any = None) -> jax.Array:
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
    return jnp.linspace(
        start, stop, num=num, endpoint=endpoint, retstep=retstep, dtype=_optional_dtype(dtype), axis=axis
    )


@op("Logspace")
def logspace(
    start: Any, stop: Any, num: int = 50, endpoint: bool = True, base: float = 10, dtype: Any = None, axis: int = 0
) -> jax.Array:
    return jnp.logspace(start, stop, num=num, endpoint=endpoint, base=base, dtype=_optional_dtype(dtype), axis=axis)


@op("Geomspace")
def geomspace(
    start: Any, stop: Any, num: int = 50, endpoint: bool = True, dtype: Any = None, axis: int = 0
) -> jax.Array:
    return jnp.geomspace(start, stop, num=num, endpoint=endpoint, dtype=_optional_dtype(dtype), axis=axis)


def _window(name: str, fn: Callable[..., Any], x: Any, *args: Any) -> jax.Array:
    _no_symbolic(name, x)
    return _cast(fn(x, *args), floatx())


def bartlett(x: int) -> jax.Array:
    """The Bartlett (triangular) window of ``x`` points."""
    return _window("bartlett", jnp.bartlett, x)


def blackman(x: int) -> jax.Array:
    """The Blackman window of ``x`` points."""
    return _window("blackman", jnp.blackman, x)


def hamming(x: int) -> jax.Array:
    """The Hamming window of ``x`` points."""
    return _window("hamming", jnp.hamming, x)


def hanning(x: int) -> jax.Array:
    """The Hann window of ``x`` points."""
    return _window("hanning", jnp.hanning, x)


def kaiser(x: int, beta: float) -> jax.Array:
    """The Kaiser window of ``x`` points with shape parameter ``beta``."""
    return _window("kaiser", jnp.kaiser, x, beta)


# ---------------------------------------------------------------------------------------------------------
# Conversion and introspection


@op("Cast")
def cast(x: Any, dtype: Any) -> jax.Array:
    return _cast(x, standardize_dtype(dtype))


@op("ConvertToTensor")
def convert_to_tensor(x: Any, dtype: Any = None, sparse: bool | None = None, ragged: bool | None = None) -> jax.Array:
    """A jax.Array from anything array-like (Variables read their value), cast to ``dtype`` if given."""
    if sparse:
        raise ValueError("`convert_to_tensor`: sparse tensors are not supported by kerax.")
    if ragged:
        raise ValueError("`convert_to_tensor`: ragged tensors are not supported by kerax.")
    return jnp.asarray(x) if dtype is None else _cast(x, standardize_dtype(dtype))


def convert_to_numpy(x: Any) -> np.ndarray:
    """A NumPy copy of an array, Variable or array-like."""
    if any_symbolic(x):
        raise ValueError(f"A symbolic tensor has no value to convert to NumPy: {x}.")
    return np.array(unwrap_variables(x))


def shape(x: Any) -> tuple[int | None, ...]:
    """The shape of an array or symbolic tensor (``None`` for unknown sizes)."""
    return tuple(x.shape) if hasattr(x, "shape") else jnp.shape(x)


def ndim(x: Any) -> int:
    return len(shape(x))


@op("Size")
def size(x: Any) -> Any:
    return jnp.size(jnp.asarray(x))


def vectorize(pyfunc: Callable[..., Any], *, excluded: Any = None, signature: str | None = None) -> Callable[..., Any]:
    """``pyfunc`` mapped over its inputs' leading (broadcast) axes, NumPy-``vectorize`` style."""
    return jnp.vectorize(pyfunc, excluded=excluded or set(), signature=signature)
