import math

import pytest

from kerax.callbacks import TerminateOnNaN


def test_stops_at_batch_with_epoch_and_batch_in_message(model, fit, capsys):
    cb = TerminateOnNaN()
    cbs = fit([cb], model, [{"loss": 1.0}, {"loss": math.nan}, {"loss": 0.5}], steps=6, chunk=2)
    assert model.stop_training
    assert cbs.history.epoch == [0, 1]  # the loop stopped during epoch 2
    out = capsys.readouterr().out
    assert out.strip() == "Epoch 2, batch 1: invalid loss (nan), terminating training."
    assert cb.message == "Epoch 2, batch 1: invalid loss (nan), terminating training."


def test_infinite_loss_and_epoch_end_check(model, make_model, capsys):
    from kerax.callbacks import CallbackList

    cb = TerminateOnNaN()
    cbs = CallbackList([cb], model=model)
    cbs.on_train_begin()
    cbs.on_epoch_begin(0)
    cbs.on_epoch_end(0, {"loss": 0.5})
    assert not model.stop_training
    cbs.on_epoch_begin(1)
    cbs.on_epoch_end(1, {"loss": math.inf})
    assert model.stop_training
    assert "Epoch 2, end of epoch: invalid loss (inf)" in capsys.readouterr().out


def test_reports_once(model, fit, capsys):
    fit([TerminateOnNaN()], model, [{"loss": math.nan}], steps=4, chunk=1)
    assert capsys.readouterr().out.count("terminating training") == 1


def test_finite_losses_and_missing_loss_do_nothing(model, fit, capsys):
    fit([TerminateOnNaN()], model, [{"loss": 1.0}, {"accuracy": 0.5}])
    assert not model.stop_training
    assert capsys.readouterr().out == ""


def test_raise_error(model, fit):
    with pytest.raises(RuntimeError, match="Epoch 1, batch 1: invalid loss"):
        fit([TerminateOnNaN(raise_error=True)], model, [{"loss": math.nan}], steps=4, chunk=2)
