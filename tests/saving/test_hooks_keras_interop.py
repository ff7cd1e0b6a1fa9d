""".keras files with a registered custom layer that saves its own state and assets, both ways with Keras 3.

The same layer is defined for each library (registered as ``hooks>Tagged``): a Dense whose
``save_own_variables`` also stores a named array and whose ``save_assets`` writes a text file. A file
saved by one library loads in the other with the weights, the named array and the asset restored.
"""

from __future__ import annotations

import os

import keras
import numpy as np
import pytest

import kerax


def _tagged(lib):
    class Tagged(lib.layers.Dense):
        def __init__(self, units, tag="", **kwargs):
            super().__init__(units, **kwargs)
            self.tag = tag
            self.extra = np.zeros((3,), "float32")

        def get_config(self):
            return {**super().get_config(), "tag": self.tag}

        def save_own_variables(self, store):
            super().save_own_variables(store)
            store["extra"] = self.extra

        def load_own_variables(self, store):
            self.extra = np.asarray(store["extra"])
            for i, v in enumerate(self.weights):
                v.assign(store[str(i)])

        def save_assets(self, inner_path):
            with open(os.path.join(inner_path, "tag.txt"), "w") as f:
                f.write(self.tag.upper())

        def load_assets(self, inner_path):
            with open(os.path.join(inner_path, "tag.txt")) as f:
                self.tag = f.read()

    return lib.saving.register_keras_serializable(package="hooks", name="Tagged")(Tagged)


@pytest.mark.parametrize("direction", ["kerax_to_keras", "keras_to_kerax"])
def test_save_own_variables_and_assets_cross_the_two_libraries(direction, tmp_path):
    writer, reader = (kerax, keras) if direction == "kerax_to_keras" else (keras, kerax)
    Tagged = _tagged(writer)
    _tagged(reader)
    model = writer.Sequential([writer.Input((4,)), Tagged(2, tag="abc"), writer.layers.Dense(1)])
    model.layers[0].extra = np.array([1.0, 2.0, 3.0], "float32")
    x = np.random.default_rng(0).random((5, 4)).astype("float32")
    expected = np.asarray(model(x))
    path = str(tmp_path / "tagged.keras")
    model.save(path)

    restored = reader.models.load_model(path)
    np.testing.assert_allclose(np.asarray(restored(x)), expected, rtol=1e-6)
    np.testing.assert_array_equal(restored.layers[0].extra, [1.0, 2.0, 3.0])
    assert restored.layers[0].tag == "ABC"  # the asset file, written upper-case, was read back


def _square(x):
    return x * x


def _half(x):
    return x * 0.5


for _lib in (kerax, keras):
    _lib.saving.register_keras_serializable(package="interop")(_square)
    _lib.saving.register_keras_serializable(package="interop")(_half)


@pytest.mark.parametrize("direction", ["kerax_to_keras", "keras_to_kerax"])
def test_registered_functions_cross_the_two_libraries(direction, tmp_path):
    writer, reader = (kerax, keras) if direction == "kerax_to_keras" else (keras, kerax)
    inputs = writer.Input((3,))
    hidden = writer.layers.Dense(2, activation=_square)(inputs)
    model = writer.Model(inputs, writer.layers.Lambda(_half)(hidden))
    path = str(tmp_path / "functions.keras")
    model.save(path)
    restored = reader.models.load_model(path)
    x = np.random.default_rng(1).random((4, 3)).astype("float32")
    np.testing.assert_allclose(np.asarray(restored(x)), np.asarray(model(x)), rtol=1e-6)


def _scaled_mse(y_true, y_pred):
    return kerax.ops.mean(kerax.ops.square(y_true - y_pred), axis=-1) * 2.0


def _scaled_mse_keras(y_true, y_pred):
    return keras.ops.mean(keras.ops.square(y_true - y_pred), axis=-1) * 2.0


kerax.saving.register_keras_serializable(package="interop", name="scaled_mse")(_scaled_mse)
keras.saving.register_keras_serializable(package="interop", name="scaled_mse")(_scaled_mse_keras)


@pytest.mark.parametrize("direction", ["kerax_to_keras", "keras_to_kerax"])
def test_a_compiled_model_with_a_registered_loss_crosses_the_two_libraries(direction, tmp_path):
    writer, reader = (kerax, keras) if direction == "kerax_to_keras" else (keras, kerax)
    loss = _scaled_mse if writer is kerax else _scaled_mse_keras
    x = np.random.default_rng(0).random((16, 3)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    model = writer.Sequential([writer.Input((3,)), writer.layers.Dense(1)])
    model.compile(optimizer="adam", loss=loss, metrics=["mae"])
    model.fit(x, y, epochs=2, verbose=0)
    path = str(tmp_path / "loss.keras")
    model.save(path)
    restored = reader.models.load_model(path)  # compiled with the registered loss of the reading library
    np.testing.assert_allclose(restored.evaluate(x, y, verbose=0), model.evaluate(x, y, verbose=0), rtol=1e-5)


def test_save_own_variables_and_assets_round_trip_through_kerax_files(tmp_path):
    Tagged = _tagged(kerax)
    model = kerax.Sequential([kerax.Input((4,)), Tagged(2, tag="abc"), kerax.layers.Dense(1)])
    model.layers[0].extra = np.array([1.0, 2.0, 3.0], "float32")
    x = np.random.default_rng(0).random((5, 4)).astype("float32")
    for path in (tmp_path / "tagged.kerax", tmp_path / "tagged.weights.safetensors"):
        if path.suffix == ".kerax":
            model.save(path)
            restored = kerax.models.load_model(path)
        else:
            model.save_weights(path)
            restored = kerax.Sequential([kerax.Input((4,)), Tagged(2, tag="abc"), kerax.layers.Dense(1)])
            restored.load_weights(path)
        np.testing.assert_allclose(np.asarray(restored(x)), np.asarray(model(x)), rtol=1e-6)
        np.testing.assert_array_equal(restored.layers[0].extra, [1.0, 2.0, 3.0])
    assert kerax.models.load_model(tmp_path / "tagged.kerax").layers[0].tag == "ABC"  # the asset, read back
