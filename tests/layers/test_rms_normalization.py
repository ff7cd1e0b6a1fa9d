"""RMSNormalization: the layer contract, parity with Keras 3 (outputs, gradients, configs), errors."""

from __future__ import annotations

import numpy as np
import pytest

from kerax.layers import RMSNormalization

from ._keras_grads import assert_gradient_parity, assert_signature_matches
from .harness import assert_keras_parity, random_data, run_layer_test


@pytest.mark.parametrize(
    ("kwargs", "input_shape", "weight_shape"),
    [({}, (3, 4), (4,)), ({"axis": [1, 2], "epsilon": 1e-5}, (2, 3, 4), (3, 4)), ({"axis": 1}, (2, 3, 2), (3,))],
)
def test_rms_norm_contract(kwargs, input_shape, weight_shape):
    layer = run_layer_test(
        RMSNormalization,
        kwargs,
        input_shape,
        input_shape,
        expected_num_trainable_weights=1,
        expected_weight_shapes=[weight_shape],
    )
    assert layer.scale.name == "scale"


@pytest.mark.parametrize(
    ("kwargs", "input_shape"),
    [({}, (4, 6)), ({"axis": [1, 2], "epsilon": 1e-3}, (3, 4, 5)), ({"axis": -1, "epsilon": 0.5}, (2, 3, 4))],
)
def test_rms_norm_matches_keras(keras, kwargs, input_shape):
    data = random_data(input_shape) * 2 + 1
    ours, theirs = RMSNormalization(**kwargs), keras.layers.RMSNormalization(**kwargs)
    assert_keras_parity(ours, theirs, data, rtol=1e-5, atol=1e-5)
    assert_gradient_parity(ours, theirs, (data,))
    assert ours.get_config() == {**theirs.get_config(), "name": ours.name, "dtype": ours.get_config()["dtype"]}
    assert ours.count_params() == theirs.count_params()


def test_rms_norm_formula_and_dtype():
    x = random_data((3, 5), seed=2)
    out = np.asarray(RMSNormalization(epsilon=0.0)(x))
    np.testing.assert_allclose(out, x / np.sqrt(np.mean(x**2, axis=-1, keepdims=True)), rtol=1e-5)
    half = RMSNormalization(dtype="float16")(x.astype("float16"))
    assert half.dtype == np.float16


def test_rms_norm_errors():
    with pytest.raises(TypeError, match="axis"):
        RMSNormalization(axis="last")
    with pytest.raises(ValueError, match="epsilon"):
        RMSNormalization(epsilon=-1.0)
    with pytest.raises(ValueError, match="out of bounds"):
        RMSNormalization(axis=3)(np.ones((2, 3), "float32"))
    with pytest.raises(ValueError, match="out of bounds"):
        RMSNormalization(axis=2).compute_output_shape((2, 3))


def test_rms_norm_signature_matches_keras(keras):
    assert_signature_matches(RMSNormalization, keras.layers.RMSNormalization)
