"""SpatialDropout1D/2D, GaussianNoise, GaussianDropout, AlphaDropout: contract, inference parity with
Keras, training-time statistics, keys and repeatability, errors."""

from __future__ import annotations

import jax
import numpy as np
import pytest

from kerax.layers._regularization import (
    AlphaDropout,
    Dropout,
    GaussianDropout,
    GaussianNoise,
    SpatialDropout1D,
    SpatialDropout2D,
    SpatialDropout3D,
)

from .harness import assert_keras_parity, random_data, run_layer_test


@pytest.mark.parametrize(
    ("cls", "kwargs", "input_shape"),
    [
        (SpatialDropout1D, {"rate": 0.5}, (2, 3, 4)),
        (SpatialDropout2D, {"rate": 0.3, "data_format": "channels_first", "seed": 1}, (2, 3, 2, 2)),
        (GaussianNoise, {"stddev": 0.2}, (2, 3, 4)),
        (GaussianDropout, {"rate": 0.3}, (2, 3, 4)),
        (AlphaDropout, {"rate": 0.2, "noise_shape": (None, 1, None)}, (2, 3, 4)),
    ],
)
def test_contract(cls, kwargs, input_shape):
    run_layer_test(cls, kwargs, input_shape, input_shape)


KERAS_CASES = [
    ("SpatialDropout1D", {"rate": 0.5, "seed": 3}, (2, 3, 4)),
    ("SpatialDropout2D", {"rate": 0.5, "data_format": "channels_first"}, (2, 3, 2, 2)),
    ("SpatialDropout3D", {"rate": 0.5}, (2, 2, 2, 2, 3)),
    ("GaussianNoise", {"stddev": 0.5, "seed": 3}, (2, 3, 4)),
    ("GaussianDropout", {"rate": 0.5}, (2, 3, 4)),
    ("AlphaDropout", {"rate": 0.5, "noise_shape": [None, 1, None]}, (2, 3, 4)),
]
KERAX = {
    "SpatialDropout1D": SpatialDropout1D,
    "SpatialDropout2D": SpatialDropout2D,
    "SpatialDropout3D": SpatialDropout3D,
    "GaussianNoise": GaussianNoise,
    "GaussianDropout": GaussianDropout,
    "AlphaDropout": AlphaDropout,
}


@pytest.mark.parametrize(("name", "kwargs", "input_shape"), KERAS_CASES)
def test_inference_matches_keras_and_config_keys(keras, name, kwargs, input_shape):
    ours, theirs = KERAX[name](**kwargs), getattr(keras.layers, name)(**kwargs)
    data = random_data(input_shape)
    for training in (None, False):
        got, expected = assert_keras_parity(ours, theirs, data, training=training, rtol=0, atol=0)
        np.testing.assert_array_equal(got, data)
    mine, keras_config = ours.get_config(), theirs.get_config()
    assert set(mine) == set(keras_config)
    for key in set(mine) - {"name", "dtype", "trainable", "noise_shape"}:
        assert mine[key] == keras_config[key], key
    if "noise_shape" in mine:
        assert list(mine["noise_shape"]) == list(keras_config["noise_shape"])


@pytest.mark.parametrize(
    ("layer", "shape", "channel_axes"),
    [
        (SpatialDropout1D(0.4), (64, 5, 32), (0, 2)),
        (SpatialDropout2D(0.4), (64, 3, 3, 32), (0, 3)),
        (SpatialDropout2D(0.4, data_format="channels_first"), (64, 32, 3, 3), (0, 1)),
        (SpatialDropout3D(0.4), (64, 2, 2, 2, 32), (0, 4)),
    ],
)
def test_spatial_dropout_drops_whole_channels(layer, shape, channel_axes):
    out = np.asarray(layer(np.ones(shape, "float32"), training=True))
    assert set(np.unique(out)) <= {0.0, np.float32(1 / 0.6)}
    spatial = tuple(a for a in range(len(shape)) if a not in channel_axes)
    # Every channel of every sample is all kept or all dropped.
    assert np.all(out.min(axis=spatial) == out.max(axis=spatial))
    dropped = np.mean(out.min(axis=spatial) == 0)
    assert 0.33 < dropped < 0.47  # 2048 channels drawn with rate 0.4


def test_gaussian_noise_statistics():
    out = np.asarray(GaussianNoise(0.3)(np.full((400, 500), 2.0, "float32"), training=True))
    assert abs(out.mean() - 2.0) < 0.005
    assert abs(out.std() - 0.3) < 0.005


def test_gaussian_dropout_statistics():
    out = np.asarray(GaussianDropout(0.2)(np.full((400, 500), 3.0, "float32"), training=True))
    assert abs(out.mean() / 3.0 - 1.0) < 0.005
    assert abs(out.var() / 9.0 - 0.25) < 0.01  # rate / (1 - rate)


def test_alpha_dropout_keeps_mean_and_variance(keras):
    x = np.random.default_rng(0).standard_normal((400, 500)).astype("float32")
    out = np.asarray(AlphaDropout(0.2)(x, training=True))
    assert abs(out.mean()) < 0.02
    assert abs(out.var() - 1.0) < 0.03
    # Dropped positions all take the same value, a * alpha' + b, as in Keras.
    values, counts = np.unique(out, return_counts=True)
    saturated = values[np.argmax(counts)]
    assert 0.17 < counts.max() / out.size < 0.23
    theirs = np.asarray(keras.layers.AlphaDropout(0.2, seed=1)(x, training=True))
    keras_values, keras_counts = np.unique(theirs, return_counts=True)
    np.testing.assert_allclose(saturated, keras_values[np.argmax(keras_counts)], rtol=1e-6)


def test_alpha_dropout_noise_shape_shares_the_mask():
    out = np.asarray(AlphaDropout(0.5, noise_shape=(None, 1))(np.zeros((50, 6), "float32"), training=True))
    assert np.all(out.min(axis=1) == out.max(axis=1))


@pytest.mark.parametrize(
    ("layer_fn", "shape"),
    [
        # The shapes of the statistics tests above: the eager random draws are already compiled.
        (lambda seed: SpatialDropout1D(0.4, seed=seed), (64, 5, 32)),
        (lambda seed: GaussianNoise(0.3, seed=seed), (400, 500)),
        (lambda seed: AlphaDropout(0.2, seed=seed), (400, 500)),
    ],
)
def test_seeded_eager_calls_repeat(layer_fn, shape):
    x = np.ones(shape, "float32")
    a, b = layer_fn(7), layer_fn(7)
    first = np.asarray(a(x, training=True))
    np.testing.assert_array_equal(first, b(x, training=True))  # same seed, same sequence
    assert not np.array_equal(first, a(x, training=True))  # successive calls differ
    np.testing.assert_array_equal(a(x), x)  # the default (no training) is the identity


def test_noise_in_a_traced_step_follows_the_step_key():
    layer = GaussianDropout(0.5, seed=7)  # the step's key wins over the seed
    x = random_data((2, 3, 4))
    step = jax.jit(lambda x, key: layer.stateless_call([], [], x, training=True, rng=key)[0])
    k0, k1 = jax.random.key(0), jax.random.key(1)
    np.testing.assert_array_equal(step(x, k0), step(x, k0))
    assert not np.array_equal(step(x, k0), step(x, k1))


def test_spatial_dropout_is_a_dropout():
    assert isinstance(SpatialDropout1D(0.1), Dropout)


def test_errors():
    with pytest.raises(ValueError, match=r"GaussianDropout 'g'.*`rate` must be a float in \[0, 1\).*rate=1"):
        GaussianDropout(1, name="g")
    with pytest.raises(ValueError, match=r"AlphaDropout 'a'.*rate=-0.1"):
        AlphaDropout(-0.1, name="a")
    with pytest.raises(ValueError, match=r"GaussianNoise 'n'.*`stddev` must be a float in \[0, 1\].*stddev=2"):
        GaussianNoise(2, name="n")
    with pytest.raises(ValueError, match=r"`seed` must be an int or None"):
        GaussianNoise(0.1, seed="x")
    with pytest.raises(ValueError, match=r"`rate` must be a float in \[0, 1\)"):
        SpatialDropout1D(1.5)
    with pytest.raises(ValueError, match=r"SpatialDropout2D 's'.*`data_format`"):
        SpatialDropout2D(0.1, data_format="nhwc", name="s")
    with pytest.raises(ValueError, match=r"'s1'.*SpatialDropout1D.*"):
        SpatialDropout1D(0.1, name="s1")(np.zeros((2, 3, 4, 5), "float32"))
    with pytest.raises(ValueError, match=r"AlphaDropout 'a2'.*`noise_shape`.*one entry per input dimension"):
        AlphaDropout(0.1, noise_shape=(None, 1), name="a2")(np.zeros((2, 3, 4), "float32"), training=True)
