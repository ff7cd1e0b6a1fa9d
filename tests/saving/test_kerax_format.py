"""kerax's own format: round trips of every model kind, exact resumption, weights files, atomic writes."""

from __future__ import annotations

import json
import os
import zipfile

import jax
import numpy as np
import pytest

import kerax
from kerax import layers
from kerax.saving import _weights, _zip

from . import zoo


def _leaves(x):
    return [np.asarray(v) for v in jax.tree_util.tree_leaves(x)]


def _assert_same_predictions(a, b, x):
    for u, v in zip(_leaves(a.predict(x, verbose=0)), _leaves(b.predict(x, verbose=0)), strict=True):
        np.testing.assert_array_equal(u, v)


def _summary(model):
    lines = []
    model.summary(print_fn=lines.append)
    return "\n".join(lines)


@pytest.mark.parametrize("name", sorted(zoo.BUILDERS))
def test_round_trip_gives_identical_models(name, tmp_path):
    model = zoo.BUILDERS[name](kerax)
    path = tmp_path / "model.kerax"
    model.save(path)
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == ["config.json", "metadata.json", "model.weights.safetensors"]
        config = json.loads(archive.read("config.json"))
    assert config["class_name"] == type(model).__name__
    kerax.utils.clear_session()  # the names are taken from the file, not from the session's counters
    loaded = kerax.models.load_model(path)
    assert type(loaded) is type(model)
    assert loaded.get_config() == model.get_config()
    # The same weights in the same order. Their paths may lose the model's name, as in Keras: a loaded
    # model's layers are built before the model exists (tests/layers/test_variable_paths.py).
    assert [w.path.split("/")[-2:] for w in loaded.weights] == [w.path.split("/")[-2:] for w in model.weights]
    assert _summary(loaded) == _summary(model)
    _assert_same_predictions(model, loaded, zoo.data_for(model))


def test_inception_model_keeps_its_relu_op_nodes(tmp_path):
    model = zoo.inception_model(kerax)
    model.save(tmp_path / "m.kerax")
    loaded = kerax.models.load_model(tmp_path / "m.kerax")
    ops = [op.name for op in loaded._graph.operations if type(op).__name__ == "Relu"]
    assert ops == [op.name for op in model._graph.operations if type(op).__name__ == "Relu"]
    assert len(ops) == 3
    assert "relu (Relu)" in _summary(loaded)


def test_fit_save_load_fit_equals_one_longer_fit(tmp_path):
    rng = np.random.default_rng(1)
    x = [rng.random((64, 8, 8, 3), dtype=np.float32), rng.random((64, 10), dtype=np.float32)]
    y = rng.integers(0, 2, 64)

    def fresh():
        kerax.utils.clear_session()
        kerax.utils.set_random_seed(3)
        model = zoo.purchase_predictor(kerax)
        model.compile(optimizer=kerax.optimizers.Adam(1e-2), loss="binary_crossentropy", metrics=["accuracy"])
        return model

    straight = fresh()
    history = straight.fit(x, y, epochs=3, batch_size=16, shuffle=False, verbose=0).history

    first = fresh()
    first.fit(x, y, epochs=2, batch_size=16, shuffle=False, verbose=0)
    first.save(tmp_path / "ckpt.kerax")
    resumed = kerax.models.load_model(tmp_path / "ckpt.kerax")
    assert resumed.optimizer.iterations == 8
    last = resumed.fit(x, y, epochs=1, batch_size=16, shuffle=False, verbose=0).history

    assert int(resumed.optimizer.iterations) == int(straight.optimizer.iterations) == 12
    np.testing.assert_allclose(last["loss"][0], history["loss"][2], rtol=1e-6)
    for a, b in zip(resumed.get_weights(), straight.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_compile_config_round_trips(tmp_path):
    model = zoo.fashion_classifier(kerax)
    model.compile(
        optimizer=kerax.optimizers.SGD(learning_rate=kerax.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5)),
        loss=kerax.losses.SparseCategoricalCrossentropy(from_logits=False),
        metrics=["accuracy", kerax.metrics.SparseTopKCategoricalAccuracy(k=2, name="top2")],
    )
    model.save(tmp_path / "m.kerax")
    loaded = kerax.models.load_model(tmp_path / "m.kerax")
    assert loaded.get_compile_config() == model.get_compile_config()
    assert isinstance(loaded.optimizer._learning_rate, kerax.optimizers.schedules.ExponentialDecay)
    uncompiled = kerax.models.load_model(tmp_path / "m.kerax", compile=False)
    assert not uncompiled.compiled


# -- subclassed models, registration, custom objects -----------------------------------------------------
@kerax.saving.register_keras_serializable(package="tests")
class TwoLayer(kerax.Model):
    def __init__(self, hidden=8, classes=3, **kwargs):
        super().__init__(**kwargs)
        self.hidden = layers.Dense(hidden, activation="relu")
        self.out = layers.Dense(classes)

    def call(self, inputs):
        return self.out(self.hidden(inputs))


@kerax.saving.register_keras_serializable(package="tests")
def double(x):
    return x * 2.0


def test_registered_subclass_with_plain_arguments_round_trips(tmp_path):
    model = TwoLayer(hidden=5, classes=2)
    x = np.random.default_rng(0).standard_normal((4, 7)).astype("float32")
    model(x)
    assert model.get_config()["hidden"] == 5
    model.save(tmp_path / "sub.kerax")
    loaded = kerax.models.load_model(tmp_path / "sub.kerax")
    assert isinstance(loaded, TwoLayer) and loaded.count_params() == model.count_params()
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert "dense" in _summary(loaded)


def test_unregistered_subclass_is_refused_with_instructions(tmp_path):
    class Local(kerax.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.d = layers.Dense(2)

        def call(self, x):
            return self.d(x)

    model = Local()
    model(np.zeros((1, 3), "float32"))
    model.save(tmp_path / "local.kerax")
    with pytest.raises(ValueError, match="register_keras_serializable|custom_objects"):
        kerax.models.load_model(tmp_path / "local.kerax")
    loaded = kerax.models.load_model(tmp_path / "local.kerax", custom_objects={"Local": Local})
    np.testing.assert_array_equal(loaded.get_weights()[0], model.get_weights()[0])
    with kerax.saving.custom_object_scope({"Local": Local}):
        assert isinstance(kerax.models.load_model(tmp_path / "local.kerax"), Local)


def test_registered_function_in_lambda_and_as_activation(tmp_path):
    inputs = kerax.Input((3,))
    x = layers.Lambda(double)(inputs)
    outputs = layers.Dense(2, activation=double)(x)
    model = kerax.Model(inputs, outputs)
    model.save(tmp_path / "fn.kerax")
    config = json.loads(zipfile.ZipFile(tmp_path / "fn.kerax").read("config.json"))
    assert "tests>double" in json.dumps(config)
    loaded = kerax.models.load_model(tmp_path / "fn.kerax")
    x = np.ones((2, 3), "float32")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_unregistered_function_cannot_be_saved_by_name():
    def triple(x):
        return x * 3.0

    layer = layers.Lambda(triple)
    with pytest.raises(ValueError, match="register"):
        kerax.saving.deserialize_keras_object(kerax.saving.serialize_keras_object(layer))


@pytest.mark.parametrize("fmt", ["keras", "kerax"])
def test_unregistered_lambda_function_loads_from_custom_objects_by_its_bare_name(tmp_path, fmt):
    def triple(x):
        return x * 3.0

    inputs = kerax.Input((2,))
    kerax.Model(inputs, layers.Lambda(triple)(inputs)).save(tmp_path / f"fn.{fmt}")
    with pytest.raises(ValueError, match="register"):
        kerax.models.load_model(tmp_path / f"fn.{fmt}")
    loaded = kerax.models.load_model(tmp_path / f"fn.{fmt}", custom_objects={"triple": triple})  # as Keras takes it
    np.testing.assert_array_equal(loaded.predict(np.ones((1, 2), "float32"), verbose=0), [[3.0, 3.0]])


SERIALIZABLE = [
    kerax.optimizers.SGD(0.1, momentum=0.9, nesterov=True),
    kerax.optimizers.Adam(1e-3, beta_1=0.8, clipnorm=1.0),
    kerax.optimizers.AdamW(weight_decay=0.01),
    kerax.optimizers.RMSprop(rho=0.8),
    kerax.optimizers.Lion(),
    kerax.optimizers.schedules.ExponentialDecay(0.1, 100, 0.9, staircase=True),
    kerax.optimizers.schedules.PiecewiseConstantDecay([10, 20], [0.1, 0.01, 0.001]),
    kerax.optimizers.schedules.CosineDecay(0.1, 1000, warmup_target=0.2, warmup_steps=10),
    kerax.losses.CategoricalCrossentropy(label_smoothing=0.1),
    kerax.losses.Huber(delta=2.0),
    kerax.losses.BinaryFocalCrossentropy(gamma=3.0),
    kerax.metrics.AUC(num_thresholds=50, curve="PR"),
    kerax.metrics.Precision(thresholds=0.3),
    kerax.metrics.TopKCategoricalAccuracy(k=3),
    kerax.initializers.HeNormal(seed=4),
    kerax.initializers.Orthogonal(gain=2.0),
    kerax.initializers.RandomUniform(-0.1, 0.2),
    kerax.regularizers.L1L2(l1=0.01, l2=0.02),
    kerax.regularizers.OrthogonalRegularizer(factor=0.1),
    kerax.constraints.MaxNorm(3.0, axis=1),
    kerax.constraints.MinMaxNorm(0.1, 2.0),
    layers.Conv2D(4, 3, strides=2, padding="same", kernel_regularizer="l2", bias_constraint="non_neg"),
    layers.LSTM(4, return_sequences=True, dropout=0.1),
    layers.Bidirectional(layers.GRU(3)),
    layers.MultiHeadAttention(num_heads=2, key_dim=4),
]


@pytest.mark.parametrize("obj", SERIALIZABLE, ids=lambda o: type(o).__name__)
def test_every_family_round_trips_through_its_config(obj):
    config = kerax.saving.serialize_keras_object(obj)
    json.dumps(config)
    clone = kerax.saving.deserialize_keras_object(json.loads(json.dumps(config)))
    assert type(clone) is type(obj)
    assert kerax.saving.serialize_keras_object(clone) == config


# -- weights files ---------------------------------------------------------------------------------------
def test_weights_round_trip_and_refusal_leaves_model_unchanged(tmp_path):
    model = zoo.fashion_classifier(kerax)
    model.save_weights(tmp_path / "a.weights.safetensors")
    other = zoo.fashion_classifier(kerax)
    other.load_weights(tmp_path / "a.weights.safetensors")
    for a, b in zip(model.get_weights(), other.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)

    wider = kerax.Sequential([kerax.Input((6, 6)), layers.Flatten(), layers.Dense(17), layers.Dense(4)])
    before = [w.copy() for w in wider.get_weights()]
    with pytest.raises(ValueError, match=r"expects shape \(36, 17\), the file holds \(36, 16\)"):
        wider.load_weights(tmp_path / "a.weights.safetensors")
    for a, b in zip(before, wider.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)  # nothing was half-assigned


def test_skip_mismatch_and_by_name(tmp_path):
    model = kerax.Sequential([kerax.Input((4,)), layers.Dense(3, name="a"), layers.Dense(2, name="b")])
    model.save_weights(tmp_path / "w.weights.safetensors")
    changed = kerax.Sequential([kerax.Input((4,)), layers.Dense(3, name="a"), layers.Dense(5, name="b")])
    with pytest.warns(UserWarning, match="Skipping"):
        changed.load_weights(tmp_path / "w.weights.safetensors", skip_mismatch=True)
    np.testing.assert_array_equal(changed.layers[0].get_weights()[0], model.layers[0].get_weights()[0])

    reordered = kerax.Sequential([kerax.Input((4,)), layers.Dense(3, name="a"), layers.Dense(2, name="c")])
    reordered.load_weights(tmp_path / "w.weights.safetensors", by_name=True)
    np.testing.assert_array_equal(reordered.layers[0].get_weights()[0], model.layers[0].get_weights()[0])
    assert not np.array_equal(reordered.layers[1].get_weights()[0], model.layers[1].get_weights()[0])


def test_load_weights_from_a_full_model_file(tmp_path):
    model = zoo.inception_model(kerax)
    model.save(tmp_path / "m.kerax")
    twin = zoo.inception_model(kerax)
    twin.load_weights(tmp_path / "m.kerax")
    _assert_same_predictions(model, twin, zoo.data_for(model))


# -- atomic writes ---------------------------------------------------------------------------------------
def test_crash_mid_save_leaves_previous_file_intact(tmp_path, monkeypatch):
    model = zoo.fashion_classifier(kerax)
    path = tmp_path / "m.kerax"
    model.save(path)
    original = path.read_bytes()

    def crash(f, members):
        f.write(b"PK\x03\x04 partial")
        raise KeyboardInterrupt("power cut")

    monkeypatch.setattr(_zip, "write_archive", crash)
    with pytest.raises(KeyboardInterrupt):
        model.save(path)
    assert path.read_bytes() == original
    assert os.listdir(tmp_path) == ["m.kerax"]  # no temporary file left behind
    monkeypatch.undo()
    kerax.models.load_model(path)


def test_overwrite_false_refuses_existing_file(tmp_path):
    model = zoo.fashion_classifier(kerax)
    model.save(tmp_path / "m.kerax")
    with pytest.raises(FileExistsError):
        model.save(tmp_path / "m.kerax", overwrite=False)


# -- argument checking -----------------------------------------------------------------------------------
def test_entry_points_validate_their_arguments(tmp_path):
    model = zoo.fashion_classifier(kerax)
    with pytest.raises(ValueError, match=r"must end in '\.kerax'.*or '\.keras'"):
        model.save(tmp_path / "m.zip")
    with pytest.raises(ValueError, match="weights.safetensors"):
        model.save_weights(tmp_path / "m.bin")
    with pytest.raises(TypeError, match="file path"):
        kerax.models.load_model(3)
    with pytest.raises(FileNotFoundError, match="no file"):
        kerax.models.load_model(tmp_path / "missing.kerax")
    with pytest.raises(ValueError, match="no unsafe mode"):
        kerax.models.load_model(tmp_path / "m.kerax", safe_mode=False)
    with pytest.raises(TypeError, match="custom_objects"):
        kerax.models.load_model(tmp_path / "m.kerax", custom_objects=[1])
    with pytest.raises(ValueError, match="legacy HDF5"):
        kerax.models.load_model(tmp_path / "m.h5")
    (tmp_path / "text.kerax").write_text("not a zip")
    with pytest.raises(ValueError, match="not a model archive"):
        kerax.models.load_model(tmp_path / "text.kerax")
    unbuilt = kerax.Sequential([layers.Dense(2)])
    with pytest.raises(ValueError, match="not built"):
        unbuilt.save(tmp_path / "u.kerax")
    with pytest.raises(TypeError, match="kerax Model"):
        kerax.saving.save_model(layers.Dense(2), tmp_path / "d.kerax")


def test_bfloat16_weights_survive(tmp_path):
    model = kerax.Sequential([kerax.Input((3,)), layers.Dense(2, dtype="bfloat16")])
    model.save_weights(tmp_path / "b.weights.safetensors")
    arrays, metadata = _weights.decode((tmp_path / "b.weights.safetensors").read_bytes(), "b")
    assert metadata["bfloat16"]
    twin = kerax.Sequential([kerax.Input((3,)), layers.Dense(2, dtype="bfloat16")])
    twin.load_weights(tmp_path / "b.weights.safetensors")
    np.testing.assert_array_equal(
        np.asarray(twin.weights[0].value, "float32"), np.asarray(model.weights[0].value, "float32")
    )
