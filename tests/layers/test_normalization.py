"""LayerNormalization, GroupNormalization, UnitNormalization and RMSNormalization: the layer contract, parity
with Keras 3 (outputs, gradients, configs), errors (BatchNormalization has its own file)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from kerax.layers import RMSNormalization
from kerax.layers._normalization.group_normalization import GroupNormalization
from kerax.layers._normalization.layer_normalization import LayerNormalization
from kerax.layers._normalization.unit_normalization import UnitNormalization

from ._keras_grads import assert_gradient_parity, assert_signature_matches
from .harness import assert_keras_parity, random_data, run_layer_test

# -- LayerNormalization -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "input_shape", "weight_shapes"),
    [
        ({}, (3, 4), [(4,), (4,)]),
        ({"axis": [1, 2], "epsilon": 1e-5}, (2, 3, 4), [(3, 4), (3, 4)]),
        ({"center": False}, (3, 4), [(4,)]),
    ],
)
def test_layer_norm_contract(kwargs, input_shape, weight_shapes):
    run_layer_test(
        LayerNormalization,
        kwargs,
        input_shape,
        input_shape,
        expected_num_trainable_weights=len(weight_shapes),
        expected_weight_shapes=weight_shapes,
    )


LAYER_NORM_CASES = [
    ({}, (4, 6)),
    ({"axis": [1, 2], "epsilon": 1e-5}, (3, 4, 5)),
    ({"axis": 1, "center": False}, (2, 3, 2, 2)),
    ({"scale": False}, (4, 6)),
    ({"rms_scaling": True}, (4, 6)),
]


@pytest.mark.parametrize(("kwargs", "input_shape"), LAYER_NORM_CASES)
def test_layer_norm_matches_keras(keras, kwargs, input_shape):
    data = random_data(input_shape) * 2 + 3
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # rms_scaling is deprecated in both libraries
        ours, theirs = LayerNormalization(**kwargs), keras.layers.LayerNormalization(**kwargs)
        assert_keras_parity(ours, theirs, data, rtol=1e-4, atol=1e-4)
    assert [v.name for v in ours.weights] == [w.name for w in theirs.weights]
    assert ours.get_config()["axis"] == theirs.get_config()["axis"]


def test_layer_norm_normalises_each_sample():
    x = random_data((5, 8), seed=1) * 4 + 7
    out = np.asarray(LayerNormalization(epsilon=1e-8)(x))
    np.testing.assert_allclose(out.mean(axis=1), 0, atol=1e-5)
    np.testing.assert_allclose(out.var(axis=1), 1, atol=1e-4)


def test_layer_norm_config_matches_keras(keras):
    ours = LayerNormalization(name="ln").get_config()
    theirs = keras.layers.LayerNormalization(name="ln").get_config()
    assert set(ours) == set(theirs)
    for key in ("axis", "epsilon", "center", "scale", "rms_scaling"):
        assert ours[key] == theirs[key], key


def test_layer_norm_errors():
    with pytest.raises(TypeError, match=r"LayerNormalization 'ln'.*`axis` must be"):
        LayerNormalization(axis="last", name="ln")
    with pytest.raises(ValueError, match=r"LayerNormalization 'ln2'.*axis 3 is out of bounds.*\(2, 3\)"):
        LayerNormalization(axis=3, name="ln2")(np.zeros((2, 3), "float32"))
    regularized = LayerNormalization(gamma_regularizer="l2", beta_constraint="non_neg")
    regularized(np.zeros((2, 3), "float32"))
    assert type(regularized.gamma.regularizer).__name__ == "L2"
    assert type(regularized.beta.constraint).__name__ == "NonNeg"


# -- GroupNormalization -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "input_shape"),
    [({"groups": 2}, (2, 5, 4)), ({"groups": 3, "axis": 1}, (2, 6, 3, 2))],
)
def test_group_norm_contract(kwargs, input_shape):
    channels = input_shape[kwargs.get("axis", -1)]
    run_layer_test(
        GroupNormalization,
        kwargs,
        input_shape,
        input_shape,
        expected_num_trainable_weights=2,
        expected_weight_shapes=[(channels,), (channels,)],
    )


GROUP_NORM_CASES = [
    ({"groups": 2}, (3, 5, 4)),
    ({"groups": 3, "axis": 1, "epsilon": 1e-5}, (2, 6, 3, 2)),
    ({"groups": -1, "center": False}, (3, 5, 4)),
    ({"groups": 1, "axis": 2, "scale": False}, (2, 3, 4, 5)),
]


@pytest.mark.parametrize(("kwargs", "input_shape"), GROUP_NORM_CASES)
def test_group_norm_matches_keras(keras, kwargs, input_shape):
    ours, theirs = GroupNormalization(**kwargs), keras.layers.GroupNormalization(**kwargs)
    assert_keras_parity(ours, theirs, random_data(input_shape) * 3 - 1, rtol=1e-4, atol=1e-4)
    assert ours.get_config()["groups"] == theirs.get_config()["groups"]


def test_group_norm_statistics_per_group():
    x = random_data((2, 10, 6), seed=4) * 5 + 2
    out = np.asarray(GroupNormalization(groups=3, epsilon=1e-8)(x)).reshape(2, 10, 3, 2)
    np.testing.assert_allclose(out.mean(axis=(1, 3)), 0, atol=1e-5)
    np.testing.assert_allclose(out.var(axis=(1, 3)), 1, atol=1e-4)


def test_group_norm_config_matches_keras(keras):
    ours = GroupNormalization(name="gn").get_config()
    theirs = keras.layers.GroupNormalization(name="gn").get_config()
    assert set(ours) == set(theirs)
    for key in ("groups", "axis", "epsilon", "center", "scale"):
        assert ours[key] == theirs[key], key


def test_group_norm_errors():
    with pytest.raises(ValueError, match=r"GroupNormalization 'gn'.*groups \(5\) must divide.*channels \(12\)"):
        GroupNormalization(groups=5, name="gn")(np.zeros((2, 12), "float32"))
    with pytest.raises(ValueError, match=r"GroupNormalization 'gn2'.*groups \(32\) cannot be more.*channels \(8\)"):
        GroupNormalization(name="gn2")(np.zeros((2, 8), "float32"))
    with pytest.raises(ValueError, match=r"`groups` must be a positive integer.*groups=0"):
        GroupNormalization(groups=0)
    with pytest.raises(TypeError, match="`axis` must be an int"):
        GroupNormalization(axis=[1, 2])
    built = GroupNormalization(groups=2, name="built")
    built(np.zeros((2, 4), "float32"))
    with pytest.raises(ValueError, match=r"'built'.*expected axis -1 of input shape to have value 4"):
        built(np.zeros((2, 6), "float32"))


# -- UnitNormalization --------------------------------------------------------------------------------


@pytest.mark.parametrize(("kwargs", "input_shape"), [({}, (3, 4)), ({"axis": [1, 2]}, (2, 3, 4))])
def test_unit_norm_contract(kwargs, input_shape):
    run_layer_test(UnitNormalization, kwargs, input_shape, input_shape)


@pytest.mark.parametrize(
    ("kwargs", "input_shape"), [({}, (3, 4)), ({"axis": [1, 2]}, (2, 3, 4)), ({"axis": 1}, (2, 3, 4))]
)
def test_unit_norm_matches_keras(keras, kwargs, input_shape):
    assert_keras_parity(UnitNormalization(**kwargs), keras.layers.UnitNormalization(**kwargs), random_data(input_shape))


def test_unit_norm_values_and_zero_rows():
    out = np.asarray(UnitNormalization()(np.array([[3.0, 4.0], [0.0, 0.0]], "float32")))
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.0, 0.0]], rtol=1e-6)


def test_unit_norm_config_and_errors(keras):
    assert set(UnitNormalization(name="u").get_config()) == set(keras.layers.UnitNormalization(name="u").get_config())
    assert UnitNormalization(axis=(1, 2)).get_config()["axis"] == [1, 2]
    with pytest.raises(TypeError, match=r"UnitNormalization 'u'.*`axis`"):
        UnitNormalization(axis=1.5, name="u")
    with pytest.raises(ValueError, match=r"UnitNormalization 'u2'.*axis 2 is out of bounds"):
        UnitNormalization(axis=2, name="u2")(np.zeros((2, 3), "float32"))


# -- RMSNormalization ---------------------------------------------------------------------------------


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
