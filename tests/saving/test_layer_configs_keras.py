"""Every kerax layer that Keras 3 also has reads Keras's config and writes one Keras reads back.

This is what lets a `.keras` file of any of these layers load in kerax, and kerax's `.keras` files load
in Keras. Plain values in the two configs must agree (the same option means the same thing).
"""

from __future__ import annotations

import copy
import json

import jax
import keras
import pytest

import kerax
from kerax.saving._keras_dialect import to_keras

CASES: dict[str, dict] = {
    "Dense": {"units": 3, "activation": "relu", "use_bias": False},
    "Activation": {"activation": "tanh"},
    "Embedding": {"input_dim": 10, "output_dim": 4, "mask_zero": True},
    "Identity": {},
    "Masking": {"mask_value": -1.0},
    "Conv1D": {"filters": 2, "kernel_size": 3, "padding": "causal", "dilation_rate": 2},
    "Conv2D": {"filters": 2, "kernel_size": (3, 2), "strides": 2, "padding": "same", "groups": 1},
    "Conv3D": {"filters": 2, "kernel_size": 2},
    "Conv1DTranspose": {"filters": 2, "kernel_size": 3, "strides": 2},
    "Conv2DTranspose": {"filters": 2, "kernel_size": 3, "padding": "same"},
    "Conv3DTranspose": {"filters": 2, "kernel_size": 2},
    "DepthwiseConv1D": {"kernel_size": 3, "depth_multiplier": 2},
    "DepthwiseConv2D": {"kernel_size": 3},
    "SeparableConv1D": {"filters": 2, "kernel_size": 3},
    "SeparableConv2D": {"filters": 2, "kernel_size": 3, "depth_multiplier": 2},
    "MaxPooling1D": {"pool_size": 3, "strides": 1},
    "MaxPooling2D": {"pool_size": 2, "padding": "same"},
    "MaxPooling3D": {"pool_size": 2},
    "AveragePooling1D": {"pool_size": 2},
    "AveragePooling2D": {"pool_size": 3, "strides": 2},
    "AveragePooling3D": {"pool_size": 2},
    "GlobalMaxPooling1D": {"keepdims": True},
    "GlobalMaxPooling2D": {},
    "GlobalMaxPooling3D": {},
    "GlobalAveragePooling1D": {},
    "GlobalAveragePooling2D": {"keepdims": True},
    "GlobalAveragePooling3D": {},
    "Flatten": {},
    "Reshape": {"target_shape": (2, -1)},
    "Permute": {"dims": (2, 1)},
    "RepeatVector": {"n": 3},
    "UpSampling1D": {"size": 2},
    "UpSampling2D": {"size": 2, "interpolation": "bilinear"},
    "UpSampling3D": {"size": 2},
    "ZeroPadding1D": {"padding": 2},
    "ZeroPadding2D": {"padding": ((1, 2), (3, 4))},
    "ZeroPadding3D": {"padding": 1},
    "Cropping1D": {"cropping": (1, 2)},
    "Cropping2D": {"cropping": ((1, 0), (0, 1))},
    "Cropping3D": {"cropping": 1},
    "BatchNormalization": {"axis": 1, "momentum": 0.9, "epsilon": 1e-4},
    "LayerNormalization": {"axis": -1, "epsilon": 1e-5, "center": False},
    "GroupNormalization": {"groups": 2},
    "UnitNormalization": {"axis": 1},
    "Concatenate": {"axis": 1},
    "Add": {},
    "Subtract": {},
    "Multiply": {},
    "Average": {},
    "Maximum": {},
    "Minimum": {},
    "Dot": {"axes": 1, "normalize": True},
    "SimpleRNN": {"units": 3, "return_sequences": True},
    "LSTM": {"units": 3, "go_backwards": True, "dropout": 0.1, "recurrent_dropout": 0.2},
    "GRU": {"units": 3, "reset_after": False, "return_state": True},
    "SimpleRNNCell": {"units": 3, "dropout": 0.1},
    "LSTMCell": {"units": 3, "unit_forget_bias": False, "recurrent_dropout": 0.2},
    "GRUCell": {"units": 3, "reset_after": False, "seed": 2},
    "MultiHeadAttention": {"num_heads": 2, "key_dim": 4, "dropout": 0.1},
    "Attention": {"use_scale": True, "score_mode": "concat"},
    "AdditiveAttention": {"use_scale": False},
    "ReLU": {"max_value": 6.0, "negative_slope": 0.1},
    "LeakyReLU": {"negative_slope": 0.2},
    "PReLU": {"shared_axes": (1,)},
    "ELU": {"alpha": 0.5},
    "Softmax": {"axis": 1},
    "Dropout": {"rate": 0.3, "noise_shape": None, "seed": 3},
    "SpatialDropout1D": {"rate": 0.2},
    "SpatialDropout2D": {"rate": 0.2},
    "SpatialDropout3D": {"rate": 0.2},
    "GaussianNoise": {"stddev": 0.1, "seed": 1},
    "GaussianDropout": {"rate": 0.1},
    "AlphaDropout": {"rate": 0.1},
    "ActivityRegularization": {"l1": 0.01, "l2": 0.02},
    "Rescaling": {"scale": 1 / 255.0, "offset": 0.5},
    "Normalization": {"axis": -1, "mean": 0.5, "variance": 2.0},
    "Resizing": {"height": 8, "width": 6, "interpolation": "nearest"},
    "CenterCrop": {"height": 4, "width": 4},
    "RandomFlip": {"mode": "horizontal", "seed": 2},
    "RandomRotation": {"factor": 0.1, "seed": 2},
    "RandomZoom": {"height_factor": 0.2, "seed": 2},
    "RandomTranslation": {"height_factor": 0.1, "width_factor": 0.2, "seed": 2},
    "RandomContrast": {"factor": 0.3, "seed": 2},
    "RandomCrop": {"height": 4, "width": 5, "seed": 2},
    "RandomBrightness": {"factor": (-0.2, 0.3), "value_range": (0, 1), "seed": 2},
    "RandomColorDegeneration": {"factor": 0.4, "seed": 2},
    "RandomColorJitter": {"brightness_factor": 0.2, "hue_factor": (0.1, 0.3), "seed": 2},
    "RandomGrayscale": {"factor": 0.3},
    "RandomHue": {"factor": 0.2, "value_range": (0, 1)},
    "RandomSaturation": {"factor": (0.2, 0.7)},
    "RandomSharpness": {"factor": 0.3},
    "RandomShear": {"x_factor": (0.1, 0.3), "fill_mode": "constant", "fill_value": 1.0},
    "RandomInvert": {"factor": 0.6},
    "RandomPosterization": {"factor": (2, 5)},
    "RandomErasing": {"scale": (0.1, 0.2), "fill_value": 3.0},
    "RandomGaussianBlur": {"kernel_size": (3, 5), "sigma": 0.5},
    "RandomPerspective": {"scale": 0.4, "interpolation": "nearest"},
    "RandomElasticTransform": {"scale": (0.2, 0.5), "fill_mode": "mirror"},
    "AutoContrast": {"value_range": (0, 1)},
    "Equalization": {"bins": 64},
    "Solarization": {"addition_factor": 0.1, "threshold_factor": (0.4, 0.6)},
    "AugMix": {"num_chains": 2, "chain_depth": 2, "all_ops": False},
    "CutMix": {"factor": 0.5, "seed": 2},
    "MixUp": {"alpha": 0.3},
    "RandAugment": {"num_ops": 3, "factor": 0.3},
    "MaxNumBoundingBoxes": {"max_number": 4, "bounding_box_format": "xyxy"},
    "ContrastLimitedAdaptiveHistogramEqualization": {"clip_limit": 2.0, "tile_grid_size": (4, 4)},
    "ConvLSTM1D": {"filters": 2, "kernel_size": 3, "strides": 2, "return_sequences": True},
    "ConvLSTM2D": {"filters": 2, "kernel_size": (3, 2), "padding": "same", "dropout": 0.1, "seed": 1},
    "ConvLSTM3D": {"filters": 2, "kernel_size": 2, "data_format": "channels_first", "go_backwards": True},
    "STFTSpectrogram": {"mode": "psd", "frame_length": 16, "frame_step": 4, "window": "hamming"},
    "MelSpectrogram": {"fft_length": 256, "num_mel_bins": 20, "power_to_db": False},
    "CategoryEncoding": {"num_tokens": 6, "output_mode": "count"},
    "Discretization": {"bin_boundaries": [0.0, 1.5, 3.0], "output_mode": "one_hot"},
    "EinsumDense": {"equation": "abc,cd->abd", "output_shape": (None, 4), "bias_axes": "d", "activation": "relu"},
    "RMSNormalization": {"axis": -1, "epsilon": 1e-5},
    "ReversibleEmbedding": {"input_dim": 10, "output_dim": 4, "tie_weights": False, "logit_soft_cap": 2.0},
    "GroupQueryAttention": {"head_dim": 4, "num_query_heads": 4, "num_key_value_heads": 2, "dropout": 0.1},
    "Pipeline": {"layers": []},
    "AdaptiveAveragePooling1D": {"output_size": 3},
    "AdaptiveAveragePooling2D": {"output_size": (2, 3)},
    "AdaptiveAveragePooling3D": {"output_size": 2, "data_format": "channels_first"},
    "AdaptiveMaxPooling1D": {"output_size": 4},
    "AdaptiveMaxPooling2D": {"output_size": 3},
    "AdaptiveMaxPooling3D": {"output_size": (1, 2, 3)},
}

# Keras builds these only with TensorFlow installed, which the tests do not need: their configs are
# checked against references Keras + TensorFlow produced (tests/layers/reference/lookup_references.json).
NEEDS_TENSORFLOW = {"StringLookup", "IntegerLookup", "TextVectorization", "Hashing", "HashedCrossing"}


def test_every_kerax_layer_is_covered():
    wrappers = {"Bidirectional", "TimeDistributed", "RNN", "StackedRNNCells", "Lambda", "InputLayer", "Input", "Layer"}
    # Their configs hold functions (test_jax_layer_config_from_keras_and_back); EquinoxLayer is kerax's own.
    wrappers |= {"JaxLayer", "FlaxLayer", "EquinoxLayer", "Wrapper", "SpectralNormalization"}
    classes = [getattr(kerax.layers, name) for name in kerax.layers.__all__]
    ours = {cls.__name__ for cls in classes if isinstance(cls, type) and issubclass(cls, kerax.layers.Layer)}
    # Keras's class GroupedQueryAttention is exported (and serialized) as GroupQueryAttention.
    ours = {"GroupQueryAttention" if name == "GroupedQueryAttention" else name for name in ours}
    assert ours - wrappers - NEEDS_TENSORFLOW - set(CASES) == set()


def _plain(config: dict) -> dict:
    return {k: v for k, v in config.items() if not isinstance(v, dict) and k not in ("name", "dtype")}


@pytest.mark.parametrize("name", sorted(CASES))
def test_keras_config_loads_into_kerax(name):
    theirs = getattr(keras.layers, name)(**CASES[name])
    config = json.loads(json.dumps(keras.saving.serialize_keras_object(theirs)))
    ours = kerax.saving.deserialize_keras_object(config)
    assert type(ours) is getattr(kerax.layers, name)
    our_config = json.loads(json.dumps(ours.get_config()))
    shared = set(_plain(our_config)) & set(_plain(config["config"]))
    assert {k: our_config[k] for k in shared} == {k: config["config"][k] for k in shared}


@pytest.mark.parametrize("name", sorted(CASES))
def test_kerax_config_loads_into_keras(name):
    ours = getattr(kerax.layers, name)(**CASES[name])
    config = to_keras(json.loads(json.dumps(kerax.saving.serialize_keras_object(ours))))
    theirs = keras.saving.deserialize_keras_object(config)
    assert type(theirs) is getattr(keras.layers, name)
    their_config = json.loads(json.dumps(theirs.get_config()))
    shared = set(_plain(their_config)) & set(_plain(config["config"]))
    assert {k: their_config[k] for k in shared} == {k: config["config"][k] for k in shared}


WRAPPERS = {
    "Bidirectional": lambda lib: lib.layers.Bidirectional(lib.layers.LSTM(3)),
    "TimeDistributed": lambda lib: lib.layers.TimeDistributed(lib.layers.Dense(2)),
    "RNN": lambda lib: lib.layers.RNN(lib.layers.GRUCell(3, reset_after=False), return_sequences=True),
    "SpectralNormalization": lambda lib: lib.layers.SpectralNormalization(lib.layers.Dense(3), power_iterations=2),
    "StackedRNNCells": lambda lib: lib.layers.RNN(
        lib.layers.StackedRNNCells([lib.layers.LSTMCell(3), lib.layers.SimpleRNNCell(2)]), go_backwards=True
    ),
}


def _nested_plain(config: dict) -> list[dict]:
    """The plain options of a layer's config and of the layers it holds (a wrapper's layer, cells)."""
    entries = [config[k] for k in ("layer", "cell") if isinstance(config.get(k), dict)]
    entries += config.get("cells", [])
    own = {k: v for k, v in _plain(config).items() if k != "cells"}
    return [own, *(p for entry in entries for p in _nested_plain(entry["config"]))]


def _assert_same_options(a: dict, b: dict) -> None:
    """The wrapper and every layer inside agree on the options both configs have."""
    a_list, b_list = _nested_plain(a), _nested_plain(b)
    assert len(a_list) == len(b_list)
    for x, y in zip(a_list, b_list, strict=True):
        shared = set(x) & set(y)
        assert {k: x[k] for k in shared} == {k: y[k] for k in shared}


@pytest.mark.parametrize("wrapper", sorted(WRAPPERS))
def test_wrappers_both_ways(wrapper):
    config = json.loads(json.dumps(keras.saving.serialize_keras_object(WRAPPERS[wrapper](keras))))
    ours = kerax.saving.deserialize_keras_object(copy.deepcopy(config))
    assert type(ours).__name__ == config["class_name"]
    _assert_same_options(json.loads(json.dumps(ours.get_config())), config["config"])
    config = to_keras(json.loads(json.dumps(kerax.saving.serialize_keras_object(WRAPPERS[wrapper](kerax)))))
    theirs = keras.saving.deserialize_keras_object(copy.deepcopy(config))  # Keras's RNN pops the cell
    assert type(theirs).__name__ == config["class_name"]
    _assert_same_options(json.loads(json.dumps(theirs.get_config())), config["config"])


def _h11_call_fn(params, inputs):
    return inputs @ params["w"]


def _h11_init_fn(rng, inputs):
    return {"w": jax.random.normal(rng, (inputs.shape[-1], 2))}


def test_jax_layer_config_from_keras_and_back():
    """A JaxLayer's functions are saved by registered name: kerax reads Keras's config and its own."""
    for fn in (_h11_call_fn, _h11_init_fn):
        kerax.saving.register_keras_serializable(package="h11_configs")(fn)
        keras.saving.register_keras_serializable(package="h11_configs")(fn)
    theirs = keras.layers.JaxLayer(_h11_call_fn, _h11_init_fn, name="jl")
    config = json.loads(json.dumps(keras.saving.serialize_keras_object(theirs)))
    ours = kerax.saving.deserialize_keras_object(config)
    assert type(ours) is kerax.layers.JaxLayer and ours.call_fn is _h11_call_fn and ours.init_fn is _h11_init_fn
    assert ours.name == "jl"
    again = kerax.saving.deserialize_keras_object(json.loads(json.dumps(kerax.saving.serialize_keras_object(ours))))
    assert again.call_fn is _h11_call_fn and again.get_config() == ours.get_config()
