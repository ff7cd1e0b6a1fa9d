import os
import pathlib

import pytest

from kerax.callbacks import ModelCheckpoint


def test_saves_every_epoch_with_formatted_names(model, fit, tmp_path):
    pattern = str(tmp_path / "ckpt" / "model-{epoch:02d}-{val_loss:.2f}.keras")
    fit([ModelCheckpoint(pattern)], model, [{"val_loss": 0.5}, {"val_loss": 0.4567}, {"val_loss": 0.7}])
    names = [(kind, os.path.basename(p)) for kind, p in model.saved]
    assert names == [
        ("model", "model-01-0.50.keras"),
        ("model", "model-02-0.46.keras"),
        ("model", "model-03-0.70.keras"),
    ]
    assert (tmp_path / "ckpt").is_dir()  # missing folders are created


def test_save_best_only_min_and_max(model, fit, make_model, tmp_path, capsys):
    path = str(tmp_path / "best.keras")
    fit(
        [ModelCheckpoint(path, save_best_only=True, verbose=1)],
        model,
        [{"val_loss": 0.5}, {"val_loss": 0.6}, {"val_loss": 0.4}, {"val_loss": 0.4}],
    )
    assert len(model.saved) == 2  # epochs 1 and 3
    out = capsys.readouterr().out
    assert "Epoch 1: val_loss improved from None to 0.50000" in out
    assert "Epoch 2: val_loss did not improve from 0.50000" in out
    assert "Epoch 3: val_loss improved from 0.50000 to 0.40000" in out

    m = make_model()
    fit(
        [ModelCheckpoint(path, monitor="val_accuracy", save_best_only=True)],
        m,
        [{"val_accuracy": 0.5}, {"val_accuracy": 0.4}, {"val_accuracy": 0.8}],
    )
    assert len(m.saved) == 2


def test_initial_value_threshold(model, fit, tmp_path):
    cb = ModelCheckpoint(str(tmp_path / "m.keras"), save_best_only=True, initial_value_threshold=0.45)
    fit([cb], model, [{"val_loss": 0.5}, {"val_loss": 0.4}])
    assert len(model.saved) == 1


def test_save_weights_only_and_pathlike(model, fit, tmp_path):
    cb = ModelCheckpoint(pathlib.Path(tmp_path / "w-{epoch}.weights.h5"), save_weights_only=True)
    fit([cb], model, [{"val_loss": 0.5}])
    assert model.saved == [("weights", str(tmp_path / "w-1.weights.h5"))]


def test_best_only_with_missing_monitor_warns_and_saves(model, fit, tmp_path):
    cb = ModelCheckpoint(str(tmp_path / "m.keras"), save_best_only=True)
    with pytest.warns(UserWarning, match="val_loss"):
        fit([cb], model, [{"loss": 0.5}])
    assert len(model.saved) == 1


def test_integer_save_freq_counts_batches_across_chunks(model, fit, tmp_path):
    cb = ModelCheckpoint(str(tmp_path / "m-{epoch}-{batch}.keras"), save_freq=3)
    # 4 steps per epoch in chunks of 2 -> batch ends reported at 1, 3 (per epoch)
    fit([cb], model, [{"loss": 1.0}, {"loss": 0.9}], steps=4, chunk=2)
    names = [os.path.basename(p) for _, p in model.saved]
    # seen: 2, 4 (save at epoch 1 batch 4), 2, 4 (save at epoch 2 batch 4)
    assert names == ["m-1-4.keras", "m-2-4.keras"]


def test_missing_format_field_raises(model, fit, tmp_path):
    cb = ModelCheckpoint(str(tmp_path / "m-{val_acc:.2f}.keras"))
    with pytest.raises(KeyError, match="val_acc"):
        fit([cb], model, [{"val_loss": 0.5}])


def test_existing_directory_is_rejected(model, fit, tmp_path):
    (tmp_path / "dir.keras").mkdir()
    with pytest.raises(IsADirectoryError, match="directory"):
        fit([ModelCheckpoint(str(tmp_path / "dir.keras"))], model, [{"val_loss": 0.5}])


def test_argument_validation(tmp_path):
    with pytest.raises(ValueError, match="save_freq"):
        ModelCheckpoint(str(tmp_path / "m.keras"), save_freq="batch")
    with pytest.raises(ValueError, match="save_freq"):
        ModelCheckpoint(str(tmp_path / "m.keras"), save_freq=0)
    with pytest.raises(ValueError, match="mode"):
        ModelCheckpoint(str(tmp_path / "m.keras"), mode="best")
    with pytest.raises(TypeError, match="filepath"):
        ModelCheckpoint(3)
