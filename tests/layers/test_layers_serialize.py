"""kerax.layers.serialize / deserialize: Keras 3's behaviour, both ways with Keras's own functions."""

from __future__ import annotations

import json

import keras
import numpy as np
import pytest

import kerax
from kerax.layers import deserialize, serialize
from kerax.saving._keras_dialect import to_keras


def test_serialize_matches_serialize_keras_object_and_round_trips():
    layer = kerax.layers.Dense(3, activation="relu", name="d")
    config = serialize(layer)
    assert config == kerax.saving.serialize_keras_object(layer)
    assert config["class_name"] == "Dense" and config["config"]["units"] == 3
    clone = deserialize(json.loads(json.dumps(config)))
    assert type(clone) is kerax.layers.Dense and clone.get_config() == layer.get_config()
    assert not clone.built


def test_built_layer_config_rebuilds_it():
    layer = kerax.layers.ConvLSTM1D(2, 3, return_sequences=True)
    layer(np.zeros((1, 4, 6, 2), "float32"))
    config = serialize(layer)
    assert "build_config" in config
    clone = deserialize(config)
    assert clone.built and [w.shape for w in clone.weights] == [w.shape for w in layer.weights]


def test_keras_and_kerax_read_each_other():
    theirs = keras.layers.STFTSpectrogram(mode="psd", frame_length=16)
    ours = deserialize(json.loads(json.dumps(keras.layers.serialize(theirs))))
    assert type(ours) is kerax.layers.STFTSpectrogram and ours.mode == "psd" and ours.frame_length == 16
    # kerax's .keras files translate module names into Keras's (to_keras) when they are written.
    written = to_keras(json.loads(json.dumps(serialize(kerax.layers.MelSpectrogram(num_mel_bins=5)))))
    back = keras.layers.deserialize(written)
    assert type(back).__name__ == "MelSpectrogram" and back.num_mel_bins == 5


def test_custom_objects_and_nested_layers():
    class Scale(kerax.layers.Layer):
        def __init__(self, factor=2.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def call(self, inputs):
            return inputs * self.factor

        def get_config(self):
            return {**super().get_config(), "factor": self.factor}

    config = serialize(Scale(3.0))
    layer = deserialize(config, custom_objects={"Scale": Scale})
    assert isinstance(layer, Scale) and layer.factor == 3.0
    wrapped = deserialize(serialize(kerax.layers.Bidirectional(kerax.layers.LSTM(2))))
    assert type(wrapped.forward_layer) is kerax.layers.LSTM


def test_errors():
    with pytest.raises(ValueError, match="class_name"):
        deserialize({"units": 3})
    with pytest.raises(ValueError, match="not describe a layer"):
        deserialize(kerax.saving.serialize_keras_object(kerax.initializers.Ones()))
    with pytest.raises(TypeError, match="Layer instance"):
        serialize("dense")
    with pytest.raises(ValueError, match="custom_objects"):
        deserialize(serialize(kerax.layers.Dense(2)), custom_objects=["Dense"])
