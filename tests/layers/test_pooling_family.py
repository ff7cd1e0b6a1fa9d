"""1-D and 3-D pooling layers (and keepdims on the 2-D global ones): contract, parity with Keras 3, errors."""

from __future__ import annotations

import numpy as np
import pytest

from kerax.layers import _pooling as pooling

from .harness import assert_keras_parity, random_data, run_layer_test

WINDOW_CASES = [
    (pooling.MaxPooling1D, {}, (2, 7, 3), (2, 3, 3)),
    (pooling.MaxPooling1D, {"pool_size": 3, "strides": 1, "padding": "same"}, (2, 6, 2), (2, 6, 2)),
    (pooling.AveragePooling1D, {"pool_size": 3, "strides": 2}, (2, 9, 2), (2, 4, 2)),
    (pooling.AveragePooling1D, {"pool_size": 4, "strides": 3, "padding": "same"}, (2, 8, 2), (2, 3, 2)),
    (pooling.MaxPooling3D, {}, (2, 4, 5, 4, 2), (2, 2, 2, 2, 2)),
    (
        pooling.MaxPooling3D,
        {"pool_size": (2, 3, 1), "strides": 2, "padding": "same"},
        (1, 5, 4, 3, 2),
        (1, 3, 2, 2, 2),
    ),
    (pooling.AveragePooling3D, {"pool_size": 2, "strides": (1, 2, 1)}, (2, 4, 4, 3, 1), (2, 3, 2, 2, 1)),
    (
        pooling.AveragePooling3D,
        {"pool_size": 3, "strides": 2, "padding": "same"},
        (1, 5, 4, 3, 2),
        (1, 3, 2, 2, 2),
    ),
]

GLOBAL_CASES = [
    (pooling.GlobalMaxPooling1D, {}, (2, 5, 3), (2, 3)),
    (pooling.GlobalAveragePooling1D, {"keepdims": True}, (2, 5, 3), (2, 1, 3)),
    (pooling.GlobalMaxPooling3D, {"keepdims": True}, (2, 3, 4, 2, 3), (2, 1, 1, 1, 3)),
    (pooling.GlobalAveragePooling3D, {}, (2, 3, 4, 2, 3), (2, 3)),
    (pooling.GlobalAveragePooling2D, {"keepdims": True}, (2, 3, 4, 3), (2, 1, 1, 3)),
]


@pytest.mark.parametrize(("cls", "kwargs", "input_shape", "output_shape"), WINDOW_CASES + GLOBAL_CASES)
def test_contract(cls, kwargs, input_shape, output_shape):
    run_layer_test(cls, kwargs, input_shape, output_shape)


@pytest.mark.parametrize(
    ("cls", "kwargs", "input_shape"),
    [
        *[(c[0], c[1], c[2]) for c in WINDOW_CASES + GLOBAL_CASES],
        (pooling.MaxPooling1D, {"pool_size": 2, "strides": 3, "padding": "same"}, (2, 7, 2)),
        (pooling.AveragePooling1D, {"pool_size": 3, "data_format": "channels_first"}, (2, 2, 7)),
        (pooling.AveragePooling3D, {"pool_size": (1, 2, 3), "padding": "same"}, (1, 3, 3, 4, 2)),
        (pooling.MaxPooling3D, {"pool_size": 2, "data_format": "channels_first"}, (1, 2, 4, 4, 4)),
        (pooling.GlobalMaxPooling1D, {"keepdims": True, "data_format": "channels_first"}, (2, 3, 5)),
        (pooling.GlobalAveragePooling3D, {"keepdims": True}, (2, 3, 2, 2, 4)),
        (pooling.GlobalMaxPooling2D, {"keepdims": True}, (2, 3, 4, 3)),
        (pooling.GlobalAveragePooling2D, {"keepdims": True, "data_format": "channels_first"}, (2, 3, 4, 5)),
    ],
)
def test_matches_keras(keras, cls, kwargs, input_shape):
    assert_keras_parity(cls(**kwargs), getattr(keras.layers, cls.__name__)(**kwargs), random_data(input_shape))


@pytest.mark.parametrize(
    ("cls", "kwargs"),
    [
        (pooling.MaxPooling1D, {"pool_size": 3, "padding": "same"}),
        (pooling.AveragePooling1D, {"pool_size": 2, "strides": 1}),
        (pooling.MaxPooling3D, {}),
        (pooling.AveragePooling3D, {"pool_size": (1, 2, 3), "strides": (1, 1, 2)}),
        (pooling.GlobalMaxPooling1D, {}),
        (pooling.GlobalAveragePooling3D, {"keepdims": True}),
    ],
)
def test_config_matches_keras(keras, cls, kwargs):
    ours = cls(name="p", **kwargs).get_config()
    theirs = getattr(keras.layers, cls.__name__)(name="p", **kwargs).get_config()
    for key in ("pool_size", "strides", "padding", "data_format", "keepdims"):
        assert (key in ours) == (key in theirs), key
        if key in ours:
            assert ours[key] == (tuple(theirs[key]) if isinstance(theirs[key], list) else theirs[key]), key


def test_defaults():
    assert pooling.MaxPooling1D().pool_size == (2,)
    assert pooling.MaxPooling1D(3).strides == (3,)
    assert pooling.MaxPooling3D().pool_size == (2, 2, 2)
    assert pooling.AveragePooling3D(2).strides == (2, 2, 2)
    assert pooling.GlobalMaxPooling1D().get_config()["keepdims"] is False
    with pytest.raises(TypeError):
        pooling.AveragePooling1D()  # pool_size is required, as in Keras


def test_same_average_pooling_1d_ignores_padding():
    # "same" with pool 3, stride 1 on [1, 2, 3]: the edge windows cover 2 real steps.
    x = np.array([1, 2, 3], "float32").reshape(1, 3, 1)
    out = pooling.AveragePooling1D(3, strides=1, padding="same")(x)
    np.testing.assert_allclose(np.asarray(out)[0, :, 0], [1.5, 2.0, 2.5])


def test_aliases():
    assert pooling.MaxPool1D is pooling.MaxPooling1D
    assert pooling.MaxPool3D is pooling.MaxPooling3D
    assert pooling.AvgPool1D is pooling.AveragePooling1D
    assert pooling.AvgPool3D is pooling.AveragePooling3D
    assert pooling.GlobalMaxPool1D is pooling.GlobalMaxPooling1D
    assert pooling.GlobalMaxPool3D is pooling.GlobalMaxPooling3D
    assert pooling.GlobalAvgPool1D is pooling.GlobalAveragePooling1D
    assert pooling.GlobalAvgPool3D is pooling.GlobalAveragePooling3D
    assert pooling.MaxPool2D is pooling.MaxPooling2D
    assert pooling.GlobalAvgPool2D is pooling.GlobalAveragePooling2D


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"MaxPooling1D 'p1'.*`pool_size` must be an integer or a tuple of 1"):
        pooling.MaxPooling1D((2, 2), name="p1")
    with pytest.raises(ValueError, match=r"AveragePooling3D 'p3'.*`pool_size` must be an integer or a tuple of 3"):
        pooling.AveragePooling3D((2, 2), name="p3")
    with pytest.raises(ValueError, match=r"MaxPooling3D 'p'.*`strides`.*received 0"):
        pooling.MaxPooling3D(strides=0, name="p")
    with pytest.raises(ValueError, match=r"AveragePooling1D 'a'.*`padding` must be one of"):
        pooling.AveragePooling1D(2, padding="full", name="a")
    with pytest.raises(ValueError, match=r"GlobalAveragePooling3D 'g'.*`data_format`"):
        pooling.GlobalAveragePooling3D(data_format="NDHWC", name="g")


def test_input_errors():
    with pytest.raises(ValueError, match=r"MaxPooling1D 'm'.*output would be empty.*\(1, 2, 1\)"):
        pooling.MaxPooling1D(3, name="m")(np.zeros((1, 2, 1), "float32"))
    with pytest.raises(ValueError, match=r"AveragePooling3D 'a'.*output would be empty"):
        pooling.AveragePooling3D((1, 1, 4), name="a")(np.zeros((1, 4, 4, 3, 1), "float32"))
    with pytest.raises(ValueError, match=r"layer 'g' \(GlobalMaxPooling3D\).*expected ndim=5, found ndim=4"):
        pooling.GlobalMaxPooling3D(name="g")(np.zeros((1, 2, 2, 2), "float32"))


def test_unknown_sizes_stay_unknown():
    assert pooling.MaxPooling1D().compute_output_shape((None, None, 3)) == (None, None, 3)
    assert pooling.AveragePooling3D(2, padding="same").compute_output_shape((None, 5, None, 4, 2)) == (
        None,
        3,
        None,
        2,
        2,
    )
    assert pooling.GlobalAveragePooling1D(keepdims=True).compute_output_shape((None, None, 4)) == (None, 1, 4)
