"""keras.io's "Customizing Saving and Serialization" guide, with only the import changed.

The guide's TensorFlow calls are written with their Keras 3 equivalents (``tf.Variable`` ->
``keras.Variable``, ``tf.matmul`` -> ``keras.ops.matmul``, ``tf.reduce_*`` -> ``keras.ops.*``). Each
section saves a ``.keras`` file and loads it back, checking what the guide checks. The guide's
``get_build_config`` section fails in Keras 3.15 itself (its ``build_config`` holds ``shapes_dict`` when
``build`` takes an extra argument, so ``config["input_shape"]`` raises KeyError); kerax keeps the shape
under ``input_shape`` and adds the extra argument beside it, so the guide's code runs. In the
``save_own_variables`` section the guide trains a model whose outputs are ``(8, 10)`` on targets of shape
``(8,)``, which Keras 3 refuses too ("Incompatible shapes for broadcasting"); the targets here are ``(8, 10)``.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

import kerax as keras


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def test_save_own_variables_and_load_own_variables():
    @keras.utils.register_keras_serializable(package="my_custom_package")
    class LayerWithCustomVariables(keras.layers.Dense):
        def __init__(self, units, **kwargs):
            super().__init__(units, **kwargs)
            self.stored_variables = keras.Variable(np.random.random((10,)), name="special_arr", dtype="float32")

        def save_own_variables(self, store):
            super().save_own_variables(store)
            store["variables"] = self.stored_variables.numpy()

        def load_own_variables(self, store):
            self.stored_variables.assign(store["variables"])
            for i, v in enumerate(self.weights):
                v.assign(store[f"{i}"])

        def call(self, inputs):
            return super().call(inputs) * self.stored_variables

    model = keras.Sequential([LayerWithCustomVariables(1)])
    ref_input = np.random.random((8, 10))
    ref_output = np.random.random((8, 10))
    model.compile(optimizer="adam", loss="mean_squared_error")
    model.fit(ref_input, ref_output, verbose=0)

    model.save("custom_vars_model.keras")
    restored_model = keras.models.load_model("custom_vars_model.keras")
    np.testing.assert_allclose(
        model.layers[0].stored_variables.numpy(), restored_model.layers[0].stored_variables.numpy()
    )
    np.testing.assert_allclose(model.predict(ref_input, verbose=0), restored_model.predict(ref_input, verbose=0))


def test_save_assets_and_load_assets():
    @keras.saving.register_keras_serializable(package="my_custom_package")
    class LayerWithCustomAssets(keras.layers.Dense):
        def __init__(self, vocab=None, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.vocab = vocab

        def save_assets(self, inner_path):
            with open(os.path.join(inner_path, "vocabulary.txt"), "w") as f:
                f.write(self.vocab)

        def load_assets(self, inner_path):
            with open(os.path.join(inner_path, "vocabulary.txt")) as f:
                text = f.read()
            self.vocab = text.replace("<unk>", "little")

    model = keras.Sequential([LayerWithCustomAssets(vocab="Mary had a <unk> lamb.", units=5)])
    x = np.random.random((10, 10))
    model(x)

    model.save("custom_assets_model.keras")
    restored_model = keras.models.load_model("custom_assets_model.keras")
    np.testing.assert_string_equal(restored_model.layers[0].vocab, "Mary had a little lamb.")


def test_get_build_config_and_build_from_config():
    @keras.saving.register_keras_serializable(package="my_custom_package")
    class LayerWithCustomBuild(keras.layers.Layer):
        def __init__(self, units=32, **kwargs):
            super().__init__(**kwargs)
            self.units = units

        def call(self, inputs):
            return keras.ops.matmul(inputs, self.w) + self.b

        def get_config(self):
            return dict(units=self.units, **super().get_config())

        def build(self, input_shape, layer_init):
            super().build(input_shape)
            self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer=layer_init, trainable=True)
            self.b = self.add_weight(shape=(self.units,), initializer=layer_init, trainable=True)
            self.layer_init = layer_init

        def get_build_config(self):
            build_config = super().get_build_config()  # only gives `input_shape`
            build_config.update({"layer_init": self.layer_init})
            return build_config

        def build_from_config(self, config):
            self.build(config["input_shape"], config["layer_init"])

    custom_layer = LayerWithCustomBuild(units=16)
    custom_layer.build(input_shape=(8,), layer_init="random_normal")
    model = keras.Sequential([custom_layer, keras.layers.Dense(1, activation="sigmoid")])
    x = np.random.random((16, 8))
    y = model(x)

    model.save("custom_build_model.keras")
    restored_model = keras.models.load_model("custom_build_model.keras")
    np.testing.assert_equal(restored_model.layers[0].layer_init, "random_normal")
    np.testing.assert_equal(restored_model.built, True)
    np.testing.assert_allclose(restored_model(x), y, rtol=1e-6)


def test_a_custom_build_signature_loads_without_overriding_the_build_config_methods():
    @keras.saving.register_keras_serializable(package="my_custom_package")
    class Scaled(keras.layers.Layer):
        def build(self, input_shape, scale=1.0):
            self.scale = scale
            self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")

        def call(self, inputs):
            return inputs * self.w * self.scale

    layer = Scaled()
    layer.build((None, 3), scale=2.0)
    model = keras.Sequential([keras.Input((3,)), layer])
    model.save("scaled.keras")
    restored = keras.models.load_model("scaled.keras")
    assert restored.layers[0].scale == 2.0
    np.testing.assert_allclose(restored(np.ones((1, 3))), np.full((1, 3), 2.0))


def test_get_compile_config_and_compile_from_config():
    @keras.saving.register_keras_serializable(package="my_custom_package")
    def small_square_sum_loss(y_true, y_pred):
        loss = keras.ops.square(y_pred - y_true)
        loss = loss / 10.0
        loss = keras.ops.sum(loss, axis=1)
        return loss

    @keras.saving.register_keras_serializable(package="my_custom_package")
    def mean_pred(y_true, y_pred):
        return keras.ops.mean(y_pred)

    @keras.saving.register_keras_serializable(package="my_custom_package")
    class ModelWithCustomCompile(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense1 = keras.layers.Dense(8, activation="relu")
            self.dense2 = keras.layers.Dense(4, activation="softmax")

        def call(self, inputs):
            x = self.dense1(inputs)
            return self.dense2(x)

        def compile(self, optimizer, loss_fn, metrics):
            super().compile(optimizer=optimizer, loss=loss_fn, metrics=metrics)
            self.model_optimizer = optimizer
            self.loss_fn = loss_fn
            self.loss_metrics = metrics

        def get_compile_config(self):
            return {"model_optimizer": self.model_optimizer, "loss_fn": self.loss_fn, "metric": self.loss_metrics}

        def compile_from_config(self, config):
            optimizer = keras.utils.deserialize_keras_object(config["model_optimizer"])
            loss_fn = keras.utils.deserialize_keras_object(config["loss_fn"])
            metrics = keras.utils.deserialize_keras_object(config["metric"])
            self.compile(optimizer=optimizer, loss_fn=loss_fn, metrics=metrics)

    model = ModelWithCustomCompile()
    model.compile(optimizer="SGD", loss_fn=small_square_sum_loss, metrics=["accuracy", mean_pred])
    x = np.random.random((4, 8))
    y = np.random.random((4,))
    model.fit(x, y, verbose=0)

    model.save("custom_compile_model.keras")
    restored_model = keras.models.load_model("custom_compile_model.keras")
    np.testing.assert_equal(model.model_optimizer, restored_model.model_optimizer)
    np.testing.assert_equal(model.loss_fn, restored_model.loss_fn)
    np.testing.assert_equal(model.loss_metrics, restored_model.loss_metrics)
