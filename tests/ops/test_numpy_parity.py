"""kerax.ops against Keras 3 on JAX for every name of ``keras.ops.numpy``, from one case table: values and dtypes
(compiled with jit, so also jit-compatibility), gradients, and symbolic shapes with known and unknown sizes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jax
import jax.numpy as jnp
import keras
import numpy as np
import pytest

import kerax
from kerax import ops
from kerax.backend._symbolic import SymbolicTensor

NAMES = sorted(n for n in dir(keras.ops.numpy) if not n.startswith("_"))

_rng = np.random.default_rng(0)


def f32(*shape: int, low: float = -2.0, high: float = 2.0) -> np.ndarray:
    return _rng.uniform(low, high, shape).astype(np.float32)


def i32(*shape: int, low: int = -5, high: int = 5) -> np.ndarray:
    return _rng.integers(low, high, shape).astype(np.int32)


def f16(*shape: int) -> np.ndarray:
    return f32(*shape).astype(np.float16)


def i8(*shape: int) -> np.ndarray:
    return _rng.integers(-4, 4, shape).astype(np.int8)


def bools(*shape: int) -> np.ndarray:
    return _rng.random(shape) < 0.5


def nonzero_f32(*shape: int) -> np.ndarray:
    return f32(*shape, low=0.5, high=2.0) * np.where(bools(*shape), 1, -1).astype(np.float32)


def with_nans(x: np.ndarray) -> np.ndarray:
    x = x.copy()
    x.flat[::3] = np.nan
    return x


SPECIAL = np.array([[0.0, np.nan, np.inf], [-np.inf, 1.5, -2.0]], np.float32)


@dataclass
class Case:
    args: tuple
    kwargs: dict
    then: Callable[[Any], Any] | None = None  # applied to both results: `vectorize` returns a function


def c(*args: Any, then: Callable[[Any], Any] | None = None, **kwargs: Any) -> Case:
    return Case(args, kwargs, then)


CASES: dict[str, list[Case]] = {}


def cases(names: str, *table: Case) -> None:
    for name in names.split():
        CASES[name] = list(table)


# Element-wise, unary.
cases(
    "abs absolute negative square sign copy conj conjugate real imag cbrt deg2rad rad2deg arctan arcsinh cos "
    "cosh sin sinh tan tanh sinc angle ceil floor exp exp2 expm1 trunc signbit fabs round ravel flipud",
    c(f32(3)),
    c(f32(2, 3)),
    c(i32(2, 3)),
)
cases("isfinite isinf isnan isneginf isposinf isreal nan_to_num", c(SPECIAL), c(f32(3)), c(i32(2, 3)))
CASES["nan_to_num"].append(c(SPECIAL, nan=1.0, posinf=9.0, neginf=-9.0))
CASES["exp"].append(c(bools(2, 3)))
CASES["trunc"].append(c(bools(2, 3)))
CASES["round"] += [c(f32(2, 3, low=-50, high=50), decimals=1), c(i32(2, 3, low=-500, high=500), decimals=-1)]
cases("fliplr", c(f32(2, 3)), c(i32(3, 2, 2)))
cases("log log10 log2 sqrt", c(f32(2, 3, low=0.1, high=3.0)), c(f32(4)), c(i32(2, 3, low=1, high=9)))
CASES["log"] = [c(f32(2, 3, low=0.1, high=3.0)), c(i32(2, 3, low=1, high=9))]
cases("log1p", c(f32(2, 3, low=-0.5, high=3.0)), c(i32(2, 3, low=0, high=9)))
cases("reciprocal", c(nonzero_f32(2, 3)), c(i32(3, low=1, high=5)))
cases("arccos arcsin", c(f32(2, 3, low=-0.9, high=0.9)), c(i32(3, low=-1, high=2)))
cases("arctanh", c(f32(2, 3, low=-0.9, high=0.9)), c(i32(3, low=0, high=1)), c(f16(3) / 4))
cases("arccosh", c(f32(2, 3, low=1.1, high=3.0)), c(i32(3, low=1, high=5)))
cases("bitwise_invert bitwise_not", c(i32(2, 3)), c(bools(3)))
cases("logical_not", c(bools(2, 3)), c(f32(3)))
cases("i0", c(f32(2, 3)), c(i32(3)), c(f16(3)))

# Element-wise, binary.
cases(
    "add subtract multiply maximum minimum fmax fmin equal not_equal less less_equal greater greater_equal "
    "hypot logaddexp logaddexp2 arctan2 heaviside nextafter",
    c(f32(2, 3), f32(2, 3)),
    c(f32(4, 1, 3), f32(2, 1)),
    c(i32(2, 3), i32(3)),
    c(i32(2, 3), f32(3)),
    c(f32(3), 2.0),
)
cases(
    "divide true_divide mod fmod floor_divide",
    c(f32(2, 3), nonzero_f32(2, 3)),
    c(f32(4, 1, 3), nonzero_f32(2, 1)),
    c(i32(2, 3), i32(3, low=1, high=4)),
    c(f32(3), 2.0),
)
cases("power", c(f32(2, 3, low=0.1, high=2.0), f32(3)), c(i32(2, 3), i32(3, low=0, high=3)), c(f32(3), 2))
cases("divide_no_nan", c(f32(2, 3), np.array([[0, 1, 2], [2, 0, -1]], np.float32)), c(i32(3), i32(3, low=0)))
cases("logical_and logical_or logical_xor", c(bools(2, 3), bools(3)), c(f32(2, 3), i32(2, 3, low=0, high=2)))
cases("gcd lcm", c(i32(2, 3, low=1, high=20), i32(3, low=1, high=20)), c(i32(4, low=0, high=9), 6))
cases("bitwise_and bitwise_or bitwise_xor", c(i32(2, 3, low=0, high=64), i32(3, low=0, high=64)), c(bools(3), bools(3)))
cases(
    "bitwise_left_shift bitwise_right_shift left_shift right_shift",
    c(i32(2, 3, low=0, high=100), i32(2, 3, low=0, high=5)),
    c(i32(4, low=-50, high=50), 2),
)
cases("ldexp", c(f32(2, 3), i32(2, 3, low=-3, high=3)), c(f32(3), i32(1)))
cases("isclose allclose", c(f32(2, 3), f32(2, 3)), c(f32(3), np.float32(1e-3) + np.zeros(3, np.float32), atol=1e-2))
_near = f32(4)
CASES["isclose"].append(c(_near, _near + 1e-4, rtol=0.0, atol=1e-3, equal_nan=True))
cases("isin", c(i32(2, 3), i32(4)), c(i32(5), i32(3), invert=True), c(f32(3), f32(3), assume_unique=True))

# Products and linear algebra.
cases("dot", c(f32(2, 3), f32(3, 4)), c(f32(3), f32(3)), c(i32(2, 3), i32(3)), c(f32(2, 3, 4), f32(4, 2)))
cases("matmul", c(f32(2, 3), f32(3, 4)), c(f32(2, 2, 3), f32(3, 4)), c(i8(2, 3), i8(3, 2)), c(f32(3), f32(3, 2)))
cases("kron", c(f32(2, 2), f32(2, 3)), c(i32(2), i32(3)))
cases("outer", c(f32(3), f32(4)), c(i32(2, 2), f32(3)))
cases("inner", c(f32(2, 3), f32(4, 3)), c(f32(3), f32(3)))
cases("vdot", c(f32(6), f32(6)), c(f32(2, 3), f32(2, 3)))
cases(
    "tensordot",
    c(f32(2, 3, 4), f32(3, 4, 5)),
    c(f32(2, 3), f32(3, 4), axes=1),
    c(f32(2, 3), f32(4, 2), axes=([0], [1])),
)
cases(
    "einsum",
    c("ij,jk->ik", f32(2, 3), f32(3, 4)),
    c("bij->bji", f32(2, 3, 4)),
    c("ij,ij->i", i8(2, 3), i8(2, 3)),
)
cases("cross", c(f32(4, 3), f32(4, 3)), c(f32(3), f32(3)), c(f32(3, 2), f32(3, 2), axis=0))
cases("correlate", c(f32(5), f32(3)), c(f32(5), f32(3), mode="same"), c(f32(4), f32(2), mode="full"))
cases("corrcoef", c(f32(3, 5)), c(f32(5)))
cases("slogdet", c(f32(3, 3) + 3 * np.eye(3, dtype=np.float32)))
cases("trace", c(f32(3, 3)), c(f32(2, 3, 4), offset=1, axis1=1, axis2=2), c(i32(3, 4)))
cases("vander", c(f32(4)), c(f32(3), N=4, increasing=True), c(i32(3)))

# Reductions.
_reductions = (
    c(f32(2, 3, 4)),
    c(f32(2, 3, 4), axis=-1, keepdims=True),
    c(f32(2, 3, 4), axis=(0, 2)),
    c(i32(2, 3), axis=0),
)
cases("sum mean max min amax amin prod std var median ptp", *_reductions)
CASES["mean"] += [c(bools(2, 3), axis=1), c(f16(2, 3), axis=0)]
CASES["var"].append(c(f16(2, 3), axis=-1))
CASES["max"].append(c(f32(2, 3), axis=1, initial=0.5))
CASES["min"].append(c(i32(2, 3), axis=0, keepdims=True, initial=-1))
cases(
    "nanmax nanmin nansum nanprod nanmean nanmedian nanstd nanvar",
    c(with_nans(f32(2, 3, 4))),
    c(with_nans(f32(2, 3, 4)), axis=-1, keepdims=True),
    c(f32(2, 3, 4), axis=(0, 2)),
    c(i32(2, 3), axis=0),
)
cases("all any", c(bools(2, 3)), c(bools(2, 3), axis=-1, keepdims=True), c(i32(2, 3, low=0, high=2), axis=0))
cases("count_nonzero", c(i32(2, 3, low=-1, high=2)), c(f32(2, 3), axis=1), c(bools(2, 3, 2), axis=(0, 2)))
cases(
    "argmax argmin nanargmax nanargmin",
    c(f32(2, 3, 4)),
    c(f32(2, 3, 4), axis=-1, keepdims=True),
    c(i32(2, 5), axis=0),
)
CASES["argmin"].append(c(np.array([0.0, -0.0, 0.5], np.float32)))
CASES["argmax"].append(c(np.array([-0.0, 0.0, -0.5], np.float32)))
cases(
    "quantile nanquantile",
    c(f32(2, 5), 0.3),
    c(f32(2, 5), np.array([0.1, 0.5], np.float32), axis=1, keepdims=True),
    c(f32(6), 0.5, method="nearest"),
)
cases(
    "percentile nanpercentile",
    c(f32(2, 5), 30.0),
    c(f32(2, 5), np.array([10.0, 50.0], np.float32), axis=-1),
    c(f32(6), 50.0, method="lower"),
)
CASES["nanquantile"].append(c(with_nans(f32(2, 5)), 0.5, axis=1))
cases("average", c(f32(2, 3)), c(f32(2, 3), axis=1, weights=f32(3, low=0.1, high=1.0)), c(i32(2, 3), axis=0))
cases(
    "cumsum cumprod nancumsum nancumprod",
    c(f32(2, 3), axis=1),
    c(f32(2, 3)),
    c(i32(2, 3), axis=0, dtype="float32"),
    c(with_nans(f32(2, 3)), axis=-1),
)
cases("diff", c(f32(2, 5)), c(f32(4, 3), n=2, axis=0), c(i32(6)))
cases("trapezoid", c(f32(2, 5)), c(f32(2, 5), x=np.sort(f32(5))), c(f32(3, 2), dx=0.5, axis=0))

# Shapes, indexing, rearrangement.
cases("reshape", c(f32(2, 3, 4), (6, 4)), c(f32(2, 3), (-1,)), c(i32(2, 3), [3, 2]), c(f32(2, 3), 6))
cases("transpose", c(f32(2, 3, 4)), c(f32(2, 3, 4), axes=(1, 0, 2)), c(i32(2, 3), [1, 0]))
cases("expand_dims", c(f32(2, 3), 0), c(f32(2, 3), -1), c(f32(2, 3), (0, 2)))
cases("squeeze", c(f32(1, 3, 1)), c(f32(1, 3, 1), axis=0), c(f32(1, 3, 1), axis=-1))
cases("broadcast_to", c(f32(3), (2, 3)), c(f32(2, 1), (2, 4)), c(i32(1), [3]))
cases("moveaxis", c(f32(2, 3, 4), 0, -1), c(f32(2, 3, 4), [0, 1], [2, 0]))
cases("swapaxes", c(f32(2, 3, 4), 0, 2), c(f32(2, 3), -1, 0))
cases("flip", c(f32(2, 3)), c(f32(2, 3), axis=1), c(f32(2, 3, 2), axis=(0, -1)))
cases("rot90", c(f32(2, 3)), c(f32(2, 3), k=2), c(f32(2, 3, 4), k=-1, axes=(1, 2)))
cases("roll", c(f32(2, 3), 1), c(f32(2, 3), -1, axis=1), c(f32(2, 3, 4), (1, 2), axis=(0, 2)))
cases("tile", c(f32(2, 3), (2, 1)), c(f32(3), 2), c(i32(2, 2), (1, 2, 2)))
cases("repeat", c(f32(2, 3), 2), c(f32(2, 3), 2, axis=1), c(i32(3), 3, axis=0))
cases(
    "pad",
    c(f32(2, 3), 1),
    c(f32(2, 3), ((1, 0), (0, 2))),
    c(f32(2, 3), ((1, 1), (2, 2)), mode="reflect"),
    c(f32(2, 3), (1, 2), constant_values=1.5),
)
cases(
    "concatenate",
    c([f32(2, 3), f32(1, 3)]),
    c([f32(2, 3), f32(2, 2)], axis=-1),
    c([i32(2), i32(3)]),
)
cases("append", c(f32(2, 3), f32(1, 3), axis=0), c(f32(2, 3), f32(4)), c(i32(2), f32(2)))
cases("stack", c([f32(2, 3), f32(2, 3)]), c([f32(2, 3), f32(2, 3)], axis=-1), c([i32(2), i32(2)]))
cases("hstack vstack dstack", c([f32(2, 3), f32(2, 3)]), c([f32(3), f32(3)]), c([i32(2, 2, 2), i32(2, 2, 2)]))
cases("split", c(f32(4, 3), 2), c(f32(4, 3), [1, 3]), c(f32(2, 6), 3, axis=-1))
cases("array_split", c(f32(5, 2), 3), c(f32(2, 5), 2, axis=1))
cases("hsplit", c(f32(2, 4), 2), c(f32(6), [2, 5]))
cases("vsplit", c(f32(4, 2), 2), c(f32(4, 2, 2), [1]))
cases("dsplit", c(f32(2, 2, 4), 2), c(f32(1, 2, 3), [1]))
cases(
    "take",
    c(f32(3, 4), i32(2, low=0, high=4), axis=1),
    c(f32(3, 4), i32(2, 2, low=0, high=12)),
    c(f32(3, 4), i32(2, low=-3, high=3), axis=-2),
)
cases(
    "take_along_axis",
    c(f32(3, 4), i32(3, 4, low=0, high=4), axis=1),
    c(f32(3, 4), i32(1, 4, low=0, high=3), axis=0),
    c(f32(6), i32(3, low=0, high=6)),
)
cases("diag", c(f32(3, 3)), c(f32(3), k=1), c(f32(3, 4), k=-1))
cases("diagflat", c(f32(3)), c(f32(2, 2), k=1))
cases("diagonal", c(f32(3, 4)), c(f32(3, 4), offset=1), c(f32(2, 3, 4), axis1=1, axis2=2))
cases("tril triu", c(f32(3, 4)), c(f32(3, 4), k=1), c(f32(2, 3, 3), k=-1), c(i32(3, 3)))
cases("meshgrid", c(f32(3), f32(4)), c(f32(3), f32(4), indexing="ij"), c(i32(2), f32(3), f32(2), indexing="ij"))
cases("sort", c(f32(2, 5)), c(f32(2, 5), axis=0), c(i32(6)))
cases("argsort", c(f32(2, 5)), c(f32(2, 5), axis=0), c(f32(6)))
cases("argpartition", c(f32(2, 5), 2), c(f32(4, 2), 1, axis=0), c(f32(6), 3))
cases(
    "searchsorted",
    c(np.sort(f32(5)), f32(3)),
    c(np.sort(f32(5)), f32(2, 2), side="right"),
    c(np.arange(6, dtype=np.int32), i32(4, low=0, high=7)),
)
cases("digitize", c(f32(2, 3), np.sort(f32(4))), c(i32(5), np.array([-2, 0, 3], np.int32)))
cases("unravel_index", c(i32(5, low=0, high=12), (3, 4)), c(i32(2, 2, low=0, high=24), (2, 3, 4)))
cases("view", c(f32(2, 3), "int32"), c(i32(2, 3), "float32"), c(f32(4)))
cases(
    "get_item",
    c(f32(3, 4), 1),
    c(f32(3, 4), (slice(None), 2)),
    c(f32(3, 4), (slice(0, 2), slice(None, None, -1))),
    c(f32(2, 3, 4), (Ellipsis, -1)),
)
cases(
    "where",
    c(bools(2, 3), f32(2, 3), f32(3)),
    c(bools(2, 3), f32(2, 3), 0.0),
    c(bools(3), i32(3), i32(3)),
    c(bools(2, 3)),
)
cases(
    "select",
    c([bools(2, 3), bools(2, 3)], [f32(2, 3), f32(2, 3)], 0.5),
    c([bools(3)], [i32(3)]),
)
cases("clip", c(f32(2, 3), -0.5, 0.5), c(i32(2, 3), -2, 2), c(bools(3), 0, 1))
cases("histogram", c(f32(20)), c(f32(20), bins=5, range=(-1.0, 1.0)))
cases(
    "bincount",
    c(i32(8, low=0, high=5)),
    c(i32(8, low=0, high=5), weights=f32(8), minlength=7),
    c(np.array([[0, 1, 4, 4], [4, 2, 2, 0]], np.int32)),
)
cases("nonzero", c(i32(2, 3, low=-1, high=2)), c(f32(4)))
cases(
    "unique",
    c(i32(10, low=0, high=4)),
    c(i32(10, low=0, high=4), return_index=True, return_inverse=True, return_counts=True),
    c(i32(6, low=0, high=4), size=5, fill_value=-1),
    c(np.array([[1, 2], [1, 2], [0, 3]], np.int32), axis=0),
)
cases("size ndim", c(f32(2, 3)), c(f32(4)))

# Creation.
cases("ones_like zeros_like empty_like", c(f32(2, 3)), c(f32(2, 3), dtype="int32"), c(i32(3)))
cases("full_like", c(f32(2, 3), 2.5), c(i32(3), 1.5), c(f32(2), 1, dtype="int32"))
cases("array", c([[1, 2], [3, 4]]), c(f32(2, 3), "float16"), c([1.5, 2.0], dtype="int32"))
cases("arange", c(5), c(1, 7, 2), c(0.0, 2.0, 0.5), c(5, dtype="float32"), c(2, 10, 3, "int32"))
cases(
    "linspace",
    c(0.0, 1.0, 5),
    c(f32(2), f32(2), 4, axis=-1),
    c(0.0, 2.0, 5, retstep=True),
    c(0, 3, 4, endpoint=False, dtype="float16"),
)
cases("logspace", c(0.0, 2.0, 5), c(0.0, 2.0, 4, base=2, endpoint=False), c(f32(2), f32(2), 3))
cases("geomspace", c(1.0, 100.0, 5), c(f32(2, low=1, high=2), f32(2, low=3, high=4), 3, endpoint=False))
cases("eye", c(3), c(2, 4, 1), c(3, dtype="int32"))
cases("identity", c(3), c(2, "int32"))
cases("tri", c(3), c(3, 4, -1), c(2, dtype="int32"))
cases("zeros ones empty", c((2, 3)), c((2,), "int32"), c(3))
cases("full", c((2, 3), 1.5), c((2,), 3, "int32"), c((2, 3), f32(3)))
cases("bartlett blackman hamming hanning", c(5), c(1))
cases("kaiser", c(5, 8.6), c(4, 0.0))


def _times_two_plus(a: Any, b: Any) -> Any:
    return a * 2 + b


_a, _b = f32(2, 3), f32(3)
cases(
    "vectorize",
    c(_times_two_plus, then=lambda f: f(_a, _b)),
    c(jnp.sum, signature="(n)->()", then=lambda f: f(_a)),
)

# Names (or single cases) excluded from a check, and why.
NO_GRAD = {
    "argpartition": "the output is indices",
    "histogram": "the output is counts and bin edges: edges depend on the data only through min and max",
    "nextafter": "JAX defines no derivative for nextafter",
    "view": "reinterprets bits",
}
NO_SYMBOLIC = {
    "ndim": "Keras's symbolic ndim is a tensor of shape (ndim,); kerax's ndim is the Python int, like shape()",
    "corrcoef": "Keras's Corrcoef spec keeps the input shape; the result is (rows, rows)",
    ("heaviside", 4): "Keras's Heaviside spec reads `.dtype` of the Python scalar",
    ("hypot", 4): "Keras's Hypot spec reads `.dtype` of the Python scalar",
    ("hstack", 1): "Keras's Hstack spec indexes axis 1 of 1-D inputs",
    ("vstack", 1): "Keras's Vstack spec gives the wrong shape for 1-D inputs",
    ("rot90", 1): "Keras's Rot90 spec swaps the axes for k=2",
    ("bincount", 1): "Keras takes `weights` in Bincount's constructor, where a symbolic tensor fails",
    ("where", 3): "Keras's Where spec gives the condition's shape; the one-argument form returns index arrays",
}
# Compared eagerly, not under jit: output sizes that depend on the values (in Keras as in JAX), and Keras's
# windows, which turn the window length into a tensor that jit would trace.
EAGER_ONLY = {"bincount", "nonzero", "bartlett", "blackman", "hamming", "hanning", "kaiser"}
EAGER_ONLY_CASES = {("unique", 0), ("unique", 1), ("unique", 3), ("where", 3)}


def _array_leaves(case: Case) -> tuple[list, Any, list[int]]:
    leaves, treedef = jax.tree_util.tree_flatten((case.args, case.kwargs))
    return leaves, treedef, [i for i, v in enumerate(leaves) if isinstance(v, np.ndarray)]


def _fill(case: Case, values: Any) -> tuple[tuple, dict]:
    """The case's arguments with its arrays replaced by ``values``, in order."""
    leaves, treedef, where = _array_leaves(case)
    for i, v in zip(where, values, strict=True):
        leaves[i] = v
    return jax.tree_util.tree_unflatten(treedef, leaves)


def _call(fn: Callable[..., Any], case: Case, values: Any) -> Any:
    args, kwargs = _fill(case, values)
    out = fn(*args, **kwargs)
    return case.then(out) if case.then is not None else out


def _is_float(x: Any) -> bool:
    return jnp.issubdtype(jnp.result_type(x), jnp.floating)


def _grad(fn: Callable[..., Any], case: Case, values: list) -> Any:
    """Gradient of the sum of ``fn``'s float outputs with respect to each float32 input."""
    floats = [k for k, v in enumerate(values) if v.dtype == jnp.float32]

    def loss(*float_values: Any) -> Any:
        full = list(values)
        for k, v in zip(floats, float_values, strict=True):
            full[k] = v
        return sum(jnp.sum(o) for o in jax.tree_util.tree_leaves(_call(fn, case, full)) if _is_float(o))

    return jax.grad(loss, argnums=tuple(range(len(floats))))(*(values[k] for k in floats))


def _differentiable(name: str, case: Case) -> bool:
    return (
        name not in NO_GRAD
        and case.then is None
        and any(isinstance(v, np.ndarray) and v.dtype == np.float32 for v in _array_leaves(case)[0])
    )


def _assert_same(ours: Any, theirs: Any, what: str) -> None:
    ours_leaves, theirs_leaves = jax.tree_util.tree_leaves(ours), jax.tree_util.tree_leaves(theirs)
    assert len(ours_leaves) == len(theirs_leaves), f"{what}: {len(ours_leaves)} outputs, Keras {len(theirs_leaves)}"
    for a, b in zip(ours_leaves, theirs_leaves, strict=True):
        a, b = np.asarray(a), np.asarray(b)
        assert a.dtype == b.dtype, f"{what}: dtype {a.dtype}, Keras {b.dtype}"
        assert a.shape == b.shape, f"{what}: shape {a.shape}, Keras {b.shape}"
        if np.issubdtype(a.dtype, np.inexact) or a.dtype.name == "bfloat16":
            np.testing.assert_allclose(a.astype(np.float32), b.astype(np.float32), rtol=1e-6, atol=1e-6, err_msg=what)
        else:
            np.testing.assert_array_equal(a, b, err_msg=what)


def _symbolic(case: Case, make: Callable[[tuple, Any], Any], unknown_leading_size: bool = False) -> tuple[tuple, dict]:
    """The case's arguments with symbolic tensors for its arrays; optionally with rank >= 2 ones of unknown
    leading size (None)."""
    leaves, _, where = _array_leaves(case)
    shapes = [leaves[i].shape for i in where]
    if unknown_leading_size:
        shapes = [(None, *shape[1:]) if len(shape) >= 2 else shape for shape in shapes]
    return _fill(case, [make(shape, leaves[i].dtype) for shape, i in zip(shapes, where, strict=True)])


def _symbolic_shapes(fn: Callable[..., Any], case: Case, make: Callable[..., Any], unknown: bool = False) -> list:
    args, kwargs = _symbolic(case, make, unknown)
    return [tuple(v.shape) for v in _leaves(fn(*args, **kwargs))]


def _leaves(out: Any) -> list[Any]:
    return jax.tree_util.tree_leaves(out, is_leaf=lambda v: isinstance(v, SymbolicTensor | keras.KerasTensor))


def test_the_sweep_covers_every_keras_numpy_name() -> None:
    assert len(NAMES) >= 220
    assert set(CASES) == set(NAMES), sorted(set(CASES) ^ set(NAMES))


@pytest.mark.parametrize("name", NAMES)
def test_matches_keras(name: str) -> None:
    """kerax against Keras on every case: values and dtypes; gradients on the first differentiable case; the
    symbolic output shapes (and kerax's symbolic dtypes against its own results).

    The cases run in one compiled function per name (XLA compiles kerax's and Keras's identical graphs once).
    """
    ours, theirs = getattr(ops, name), getattr(keras.ops, name)
    table = CASES[name]
    arrays = [[jnp.asarray(v) for v in _array_leaves(case)[0] if isinstance(v, np.ndarray)] for case in table]
    eager = [n for n in range(len(table)) if name in EAGER_ONLY or (name, n) in EAGER_ONLY_CASES]
    compiled = [n for n in range(len(table)) if n not in eager]
    grad_case = next((n for n in compiled if _differentiable(name, table[n])), None)

    def evaluate(values: list[list]) -> dict:
        out = {
            f"case {n}": (_call(ours, table[n], v), _call(theirs, table[n], v))
            for n, v in zip(compiled, values, strict=True)
        }
        if grad_case is not None and any(_is_float(o) for o in jax.tree_util.tree_leaves(out[f"case {grad_case}"][0])):
            case, v = table[grad_case], values[compiled.index(grad_case)]
            out[f"case {grad_case} gradient"] = (_grad(ours, case, v), _grad(theirs, case, v))
        return out

    results = jax.jit(evaluate)([arrays[n] for n in compiled]) if compiled else {}
    for n in eager:
        results[f"case {n}"] = (_call(ours, table[n], arrays[n]), _call(theirs, table[n], arrays[n]))
    for what, (got, expected) in results.items():
        _assert_same(got, expected, f"{name} {what}")

    for n, case in enumerate(table):
        what = f"{name} case {n}"
        if not arrays[n] or case.then is not None or name in NO_SYMBOLIC or (name, n) in NO_SYMBOLIC:
            continue
        symbolic_args, symbolic_kwargs = _symbolic(case, SymbolicTensor)
        symbolic = ours(*symbolic_args, **symbolic_kwargs)
        expected_shapes = _symbolic_shapes(theirs, case, keras.KerasTensor)
        assert [v.shape for v in _leaves(symbolic)] == expected_shapes, f"{what} symbolic shape"
        assert [v.dtype for v in _leaves(symbolic)] == [
            jnp.result_type(v) for v in jax.tree_util.tree_leaves(results[f"case {n}"][0])
        ], f"{what} symbolic dtype"


# The unknown-size sweep: every case again, with the leading size of each input of rank >= 2 unknown (None).
# An unknown size on an axis that must equal a known one: Keras assumes it does, kerax's probe size cannot.
NO_UNKNOWN_SIZE = {
    **{name: "contracts the unknown axis with a known one" for name in ("dot", "matmul", "tensordot", "einsum")},
    "reshape": "a fixed target shape must hold every size",
    "split": "splits the unknown axis into equal known parts",
    "vsplit": "splits the unknown axis into equal known parts",
    "squeeze": "squeezes the unknown axis",
    "broadcast_to": "broadcasts the unknown axis to a known size",
    "cross": "the unknown axis is the 3-vector axis",
    "slogdet": "the matrix must be square",
    # kerax knows these sizes whenever the batch is large enough; Keras says None.
    "diag": "min(unknown, 3) is 3 in kerax",
    "diagonal": "min(unknown, 3) is 3 in kerax",
    "get_item": "x[0:2] has 2 rows in kerax",
    ("append", 0): "Keras's Append spec adds None to None",
}


@pytest.mark.parametrize("name", NAMES)
def test_unknown_sizes_match_keras(name: str) -> None:
    ours, theirs = getattr(ops, name), getattr(keras.ops, name)
    for n, case in enumerate(CASES[name]):
        excluded = any(key in NO_SYMBOLIC or key in NO_UNKNOWN_SIZE for key in (name, (name, n)))
        if excluded or case.then is not None or not _array_leaves(case)[2]:
            continue
        assert _symbolic_shapes(ours, case, SymbolicTensor, unknown=True) == _symbolic_shapes(
            theirs, case, keras.KerasTensor, unknown=True
        ), f"{name} case {n}"


def test_numpy_ops_in_a_functional_model_train_and_predict() -> None:
    inputs = kerax.Input((4,))
    features = ops.sort(ops.cumsum(ops.tile(inputs, (1, 2)), axis=-1), axis=-1)
    first, _ = ops.unstack(ops.reshape(features, (-1, 2, 4)), axis=1)
    merged = ops.concatenate([first, ops.square(inputs), ops.mean(features, axis=-1, keepdims=True)], axis=-1)
    assert merged.shape == (None, 9)
    model = kerax.Model(inputs, kerax.layers.Dense(1)(merged))
    x = _rng.normal(size=(16, 4)).astype(np.float32)
    y = x.sum(axis=1, keepdims=True)
    model.compile(optimizer="sgd", loss="mse")
    losses = model.fit(x, y, epochs=4, batch_size=8, verbose=0).history["loss"]
    assert losses[-1] < losses[0]

    tiled = np.sort(np.cumsum(np.tile(x, (1, 2)), axis=-1), axis=-1)
    expected = np.concatenate([tiled[:, :4], x**2, tiled.mean(axis=-1, keepdims=True)], axis=-1)
    kernel, bias = (np.asarray(w) for w in model.layers[-1].get_weights())
    np.testing.assert_allclose(model.predict(x, verbose=0), expected @ kernel + bias, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("add", (np.ones((2, 3), np.float32), np.ones((4, 5), np.float32))),
        ("matmul", (np.ones((2, 3), np.float32), np.ones((4, 5), np.float32))),
        ("concatenate", ([np.ones((2, 3), np.float32), np.ones((4, 5), np.float32)],)),
        ("where", (np.ones((2, 3), bool), np.ones((4, 5), np.float32), 0.0)),
    ],
)
def test_incompatible_shapes_raise_a_value_error_naming_the_op_and_shapes(name: str, args: tuple) -> None:
    with pytest.raises(ValueError, match=rf"`{name}`.*\(2, 3\).*\(4, 5\)"):
        getattr(ops, name)(*args)


def test_incompatible_symbolic_shapes_raise_a_value_error_naming_the_op_and_shapes() -> None:
    a, b = kerax.Input((3,)), kerax.Input((4,))
    with pytest.raises(ValueError, match=r"`add`.*\(None, 3\).*\(None, 4\)"):
        _ = a + b
    with pytest.raises(ValueError, match=r"`matmul`.*\(None, 3\).*\(None, 4\)"):
        ops.matmul(a, b)


def test_core_conversions_match_keras() -> None:
    x = f32(2, 3)
    for dtype in ("int32", "float16", "bool", int, float):
        _assert_same(ops.cast(x, dtype), keras.ops.cast(x, dtype), f"cast to {dtype}")
        _assert_same(
            ops.convert_to_tensor(x, dtype=dtype), keras.ops.convert_to_tensor(x, dtype=dtype), f"convert {dtype}"
        )
    for value in ([1, 2], [1.5, 2.0], 3, 2.5, True, np.arange(3, dtype=np.int64), np.ones(2)):
        _assert_same(ops.convert_to_tensor(value), keras.ops.convert_to_tensor(value), f"convert {value!r}")
    variable = kerax.Variable(x)
    assert isinstance(ops.convert_to_tensor(variable), jax.Array)
    numpy_copy = ops.convert_to_numpy(variable)
    assert isinstance(numpy_copy, np.ndarray) and numpy_copy.flags.writeable
    np.testing.assert_array_equal(numpy_copy, x)
    assert ops.shape(x) == keras.ops.shape(x) == (2, 3)
    assert ops.shape(kerax.Input((3,))) == (None, 3)
    assert ops.ndim(kerax.Input((3,))) == 2
    with pytest.raises(ValueError, match="symbolic"):
        ops.convert_to_numpy(kerax.Input((3,)))
    with pytest.raises(ValueError, match="Invalid dtype"):
        ops.cast(x, "float")
    symbolic = ops.cast(kerax.Input((3,)), "int32")
    assert symbolic.shape == (None, 3) and symbolic.dtype == np.int32


def test_unstack_matches_keras_and_takes_num_for_unknown_sizes() -> None:
    x = f32(2, 3, 4)
    for axis in (0, 1, -1):
        _assert_same(ops.unstack(x, axis=axis), keras.ops.unstack(x, axis=axis), f"unstack axis {axis}")
    batch = kerax.Input((3,))
    assert [t.shape for t in ops.unstack(batch, axis=1)] == [(None,)] * 3
    assert [t.shape for t in ops.unstack(batch, num=5, axis=0)] == [(3,)] * 5
    with pytest.raises(ValueError, match="pass `num`"):
        ops.unstack(batch, axis=0)
    with pytest.raises(ValueError, match="num=2"):
        ops.unstack(x, num=2, axis=1)


def test_value_dependent_ops_on_symbolic_tensors_have_unknown_sizes() -> None:
    x = kerax.Input((3,), dtype="int32")
    assert [t.shape for t in ops.nonzero(x)] == [(None,), (None,)]
    assert ops.bincount(x).shape == (None, None)
    values, counts = ops.unique(x, return_counts=True)
    assert values.shape == counts.shape == (None,)
    assert ops.unique(x, size=4).shape == (4,)


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("sin", (i32(3),)),
        ("exp", (i32(3),)),
        ("mean", (i32(2, 3),)),
        ("var", (i32(2, 3),)),
        ("average", (i32(3),)),
        ("arctan2", (i32(3), i32(3))),
        ("arange", (5,)),
        ("arange", (0.5, 3)),
        ("ones", ((2,),)),
        ("linspace", (0, 1, 3)),
    ],
)
def test_dtypes_follow_floatx_as_in_keras(name: str, args: tuple) -> None:
    """Keras resolves Python-scalar (weak) types at floatx's width: ``arange(5)`` is int16 under float16."""
    try:
        kerax.backend.set_floatx("float16")
        keras.config.set_floatx("float16")
        _assert_same(getattr(ops, name)(*args), getattr(keras.ops, name)(*args), name)
    finally:
        kerax.backend.set_floatx("float32")
        keras.config.set_floatx("float32")
