"""A .keras file written by Keras 3 + TensorFlow with adapted lookup layers: their vocabularies are asset files
(``assets/layers/<layer>/vocabulary.txt``), not in the config, and kerax reads them back.

The file was made by Keras 3.15 with TensorFlow 2.21 (kerax's tests do not need TensorFlow):

    text = Input((1,), dtype="string"); word = Input((1,), dtype="string"); number = Input((2,), dtype="int64")
    TextVectorization(output_sequence_length=4).adapt(["the cat sat", "the cat ran", "the dog"])
    StringLookup().adapt(["a", "b", "b", "c", "c", "c"])
    IntegerLookup(output_mode="multi_hot").adapt([7, 7, 7, 3, 3, 11])

and its outputs below are what that Keras model computed.
"""

from __future__ import annotations

import os
import zipfile

import numpy as np

import kerax

FILE = os.path.join(os.path.dirname(__file__), "data", "keras_lookup_assets.keras")


def test_adapted_vocabularies_saved_as_assets_by_keras_load_into_kerax(tmp_path):
    model = kerax.models.load_model(FILE)
    inputs = {
        "text": np.array([["the dog sat"], ["a cat"]]),
        "word": np.array([["c"], ["z"]]),
        "number": np.array([[7, 11], [5, 3]], "int32"),
    }
    vectorized, looked_up, counted = model.predict(inputs, verbose=0)
    np.testing.assert_array_equal(vectorized, [[2, 6, 4, 0], [1, 3, 0, 0]])
    np.testing.assert_array_equal(looked_up, [[1], [0]])
    np.testing.assert_array_equal(counted, [[0, 1, 0, 1], [1, 0, 1, 0]])
    assert model.get_layer("strings").get_vocabulary() == ["[UNK]", "c", "b", "a"]

    model.save(tmp_path / "again.keras")  # kerax writes the vocabularies into the config; they load back
    again = kerax.models.load_model(tmp_path / "again.keras")
    np.testing.assert_array_equal(again.predict(inputs, verbose=0)[0], vectorized)
    # Text tensors are written as Keras writes them, so that Keras loads the file (checked by hand with
    # Keras 3.15 + TensorFlow: the same three outputs).
    config = zipfile.ZipFile(tmp_path / "again.keras").read("config.json").decode()
    assert '"dtype": "string"' in config and "dtype('string')" not in config
