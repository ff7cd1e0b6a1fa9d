"""Dropout: identity at inference, inverted scaling in training, repeatable masks, argument errors."""

from __future__ import annotations

import jax
import numpy as np
import pytest

from kerax import backend, layers

from .harness import assert_keras_parity, random_data, run_layer_test


@pytest.mark.parametrize(
    ("kwargs", "input_shape"),
    [
        ({"rate": 0.5}, (8, 64)),
        ({"rate": 0.3, "noise_shape": (None, 1, 8), "seed": 3}, (2, 16, 8)),
    ],
)
def test_contract(kwargs, input_shape):
    run_layer_test(layers.Dropout, kwargs, input_shape, input_shape)


def test_inference_is_identity_and_matches_keras(keras):
    x = random_data((3, 5))
    np.testing.assert_array_equal(layers.Dropout(0.9)(x), x)
    np.testing.assert_array_equal(layers.Dropout(0.9)(x, training=False), x)
    assert_keras_parity(layers.Dropout(0.4), keras.layers.Dropout(0.4), x, training=False)


def test_training_drops_about_rate_and_scales_the_rest():
    backend.set_random_seed(0)
    x = np.ones((8, 64), "float32")  # shapes shared across these tests: each new mask shape is compiled
    out = np.asarray(layers.Dropout(0.25)(x, training=True))
    kept = out != 0
    assert 0.18 < 1 - kept.mean() < 0.32
    np.testing.assert_allclose(out[kept], 1 / 0.75)


def test_noise_shape_shares_the_mask():
    x = np.ones((2, 16, 8), "float32")
    out = np.asarray(layers.Dropout(0.5, noise_shape=(None, 1, 8), seed=1)(x, training=True))
    # Every timestep of a sample drops the same features.
    np.testing.assert_array_equal(out, np.broadcast_to(out[:, :1, :], out.shape))
    assert 0 < (out == 0).mean() < 1


def test_seeded_layers_repeat_their_sequence_of_masks():
    x = np.ones((8, 64), "float32")
    a, b = layers.Dropout(0.5, seed=7), layers.Dropout(0.5, seed=7)
    first = np.asarray(a(x, training=True))
    np.testing.assert_array_equal(first, b(x, training=True))
    assert not np.array_equal(first, a(x, training=True))  # a fresh mask on every call


def test_stateless_call_masks_follow_the_rng():
    layer = layers.Dropout(0.5, seed=1)
    x = np.ones((8, 64), "float32")
    step = jax.jit(lambda x, key: layer.stateless_call([], [], x, training=True, rng=key)[0])
    k1, k2 = jax.random.key(1), jax.random.key(2)
    np.testing.assert_array_equal(step(x, k1), step(x, k1))
    assert not np.array_equal(step(x, k1), step(x, k2))


def test_rate_zero_is_identity_in_training():
    x = random_data((3, 4))
    np.testing.assert_array_equal(layers.Dropout(0.0)(x, training=True), x)


def test_config():
    config = layers.Dropout(0.2, noise_shape=[None, 1], seed=4).get_config()
    assert (config["rate"], config["noise_shape"], config["seed"]) == (0.2, (None, 1), 4)


@pytest.mark.parametrize("rate", [1.5, -0.1, 1, "0.5", None])
def test_bad_rate(rate):
    with pytest.raises(ValueError, match=rf"Dropout 'd'.*`rate` must be a float in \[0, 1\), received rate={rate!r}"):
        layers.Dropout(rate, name="d")


def test_bad_noise_shape():
    with pytest.raises(ValueError, match="`noise_shape` must be a tuple"):
        layers.Dropout(0.5, noise_shape="abc")
    with pytest.raises(ValueError, match="positive int or None"):
        layers.Dropout(0.5, noise_shape=(None, 0))
    with pytest.raises(ValueError, match=r"one entry per input dimension.*\(2, 3\)"):
        layers.Dropout(0.5, noise_shape=(None, 1, 1))(np.ones((2, 3), "float32"), training=True)
