"""BackupAndRestore and ModelCheckpoint with real models and real files."""

from __future__ import annotations

import os

import numpy as np
import pytest

import kerax
from kerax import layers
from kerax.callbacks import BackupAndRestore, Callback, ModelCheckpoint

RNG = np.random.default_rng(0)
X = RNG.standard_normal((48, 5)).astype("float32")
Y = RNG.integers(0, 3, 48)


def make_model():
    kerax.utils.clear_session()
    kerax.utils.set_random_seed(7)
    model = kerax.Sequential([kerax.Input((5,)), layers.Dense(8, activation="relu"), layers.Dense(3)])
    model.compile(optimizer=kerax.optimizers.Adam(0.01), loss=kerax.losses.SparseCategoricalCrossentropy(True))
    return model


class Crash(Callback):
    """Interrupts training when epoch `at` (0-based) begins, like a preempted machine."""

    def __init__(self, at):
        super().__init__()
        self.at = at

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.at:
            raise KeyboardInterrupt("preempted")


def test_interrupted_fit_resumes_where_it_stopped(tmp_path):
    straight = make_model()
    straight.fit(X, Y, epochs=4, batch_size=16, shuffle=False, verbose=0)

    model = make_model()
    backup = BackupAndRestore(tmp_path / "backup")
    with pytest.raises(KeyboardInterrupt):
        model.fit(X, Y, epochs=4, batch_size=16, shuffle=False, verbose=0, callbacks=[backup, Crash(at=2)])
    assert os.path.exists(tmp_path / "backup" / "latest.weights.safetensors")

    restarted = make_model()  # a fresh process would rebuild the model from code
    history = restarted.fit(X, Y, epochs=4, batch_size=16, shuffle=False, verbose=0, callbacks=[backup])
    assert history.epoch == [2, 3]
    assert int(restarted.optimizer.iterations) == int(straight.optimizer.iterations) == 12
    for a, b in zip(restarted.get_weights(), straight.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    assert not os.path.exists(tmp_path / "backup" / "latest.weights.safetensors")  # deleted after success


def test_double_checkpoint_falls_back_to_the_previous_backup(tmp_path):
    model = make_model()
    backup = BackupAndRestore(tmp_path, double_checkpoint=True, delete_checkpoint=False)
    model.fit(X, Y, epochs=3, batch_size=16, verbose=0, callbacks=[backup])
    (tmp_path / "latest.weights.safetensors").write_bytes(b"\x00" * 20)  # torn or corrupted
    restarted = make_model()
    history = restarted.fit(X, Y, epochs=3, batch_size=16, verbose=0, callbacks=[backup])
    assert history.epoch == [2]  # the previous backup recorded 2 finished epochs


def test_batch_level_backups_and_argument_checks(tmp_path):
    seen = []

    class Spy(BackupAndRestore):
        def _backup(self):
            seen.append(self._epochs_done)
            super()._backup()

    model = make_model()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", steps_per_execution=2)
    model.fit(X, Y, epochs=1, batch_size=8, verbose=0, callbacks=[Spy(tmp_path, save_freq=2)])
    assert len(seen) == 3  # 6 batches run 2 per call: a backup at every chunk boundary
    seen.clear()
    make_model().fit(X, Y, epochs=1, batch_size=8, verbose=0, callbacks=[Spy(tmp_path, save_freq=2)])
    assert len(seen) == 1  # verbose=0 runs the epoch as one chunk: backups happen between chunks
    with pytest.raises(ValueError, match="save_freq"):
        BackupAndRestore(tmp_path, save_freq=0)
    with pytest.raises(TypeError, match="backup_dir"):
        BackupAndRestore(3)
    unbuilt = BackupAndRestore(tmp_path)
    unbuilt.set_model(kerax.Sequential([layers.Dense(2)]))
    with pytest.raises(ValueError, match="must be built"):
        unbuilt.on_train_begin()


def test_model_checkpoint_writes_loadable_files(tmp_path):
    model = make_model()
    model.fit(
        X,
        Y,
        epochs=2,
        batch_size=16,
        verbose=0,
        validation_split=0.25,
        callbacks=[
            ModelCheckpoint(tmp_path / "m-{epoch:02d}.kerax"),
            ModelCheckpoint(tmp_path / "best.weights.safetensors", save_best_only=True, save_weights_only=True),
        ],
    )
    assert sorted(os.listdir(tmp_path)) == ["best.weights.safetensors", "m-01.kerax", "m-02.kerax"]
    last = kerax.models.load_model(tmp_path / "m-02.kerax")
    np.testing.assert_array_equal(last.predict(X, verbose=0), model.predict(X, verbose=0))
    twin = make_model()
    twin.load_weights(tmp_path / "best.weights.safetensors")
