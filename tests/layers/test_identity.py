"""Identity: the layer contract, parity and config against Keras 3, and unknown sizes."""

from __future__ import annotations

from kerax.layers._core.identity import Identity

from .harness import assert_keras_parity, random_data, run_layer_test


def test_contract():
    run_layer_test(Identity, {}, (2, 3, 4), (2, 3, 4))


def test_matches_keras(keras):
    assert_keras_parity(Identity(), keras.layers.Identity(), random_data((2, 3, 4)))


def test_config_matches_keras(keras):
    ours = Identity(name="x").get_config()
    theirs = keras.layers.Identity(name="x").get_config()
    own_keys = set(ours) - {"name", "trainable", "dtype"}
    assert own_keys == set(theirs) - {"name", "trainable", "dtype"}
    for key in own_keys:
        assert ours[key] == theirs[key], key


def test_unknown_sizes_stay_unknown():
    assert Identity().compute_output_shape((None, 3)) == (None, 3)
