"""`.keras` files both ways, with Keras 3 (JAX backend) as the oracle: same models, same predictions."""

from __future__ import annotations

import json
import zipfile

import jax
import keras
import numpy as np
import pytest

import kerax

from . import zoo


def _leaves(x):
    return [np.asarray(v) for v in jax.tree_util.tree_leaves(x)]


def _close(a, b):
    for u, v in zip(_leaves(a), _leaves(b), strict=True):
        np.testing.assert_allclose(u, v, rtol=1e-5, atol=1e-5)


@pytest.fixture(autouse=True)
def _fresh_keras():
    keras.utils.clear_session()
    yield
    keras.utils.clear_session()


@pytest.mark.parametrize("name", sorted(zoo.BUILDERS))
def test_kerax_loads_files_keras_wrote(name, tmp_path):
    theirs = zoo.BUILDERS[name](keras)
    theirs.compile(optimizer=keras.optimizers.Adam(0.003), loss="mse")
    path = tmp_path / "keras_made.keras"
    theirs.save(path)
    ours = kerax.models.load_model(path)
    x = zoo.data_for(ours)
    _close(ours.predict(x, verbose=0), theirs.predict(x, verbose=0))
    assert [layer.name for layer in ours.layers if not layer.name.startswith("input")] == [
        layer.name for layer in theirs.layers if not layer.name.startswith("input")
    ]
    assert ours.count_params() == theirs.count_params()
    assert isinstance(ours.optimizer, kerax.optimizers.Adam)
    assert ours.optimizer.learning_rate == pytest.approx(0.003)


@pytest.mark.parametrize("name", sorted(zoo.BUILDERS))
def test_keras_loads_files_kerax_wrote(name, tmp_path):
    ours = zoo.BUILDERS[name](kerax)
    ours.compile(optimizer=kerax.optimizers.Adam(0.003), loss="mse")
    path = tmp_path / "kerax_made.keras"
    ours.save(path)
    theirs = keras.saving.load_model(path)
    x = zoo.data_for(ours)
    _close(theirs.predict(x, verbose=0), ours.predict(x, verbose=0))
    assert theirs.count_params() == ours.count_params()


def test_inception_relu_ops_are_keras_op_nodes(tmp_path):
    ours = zoo.inception_model(kerax)
    ours.save(tmp_path / "m.keras")
    config = json.loads(zipfile.ZipFile(tmp_path / "m.keras").read("config.json"))
    relus = [layer for layer in config["config"]["layers"] if layer["class_name"] == "Relu"]
    assert len(relus) == 3 and {r["module"] for r in relus} == {"keras.src.ops.nn"}
    theirs = keras.saving.load_model(tmp_path / "m.keras")
    assert sum(type(op).__name__ == "Relu" for op in theirs.operations) == 3


def test_trained_keras_model_keeps_training_in_kerax(tmp_path):
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((32, 6, 6)).astype("float32"), rng.integers(0, 4, 32)
    theirs = zoo.fashion_classifier(keras)
    theirs.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    theirs.fit(x, y, epochs=2, verbose=0)
    theirs.save(tmp_path / "trained.keras")
    ours = kerax.models.load_model(tmp_path / "trained.keras")
    assert ours.optimizer.iterations == theirs.optimizer.iterations
    ours.fit(x, y, epochs=1, verbose=0)
    assert ours.optimizer.iterations == int(theirs.optimizer.iterations) + 1


def test_weights_h5_both_ways(tmp_path):
    ours = zoo.purchase_predictor(kerax)
    theirs = zoo.purchase_predictor(keras)
    theirs.save_weights(tmp_path / "k.weights.h5")
    ours.load_weights(tmp_path / "k.weights.h5")
    x = zoo.data_for(ours)
    _close(ours.predict(x, verbose=0), theirs.predict(x, verbose=0))
    fresh = zoo.purchase_predictor(kerax)
    fresh.save_weights(tmp_path / "x.weights.h5")
    theirs.load_weights(tmp_path / "x.weights.h5")
    _close(theirs.predict(x, verbose=0), fresh.predict(x, verbose=0))
