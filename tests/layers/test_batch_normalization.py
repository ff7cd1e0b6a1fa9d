"""BatchNormalization: the layer contract, training/inference parity with Keras 3, frozen behaviour."""

from __future__ import annotations

import jax
import numpy as np
import pytest

from kerax import layers

from .harness import assert_keras_parity, random_data, run_layer_test


@pytest.mark.parametrize(
    ("kwargs", "input_shape", "n_trainable", "weight_shapes"),
    [
        ({}, (4, 3), 2, [(3,)] * 4),
        ({"axis": 1, "momentum": 0.9, "epsilon": 1e-5}, (4, 2, 3, 3), 2, [(2,)] * 4),
        ({"scale": False, "center": False}, (4, 5), 0, [(5,)] * 2),
    ],
)
def test_contract(kwargs, input_shape, n_trainable, weight_shapes):
    run_layer_test(
        layers.BatchNormalization,
        kwargs,
        input_shape,
        input_shape,
        expected_num_trainable_weights=n_trainable,
        expected_num_non_trainable_weights=2,
        expected_weight_shapes=weight_shapes,
        expect_state_updates=True,
    )


def test_weight_names_and_order():
    layer = layers.BatchNormalization()
    layer(np.zeros((2, 3), "float32"))
    assert [v.name for v in layer.weights] == ["gamma", "beta", "moving_mean", "moving_variance"]
    assert [v.trainable for v in layer.weights] == [True, True, False, False]


CASES = [
    ({}, (6, 4)),
    ({"axis": 1, "momentum": 0.8, "epsilon": 1e-4}, (5, 3, 4, 2)),
    ({"center": False, "momentum": 0.5}, (6, 4)),  # same shape as the first case: compiled ops are reused
]


@pytest.mark.parametrize(("kwargs", "input_shape"), CASES)
@pytest.mark.parametrize("training", [False, True])
def test_matches_keras(keras, kwargs, input_shape, training):
    ours, theirs = layers.BatchNormalization(**kwargs), keras.layers.BatchNormalization(**kwargs)
    data = random_data(input_shape) * 3 + 1
    assert_keras_parity(ours, theirs, data, training=training)
    # After the training call, both layers hold the same moving statistics (inference: unchanged).
    for mine, keras_weight in zip(ours.get_weights(), theirs.get_weights(), strict=True):
        np.testing.assert_allclose(mine, keras_weight, rtol=1e-5, atol=1e-6)


def test_moving_statistics_update_formula():
    layer = layers.BatchNormalization(momentum=0.75)
    x = random_data((8, 3), seed=3) * 2 + 5
    layer(x, training=True)
    np.testing.assert_allclose(layer.moving_mean.numpy(), 0.25 * x.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(layer.moving_variance.numpy(), 0.75 + 0.25 * x.var(axis=0), rtol=1e-5)


def test_training_output_is_normalised_with_batch_statistics():
    x = random_data((64, 3), seed=5) * 4 - 2
    out = np.asarray(layers.BatchNormalization(epsilon=1e-6)(x, training=True))
    np.testing.assert_allclose(out.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(out.var(axis=0), 1, atol=1e-3)


def test_frozen_layer_runs_in_inference_mode_even_when_training():
    layer = layers.BatchNormalization()
    x = random_data((8, 3), seed=1)
    layer(x)
    layer.set_weights(random_weights_like(layer))
    layer.trainable = False
    before = layer.get_weights()
    np.testing.assert_allclose(layer(x, training=True), layer(x, training=False))
    for old, new in zip(before, layer.get_weights(), strict=True):
        np.testing.assert_array_equal(old, new)
    assert layer.trainable_weights == []
    assert len(layer.non_trainable_weights) == 4


def test_frozen_layer_matches_keras(keras):
    ours, theirs = layers.BatchNormalization(), keras.layers.BatchNormalization()
    ours.trainable = theirs.trainable = False
    assert_keras_parity(ours, theirs, random_data((6, 4)), training=True)


def test_stateless_training_call_returns_the_new_moving_statistics():
    layer = layers.BatchNormalization(momentum=0.5)
    x = random_data((8, 3), seed=2)
    layer(x)
    trainable = [v.value for v in layer.trainable_weights]
    non_trainable = [v.value for v in layer.non_trainable_weights]
    step = jax.jit(lambda tv, ntv, x: layer.stateless_call(tv, ntv, x, training=True))
    out, (mean, variance) = step(trainable, non_trainable, x)
    np.testing.assert_allclose(mean, 0.5 * x.mean(axis=0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(variance, 0.5 + 0.5 * x.var(axis=0), rtol=1e-5)
    np.testing.assert_array_equal(layer.moving_mean.numpy(), np.zeros(3))  # stored values untouched
    eager = layers.BatchNormalization(momentum=0.5)
    np.testing.assert_allclose(eager(x, training=True), out, rtol=1e-5, atol=1e-5)


def test_config_matches_keras_defaults(keras):
    ours = layers.BatchNormalization(name="bn").get_config()
    theirs = keras.layers.BatchNormalization(name="bn").get_config()
    assert set(ours) == set(theirs)
    for key in ("axis", "momentum", "epsilon", "center", "scale", "renorm", "synchronized"):
        assert ours[key] == theirs[key], key


def test_errors():
    with pytest.raises(ValueError, match=r"BatchNormalization 'bn'.*axis 3 is out of bounds.*\(2, 3\)"):
        layers.BatchNormalization(axis=3, name="bn")(np.zeros((2, 3), "float32"))
    with pytest.raises(ValueError, match="`axis` must be an integer"):
        layers.BatchNormalization(axis=[1, 2])
    with pytest.raises(ValueError, match="renorm"):
        layers.BatchNormalization(renorm=True)
    built = layers.BatchNormalization(name="built")
    built(np.zeros((2, 3), "float32"))
    with pytest.raises(ValueError, match=r"'built'.*expected axis -1 of input shape to have value 3"):
        built(np.zeros((2, 4), "float32"))


def random_weights_like(layer):
    rng = np.random.default_rng(0)
    return [rng.uniform(0.5, 1.5, v.shape).astype("float32") for v in layer.weights]


# -- other axes than the last ---------------------------------------------------------------------


def test_batch_norm_middle_axis_contract():
    run_layer_test(
        layers.BatchNormalization,
        {"axis": -2},
        (4, 3, 5),
        (4, 3, 5),
        expected_num_trainable_weights=2,
        expected_num_non_trainable_weights=2,
        expected_weight_shapes=[(3,)] * 4,
        expect_state_updates=True,
    )


@pytest.mark.parametrize(("axis", "input_shape"), [(1, (6, 3, 4, 4)), (2, (5, 4, 3)), (-3, (4, 2, 3, 5))])
@pytest.mark.parametrize("training", [False, True])
def test_batch_norm_any_axis_matches_keras(keras, axis, input_shape, training):
    ours, theirs = (
        layers.BatchNormalization(axis=axis, momentum=0.8),
        keras.layers.BatchNormalization(axis=axis, momentum=0.8),
    )
    assert_keras_parity(ours, theirs, random_data(input_shape) * 2 + 1, training=training, rtol=1e-4, atol=1e-5)
    for mine, keras_weight in zip(ours.get_weights(), theirs.get_weights(), strict=True):
        np.testing.assert_allclose(mine, keras_weight, rtol=1e-5, atol=1e-6)


def test_batch_norm_channels_first_normalises_each_channel():
    x = random_data((16, 3, 5, 5), seed=8) * np.array([1.0, 4.0, 9.0], "float32")[:, None, None] + 2
    out = np.asarray(layers.BatchNormalization(axis=1, epsilon=1e-6)(x, training=True))
    np.testing.assert_allclose(out.mean(axis=(0, 2, 3)), 0, atol=1e-5)
    np.testing.assert_allclose(out.var(axis=(0, 2, 3)), 1, atol=1e-3)
