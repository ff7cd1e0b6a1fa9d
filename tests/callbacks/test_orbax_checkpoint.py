"""OrbaxCheckpoint with real models and real orbax-checkpoint directories, and restoring from them."""

from __future__ import annotations

import os
import sys
import threading

import numpy as np
import pytest

import kerax
from kerax import layers
from kerax.callbacks import LambdaCallback, OrbaxCheckpoint

pytest.importorskip("orbax.checkpoint")

RNG = np.random.default_rng(0)
X = RNG.standard_normal((40, 5)).astype("float32")
Y = RNG.integers(0, 3, 40)


def make_model(units=8, steps_per_execution=1):
    model = kerax.Sequential(
        [
            kerax.Input((5,)),
            layers.Dense(units, activation="relu"),
            layers.BatchNormalization(),
            layers.Dropout(0.25, seed=3),
            layers.Dense(3),
        ]
    )
    model.compile(
        optimizer=kerax.optimizers.Adam(0.01),
        loss=kerax.losses.SparseCategoricalCrossentropy(True),
        metrics=["accuracy"],
        steps_per_execution=steps_per_execution,
    )
    return model


def fit(model, epochs, callbacks=(), **kwargs):
    kwargs = {"batch_size": 8, "shuffle": False, "verbose": 0, **kwargs}
    return model.fit(X, Y, epochs=epochs, callbacks=list(callbacks), **kwargs)


def steps(directory):
    return sorted(int(e) for e in os.listdir(directory) if e.isdigit())


def state(model):
    return [np.asarray(v.value) for v in model.weights + model.optimizer.variables]


def assert_same(a, b):
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)


def test_fit_keeps_the_newest_steps_and_training_resumes_identically(tmp_path):
    model = make_model()
    threads = set(threading.enumerate())
    at_epoch_end = []
    record = LambdaCallback(on_epoch_end=lambda epoch, logs: at_epoch_end.append(state(model)))
    fit(model, 3, [record, OrbaxCheckpoint(tmp_path, max_to_keep=2)])
    assert set(threading.enumerate()) <= threads  # the background writes finished and the manager closed
    assert steps(tmp_path) == [1, 2]  # epochs 2 and 3 (0-based step numbers); epoch 1's was deleted
    assert {"pytree", "model_config"} <= set(os.listdir(tmp_path / "2"))
    saved = state(model)
    middle = make_model()
    middle.load_weights(tmp_path / "1")  # written in the background while epoch 3 trained on the same arrays
    assert_same(state(middle), at_epoch_end[1])
    kerax.utils.set_random_seed(5)  # the dropout masks of the continued epoch
    fit(model, 1)

    layers.Dense(2)  # the fresh model's layers get other names (dense_3...): keys do not depend on them
    restored = make_model()
    restored.load_weights(tmp_path)
    assert restored.optimizer.iterations == 15
    assert_same(state(restored), saved)
    kerax.utils.set_random_seed(5)
    fit(restored, 1)
    assert_same(state(restored), state(model))


def test_load_model_rebuilds_the_compiled_model_from_the_newest_or_a_given_step(tmp_path):
    model = make_model()
    at_epoch_end = []
    record = LambdaCallback(on_epoch_end=lambda epoch, logs: at_epoch_end.append(state(model)))
    fit(model, 2, [record, OrbaxCheckpoint(tmp_path, max_to_keep=None, save_on_background=False)])
    assert steps(tmp_path) == [0, 1]

    loaded = kerax.saving.load_model(tmp_path)
    assert isinstance(loaded, kerax.Sequential) and loaded.compiled
    assert [type(layer).__name__ for layer in loaded.layers] == ["Dense", "BatchNormalization", "Dropout", "Dense"]
    assert_same(state(loaded), at_epoch_end[1])
    first = kerax.saving.load_model(tmp_path / "0")  # one step folder
    assert_same(state(first), at_epoch_end[0])
    again = make_model()
    again.load_weights(tmp_path / "0")
    assert_same(state(again), at_epoch_end[0])


def test_integer_save_freq_numbers_steps_by_batches_across_fits(tmp_path):
    # 5 batches an epoch run 2 per compiled call: saves fall on the first chunk boundary after 3 batches.
    model = make_model(steps_per_execution=2)
    checkpoint = OrbaxCheckpoint(tmp_path, save_freq=3, max_to_keep=None)
    fit(model, 2, [checkpoint])
    assert steps(tmp_path) == [4, 7, 10]
    fit(model, 1, [checkpoint])  # a second fit counts on from the optimizer's iterations
    assert steps(tmp_path) == [4, 7, 10, 14]
    restored = make_model()
    restored.load_weights(tmp_path)
    assert restored.optimizer.iterations == 14  # saved after the third fit's 4th batch, of 5


def test_save_weights_only_holds_the_variables_alone(tmp_path):
    model = make_model()
    fit(model, 1, [OrbaxCheckpoint(tmp_path, save_weights_only=True)])
    assert os.listdir(tmp_path / "0").count("model_config") == 0
    restored = make_model()
    restored.load_weights(tmp_path)
    assert_same([np.asarray(v.value) for v in restored.weights], [np.asarray(v.value) for v in model.weights])
    assert restored.optimizer.iterations == 0  # no optimizer state was saved
    with pytest.raises(ValueError, match="holds no model configuration.*save_weights_only"):
        kerax.saving.load_model(tmp_path)


def test_save_best_only_saves_improvements_only(tmp_path):
    model = make_model()
    never = OrbaxCheckpoint(tmp_path / "never", monitor="loss", save_best_only=True, initial_value_threshold=0)
    best = OrbaxCheckpoint(tmp_path / "best", monitor="loss", save_best_only=True, max_to_keep=None)
    unlogged = OrbaxCheckpoint(tmp_path / "unlogged", save_best_only=True)  # monitors val_loss: no validation
    with pytest.warns(UserWarning, match="val_loss.*not in the logs"):
        fit(model, 2, [never, best, unlogged])
    assert steps(tmp_path / "never") == []
    assert steps(tmp_path / "best") == [0, 1]  # Adam at 0.01 on 40 samples: the loss falls every epoch
    assert best.best == pytest.approx(model.history.history["loss"][-1])
    assert steps(tmp_path / "unlogged") == []


def test_a_step_already_saved_is_refused(tmp_path):
    model = make_model()
    fit(model, 2, [OrbaxCheckpoint(tmp_path)])
    with pytest.raises(ValueError, match="cannot save step 0 .* already holds step 1: steps must increase"):
        fit(model, 1, [OrbaxCheckpoint(tmp_path)])
    fit(model, 3, [OrbaxCheckpoint(tmp_path)], initial_epoch=2)
    assert steps(tmp_path) == [2]


def test_restoring_into_another_architecture_is_refused_and_changes_nothing(tmp_path):
    fit(make_model(), 1, [OrbaxCheckpoint(tmp_path)])
    other = make_model(units=4)
    before = state(other)
    with pytest.raises(ValueError, match=r"layers/dense/kernel: the model expects shape \(5, 4\), .* \(5, 8\)"):
        other.load_weights(tmp_path)
    assert_same(state(other), before)
    with pytest.raises(ValueError, match="by_name=True applies to kerax's safetensors files"):
        other.load_weights(tmp_path, by_name=True)


def test_assets_travel_with_the_model(tmp_path):
    @kerax.saving.register_keras_serializable(package="orbax_checkpoint_test")
    class Vocabulary(layers.Dense):
        def __init__(self, vocab="", **kwargs):
            super().__init__(**kwargs)
            self.vocab = vocab

        def save_assets(self, folder):
            with open(os.path.join(folder, "vocabulary.txt"), "w") as f:
                f.write(self.vocab)

        def load_assets(self, folder):
            with open(os.path.join(folder, "vocabulary.txt")) as f:
                self.vocab = f.read().upper()

    model = kerax.Sequential([kerax.Input((5,)), Vocabulary(vocab="a b c", units=3)])
    model.compile(optimizer="sgd", loss=kerax.losses.SparseCategoricalCrossentropy(True))
    fit(model, 1, [OrbaxCheckpoint(tmp_path)])
    loaded = kerax.saving.load_model(tmp_path)
    assert loaded.layers[0].vocab == "A B C"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"save_freq": "batch"}, "`save_freq` must be 'epoch' or a positive int, received 'batch'"),
        ({"save_freq": 0}, "`save_freq` must be 'epoch' or a positive int, received 0"),
        ({"max_to_keep": 0}, "`max_to_keep` must be a positive int or None, received 0"),
        ({"max_to_keep": True}, "`max_to_keep` must be a positive int or None, received True"),
        ({"mode": "best"}, "`mode` must be one of"),
    ],
)
def test_bad_arguments_are_refused(tmp_path, kwargs, message):
    with pytest.raises(ValueError, match=message):
        OrbaxCheckpoint(tmp_path, **kwargs)


def test_directory_must_be_a_directory(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(ValueError, match="`directory` must be a directory, but .*file' is a file"):
        OrbaxCheckpoint(tmp_path / "file")
    with pytest.raises(TypeError, match="expected a file path"):
        OrbaxCheckpoint(3)


def test_missing_orbax_names_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "orbax.checkpoint", None)
    with pytest.raises(
        ImportError, match=r"OrbaxCheckpoint needs the optional package orbax-checkpoint.*kerax\[orbax\]"
    ):
        OrbaxCheckpoint(tmp_path)


def _twin(lib):
    """The same compiled model in kerax or Keras, named alike after a clear_session()."""
    lib.backend.clear_session()
    model = lib.Sequential(
        [lib.Input((5,)), lib.layers.Dense(8, activation="relu"), lib.layers.BatchNormalization(), lib.layers.Dense(3)]
    )
    model.compile(
        optimizer=lib.optimizers.Adam(0.01), loss=lib.losses.SparseCategoricalCrossentropy(True), metrics=["accuracy"]
    )
    return model


def test_a_checkpoint_keras_wrote_restores_into_kerax(tmp_path):
    """Keras 3 keys its trees by variable path: kerax's paths are Keras's, so its checkpoints read too."""
    keras = pytest.importorskip("keras")
    theirs = _twin(keras)
    directory = str(tmp_path / "keras_checkpoints")
    theirs.fit(
        X, Y, batch_size=8, epochs=2, shuffle=False, verbose=0, callbacks=[keras.callbacks.OrbaxCheckpoint(directory)]
    )
    ours = _twin(kerax)
    ours.load_weights(directory)
    np.testing.assert_allclose(ours.predict(X, verbose=0), theirs.predict(X, verbose=0), rtol=1e-5, atol=1e-6)
    assert int(ours.optimizer.iterations) == int(theirs.optimizer.iterations) == 10
    for got, want in zip(ours.optimizer.variables, theirs.optimizer.variables, strict=True):
        assert got.path == want.path
        np.testing.assert_allclose(np.asarray(got.value), np.asarray(want.value), rtol=1e-6, err_msg=got.path)
    restored = kerax.saving.load_model(directory)  # the model config too
    np.testing.assert_allclose(restored.predict(X, verbose=0), theirs.predict(X, verbose=0), rtol=1e-5, atol=1e-6)
