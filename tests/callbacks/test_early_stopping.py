import os

import numpy as np
import pytest

from kerax.callbacks import EarlyStopping


def losses(*values, key="val_loss"):
    return [{key: v} for v in values]


def test_patience_stops_after_no_improvement(model, fit):
    es = EarlyStopping(monitor="val_loss", patience=2)
    cbs = fit([es], model, losses(1.0, 0.8, 0.9, 0.85, 0.7, 0.6))
    # best at epoch 1; epochs 2 and 3 do not improve -> stop at epoch 3
    assert es.stopped_epoch == 3
    assert cbs.history.epoch == [0, 1, 2, 3]
    assert model.stop_training


def test_patience_zero_stops_on_first_plateau(model, fit):
    es = EarlyStopping(monitor="loss", patience=0)
    fit([es], model, losses(1.0, 0.5, 0.5, 0.1, key="loss"))
    assert es.stopped_epoch == 2


def test_min_delta(model, fit):
    es = EarlyStopping(monitor="val_loss", patience=1, min_delta=0.1)
    fit([es], model, losses(1.0, 0.95, 0.5, 0.45))
    assert es.stopped_epoch == 1
    assert es.best == 1.0


def test_restore_best_weights(model, fit, capsys):
    es = EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True, verbose=1)
    fit([es], model, losses(1.0, 0.5, 0.7, 0.8, 0.1))
    assert es.best_epoch == 1
    # weights at the end of epoch e are e + 1
    assert all(np.all(w == 2.0) for w in model.weights)
    out = capsys.readouterr().out
    assert "Epoch 4: early stopping" in out
    assert "epoch 2" in out


def test_restore_happens_even_without_stopping(model, fit):
    es = EarlyStopping(monitor="val_loss", patience=5, restore_best_weights=True)
    fit([es], model, losses(1.0, 0.2, 0.5))
    assert not model.stop_training
    assert all(np.all(w == 2.0) for w in model.weights)


def test_mode_max_and_auto_inference(model, fit, make_model):
    es = EarlyStopping(monitor="val_accuracy", patience=1, mode="max")
    fit([es], model, losses(0.5, 0.6, 0.55, 0.9, key="val_accuracy"))
    assert es.stopped_epoch == 2

    es = EarlyStopping(monitor="val_accuracy", patience=1)  # auto -> max
    fit([es], make_model(), losses(0.5, 0.6, 0.55, 0.9, key="val_accuracy"))
    assert es.stopped_epoch == 2

    es = EarlyStopping(monitor="score", patience=1)
    with pytest.raises(ValueError, match="mode='auto'"):
        fit([es], make_model(), losses(0.5, 0.6, key="score"))


def test_auto_mode_reads_metric_direction_from_model(make_model, fit):
    class Metric:
        name = "score"
        _direction = "up"

    m = make_model()
    m.metrics = [Metric()]
    es = EarlyStopping(monitor="val_score", patience=0)
    fit([es], m, losses(0.1, 0.2, 0.15, key="val_score"))
    assert es.stopped_epoch == 2


def test_baseline_keeps_counting_until_beaten(model, fit, make_model):
    # improvements that do not beat the baseline do not reset the patience counter, so the
    # first non-improving epoch after `patience` epochs stops training (as in Keras)
    es = EarlyStopping(monitor="val_loss", patience=2, baseline=0.5)
    fit([es], model, losses(0.9, 0.8, 0.85, 0.7))
    assert es.stopped_epoch == 2 and es.best == 0.8

    es = EarlyStopping(monitor="val_loss", patience=2, baseline=0.5)
    fit([es], make_model(), losses(0.9, 0.4, 0.45, 0.42, 0.3))
    assert es.stopped_epoch == 3 and es.best == 0.4


def test_start_from_epoch(model, fit):
    es = EarlyStopping(monitor="val_loss", patience=0, start_from_epoch=2)
    fit([es], model, losses(1.0, 2.0, 3.0, 4.0, 5.0))
    assert es.stopped_epoch == 3


def test_missing_monitor_warns_and_continues(model, fit):
    es = EarlyStopping(monitor="val_loss", patience=0)
    with pytest.warns(UserWarning, match="val_loss.*Available keys: loss"):
        fit([es], model, losses(1.0, 2.0, key="loss"))
    assert not model.stop_training


def test_reusable_across_fits(model, fit):
    es = EarlyStopping(monitor="val_loss", patience=0)
    fit([es], model, losses(1.0, 2.0))
    assert es.stopped_epoch == 1
    fit([es], model, losses(5.0, 4.0, 3.0))
    assert es.stopped_epoch == 0 and es.best == 3.0


def test_argument_validation():
    with pytest.raises(ValueError, match="mode"):
        EarlyStopping(mode="up")
    with pytest.raises(ValueError, match="patience"):
        EarlyStopping(patience=-1)
    with pytest.raises(ValueError, match="start_from_epoch"):
        EarlyStopping(start_from_epoch=1.5)


SEQUENCES = [
    ([1.0, 0.9, 0.95, 0.97, 0.8, 0.99, 1.2], dict(patience=2)),
    ([1.0, 0.9, 0.95, 0.97, 0.8, 0.99, 1.2], dict(patience=1, min_delta=0.05)),
    ([0.9, 0.8, 0.7, 0.6, 0.65, 0.66], dict(patience=2, baseline=0.5)),
    ([0.9, 0.4, 0.45, 0.42, 0.3, 0.5, 0.6], dict(patience=2, baseline=0.5, restore_best_weights=True)),
    ([3.0, 2.0, 4.0, 5.0, 1.0, 6.0, 7.0], dict(patience=0, start_from_epoch=2)),
    ([0.1, 0.3, 0.2, 0.25, 0.4, 0.35, 0.3], dict(patience=1, mode="max")),
]


@pytest.mark.parametrize(("values", "kwargs"), SEQUENCES)
def test_matches_keras(values, kwargs, make_model, fit):
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")

    ours, theirs = make_model(), make_model()
    mine = EarlyStopping(monitor="val_loss", **kwargs)
    fit([mine], ours, losses(*values))

    ref = keras.callbacks.EarlyStopping(monitor="val_loss", **kwargs)
    ref.set_model(theirs)
    ref.on_train_begin()
    for epoch, v in enumerate(values):
        theirs.bump(epoch + 1)
        ref.on_epoch_end(epoch, {"val_loss": v})
        if theirs.stop_training:
            break
    ref.on_train_end()
    assert mine.stopped_epoch == ref.stopped_epoch
    assert mine.best == pytest.approx(float(ref.best))
    assert mine.best_epoch == ref.best_epoch
    assert [w.tolist() for w in ours.weights] == [w.tolist() for w in theirs.weights]
