"""Flatten and Reshape: the layer contract, parity with Keras 3, and errors."""

from __future__ import annotations

import numpy as np
import pytest

from kerax import layers

from .harness import assert_keras_parity, random_data, run_layer_test


@pytest.mark.parametrize(
    ("kwargs", "input_shape", "output_shape"),
    [
        ({}, (2, 3, 4), (2, 12)),
        ({}, (3,), (3, 1)),
        ({"data_format": "channels_first"}, (2, 3, 2, 2), (2, 12)),
    ],
)
def test_flatten_contract(kwargs, input_shape, output_shape):
    run_layer_test(layers.Flatten, kwargs, input_shape, output_shape)


@pytest.mark.parametrize(
    ("kwargs", "input_shape", "output_shape"),
    [
        ({"target_shape": (4, 3)}, (2, 3, 4), (2, 4, 3)),
        ({"target_shape": (-1, 2)}, (2, 3, 4), (2, 6, 2)),
        ({"target_shape": [12]}, (2, 3, 2, 2), (2, 12)),
    ],
)
def test_reshape_contract(kwargs, input_shape, output_shape):
    run_layer_test(layers.Reshape, kwargs, input_shape, output_shape)


@pytest.mark.parametrize(
    ("name", "kwargs", "input_shape"),
    [
        ("Flatten", {}, (2, 3, 4, 5)),
        ("Flatten", {"data_format": "channels_first"}, (2, 3, 4, 5)),
        ("Reshape", {"target_shape": (5, -1)}, (2, 3, 4, 5)),
    ],
)
def test_matches_keras(keras, name, kwargs, input_shape):
    assert_keras_parity(
        getattr(layers, name)(**kwargs), getattr(keras.layers, name)(**kwargs), random_data(input_shape)
    )


def test_flatten_order_is_row_major():
    x = np.arange(6, dtype="float32").reshape(1, 2, 3)
    np.testing.assert_array_equal(layers.Flatten()(x), [[0, 1, 2, 3, 4, 5]])


def test_reshape_config_keeps_the_target_as_a_tuple():
    assert layers.Reshape([2, -1]).get_config()["target_shape"] == (2, -1)


def test_reshape_size_mismatch_names_both_shapes():
    layer = layers.Reshape((5, 5), name="r")
    with pytest.raises(ValueError, match=r"Reshape 'r'.*shape \(3, 4\) \(12 values\).*target_shape \(5, 5\) \(25"):
        layer(layers.Input((3, 4)))
    with pytest.raises(ValueError, match=r"Reshape 'r2'.*shape \(3, 4\).*target_shape \(5, -1\)"):
        layers.Reshape((5, -1), name="r2")(np.zeros((2, 3, 4), "float32"))


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ((-1, -1), "at most one -1"),
        ((0, 3), "positive integer or -1"),
        ("ab", "must be a tuple of integers"),
        ((2.0, 3), "positive integer or -1"),
    ],
)
def test_reshape_bad_target_shape(target, message):
    with pytest.raises(ValueError, match=message):
        layers.Reshape(target)


def test_flatten_bad_data_format():
    with pytest.raises(ValueError, match=r"Flatten 'f'.*`data_format`"):
        layers.Flatten(data_format="channels_middle", name="f")


def test_flatten_of_unknown_sizes_is_unknown():
    assert layers.Flatten()(layers.Input((None, 4))).shape == (None, None)
    assert layers.Reshape((-1, 2))(layers.Input((3, 4))).shape == (None, 6, 2)
