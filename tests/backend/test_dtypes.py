"""kerax.backend's dtype rules and names against Keras's: result types, standardized names, kinds, refusals."""

from __future__ import annotations

import itertools

import jax.numpy as jnp
import keras
import numpy as np
import pytest

import kerax

DTYPES = [
    "bool",
    "uint8",
    "uint32",
    "int8",
    "int16",
    "int32",
    "int64",
    "bfloat16",
    "float16",
    "float32",
    "float64",
    "complex64",
    int,
    float,
    bool,
    None,
]


@pytest.mark.parametrize("first", DTYPES, ids=str)
def test_result_type_matches_keras(first: object) -> None:
    for second in DTYPES:
        assert kerax.backend.result_type(first, second) == keras.backend.result_type(first, second), (first, second)
    for many in itertools.combinations(["uint8", "int8", "bfloat16", int, float], 3):
        assert kerax.backend.result_type(*many) == keras.backend.result_type(*many), many
    assert kerax.backend.result_type() == keras.backend.result_type()


@pytest.mark.parametrize(
    "dtype",
    [None, int, float, bool, str, complex, "int", "float64", np.float32, np.dtype("int64"), jnp.bfloat16, jnp.uint8],
    ids=str,
)
def test_dtype_names_and_kinds_match_keras(dtype: object) -> None:
    name = keras.backend.standardize_dtype(dtype)
    assert kerax.backend.standardize_dtype(dtype) == name == kerax.utils.standardize_dtype(dtype)
    if name != "string":
        assert kerax.backend.is_float_dtype(dtype) == keras.backend.is_float_dtype(dtype)
        assert kerax.backend.is_int_dtype(dtype) == keras.backend.is_int_dtype(dtype)


def test_invalid_dtypes_and_float8_promotion_are_refused() -> None:
    with pytest.raises(ValueError, match="Invalid dtype"):
        kerax.backend.standardize_dtype("float128")
    with pytest.raises(ValueError):
        kerax.backend.result_type("float8_e4m3fn", "float32")
