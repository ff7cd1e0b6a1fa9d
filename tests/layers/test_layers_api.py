"""The public surface of kerax.layers: exports, aliases, and Keras 3's signatures and config keys."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import kerax.layers as layers

LAYER_CLASSES = [
    "Activation",
    "Add",
    "Average",
    "AveragePooling2D",
    "BatchNormalization",
    "Concatenate",
    "Conv2D",
    "Dense",
    "Dropout",
    "Flatten",
    "GlobalAveragePooling2D",
    "GlobalMaxPooling2D",
    "MaxPooling2D",
    "Maximum",
    "Minimum",
    "Multiply",
    "Reshape",
    "Subtract",
]
ALIASES = {
    "Convolution2D": "Conv2D",
    "MaxPool2D": "MaxPooling2D",
    "AvgPool2D": "AveragePooling2D",
    "GlobalAvgPool2D": "GlobalAveragePooling2D",
    "GlobalMaxPool2D": "GlobalMaxPooling2D",
}
# One instance of each layer, and an input it accepts.
EXAMPLES = {
    "Activation": ({"activation": "relu"}, [(2, 3)]),
    "Add": ({}, [(2, 3), (2, 3)]),
    "Average": ({}, [(2, 3), (2, 3)]),
    "AveragePooling2D": ({"pool_size": 2}, [(1, 4, 4, 1)]),
    "BatchNormalization": ({}, [(2, 3)]),
    "Concatenate": ({}, [(2, 3), (2, 3)]),
    "Conv2D": ({"filters": 2, "kernel_size": 1, "kernel_initializer": "zeros"}, [(1, 3, 3, 1)]),
    "Dense": ({"units": 2, "kernel_initializer": "zeros"}, [(2, 3)]),
    "Dropout": ({"rate": 0.5}, [(2, 3)]),
    "Flatten": ({}, [(2, 3)]),
    "GlobalAveragePooling2D": ({}, [(1, 2, 2, 1)]),
    "GlobalMaxPooling2D": ({}, [(1, 2, 2, 1)]),
    "MaxPooling2D": ({}, [(1, 4, 4, 1)]),
    "Maximum": ({}, [(2, 3), (2, 3)]),
    "Minimum": ({}, [(2, 3), (2, 3)]),
    "Multiply": ({}, [(2, 3), (2, 3)]),
    "Reshape": ({"target_shape": (3, 1)}, [(2, 3)]),
    "Subtract": ({}, [(2, 3), (2, 3)]),
}


def test_all_is_complete_and_importable():
    expected = {
        *LAYER_CLASSES,
        *ALIASES,
        "Layer",
        "InputSpec",
        "InputLayer",
        "Input",
        "concatenate",
        "add",
        "subtract",
        "multiply",
        "average",
        "maximum",
        "minimum",
    }
    assert expected <= set(layers.__all__)
    for name in layers.__all__:
        assert getattr(layers, name) is not None


@pytest.mark.parametrize(("alias", "name"), ALIASES.items())
def test_aliases_are_the_same_class(alias, name):
    assert getattr(layers, alias) is getattr(layers, name)


@pytest.mark.parametrize("name", LAYER_CLASSES)
def test_every_layer_is_a_layer_with_keras_name(keras, name):
    assert issubclass(getattr(layers, name), layers.Layer)
    assert hasattr(keras.layers, name)


# Keras arguments for features kerax does not have (LoRA, quantization).
UNSUPPORTED_ARGUMENTS = {"lora_rank", "lora_alpha", "quantization_config"}


@pytest.mark.parametrize("name", LAYER_CLASSES)
def test_signature_defaults_match_keras(keras, name):
    ours = inspect.signature(getattr(layers, name)).parameters
    theirs = inspect.signature(getattr(keras.layers, name)).parameters
    for param in theirs.values():
        if param.kind in (param.VAR_KEYWORD, param.VAR_POSITIONAL) or param.name in {
            "name",
            *UNSUPPORTED_ARGUMENTS,
        }:
            continue
        assert param.name in ours, f"{name} lacks Keras's argument `{param.name}`"
        assert ours[param.name].default == param.default, f"{name}({param.name}=...) default differs from Keras"
        assert ours[param.name].kind == param.kind or param.kind == param.POSITIONAL_OR_KEYWORD


@pytest.mark.parametrize("name", [n for n in LAYER_CLASSES if n != "Dense"])  # Dense is the lead's
def test_config_keys_match_keras(keras, name):
    kwargs, shapes = EXAMPLES[name]
    ours, theirs = getattr(layers, name)(**kwargs), getattr(keras.layers, name)(**kwargs)
    data = [np.ones(s, "float32") for s in shapes]
    ours(data if len(data) > 1 else data[0])
    theirs(data if len(data) > 1 else data[0])
    our_config, their_config = ours.get_config(), theirs.get_config()
    assert set(our_config) == set(their_config)
    for key, value in their_config.items():
        if key in ("name", "dtype") or key.endswith("_initializer"):
            continue
        assert our_config[key] == value, f"{name} config[{key!r}]: {our_config[key]!r} != Keras {value!r}"
    assert [w.name for w in ours.weights] == [w.name for w in theirs.weights]


def test_functional_forms_have_keras_signatures(keras):
    for name in ("concatenate", "add", "subtract", "multiply", "average", "maximum", "minimum"):
        ours = list(inspect.signature(getattr(layers, name)).parameters)
        theirs = list(inspect.signature(getattr(keras.layers, name)).parameters)
        assert ours == theirs, name
