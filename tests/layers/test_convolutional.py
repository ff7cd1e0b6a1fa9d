"""The convolution layers: Conv1D/2D/3D (with causal padding and groups), the transposed convolutions, depthwise
and separable convolutions. Layer contract, parity with Keras 3, argument errors."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from kerax.layers import Input
from kerax.layers import _convolutional as conv

from .harness import assert_keras_parity, random_data, run_layer_test

# Parity compares against Keras at this tolerance (float32, different summation orders).
TOL = 1e-4

# Constant initializers: every random initializer shape costs an XLA compilation (only the first case of
# each layer draws a random kernel).
ONES = {"kernel_initializer": "ones", "bias_initializer": "ones"}
DW_ONES = {"depthwise_initializer": "ones", "bias_initializer": "ones"}
SEP_ONES = {"depthwise_initializer": "ones", "pointwise_initializer": "ones", "bias_initializer": "ones"}

# (class, init kwargs, input shape, output shape, weight shapes)
CONTRACT_CASES = [
    (conv.Conv1D, {"filters": 4, "kernel_size": 3}, (2, 7, 3), (2, 5, 4), [(3, 3, 4), (4,)]),
    (
        conv.Conv1D,
        {"filters": 3, "kernel_size": 3, "padding": "causal", "dilation_rate": 2, **ONES},
        (2, 8, 2),
        (2, 8, 3),
        [(3, 2, 3), (3,)],
    ),
    (
        conv.Conv1D,
        {"filters": 4, "kernel_size": 3, "strides": 2, "padding": "same", "groups": 2, **ONES},
        (2, 9, 6),
        (2, 5, 4),
        [(3, 3, 4), (4,)],
    ),
    (conv.Conv2D, {"filters": 4, "kernel_size": 3}, (2, 7, 7, 3), (2, 5, 5, 4), [(3, 3, 3, 4), (4,)]),
    (
        conv.Conv2D,
        {"filters": 4, "kernel_size": (3, 2), "strides": 2, "padding": "same", **ONES},
        (2, 7, 8, 3),
        (2, 4, 4, 4),
        [(3, 2, 3, 4), (4,)],
    ),
    (
        conv.Conv2D,
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
        conv.Conv2D,
        {"filters": 6, "kernel_size": (1, 3), "strides": (1, 2), "groups": 3, **ONES},
        (2, 5, 9, 6),
        (2, 5, 4, 6),
        [(1, 3, 2, 6), (6,)],
    ),
    (conv.Conv3D, {"filters": 2, "kernel_size": 2, **ONES}, (1, 4, 4, 4, 3), (1, 3, 3, 3, 2), [(2, 2, 2, 3, 2), (2,)]),
    (
        conv.Conv3D,
        {"filters": 3, "kernel_size": 3, "strides": 2, "padding": "same", "groups": 3, "use_bias": False, **ONES},
        (1, 5, 5, 5, 3),
        (1, 3, 3, 3, 3),
        [(3, 3, 3, 1, 3)],
    ),
    # (5 - 1) * 2 + max(3, 2) = 11
    (conv.Conv1DTranspose, {"filters": 2, "kernel_size": 3, "strides": 2}, (2, 5, 3), (2, 11, 2), [(3, 2, 3), (2,)]),
    # same + output_padding: (n - 1) * 2 + 3 % 2 + 1 = 2n
    (
        conv.Conv2DTranspose,
        {"filters": 4, "kernel_size": 3, "strides": 2, "padding": "same", "output_padding": 1, **ONES},
        (2, 4, 5, 3),
        (2, 8, 10, 4),
        [(3, 3, 4, 3), (4,)],
    ),
    (
        conv.Conv2DTranspose,
        {"filters": 2, "kernel_size": (2, 3), "dilation_rate": (1, 2), "activation": "relu", **ONES},
        (2, 4, 5, 3),
        (2, 5, 9, 2),
        [(2, 3, 2, 3), (2,)],
    ),
    # valid: d (3-1)*2 + 2 + 1 = 7, h (3-1)*1 + 2 = 4, w (3-1)*2 + 2 = 6
    (
        conv.Conv3DTranspose,
        {"filters": 2, "kernel_size": 2, "strides": (2, 1, 2), "output_padding": (1, 0, 0), **ONES},
        (1, 3, 3, 3, 2),
        (1, 7, 4, 6, 2),
        [(2, 2, 2, 2, 2), (2,)],
    ),
    (conv.DepthwiseConv1D, {"kernel_size": 3, "depth_multiplier": 2}, (2, 7, 3), (2, 5, 6), [(3, 3, 2), (6,)]),
    (
        conv.DepthwiseConv2D,
        {"kernel_size": 3, "strides": 2, "padding": "same", "use_bias": False, **DW_ONES},
        (2, 7, 7, 4),
        (2, 4, 4, 4),
        [(3, 3, 4, 1)],
    ),
    (
        conv.SeparableConv1D,
        {"filters": 4, "kernel_size": 3, "depth_multiplier": 2, "padding": "same", **SEP_ONES},
        (2, 7, 3),
        (2, 7, 4),
        [(3, 3, 2), (1, 6, 4), (4,)],
    ),
    (
        conv.SeparableConv2D,
        {"filters": 5, "kernel_size": 3, "strides": 2, **SEP_ONES},
        (2, 8, 8, 3),
        (2, 3, 3, 5),
        [(3, 3, 3, 1), (1, 1, 3, 5), (5,)],
    ),
]


@pytest.mark.parametrize(
    ("cls", "kwargs", "input_shape", "output_shape", "weight_shapes"),
    CONTRACT_CASES,
    ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CONTRACT_CASES)],
)
def test_layer_contract(cls, kwargs, input_shape, output_shape, weight_shapes):
    run_layer_test(
        cls,
        kwargs,
        input_shape,
        output_shape,
        expected_num_trainable_weights=len(weight_shapes),
        expected_weight_shapes=weight_shapes,
    )


def _zero_init(cls, kwargs):
    """Constant initializers for a parity case: the weights are replaced by random ones anyway."""
    if issubclass(cls, conv.SeparableConv1D | conv.SeparableConv2D):
        return {**kwargs, "depthwise_initializer": "zeros", "pointwise_initializer": "zeros"}
    if issubclass(cls, conv.DepthwiseConv1D | conv.DepthwiseConv2D):
        return {**kwargs, "depthwise_initializer": "zeros"}
    return {**kwargs, "kernel_initializer": "zeros"}


# (class, init kwargs, input shape)
PARITY_CASES = [
    (conv.Conv1D, {"filters": 3, "kernel_size": 3}, (2, 9, 2)),
    (conv.Conv1D, {"filters": 3, "kernel_size": 3, "padding": "causal"}, (2, 9, 2)),
    (conv.Conv1D, {"filters": 4, "kernel_size": 2, "padding": "causal", "dilation_rate": 3}, (2, 10, 3)),
    (conv.Conv1D, {"filters": 4, "kernel_size": 3, "padding": "causal", "strides": 2, "groups": 2}, (2, 11, 4)),
    (conv.Conv1D, {"filters": 6, "kernel_size": 4, "strides": 3, "padding": "same", "groups": 3}, (2, 10, 3)),
    *[(c[0], c[1], c[2]) for c in CONTRACT_CASES if c[0] is conv.Conv2D],
    (
        conv.Conv2D,
        {"filters": 3, "kernel_size": 4, "strides": 3, "padding": "same", "activation": "tanh"},
        (2, 10, 11, 2),
    ),
    (conv.Conv2D, {"filters": 2, "kernel_size": (2, 3), "dilation_rate": (2, 1)}, (1, 8, 8, 3)),
    (conv.Conv2D, {"filters": 6, "kernel_size": (2, 3), "strides": 2, "padding": "same", "groups": 2}, (2, 7, 6, 4)),
    (conv.Conv2D, {"filters": 4, "kernel_size": 3, "dilation_rate": 2, "groups": 4}, (1, 8, 8, 8)),
    (conv.Conv3D, {"filters": 2, "kernel_size": (2, 3, 2), "strides": 2, "padding": "same"}, (1, 5, 6, 7, 3)),
    (
        conv.Conv3D,
        {"filters": 4, "kernel_size": 2, "dilation_rate": 2, "groups": 2, "activation": "relu"},
        (1, 5, 5, 5, 4),
    ),
    (conv.Conv1DTranspose, {"filters": 2, "kernel_size": 3, "strides": 2}, (2, 5, 3)),
    (conv.Conv1DTranspose, {"filters": 2, "kernel_size": 4, "strides": 3, "padding": "same"}, (2, 5, 3)),
    (conv.Conv1DTranspose, {"filters": 3, "kernel_size": 3, "strides": 3, "output_padding": 2}, (2, 4, 2)),
    (conv.Conv1DTranspose, {"filters": 2, "kernel_size": 3, "dilation_rate": 2, "padding": "same"}, (2, 6, 3)),
    (
        conv.Conv2DTranspose,
        {"filters": 4, "kernel_size": 3, "strides": 2, "padding": "same", "output_padding": 1},
        (2, 4, 5, 3),
    ),
    (
        conv.Conv2DTranspose,
        {"filters": 2, "kernel_size": (2, 4), "strides": (2, 3), "padding": "same", "output_padding": (0, 2)},
        (2, 3, 4, 2),
    ),
    (
        conv.Conv2DTranspose,
        {"filters": 3, "kernel_size": (3, 2), "strides": (1, 2), "activation": "tanh"},
        (2, 4, 4, 2),
    ),
    (
        conv.Conv3DTranspose,
        {"filters": 2, "kernel_size": 2, "strides": (2, 1, 2), "output_padding": (1, 0, 0)},
        (1, 3, 3, 3, 2),
    ),
    (conv.Conv3DTranspose, {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same"}, (1, 3, 4, 3, 2)),
    (conv.DepthwiseConv1D, {"kernel_size": 3, "depth_multiplier": 2}, (2, 7, 3)),
    (conv.DepthwiseConv1D, {"kernel_size": 3, "strides": 2, "padding": "same", "dilation_rate": 2}, (2, 9, 3)),
    (conv.DepthwiseConv2D, {"kernel_size": 3, "depth_multiplier": 3, "padding": "same"}, (2, 6, 6, 2)),
    (conv.DepthwiseConv2D, {"kernel_size": (2, 3), "strides": 2, "use_bias": False}, (2, 7, 8, 3)),
    (conv.SeparableConv1D, {"filters": 4, "kernel_size": 3, "depth_multiplier": 2, "padding": "same"}, (2, 7, 3)),
    (conv.SeparableConv2D, {"filters": 5, "kernel_size": 3, "strides": 2}, (2, 8, 8, 3)),
    (
        conv.SeparableConv2D,
        {"filters": 3, "kernel_size": 2, "dilation_rate": 2, "depth_multiplier": 2, "activation": "relu"},
        (2, 6, 6, 2),
    ),
]


@pytest.mark.parametrize(
    ("cls", "kwargs", "input_shape"),
    PARITY_CASES,
    ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(PARITY_CASES)],
)
def test_matches_keras(keras, cls, kwargs, input_shape):
    kwargs = _zero_init(cls, kwargs)
    keras_cls = getattr(keras.layers, cls.__name__)
    assert_keras_parity(cls(**kwargs), keras_cls(**kwargs), random_data(input_shape), rtol=TOL, atol=TOL)


ALL = [
    conv.Conv1D,
    conv.Conv2D,
    conv.Conv3D,
    conv.Conv1DTranspose,
    conv.Conv2DTranspose,
    conv.Conv3DTranspose,
    conv.DepthwiseConv1D,
    conv.DepthwiseConv2D,
    conv.SeparableConv1D,
    conv.SeparableConv2D,
]


def _first_args(cls):
    if issubclass(cls, conv.DepthwiseConv1D | conv.DepthwiseConv2D):
        return (3,)
    return (2, 3)


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_signature_and_config_keys_match_keras(keras, cls):
    keras_cls = getattr(keras.layers, cls.__name__)
    ours = list(inspect.signature(cls.__init__).parameters)
    theirs = [p for p in inspect.signature(keras_cls.__init__).parameters if not p.startswith("lora_")]
    assert ours == theirs  # same names, same positional order
    for name, param in inspect.signature(keras_cls.__init__).parameters.items():
        if name in ("self", "kwargs") or name.startswith("lora_"):
            continue
        assert inspect.signature(cls.__init__).parameters[name].default == param.default, name
    assert set(cls(*_first_args(cls)).get_config()) == set(keras_cls(*_first_args(cls)).get_config())


def test_causal_padding_by_hand():
    # A window of ones over [x[t-2], x[t-1], x[t]], zeros before the start: output t never sees t + 1.
    layer = conv.Conv1D(1, 3, padding="causal", use_bias=False, kernel_initializer="ones")
    x = np.arange(1, 6, dtype="float32").reshape(1, 5, 1)
    np.testing.assert_array_equal(np.asarray(layer(x))[0, :, 0], [1, 3, 6, 9, 12])


def test_convolution_arithmetic_by_hand():
    # A 2x2 kernel of ones sums each window: a direct check independent of Keras.
    layer = conv.Conv2D(1, 2, use_bias=False, kernel_initializer="ones")
    x = np.arange(9, dtype="float32").reshape(1, 3, 3, 1)
    np.testing.assert_array_equal(np.asarray(layer(x))[0, :, :, 0], [[8, 12], [20, 24]])


def test_transpose_is_the_gradient_of_the_convolution():
    # Conv1DTranspose(kernel) is the adjoint of Conv1D(kernel with its channel axes swapped), same
    # strides and padding, when the sizes line up: <conv(x), y> == <x, conv_transpose(y)>.
    rng = np.random.default_rng(3)
    forward = conv.Conv1D(4, 3, strides=2, padding="same", use_bias=False, kernel_initializer="zeros")
    backward = conv.Conv1DTranspose(3, 3, strides=2, padding="same", use_bias=False, kernel_initializer="zeros")
    x = rng.standard_normal((1, 8, 3)).astype("float32")
    y = rng.standard_normal((1, 4, 4)).astype("float32")
    forward(x)
    backward(y)
    kernel = rng.standard_normal((3, 3, 4)).astype("float32")
    forward.set_weights([kernel])
    backward.set_weights([kernel])  # (window, filters=3, channels=4): the same array, read the other way
    lhs = float(np.sum(np.asarray(forward(x)) * y))
    rhs = float(np.sum(x * np.asarray(backward(y))))
    assert lhs == pytest.approx(rhs, rel=1e-4)


def test_aliases():
    assert conv.Convolution1D is conv.Conv1D
    assert conv.Convolution2D is conv.Conv2D
    assert conv.Convolution3D is conv.Conv3D
    assert conv.Convolution1DTranspose is conv.Conv1DTranspose
    assert conv.Convolution2DTranspose is conv.Conv2DTranspose
    assert conv.Convolution3DTranspose is conv.Conv3DTranspose
    assert conv.SeparableConvolution1D is conv.SeparableConv1D
    assert conv.SeparableConvolution2D is conv.SeparableConv2D


def test_configs_use_keras_names_and_normalised_tuples():
    config = conv.Conv2D(8, 3, padding="SAME", name="c").get_config()
    assert config["kernel_size"] == (3, 3)
    assert config["strides"] == (1, 1)
    assert config["dilation_rate"] == (1, 1)
    assert config["padding"] == "same"
    assert config["data_format"] == "channels_last"
    assert config["activation"] == "linear"
    assert config["kernel_initializer"]["class_name"] == "GlorotUniform"
    config = conv.Conv1D(8, 3, padding="CAUSAL", name="c").get_config()
    assert (config["kernel_size"], config["strides"], config["padding"]) == ((3,), (1,), "causal")
    config = conv.Conv2DTranspose(4, 3, strides=2, output_padding=1).get_config()
    assert config["output_padding"] == (1, 1)
    assert conv.Conv3DTranspose(4, 3).get_config()["output_padding"] is None
    config = conv.DepthwiseConv2D(3, depth_multiplier=2).get_config()
    assert config["depth_multiplier"] == 2
    assert config["depthwise_initializer"]["class_name"] == "GlorotUniform"
    config = conv.SeparableConv1D(4, 3).get_config()
    assert config["pointwise_initializer"]["class_name"] == "GlorotUniform"


INVALID_CASES = [
    (
        conv.Conv2D,
        {"filters": 4, "kernel_size": 3, "padding": "full"},
        r"Conv2D 'bad'.*`padding` must be one of 'valid', 'same'.*'full'",
    ),
    (conv.Conv2D, {"filters": 0, "kernel_size": 3}, r"`filters` must be a positive integer, received 0"),
    (
        conv.Conv2D,
        {"filters": 4, "kernel_size": (3, 3, 3)},
        r"`kernel_size` must be an integer or a tuple of 2 integers",
    ),
    (conv.Conv2D, {"filters": 4, "kernel_size": 0}, r"`kernel_size`.*received 0"),
    (
        conv.Conv2D,
        {"filters": 4, "kernel_size": 3, "strides": 2, "dilation_rate": 2},
        r"`strides` > 1 cannot be combined",
    ),
    (conv.Conv2D, {"filters": 5, "kernel_size": 3, "groups": 2}, r"`filters` must be divisible by `groups`"),
    (
        conv.Conv2D,
        {"filters": 4, "kernel_size": 3, "data_format": "channels_first"},
        r"data_format='channels_first' is not supported",
    ),
    (
        conv.Conv1D,
        {"filters": 5, "kernel_size": 3, "groups": 2},
        r"Conv1D 'bad'.*`filters` must be divisible by `groups`.*filters=5, groups=2",
    ),
    (
        conv.Conv3D,
        {"filters": 6, "kernel_size": 3, "groups": 4},
        r"Conv3D 'bad'.*`filters` must be divisible by `groups`.*filters=6, groups=4",
    ),
    (conv.Conv1D, {"filters": 4, "kernel_size": 3, "groups": 0}, r"Conv1D 'bad'.*`groups`.*received 0"),
    (
        conv.Conv1D,
        {"filters": 4, "kernel_size": 3, "padding": "full"},
        r"Conv1D 'bad'.*`padding` must be one of 'valid', 'same', 'causal'.*'full'",
    ),
    (
        conv.Conv3D,
        {"filters": 4, "kernel_size": 3, "padding": "causal"},
        r"Conv3D 'bad'.*`padding` must be one of 'valid', 'same', received 'causal'",
    ),
    (
        conv.DepthwiseConv1D,
        {"kernel_size": 3, "padding": "causal"},
        r"DepthwiseConv1D 'bad'.*`padding`.*'causal'",
    ),
    (conv.Conv3D, {"filters": 4, "kernel_size": (3, 3)}, r"Conv3D 'bad'.*`kernel_size`.*tuple of 3 integers"),
    (
        conv.Conv2DTranspose,
        {"filters": 4, "kernel_size": 3, "strides": 2, "output_padding": 2},
        r"Conv2DTranspose 'bad'.*`output_padding` must be smaller than.*`strides`.*2 >= 2",
    ),
    (
        conv.Conv1DTranspose,
        {"filters": 4, "kernel_size": 3, "output_padding": -1},
        r"Conv1DTranspose 'bad'.*`output_padding` must be an integer.*>= 0, received -1",
    ),
    (
        conv.Conv3DTranspose,
        {"filters": 4, "kernel_size": 3, "strides": 2, "dilation_rate": 2},
        r"Conv3DTranspose 'bad'.*`strides` > 1 cannot be combined",
    ),
    (conv.Conv1DTranspose, {"filters": 0, "kernel_size": 3}, r"`filters` must be a positive integer, received 0"),
    (
        conv.DepthwiseConv2D,
        {"kernel_size": 3, "depth_multiplier": 0},
        r"DepthwiseConv2D 'bad'.*`depth_multiplier` must be a positive integer, received 0",
    ),
    (
        conv.SeparableConv2D,
        {"filters": 4, "kernel_size": 3, "depth_multiplier": 1.5},
        r"SeparableConv2D 'bad'.*`depth_multiplier`.*1.5",
    ),
    (conv.SeparableConv1D, {"filters": -1, "kernel_size": 3}, r"SeparableConv1D 'bad'.*`filters`.*-1"),
    (
        conv.Conv2DTranspose,
        {"filters": 4, "kernel_size": 3, "data_format": "channels_first"},
        r"data_format='channels_first' is not supported",
    ),
    (
        conv.SeparableConv2D,
        {"filters": 4, "kernel_size": 3, "data_format": "channels_first"},
        r"data_format='channels_first' is not supported",
    ),
]


@pytest.mark.parametrize(
    ("cls", "kwargs", "message"),
    INVALID_CASES,
    ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(INVALID_CASES)],
)
def test_invalid_arguments(cls, kwargs, message):
    with pytest.raises(ValueError, match=message):
        cls(name="bad", **kwargs)


def test_input_errors_name_the_layer_and_the_numbers():
    with pytest.raises(ValueError, match=r"Conv2D 'grouped'.*divisible by `groups`.*groups=2.*3 channels"):
        conv.Conv2D(4, 3, groups=2, name="grouped")(np.zeros((1, 5, 5, 3), "float32"))
    with pytest.raises(ValueError, match=r"Conv2D 'tiny'.*output would be empty.*\(1, 2, 2, 3\)"):
        conv.Conv2D(4, 3, name="tiny")(np.zeros((1, 2, 2, 3), "float32"))
    with pytest.raises(ValueError, match=r"Conv2D 'rank'.*rank 4.*\(None, 5, 3\)"):
        conv.Conv2D(4, 3, name="rank")(Input((5, 3)))
    built = conv.Conv2D(4, 3, name="built2d")
    built(np.zeros((1, 5, 5, 3), "float32"))
    with pytest.raises(ValueError, match=r"'built2d'.*expected axis -1 of input shape to have value 3"):
        built(np.zeros((1, 5, 5, 2), "float32"))
    with pytest.raises(ValueError, match=r"Conv1D 'grouped'.*divisible by `groups`.*groups=2.*3 channels"):
        conv.Conv1D(4, 3, groups=2, name="grouped")(np.zeros((1, 5, 3), "float32"))
    with pytest.raises(ValueError, match=r"Conv3D 'g3'.*groups=4.*6 channels"):
        conv.Conv3D(4, 1, groups=4, name="g3")(np.zeros((1, 2, 2, 2, 6), "float32"))
    with pytest.raises(ValueError, match=r"Conv1DTranspose 'rank'.*rank 3.*\(None, 5, 4, 3\)"):
        conv.Conv1DTranspose(4, 3, name="rank")(Input((5, 4, 3)))
    with pytest.raises(ValueError, match=r"DepthwiseConv2D 'tiny'.*output would be empty.*\(1, 2, 2, 3\)"):
        conv.DepthwiseConv2D(3, name="tiny")(np.zeros((1, 2, 2, 3), "float32"))
    # same padding, even kernel, output_padding=0 on a single step: (1 - 1) * 2 + 0 + 0 = 0 outputs.
    with pytest.raises(ValueError, match=r"Conv1DTranspose 'empty'.*output would be empty"):
        conv.Conv1DTranspose(2, 2, strides=2, padding="same", output_padding=0, name="empty")(
            np.zeros((1, 1, 3), "float32")
        )
    built = conv.SeparableConv1D(4, 3, name="built")
    built(np.zeros((1, 5, 3), "float32"))
    with pytest.raises(ValueError, match=r"'built'.*expected axis -1 of input shape to have value 3"):
        built(np.zeros((1, 5, 2), "float32"))


@pytest.mark.parametrize(
    ("cls", "args", "unsupported"),
    [
        (conv.Conv1D, (4, 3), "kernel_regularizer"),
        (conv.Conv2DTranspose, (4, 3), "bias_constraint"),
        (conv.DepthwiseConv2D, (3,), "depthwise_regularizer"),
        (conv.SeparableConv1D, (4, 3), "pointwise_constraint"),
    ],
)
def test_regularizers_and_constraints_reach_their_weight(cls, args, unsupported):
    kind = "regularizer" if "regularizer" in unsupported else "constraint"
    layer = cls(*args, **{unsupported: "l2" if kind == "regularizer" else "non_neg"})
    layer(np.zeros((1, 8, 8, 3) if "2D" in cls.__name__ else (1, 8, 3), "float32"))
    prefix = unsupported.rsplit("_", 1)[0]
    weight = {"kernel": "kernel", "depthwise": "kernel", "bias": "bias", "pointwise": "pointwise_kernel"}[prefix]
    if cls.__name__.startswith("Separable") and prefix == "depthwise":
        weight = "depthwise_kernel"
    assert type(getattr(getattr(layer, weight), kind)).__name__ == ("L2" if kind == "regularizer" else "NonNeg")
    assert layer.get_config()[unsupported]["class_name"] == ("L2" if kind == "regularizer" else "NonNeg")


def test_kernel_regularizer_reaches_the_kernel():
    layer = conv.Conv2D(4, 3, kernel_regularizer="l2")
    layer(np.zeros((1, 5, 5, 2), "float32"))
    assert type(layer.kernel.regularizer).__name__ == "L2"
    assert layer.losses and float(layer.losses[0]) > 0


def test_unknown_sizes_stay_unknown():
    layer = conv.Conv2D(4, 3, strides=2, padding="same", kernel_initializer="zeros")
    assert layer(Input((None, None, 3))).shape == (None, None, None, 4)
    assert layer.compute_output_shape((None, None, 10, 3)) == (None, None, 5, 4)
    causal = conv.Conv1D(4, 3, padding="causal", kernel_initializer="zeros")
    assert causal(Input((None, 3))).shape == (None, None, 4)
    transpose = conv.Conv2DTranspose(2, 3, strides=2, padding="same", kernel_initializer="zeros")
    assert transpose(Input((None, 5, 3))).shape == (None, None, 10, 2)
    assert transpose.compute_output_shape((None, 4, None, 3)) == (None, 8, None, 2)
