"""Reshaping layers (Flatten, Reshape, Permute, RepeatVector, UpSampling, ZeroPadding, Cropping): the layer
contract, parity with Keras 3, configs and argument errors."""

from __future__ import annotations

import numpy as np
import pytest

from kerax.layers import Input
from kerax.layers import _reshaping as reshaping

from .harness import assert_keras_parity, random_data, run_layer_test

CONTRACT_CASES = [
    (reshaping.Permute, {"dims": (2, 1)}, (2, 3, 4), (2, 4, 3)),
    (reshaping.Permute, {"dims": [3, 1, 2]}, (2, 3, 4, 5), (2, 5, 3, 4)),
    (reshaping.RepeatVector, {"n": 3}, (2, 4), (2, 3, 4)),
    (reshaping.UpSampling1D, {}, (2, 3, 4), (2, 6, 4)),
    (reshaping.UpSampling1D, {"size": 3}, (2, 3, 4), (2, 9, 4)),
    (reshaping.UpSampling2D, {}, (2, 3, 4, 2), (2, 6, 8, 2)),
    (reshaping.UpSampling2D, {"size": (2, 3), "interpolation": "bilinear"}, (2, 3, 4, 2), (2, 6, 12, 2)),
    (reshaping.UpSampling3D, {"size": (1, 2, 3)}, (2, 2, 3, 2, 2), (2, 2, 6, 6, 2)),
    (reshaping.ZeroPadding1D, {}, (2, 3, 4), (2, 5, 4)),
    (reshaping.ZeroPadding1D, {"padding": (0, 2)}, (2, 3, 4), (2, 5, 4)),
    (reshaping.ZeroPadding2D, {"padding": ((1, 0), (2, 3))}, (2, 3, 4, 2), (2, 4, 9, 2)),
    (reshaping.ZeroPadding3D, {"padding": (1, 0, 2)}, (2, 2, 3, 2, 2), (2, 4, 3, 6, 2)),
    (reshaping.Cropping1D, {}, (2, 5, 4), (2, 3, 4)),
    (reshaping.Cropping1D, {"cropping": (2, 0)}, (2, 5, 4), (2, 3, 4)),
    (reshaping.Cropping2D, {"cropping": ((1, 0), (2, 1))}, (2, 4, 5, 2), (2, 3, 2, 2)),
    (reshaping.Cropping3D, {"cropping": 1}, (2, 3, 4, 5, 2), (2, 1, 2, 3, 2)),
    (reshaping.Flatten, {}, (2, 3, 4, 5), (2, 60)),
    (reshaping.Flatten, {"data_format": "channels_first"}, (2, 3, 2, 2, 2), (2, 24)),
    (reshaping.Flatten, {}, (2, 3, 4), (2, 12)),
    (reshaping.Flatten, {}, (3,), (3, 1)),
    (reshaping.Flatten, {"data_format": "channels_first"}, (2, 3, 2, 2), (2, 12)),
    (reshaping.Reshape, {"target_shape": (4, 3)}, (2, 3, 4), (2, 4, 3)),
    (reshaping.Reshape, {"target_shape": (-1, 2)}, (2, 3, 4), (2, 6, 2)),
    (reshaping.Reshape, {"target_shape": [12]}, (2, 3, 2, 2), (2, 12)),
]


def _class_name(value):
    """Test ids name the layer class; other parameters keep pytest's ids."""
    return value.__name__ if isinstance(value, type) else None


@pytest.mark.parametrize(("cls", "kwargs", "input_shape", "output_shape"), CONTRACT_CASES, ids=_class_name)
def test_contract(cls, kwargs, input_shape, output_shape):
    run_layer_test(cls, kwargs, input_shape, output_shape)


PARITY_CASES = [
    *[(c[0], c[1], c[2]) for c in CONTRACT_CASES],
    (reshaping.UpSampling2D, {"size": 2, "data_format": "channels_first"}, (2, 2, 3, 4)),
    (reshaping.UpSampling3D, {}, (1, 2, 2, 3, 2)),
    (reshaping.UpSampling3D, {"size": 2, "data_format": "channels_first"}, (1, 2, 2, 2, 3)),
    (reshaping.ZeroPadding1D, {"padding": 3, "data_format": "channels_first"}, (2, 3, 4)),
    (reshaping.ZeroPadding2D, {}, (2, 3, 4, 2)),
    (reshaping.ZeroPadding2D, {"padding": (2, 1), "data_format": "channels_first"}, (2, 2, 3, 4)),
    (reshaping.ZeroPadding3D, {}, (1, 2, 3, 2, 2)),
    (reshaping.ZeroPadding3D, {"padding": ((1, 0), (0, 2), (1, 1)), "data_format": "channels_first"}, (1, 2, 3, 2, 2)),
    (reshaping.Cropping2D, {}, (2, 4, 5, 2)),
    (reshaping.Cropping2D, {"cropping": (1, 2), "data_format": "channels_first"}, (2, 2, 4, 5)),
    (reshaping.Cropping3D, {}, (1, 3, 4, 5, 2)),
    (reshaping.Cropping3D, {"cropping": ((0, 1), (2, 0), (1, 1)), "data_format": "channels_first"}, (1, 2, 3, 4, 5)),
    (reshaping.Flatten, {}, (2, 3, 4, 2, 2)),
    (reshaping.Flatten, {"data_format": "channels_first"}, (2, 3, 4, 5)),
    (reshaping.Reshape, {"target_shape": (5, -1)}, (2, 3, 4, 5)),
]


@pytest.mark.parametrize(("cls", "kwargs", "input_shape"), PARITY_CASES, ids=_class_name)
def test_matches_keras(keras, cls, kwargs, input_shape):
    assert_keras_parity(cls(**kwargs), getattr(keras.layers, cls.__name__)(**kwargs), random_data(input_shape))


@pytest.mark.parametrize(
    ("kwargs", "input_shape"),
    [
        ({"interpolation": "bilinear"}, (2, 3, 4, 2)),
        ({"size": (3, 2), "interpolation": "bilinear"}, (1, 5, 3, 3)),
        ({"size": 2, "interpolation": "bilinear", "data_format": "channels_first"}, (1, 2, 3, 4)),
        ({"size": (2, 3), "interpolation": "bicubic"}, (1, 4, 3, 2)),
    ],
)
def test_interpolated_up_sampling_matches_keras(keras, kwargs, input_shape):
    assert_keras_parity(
        reshaping.UpSampling2D(**kwargs),
        keras.layers.UpSampling2D(**kwargs),
        random_data(input_shape),
        rtol=1e-4,
        atol=1e-4,
    )


@pytest.mark.parametrize(
    ("cls", "kwargs"),
    [
        (reshaping.Permute, {"dims": (2, 1)}),
        (reshaping.RepeatVector, {"n": 4}),
        (reshaping.UpSampling1D, {"size": 3}),
        (reshaping.UpSampling2D, {"size": 3, "interpolation": "BILINEAR"}),
        (reshaping.UpSampling3D, {"size": (1, 2, 3)}),
        (reshaping.ZeroPadding1D, {"padding": (1, 2)}),
        (reshaping.ZeroPadding2D, {"padding": 2}),
        (reshaping.ZeroPadding2D, {"padding": ((1, 2), 3)}),
        (reshaping.ZeroPadding3D, {"padding": (1, 2, 3)}),
        (reshaping.Cropping1D, {"cropping": 2}),
        (reshaping.Cropping2D, {"cropping": (1, 2)}),
        (reshaping.Cropping3D, {"cropping": ((1, 2), (3, 4), (5, 6))}),
    ],
    ids=_class_name,
)
def test_config_matches_keras(keras, cls, kwargs):
    ours = cls(name="x", **kwargs).get_config()
    theirs = getattr(keras.layers, cls.__name__)(name="x", **kwargs).get_config()
    own_keys = set(ours) - {"name", "trainable", "dtype"}
    assert own_keys == set(theirs) - {"name", "trainable", "dtype"}
    for key in own_keys:
        assert ours[key] == theirs[key], key


def test_flatten_defaults_to_data_format_in_config():
    assert reshaping.Flatten().get_config()["data_format"] == "channels_last"


def test_reshape_config_keeps_the_target_as_a_tuple():
    assert reshaping.Reshape([2, -1]).get_config()["target_shape"] == (2, -1)


def test_flatten_order_is_row_major():
    x = np.arange(6, dtype="float32").reshape(1, 2, 3)
    np.testing.assert_array_equal(reshaping.Flatten()(x), [[0, 1, 2, 3, 4, 5]])


def test_reshape_size_mismatch_names_both_shapes():
    layer = reshaping.Reshape((5, 5), name="r")
    with pytest.raises(ValueError, match=r"Reshape 'r'.*shape \(3, 4\) \(12 values\).*target_shape \(5, 5\) \(25"):
        layer(Input((3, 4)))
    with pytest.raises(ValueError, match=r"Reshape 'r2'.*shape \(3, 4\).*target_shape \(5, -1\)"):
        reshaping.Reshape((5, -1), name="r2")(np.zeros((2, 3, 4), "float32"))


def test_cropping_larger_than_the_input_names_layer_and_sizes():
    with pytest.raises(ValueError, match=r"Cropping1D 'c1'.*3 \+ 2 = 5.*axis 1.*only 5.*\(1, 5, 2\)"):
        reshaping.Cropping1D((3, 2), name="c1")(np.zeros((1, 5, 2), "float32"))
    with pytest.raises(ValueError, match=r"Cropping2D 'c2'.*axis 2, which has only 3.*\(None, 4, 3, 1\)"):
        reshaping.Cropping2D(((0, 0), (2, 1)), name="c2").compute_output_shape((None, 4, 3, 1))
    with pytest.raises(ValueError, match=r"Cropping3D 'c3'.*axis 3, which has only 2"):
        reshaping.Cropping3D(((1, 1), (1, 1), (1, 1)), name="c3")(np.zeros((1, 4, 4, 2, 1), "float32"))
    built = reshaping.Cropping1D(1, name="c4")
    built(np.zeros((1, 5, 2), "float32"))
    with pytest.raises(ValueError, match=r"Cropping1D 'c4'.*only 2"):
        built(np.zeros((1, 2, 2), "float32"))


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: reshaping.Cropping1D(-1, name="n"), ValueError, r"Cropping1D 'n'.*`cropping` cannot be negative"),
        (lambda: reshaping.Cropping2D((1, -2), name="n"), ValueError, r"Cropping2D 'n'.*2nd entry of cropping"),
        (lambda: reshaping.Cropping3D(-1, name="n"), ValueError, r"Cropping3D 'n'.*cannot be negative"),
        (lambda: reshaping.Cropping2D((1, 2, 3), name="n"), ValueError, r"Cropping2D 'n'.*tuple of 2"),
        (lambda: reshaping.ZeroPadding2D("1", name="z"), ValueError, r"ZeroPadding2D 'z'.*`padding` must be"),
        (lambda: reshaping.ZeroPadding3D(((1, 1), (1, 1)), name="z"), ValueError, r"ZeroPadding3D 'z'.*tuple of 3"),
        (lambda: reshaping.ZeroPadding1D((1, 2, 3), name="z"), ValueError, r"ZeroPadding1D 'z'.*`padding`"),
        (lambda: reshaping.ZeroPadding1D(-2, name="z"), ValueError, r"ZeroPadding1D 'z'.*cannot be negative"),
        (lambda: reshaping.Permute((1, 3), name="p"), ValueError, r"Permute 'p'.*`dims`.*\(1, 3\)"),
        (lambda: reshaping.Permute((0, 1), name="p"), ValueError, r"Permute 'p'.*axis 0 is the batch"),
        (lambda: reshaping.RepeatVector(0, name="r"), ValueError, r"RepeatVector 'r'.*positive integer.*n=0"),
        (lambda: reshaping.RepeatVector(2.0, name="r"), TypeError, r"RepeatVector 'r'.*`n` must be an integer"),
        (lambda: reshaping.UpSampling1D(0, name="u"), ValueError, r"UpSampling1D 'u'.*size=0"),
        (lambda: reshaping.UpSampling2D((2, 0), name="u"), ValueError, r"UpSampling2D 'u'.*`size`"),
        (lambda: reshaping.UpSampling2D(interpolation="area", name="u"), ValueError, r"`interpolation`.*'area'"),
        (lambda: reshaping.UpSampling3D(data_format="NDHWC", name="u"), ValueError, r"UpSampling3D 'u'.*"),
        (lambda: reshaping.Flatten(data_format="channels_middle", name="f"), ValueError, r"Flatten 'f'.*`data_format`"),
        (lambda: reshaping.Reshape((-1, -1)), ValueError, "at most one -1"),
        (lambda: reshaping.Reshape((0, 3)), ValueError, "positive integer or -1"),
        (lambda: reshaping.Reshape("ab"), ValueError, "must be a tuple of integers"),
        (lambda: reshaping.Reshape((2.0, 3)), ValueError, "positive integer or -1"),
    ],
)
def test_bad_arguments(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_input_rank_errors():
    with pytest.raises(ValueError, match=r"layer 'r' \(RepeatVector\).*expected ndim=2, found ndim=3"):
        reshaping.RepeatVector(2, name="r")(np.zeros((1, 2, 3), "float32"))
    with pytest.raises(ValueError, match=r"layer 'p' \(Permute\).*expected ndim=3"):
        reshaping.Permute((2, 1), name="p")(np.zeros((1, 2, 3, 4), "float32"))


def test_values_by_hand():
    x = np.arange(1, 4, dtype="float32").reshape(1, 3, 1)
    np.testing.assert_array_equal(np.asarray(reshaping.UpSampling1D(2)(x))[0, :, 0], [1, 1, 2, 2, 3, 3])
    np.testing.assert_array_equal(np.asarray(reshaping.ZeroPadding1D((1, 2))(x))[0, :, 0], [0, 1, 2, 3, 0, 0])
    np.testing.assert_array_equal(np.asarray(reshaping.Cropping1D((1, 0))(x))[0, :, 0], [2, 3])
    np.testing.assert_array_equal(np.asarray(reshaping.RepeatVector(2)(x[:, :, 0])), [[[1, 2, 3], [1, 2, 3]]])


def test_unknown_sizes_stay_unknown():
    assert reshaping.ZeroPadding2D(1).compute_output_shape((None, None, 4, 3)) == (None, None, 6, 3)
    assert reshaping.Cropping2D(1).compute_output_shape((None, 5, None, 3)) == (None, 3, None, 3)
    assert reshaping.UpSampling1D(2).compute_output_shape((None, None, 3)) == (None, None, 3)
    assert reshaping.UpSampling2D(2, interpolation="bilinear").compute_output_shape((None, 3, None, 1)) == (
        None,
        6,
        None,
        1,
    )
    assert reshaping.Flatten().compute_output_shape((None, None, 4, 2)) == (None, None)
    assert reshaping.Flatten()(Input((None, 4))).shape == (None, None)
    assert reshaping.Reshape((-1, 2))(Input((3, 4))).shape == (None, 6, 2)
