import os

import pytest

from kerax.callbacks import LearningRateScheduler, ReduceLROnPlateau


def test_scheduler_sets_float_learning_rate(model, fit, capsys):
    seen = []

    def schedule(epoch, lr):
        seen.append((epoch, lr))
        return lr * 0.5 if epoch else lr

    cbs = fit([LearningRateScheduler(schedule, verbose=1)], model, [{"loss": 1.0}] * 3)
    assert seen == [(0, 0.1), (1, 0.1), (2, 0.05)]
    assert model.optimizer.learning_rate == pytest.approx(0.025)
    assert type(model.optimizer.learning_rate) is float
    assert cbs.history.history["learning_rate"] == pytest.approx([0.1, 0.05, 0.025])
    assert "Epoch 2: LearningRateScheduler set the learning rate to 0.05." in capsys.readouterr().out


def test_scheduler_accepts_epoch_only_functions(model, fit):
    fit([LearningRateScheduler(lambda epoch: 0.01 * (epoch + 1))], model, [{"loss": 1.0}] * 2)
    assert model.optimizer.learning_rate == pytest.approx(0.02)


def test_scheduler_rejects_bad_values(model, fit):
    with pytest.raises(ValueError, match="float"):
        fit([LearningRateScheduler(lambda epoch, lr: "fast")], model, [{"loss": 1.0}])
    with pytest.raises(TypeError, match="schedule"):
        LearningRateScheduler(0.1)


def test_reduce_on_plateau_patience_and_factor(model, fit):
    cb = ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=2)
    cbs = fit([cb], model, [{"val_loss": v} for v in (1.0, 1.0, 1.0, 1.0, 1.0, 0.5)])
    # plateau epochs 1, 2 -> reduce at 2; epochs 3, 4 -> reduce at 4
    assert cbs.history.history["learning_rate"] == pytest.approx([0.1, 0.1, 0.1, 0.05, 0.05, 0.025])
    assert model.optimizer.learning_rate == pytest.approx(0.025)
    assert type(model.optimizer.learning_rate) is float


def test_reduce_on_plateau_cooldown_and_min_lr(model, fit, capsys):
    cb = ReduceLROnPlateau(monitor="loss", factor=0.1, patience=1, cooldown=2, min_lr=0.002, verbose=1)
    cbs = fit([cb], model, [{"loss": 1.0}] * 8)
    # reduce at the end of epoch index 1; the cooldown counter ticks at epochs 2 and 3 (epoch 2
    # is skipped, epoch 3 counts, as in Keras), reduce (clipped to min_lr) at epoch 3; then the
    # rate is at min_lr and stays there
    assert cbs.history.history["learning_rate"] == pytest.approx([0.1, 0.1, 0.01, 0.01, 0.002, 0.002, 0.002, 0.002])
    out = capsys.readouterr().out
    assert out.count("ReduceLROnPlateau lowered the learning rate") == 2
    assert "Epoch 2: ReduceLROnPlateau lowered the learning rate to 0.01.\n" in out
    assert "Epoch 4: ReduceLROnPlateau lowered the learning rate to 0.002.\n" in out


def test_reduce_on_plateau_validation():
    with pytest.raises(ValueError, match="factor"):
        ReduceLROnPlateau(factor=1.0)
    with pytest.raises(ValueError, match="cooldown"):
        ReduceLROnPlateau(cooldown=-1)
    with pytest.raises(ValueError, match="min_lr"):
        ReduceLROnPlateau(min_lr=-1)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(factor=0.5, patience=2),
        dict(factor=0.1, patience=1, cooldown=2, min_lr=0.002),
        dict(factor=0.5, patience=0, min_delta=0.05),
        dict(factor=0.2, patience=1, mode="max"),
    ],
)
def test_reduce_on_plateau_matches_keras(kwargs, make_model, fit):
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")
    values = [1.0, 0.98, 0.99, 0.9, 0.95, 0.96, 0.97, 0.5, 0.6, 0.6, 0.7, 0.4]
    ours, theirs = make_model(), make_model()
    cbs = fit([ReduceLROnPlateau(monitor="val_loss", **kwargs)], ours, [{"val_loss": v} for v in values])
    ref = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", **kwargs)
    ref.set_model(theirs)
    ref.on_train_begin()
    ref_lrs = []
    for epoch, v in enumerate(values):
        logs = {"val_loss": v}
        ref.on_epoch_end(epoch, logs)
        ref_lrs.append(logs["learning_rate"])
    assert cbs.history.history["learning_rate"] == pytest.approx(ref_lrs)
    assert ours.optimizer.learning_rate == pytest.approx(theirs.optimizer.learning_rate)
