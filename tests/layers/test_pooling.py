"""Pooling layers, 1-D to 3-D, windowed and global: the layer contract, parity with Keras 3, and argument errors."""

from __future__ import annotations

import numpy as np
import pytest

from kerax import layers

from .harness import assert_keras_parity, random_data, run_layer_test

WINDOW_CASES = [
    (layers.MaxPooling1D, {}, (2, 7, 3), (2, 3, 3)),
    (layers.MaxPooling1D, {"pool_size": 3, "strides": 1, "padding": "same"}, (2, 6, 2), (2, 6, 2)),
    (layers.AveragePooling1D, {"pool_size": 3, "strides": 2}, (2, 9, 2), (2, 4, 2)),
    (layers.AveragePooling1D, {"pool_size": 4, "strides": 3, "padding": "same"}, (2, 8, 2), (2, 3, 2)),
    (layers.MaxPooling2D, {}, (2, 6, 6, 3), (2, 3, 3, 3)),
    (layers.MaxPooling2D, {"pool_size": (3, 2), "strides": 1, "padding": "same"}, (2, 5, 6, 2), (2, 5, 6, 2)),
    (layers.AveragePooling2D, {"pool_size": 3, "strides": 2}, (2, 7, 8, 2), (2, 3, 3, 2)),
    (layers.AveragePooling2D, {"pool_size": 3, "strides": 2, "padding": "same"}, (2, 7, 8, 2), (2, 4, 4, 2)),
    (layers.MaxPooling3D, {}, (2, 4, 5, 4, 2), (2, 2, 2, 2, 2)),
    (
        layers.MaxPooling3D,
        {"pool_size": (2, 3, 1), "strides": 2, "padding": "same"},
        (1, 5, 4, 3, 2),
        (1, 3, 2, 2, 2),
    ),
    (layers.AveragePooling3D, {"pool_size": 2, "strides": (1, 2, 1)}, (2, 4, 4, 3, 1), (2, 3, 2, 2, 1)),
    (
        layers.AveragePooling3D,
        {"pool_size": 3, "strides": 2, "padding": "same"},
        (1, 5, 4, 3, 2),
        (1, 3, 2, 2, 2),
    ),
]

GLOBAL_CASES = [
    (layers.GlobalMaxPooling1D, {}, (2, 5, 3), (2, 3)),
    (layers.GlobalAveragePooling1D, {"keepdims": True}, (2, 5, 3), (2, 1, 3)),
    (layers.GlobalAveragePooling2D, {}, (2, 5, 4, 3), (2, 3)),
    (layers.GlobalMaxPooling2D, {"keepdims": True}, (2, 5, 4, 3), (2, 1, 1, 3)),
    (layers.GlobalAveragePooling2D, {"keepdims": True}, (2, 3, 4, 3), (2, 1, 1, 3)),
    (layers.GlobalMaxPooling3D, {"keepdims": True}, (2, 3, 4, 2, 3), (2, 1, 1, 1, 3)),
    (layers.GlobalAveragePooling3D, {}, (2, 3, 4, 2, 3), (2, 3)),
]


def _class_name(value):
    """Test ids name the layer class; other parameters keep pytest's ids."""
    return value.__name__ if isinstance(value, type) else None


@pytest.mark.parametrize(("cls", "kwargs", "input_shape", "output_shape"), WINDOW_CASES, ids=_class_name)
def test_window_pooling_contract(cls, kwargs, input_shape, output_shape):
    run_layer_test(cls, kwargs, input_shape, output_shape)


@pytest.mark.parametrize(("cls", "kwargs", "input_shape", "output_shape"), GLOBAL_CASES, ids=_class_name)
def test_global_pooling_contract(cls, kwargs, input_shape, output_shape):
    run_layer_test(cls, kwargs, input_shape, output_shape)


@pytest.mark.parametrize(
    ("cls", "kwargs", "input_shape"),
    [
        *[(c[0], c[1], c[2]) for c in WINDOW_CASES + GLOBAL_CASES],
        (layers.MaxPooling1D, {"pool_size": 2, "strides": 3, "padding": "same"}, (2, 7, 2)),
        (layers.AveragePooling1D, {"pool_size": 3, "data_format": "channels_first"}, (2, 2, 7)),
        (layers.MaxPooling2D, {"pool_size": 3, "strides": (2, 1), "padding": "same"}, (1, 6, 5, 1)),
        (
            layers.AveragePooling2D,
            {"pool_size": (2, 3), "padding": "same", "data_format": "channels_first"},
            (2, 3, 5, 7),
        ),
        (layers.MaxPooling2D, {"pool_size": 2, "data_format": "channels_first"}, (2, 3, 5, 7)),
        (layers.AveragePooling3D, {"pool_size": (1, 2, 3), "padding": "same"}, (1, 3, 3, 4, 2)),
        (layers.MaxPooling3D, {"pool_size": 2, "data_format": "channels_first"}, (1, 2, 4, 4, 4)),
        (layers.GlobalMaxPooling1D, {"keepdims": True, "data_format": "channels_first"}, (2, 3, 5)),
        (layers.GlobalAveragePooling2D, {"data_format": "channels_first"}, (2, 3, 5, 4)),
        (layers.GlobalMaxPooling2D, {}, (2, 5, 4, 3)),
        (layers.GlobalAveragePooling2D, {"keepdims": True, "data_format": "channels_first"}, (2, 3, 4, 5)),
        (layers.GlobalAveragePooling3D, {"keepdims": True}, (2, 3, 2, 2, 4)),
    ],
    ids=_class_name,
)
def test_matches_keras(keras, cls, kwargs, input_shape):
    assert_keras_parity(cls(**kwargs), getattr(keras.layers, cls.__name__)(**kwargs), random_data(input_shape))


@pytest.mark.parametrize(
    ("cls", "kwargs"),
    [
        (layers.MaxPooling1D, {"pool_size": 3, "padding": "same"}),
        (layers.AveragePooling1D, {"pool_size": 2, "strides": 1}),
        (layers.MaxPooling3D, {}),
        (layers.AveragePooling3D, {"pool_size": (1, 2, 3), "strides": (1, 1, 2)}),
        (layers.GlobalMaxPooling1D, {}),
        (layers.GlobalAveragePooling3D, {"keepdims": True}),
    ],
    ids=_class_name,
)
def test_config_matches_keras(keras, cls, kwargs):
    ours = cls(name="p", **kwargs).get_config()
    theirs = getattr(keras.layers, cls.__name__)(name="p", **kwargs).get_config()
    for key in ("pool_size", "strides", "padding", "data_format", "keepdims"):
        assert (key in ours) == (key in theirs), key
        if key in ours:
            assert ours[key] == (tuple(theirs[key]) if isinstance(theirs[key], list) else theirs[key]), key


def test_same_average_pooling_ignores_padding():
    # A 3x3 window at the corner of a 2x2 "same"-padded image covers 4 real cells: the mean is of those 4.
    x = np.arange(1, 5, dtype="float32").reshape(1, 2, 2, 1)
    out = layers.AveragePooling2D(3, strides=1, padding="same")(x)
    np.testing.assert_allclose(np.asarray(out)[0, :, :, 0], np.full((2, 2), 2.5))


def test_same_average_pooling_1d_ignores_padding():
    # "same" with pool 3, stride 1 on [1, 2, 3]: the edge windows cover 2 real steps.
    x = np.array([1, 2, 3], "float32").reshape(1, 3, 1)
    out = layers.AveragePooling1D(3, strides=1, padding="same")(x)
    np.testing.assert_allclose(np.asarray(out)[0, :, 0], [1.5, 2.0, 2.5])


def test_max_pooling_by_hand():
    x = np.array([[1, 5, 2, 0], [3, 4, 8, 1], [0, 0, 1, 1], [9, 0, 1, 2]], "float32").reshape(1, 4, 4, 1)
    np.testing.assert_array_equal(np.asarray(layers.MaxPooling2D()(x))[0, :, :, 0], [[5, 8], [9, 2]])


def test_defaults_and_config():
    config = layers.MaxPooling2D(3, padding="SAME").get_config()
    assert config["pool_size"] == (3, 3)
    assert config["strides"] == (3, 3)  # strides default to pool_size
    assert config["padding"] == "same"
    assert config["data_format"] == "channels_last"
    assert layers.GlobalAveragePooling2D().get_config()["keepdims"] is False
    assert layers.MaxPooling1D().pool_size == (2,)
    assert layers.MaxPooling1D(3).strides == (3,)
    assert layers.MaxPooling3D().pool_size == (2, 2, 2)
    assert layers.AveragePooling3D(2).strides == (2, 2, 2)
    assert layers.GlobalMaxPooling1D().get_config()["keepdims"] is False
    with pytest.raises(TypeError):
        layers.AveragePooling1D()  # pool_size is required, as in Keras


def test_aliases():
    assert layers.MaxPool2D is layers.MaxPooling2D
    assert layers.AvgPool2D is layers.AveragePooling2D
    assert layers.GlobalAvgPool2D is layers.GlobalAveragePooling2D
    assert layers.GlobalMaxPool2D is layers.GlobalMaxPooling2D
    assert layers.MaxPool1D is layers.MaxPooling1D
    assert layers.MaxPool3D is layers.MaxPooling3D
    assert layers.AvgPool1D is layers.AveragePooling1D
    assert layers.AvgPool3D is layers.AveragePooling3D
    assert layers.GlobalMaxPool1D is layers.GlobalMaxPooling1D
    assert layers.GlobalMaxPool3D is layers.GlobalMaxPooling3D
    assert layers.GlobalAvgPool1D is layers.GlobalAveragePooling1D
    assert layers.GlobalAvgPool3D is layers.GlobalAveragePooling3D


@pytest.mark.parametrize("pool_size", [0, (2, 2, 2), "2", (2, 0), 2.5])
def test_bad_pool_size(pool_size):
    with pytest.raises(ValueError, match=r"MaxPooling2D 'pool'.*`pool_size` must be an integer or a tuple of 2"):
        layers.MaxPooling2D(pool_size, name="pool")


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"AveragePooling2D 'p'.*`padding` must be one of.*'causal'"):
        layers.AveragePooling2D(2, padding="causal", name="p")
    with pytest.raises(ValueError, match=r"`strides`.*received 0"):
        layers.MaxPooling2D(strides=0)
    with pytest.raises(ValueError, match=r"`data_format` must be 'channels_last' or 'channels_first'"):
        layers.GlobalMaxPooling2D(data_format="NHWC")
    with pytest.raises(ValueError, match=r"MaxPooling1D 'p1'.*`pool_size` must be an integer or a tuple of 1"):
        layers.MaxPooling1D((2, 2), name="p1")
    with pytest.raises(ValueError, match=r"AveragePooling3D 'p3'.*`pool_size` must be an integer or a tuple of 3"):
        layers.AveragePooling3D((2, 2), name="p3")
    with pytest.raises(ValueError, match=r"MaxPooling3D 'p'.*`strides`.*received 0"):
        layers.MaxPooling3D(strides=0, name="p")
    with pytest.raises(ValueError, match=r"AveragePooling1D 'a'.*`padding` must be one of"):
        layers.AveragePooling1D(2, padding="full", name="a")
    with pytest.raises(ValueError, match=r"GlobalAveragePooling3D 'g'.*`data_format`"):
        layers.GlobalAveragePooling3D(data_format="NDHWC", name="g")


def test_input_errors():
    with pytest.raises(ValueError, match=r"MaxPooling2D 'small'.*output would be empty.*\(1, 2, 2, 1\)"):
        layers.MaxPooling2D(3, name="small")(np.zeros((1, 2, 2, 1), "float32"))
    with pytest.raises(ValueError, match=r"layer 'g' \(GlobalMaxPooling2D\).*expected ndim=4, found ndim=3"):
        layers.GlobalMaxPooling2D(name="g")(np.zeros((1, 2, 2), "float32"))
    with pytest.raises(ValueError, match=r"MaxPooling1D 'm'.*output would be empty.*\(1, 2, 1\)"):
        layers.MaxPooling1D(3, name="m")(np.zeros((1, 2, 1), "float32"))
    with pytest.raises(ValueError, match=r"AveragePooling3D 'a'.*output would be empty"):
        layers.AveragePooling3D((1, 1, 4), name="a")(np.zeros((1, 4, 4, 3, 1), "float32"))
    with pytest.raises(ValueError, match=r"layer 'g' \(GlobalMaxPooling3D\).*expected ndim=5, found ndim=4"):
        layers.GlobalMaxPooling3D(name="g")(np.zeros((1, 2, 2, 2), "float32"))


def test_unknown_sizes_stay_unknown():
    images = layers.Input((None, None, 3))
    assert layers.MaxPooling2D()(images).shape == (None, None, None, 3)
    assert layers.AveragePooling2D(3, strides=2, padding="same").compute_output_shape((None, 9, None, 3)) == (
        None,
        5,
        None,
        3,
    )
    assert layers.GlobalAveragePooling2D()(images).shape == (None, 3)
    assert layers.MaxPooling1D().compute_output_shape((None, None, 3)) == (None, None, 3)
    assert layers.AveragePooling3D(2, padding="same").compute_output_shape((None, 5, None, 4, 2)) == (
        None,
        3,
        None,
        2,
        2,
    )
    assert layers.GlobalAveragePooling1D(keepdims=True).compute_output_shape((None, None, 4)) == (None, 1, 4)


# -- max pooling over tiling windows: a reshape instead of reduce_window ----------------------------------------
TILED_CASES = [
    (layers.MaxPooling2D, (2, 9, 9, 3), {"pool_size": 3}),
    (layers.MaxPooling2D, (2, 28, 28, 4), {"pool_size": 3}),  # 28 = 9 * 3 + 1: "valid" drops the last row
    (layers.MaxPooling2D, (2, 6, 8, 2), {"pool_size": (2, 4)}),
    (layers.MaxPooling2D, (2, 3, 6, 7), {"pool_size": 2, "data_format": "channels_first"}),
    (layers.MaxPooling2D, (2, 6, 6, 2), {"pool_size": 2, "padding": "same"}),  # nothing to pad: tiles too
    (layers.MaxPooling1D, (2, 10, 3), {"pool_size": 3}),
    (layers.MaxPooling3D, (1, 4, 6, 5, 2), {"pool_size": 2}),
]


def _reduce_window_max(x, pool_size, axes):
    import jax

    window = [1] * x.ndim
    for axis, k in zip(axes, pool_size, strict=True):
        window[axis] = k
    return jax.lax.reduce_window(x, -np.inf, jax.lax.max, window, window, "VALID")


@pytest.mark.parametrize(("cls", "shape", "kwargs"), TILED_CASES)
def test_tiled_max_pooling_has_reduce_windows_values_and_gradients(cls, shape, kwargs):
    """On ties (ReLU zeros, repeated values) the gradient goes to the first maximum, as XLA's does."""
    import jax
    import jax.numpy as jnp

    rng = np.random.default_rng(0)
    x = jnp.asarray(np.maximum(rng.standard_normal(shape), 0).round(1), jnp.float32)  # many ties
    layer = cls(**kwargs)
    pool_size = layer.pool_size
    start = 1 if layer.data_format == "channels_last" else 2
    axes = list(range(start, start + len(pool_size)))
    out = layer(x)
    expected = _reduce_window_max(x, pool_size, axes)
    np.testing.assert_array_equal(np.asarray(out), np.asarray(expected))
    weights = jnp.asarray(rng.standard_normal(out.shape), jnp.float32)
    grad = jax.grad(lambda v: jnp.sum(layer(v) * weights))(x)
    want = jax.grad(lambda v: jnp.sum(_reduce_window_max(v, pool_size, axes) * weights))(x)
    np.testing.assert_array_equal(np.asarray(grad), np.asarray(want))
    tangent = jnp.asarray(rng.standard_normal(shape), jnp.float32)
    _, forward = jax.jvp(layer, (x,), (tangent,))
    _, want_forward = jax.jvp(lambda v: _reduce_window_max(v, pool_size, axes), (x,), (tangent,))
    np.testing.assert_array_equal(np.asarray(forward), np.asarray(want_forward))


def test_tiled_max_pooling_gradient_matches_keras(keras):
    import jax
    import jax.numpy as jnp

    x = np.maximum(np.random.default_rng(1).standard_normal((2, 10, 10, 3)), 0).round(1).astype("float32")
    ours = jax.grad(lambda v: jnp.sum(layers.MaxPooling2D(3)(v) ** 2))(jnp.asarray(x))
    theirs = jax.grad(lambda v: jnp.sum(keras.layers.MaxPooling2D(3)(v) ** 2))(jnp.asarray(x))
    np.testing.assert_array_equal(np.asarray(ours), np.asarray(theirs))
