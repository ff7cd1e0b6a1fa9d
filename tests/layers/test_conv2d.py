"""Conv2D: the layer contract, parity with Keras 3, and argument errors."""

from __future__ import annotations

import numpy as np
import pytest

from kerax import layers

from .harness import assert_keras_parity, random_data, run_layer_test

# (init kwargs, input shape, output shape, weight shapes)
# Only the first case draws a random kernel: each random initializer shape costs an XLA compilation.
ONES = {"kernel_initializer": "ones", "bias_initializer": "ones"}
CASES = [
    ({"filters": 4, "kernel_size": 3}, (2, 7, 7, 3), (2, 5, 5, 4), [(3, 3, 3, 4), (4,)]),
    (
        {"filters": 4, "kernel_size": (3, 2), "strides": 2, "padding": "same", **ONES},
        (2, 7, 8, 3),
        (2, 4, 4, 4),
        [(3, 2, 3, 4), (4,)],
    ),
    (
        {
            "filters": 2,
            "kernel_size": 3,
            "dilation_rate": 2,
            "padding": "same",
            "use_bias": False,
            "activation": "relu",
            **ONES,
        },
        (2, 9, 9, 1),
        (2, 9, 9, 2),
        [(3, 3, 1, 2)],
    ),
    (
        {"filters": 6, "kernel_size": (1, 3), "strides": (1, 2), "groups": 3, **ONES},
        (2, 5, 9, 6),
        (2, 5, 4, 6),
        [(1, 3, 2, 6), (6,)],
    ),
]


@pytest.mark.parametrize(("kwargs", "input_shape", "output_shape", "weight_shapes"), CASES)
def test_layer_contract(kwargs, input_shape, output_shape, weight_shapes):
    run_layer_test(
        layers.Conv2D,
        kwargs,
        input_shape,
        output_shape,
        expected_num_trainable_weights=len(weight_shapes),
        expected_weight_shapes=weight_shapes,
    )


@pytest.mark.parametrize(
    ("kwargs", "input_shape"),
    [(c[0], c[1]) for c in CASES]
    + [
        (
            {"filters": 3, "kernel_size": 4, "strides": 3, "padding": "same", "activation": "tanh"},
            (2, 10, 11, 2),
        ),
        ({"filters": 2, "kernel_size": (2, 3), "dilation_rate": (2, 1)}, (1, 8, 8, 3)),
    ],
)
def test_matches_keras(keras, kwargs, input_shape):
    kwargs = {**kwargs, "kernel_initializer": "zeros"}  # replaced by random weights; avoids compiling an RNG
    assert_keras_parity(layers.Conv2D(**kwargs), keras.layers.Conv2D(**kwargs), random_data(input_shape))


def test_convolution_arithmetic_by_hand():
    # A 2x2 kernel of ones sums each window: a direct check independent of Keras.
    layer = layers.Conv2D(1, 2, use_bias=False, kernel_initializer="ones")
    x = np.arange(9, dtype="float32").reshape(1, 3, 3, 1)
    np.testing.assert_array_equal(np.asarray(layer(x))[0, :, :, 0], [[8, 12], [20, 24]])


def test_config_uses_keras_names_and_normalised_tuples():
    config = layers.Conv2D(8, 3, padding="SAME", name="c").get_config()
    assert config["kernel_size"] == (3, 3)
    assert config["strides"] == (1, 1)
    assert config["dilation_rate"] == (1, 1)
    assert config["padding"] == "same"
    assert config["data_format"] == "channels_last"
    assert config["activation"] == "linear"
    assert config["kernel_initializer"]["class_name"] == "GlorotUniform"


def test_alias():
    assert layers.Convolution2D is layers.Conv2D


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"filters": 4, "kernel_size": 3, "padding": "full"},
            r"Conv2D 'bad'.*`padding` must be one of 'valid', 'same'.*'full'",
        ),
        ({"filters": 0, "kernel_size": 3}, r"`filters` must be a positive integer, received 0"),
        (
            {"filters": 4, "kernel_size": (3, 3, 3)},
            r"`kernel_size` must be an integer or a tuple of 2 integers",
        ),
        ({"filters": 4, "kernel_size": 0}, r"`kernel_size`.*received 0"),
        (
            {"filters": 4, "kernel_size": 3, "strides": 2, "dilation_rate": 2},
            r"`strides` > 1 cannot be combined",
        ),
        ({"filters": 5, "kernel_size": 3, "groups": 2}, r"`filters` must be divisible by `groups`"),
        (
            {"filters": 4, "kernel_size": 3, "data_format": "channels_first"},
            r"data_format='channels_first' is not supported",
        ),
    ],
)
def test_invalid_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        layers.Conv2D(name="bad", **kwargs)


def test_input_errors_name_the_layer_and_the_shape():
    with pytest.raises(ValueError, match=r"Conv2D 'grouped'.*divisible by `groups`.*groups=2.*3 channels"):
        layers.Conv2D(4, 3, groups=2, name="grouped")(np.zeros((1, 5, 5, 3), "float32"))
    with pytest.raises(ValueError, match=r"Conv2D 'tiny'.*output would be empty.*\(1, 2, 2, 3\)"):
        layers.Conv2D(4, 3, name="tiny")(np.zeros((1, 2, 2, 3), "float32"))
    with pytest.raises(ValueError, match=r"Conv2D 'rank'.*rank 4.*\(None, 5, 3\)"):
        layers.Conv2D(4, 3, name="rank")(layers.Input((5, 3)))
    built = layers.Conv2D(4, 3, name="built")
    built(np.zeros((1, 5, 5, 3), "float32"))
    with pytest.raises(ValueError, match=r"'built'.*expected axis -1 of input shape to have value 3"):
        built(np.zeros((1, 5, 5, 2), "float32"))


def test_kernel_regularizer_reaches_the_kernel():
    layer = layers.Conv2D(4, 3, kernel_regularizer="l2")
    layer(np.zeros((1, 5, 5, 2), "float32"))
    assert type(layer.kernel.regularizer).__name__ == "L2"
    assert layer.losses and float(layer.losses[0]) > 0


def test_unknown_spatial_sizes_stay_unknown():
    layer = layers.Conv2D(4, 3, strides=2, padding="same", kernel_initializer="zeros")
    assert layer(layers.Input((None, None, 3))).shape == (None, None, None, 4)
    assert layer.compute_output_shape((None, None, 10, 3)) == (None, None, 5, 4)
