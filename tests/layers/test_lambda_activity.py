"""Lambda and ActivityRegularization, against Keras 3."""

from __future__ import annotations

import keras
import numpy as np
import pytest

import kerax
from kerax import layers

from .harness import run_layer_test

X = np.random.default_rng(0).normal(size=(4, 5)).astype(np.float32)


def test_activity_regularization_matches_keras() -> None:
    ours = layers.ActivityRegularization(l1=0.01, l2=0.02)
    theirs = keras.layers.ActivityRegularization(l1=0.01, l2=0.02)
    np.testing.assert_array_equal(ours(X), X)
    theirs(X)
    np.testing.assert_allclose(float(ours.losses[0]), float(theirs.losses[0]), rtol=1e-6)
    config = ours.get_config()
    assert {k: config[k] for k in ("l1", "l2")} == {"l1": 0.01, "l2": 0.02}
    assert "activity_regularizer" not in config
    assert layers.ActivityRegularization.from_config(config).l2 == 0.02


def test_activity_regularization_trains_like_keras() -> None:
    def build(lib):
        return lib.Sequential(
            [lib.Input((5,)), lib.layers.Dense(3), lib.layers.ActivityRegularization(l2=0.1), lib.layers.Dense(1)]
        )

    ours, theirs = build(kerax), build(keras)
    ours.set_weights(theirs.get_weights())
    y = X.sum(1, keepdims=True)
    for model in (ours, theirs):
        model.compile("sgd", "mse")
    h_ours = ours.fit(X, y, batch_size=2, epochs=2, shuffle=False, verbose=0).history["loss"]
    h_theirs = theirs.fit(X, y, batch_size=2, epochs=2, shuffle=False, verbose=0).history["loss"]
    np.testing.assert_allclose(h_ours, h_theirs, rtol=1e-5)


def test_lambda_layer_in_models() -> None:
    run_layer_test(
        layers.Lambda,
        {"function": kerax.activations.tanh},
        input_shape=(3, 4),
        expected_output_shape=(3, 4),
        expected_num_trainable_weights=0,
        expected_num_non_trainable_weights=0,
        run_training_check=False,
    )
    inputs = kerax.Input((5,))
    scaled = layers.Lambda(lambda x, factor: kerax.ops.tanh(x) * factor, arguments={"factor": 3.0})(inputs)
    model = kerax.Model(inputs, layers.Dense(2)(scaled))
    assert scaled.shape == (None, 5)
    np.testing.assert_allclose(model.layers[1](X), np.tanh(X) * 3.0, rtol=1e-6)
    model.compile("adam", "mse")
    model.fit(X, np.zeros((4, 2), np.float32), verbose=0)


def test_lambda_config_names_the_function_and_never_carries_code() -> None:
    known = layers.Lambda(kerax.activations.relu)
    config = known.get_config()
    assert config["function"] == "kerax.activations.relu"
    restored = layers.Lambda.from_config(config)
    np.testing.assert_allclose(restored(X), np.maximum(X, 0))
    custom = layers.Lambda(lambda x: x + 1)
    config = custom.get_config()
    assert isinstance(config["function"], str) and "lambda" in config["function"]
    with pytest.raises(ValueError, match="never imports or runs code named by a file"):
        layers.Lambda.from_config(config)
    with pytest.raises(ValueError, match="never imports or runs code"):
        layers.Lambda.from_config({**known.get_config(), "function": "os.system"})
