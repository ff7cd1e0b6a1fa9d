"""AdaptiveAveragePooling1D/2D/3D and AdaptiveMaxPooling1D/2D/3D: contract, Keras parity, bins, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kerax import layers

from ._keras_grads import assert_signature_matches
from .harness import assert_keras_parity, random_data, run_layer_test


def _case(name: str) -> tuple[tuple, int | tuple, tuple]:
    """(input shape, output_size, output shape) for a channels_last call with uneven bins."""
    n = int(name[-2])
    return {
        1: ((2, 7, 3), 3, (2, 3, 3)),
        2: ((2, 7, 5, 3), (3, 2), (2, 3, 2, 3)),
        3: ((1, 5, 4, 7, 2), (2, 3, 3), (1, 2, 3, 3, 2)),
    }[n]


@pytest.mark.parametrize("name", ["AdaptiveAveragePooling1D", "AdaptiveMaxPooling2D", "AdaptiveAveragePooling3D"])
def test_adaptive_pooling_contract(name):
    input_shape, size, output_shape = _case(name)
    run_layer_test(getattr(layers, name), {"output_size": size}, input_shape, output_shape, run_training_check=False)


@pytest.mark.parametrize(
    ("name", "data_format"),
    [
        ("AdaptiveAveragePooling1D", "channels_last"),
        ("AdaptiveMaxPooling1D", "channels_last"),
        ("AdaptiveAveragePooling2D", "channels_first"),
        ("AdaptiveMaxPooling2D", "channels_last"),
        ("AdaptiveMaxPooling3D", "channels_first"),
    ],
)
def test_adaptive_pooling_matches_keras(keras, name, data_format):
    input_shape, size, _ = _case(name)
    data = random_data(input_shape, seed=3)
    kwargs = {"output_size": size, "data_format": data_format}
    ours, theirs = getattr(layers, name)(**kwargs), getattr(keras.layers, name)(**kwargs)
    assert_keras_parity(ours, theirs, data)
    assert ours.compute_output_shape(input_shape) == tuple(theirs.compute_output_shape(input_shape))
    config = ours.get_config()
    assert tuple(config["output_size"]) == tuple(theirs.get_config()["output_size"])
    assert config["data_format"] == data_format


def test_adaptive_bins_follow_floor_and_ceil():
    # Length 10 into 4 bins: [0, 3), [2, 5), [5, 8), [7, 10) (floor(i * L / n) to ceil((i + 1) * L / n)).
    x = np.arange(10, dtype="float32").reshape(1, 10, 1)
    avg = np.asarray(layers.AdaptiveAveragePooling1D(4)(x))[0, :, 0]
    top = np.asarray(layers.AdaptiveMaxPooling1D(4)(x))[0, :, 0]
    bounds = [(math.floor(i * 10 / 4), math.ceil((i + 1) * 10 / 4)) for i in range(4)]
    np.testing.assert_allclose(avg, [np.mean(np.arange(a, b)) for a, b in bounds])
    np.testing.assert_allclose(top, [b - 1 for _, b in bounds])
    # An output larger than the input repeats elements.
    np.testing.assert_allclose(np.asarray(layers.AdaptiveMaxPooling1D(4)(x[:, :2]))[0, :, 0], [0, 0, 1, 1])


def test_adaptive_pooling_gradient_reaches_every_input():
    import jax

    x = random_data((1, 5, 5, 1), seed=4)
    layer = layers.AdaptiveAveragePooling2D(3)
    grad = jax.grad(lambda v: layer(v).sum())(x)
    assert np.all(np.asarray(grad) > 0)


def test_adaptive_pooling_errors():
    with pytest.raises(TypeError, match="output_size"):
        layers.AdaptiveAveragePooling2D((2, 2, 2))
    with pytest.raises(TypeError, match="output_size"):
        layers.AdaptiveMaxPooling1D("3")
    with pytest.raises(ValueError, match="positive"):
        layers.AdaptiveMaxPooling3D((2, 0, 2))
    with pytest.raises(ValueError, match="data_format"):
        layers.AdaptiveAveragePooling1D(2, data_format="channels_middle")
    with pytest.raises(ValueError, match="ndim|rank|dimension"):
        layers.AdaptiveAveragePooling2D(2)(np.ones((2, 4, 3), "float32"))


@pytest.mark.parametrize("kind", ["Average", "Max"])
def test_adaptive_pooling_signatures_match_keras(keras, kind):
    for n in (1, 2, 3):
        name = f"Adaptive{kind}Pooling{n}D"
        assert_signature_matches(getattr(layers, name), getattr(keras.layers, name))
