"""kerax.backend's Keras names: dtype rules, uids, sessions, symbolic-tensor checks."""

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


def test_get_uid_shares_the_layer_name_counters() -> None:
    assert kerax.backend.get_uid("thing") == 1
    assert kerax.backend.get_uid("thing") == 2
    assert kerax.layers.Dense(1).name == "dense"
    assert kerax.backend.get_uid("dense") == 2
    kerax.backend.clear_session(free_memory=False)
    assert kerax.backend.get_uid("thing") == 1
    assert kerax.layers.Dense(1).name == "dense"


def test_is_keras_tensor_and_backend_name() -> None:
    symbolic = kerax.Input((2,))
    assert kerax.backend.is_keras_tensor(symbolic) and kerax.utils.is_keras_tensor(symbolic)
    assert isinstance(symbolic, kerax.KerasTensor)
    assert not kerax.backend.is_keras_tensor(np.ones(2))
    assert kerax.backend.backend() == "jax" == kerax.config.backend()
    assert kerax.utils.clear_session is kerax.backend.clear_session
