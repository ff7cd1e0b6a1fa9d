"""The Activation layer."""

from __future__ import annotations

import numpy as np
import pytest

from kerax import activations, layers

from .harness import assert_keras_parity, random_data, run_layer_test


@pytest.mark.parametrize("activation", ["relu", "softmax", "linear"])
def test_contract(activation):
    run_layer_test(layers.Activation, {"activation": activation}, (2, 3, 4), (2, 3, 4))


@pytest.mark.parametrize("activation", ["relu", "softmax"])
def test_matches_keras(keras, activation):
    assert_keras_parity(layers.Activation(activation), keras.layers.Activation(activation), random_data((2, 5)))


def test_callable_and_config():
    layer = layers.Activation(activations.sigmoid)
    assert layer.get_config()["activation"] == "sigmoid"
    np.testing.assert_allclose(layer(np.zeros((1, 2), "float32")), [[0.5, 0.5]])
    assert layers.Activation(None).get_config()["activation"] == "linear"


def test_unknown_name():
    with pytest.raises(ValueError, match="Unknown activation 'rleu'.*Did you mean 'relu'"):
        layers.Activation("rleu")
