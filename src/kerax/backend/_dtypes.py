"""Dtype names as Keras spells them, and Keras's promotion rules on the JAX backend."""

from __future__ import annotations

import warnings
from typing import Any

import jax
import jax.numpy as jnp

from kerax.backend import _config

ALLOWED_DTYPES = frozenset(
    {
        "bool",
        "uint8",
        "uint16",
        "uint32",
        "uint64",
        "int8",
        "int16",
        "int32",
        "int64",
        "bfloat16",
        "float16",
        "float32",
        "float64",
        "complex64",
        "complex128",
        "float8_e4m3fn",
        "float8_e5m2",
        "string",
    }
)
_PYTHON_TYPES: dict[Any, str] = {bool: "bool", int: "int32", float: "float32", complex: "complex64", str: "string"}
_FLOAT8 = frozenset({"float8_e4m3fn", "float8_e5m2"})


class StringDType:
    """The dtype of text: a symbolic tensor's dtype for ``Input(dtype="string")``.

    Arrays of this dtype never reach a device: the layers that read or write text (lookups, vectorization)
    run on the host, in NumPy, where text is a ``str``, ``bytes`` or object array.
    """

    name = "string"
    kind = "T"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StringDType) or other == "string"

    def __hash__(self) -> int:
        return hash("string")

    def __repr__(self) -> str:
        return "dtype('string')"

    def __str__(self) -> str:
        return "string"


STRING = StringDType()


def is_string_dtype(dtype: Any) -> bool:
    """Whether ``dtype`` is text: ``"string"``, ``str``, or a NumPy str, bytes or object dtype."""
    if isinstance(dtype, StringDType) or dtype is str or (isinstance(dtype, str) and dtype == "string"):
        return True
    return getattr(dtype, "kind", None) in ("U", "S", "O", "T")


def is_string_array(x: Any) -> bool:
    """Whether ``x`` holds text: a str or bytes, a NumPy text array, or a (nested) list whose first leaf is text."""
    while isinstance(x, list | tuple) and x:
        x = x[0]
    if isinstance(x, str | bytes):
        return True
    dtype = getattr(x, "dtype", None)
    return (
        dtype is not None
        and getattr(dtype, "kind", None) in ("U", "S", "T")
        or (
            dtype is not None and dtype.kind == "O" and getattr(x, "size", 0) > 0 and isinstance(x.flat[0], str | bytes)
        )
    )


def standardize_dtype(dtype: Any) -> str:
    """A dtype's Keras name: ``None`` -> ``floatx()``, ``int`` -> ``"int32"``, ``np.float32`` -> ``"float32"``.

    Args:
        dtype: A dtype name, NumPy or JAX dtype, Python type, or ``None``.
    """
    if dtype is None:
        return _config.floatx()
    if isinstance(dtype, str) and dtype == "int":
        return "int32"
    name: Any
    if isinstance(dtype, type) and dtype in _PYTHON_TYPES:
        name = _PYTHON_TYPES[dtype]
    elif isinstance(dtype, str):
        name = dtype
    elif hasattr(dtype, "name"):
        name = dtype.name
    elif hasattr(dtype, "__name__"):
        name = dtype.__name__
    else:
        name = str(dtype).rsplit(".", 1)[-1]
    if name not in ALLOWED_DTYPES:
        raise ValueError(f"Invalid dtype: {dtype!r}.")
    return name


def is_float_dtype(dtype: Any) -> bool:
    """Whether ``dtype`` is a floating type (``float*`` or ``bfloat16``).

    Args:
        dtype: A dtype or its name.
    """
    name = standardize_dtype(dtype)
    return name.startswith(("float", "bfloat"))


def is_int_dtype(dtype: Any) -> bool:
    """Whether ``dtype`` is a signed or unsigned integer type.

    Args:
        dtype: A dtype or its name.
    """
    name = standardize_dtype(dtype)
    return name.startswith(("int", "uint"))


# As on Keras's JAX backend: 64-bit results are narrowed to 32 bits (JAX's x64 mode is off).
_TO_32_BITS = {"int64": "int32", "uint64": "uint32", "float64": "float32", "complex128": "complex64"}


def result_type(*dtypes: Any) -> str:
    """The dtype an operation on ``dtypes`` returns under Keras's promotion rules (as ``jnp.result_type``).

    Python's ``int`` and ``float`` are weak types; ``None`` counts as ``floatx()``; as on Keras's JAX backend,
    64-bit results are narrowed to 32 bits unless JAX's x64 mode is on.

    Args:
        *dtypes: Dtypes, their names, Python types, or ``None``.
    """
    if not dtypes:
        return _config.floatx()
    names = [
        dtype if dtype is int or dtype is float else standardize_dtype(_config.floatx() if dtype is None else dtype)
        for dtype in dtypes
    ]
    if _FLOAT8 & set(n for n in names if isinstance(n, str)):
        raise ValueError(f"result_type: float8 types do not promote implicitly; cast first. Received {dtypes}.")
    # JAX's lattice; a weak (Python-scalar) result takes floatx()'s bit width, as Keras resolves it.
    with warnings.catch_warnings():  # a 64-bit name is promoted, then narrowed below: JAX's warning is noise
        warnings.simplefilter("ignore", UserWarning)
        dtype, weak = jax.dtypes.result_type(*names, return_weak_type_flag=True)
    name = jnp.dtype(dtype).name
    kind = name.rstrip("0123456789")
    if weak and kind in ("int", "uint", "float"):
        name = kind + _config.floatx()[-2:]
    return _TO_32_BITS.get(name, name)
