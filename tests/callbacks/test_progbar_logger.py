import io
import re

import pytest

from kerax.backend import _progbar
from kerax.callbacks import CallbackList, ProgbarLogger, TerminateOnNaN


class Clock:
    def __init__(self):
        self.now = 100.0

    def time(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    c = Clock()
    monkeypatch.setattr(_progbar, "time", c)
    return c


def simulated_fit(cbs, clock, epochs, steps, chunk, val=True, model=None):
    cbs.on_train_begin()
    for epoch in range(epochs):
        cbs.on_epoch_begin(epoch)
        for start in range(0, steps, chunk):
            end = min(start + chunk, steps) - 1
            cbs.on_train_batch_begin(start)
            clock.now += 0.01 * (end - start + 1)
            cbs.on_train_batch_end(end, {"loss": 0.5 / (epoch + 1), "accuracy": 0.5 + 0.1 * epoch})
            if model is not None and model.stop_training:
                break
        logs = {"loss": 0.5 / (epoch + 1), "accuracy": 0.5 + 0.1 * epoch}
        if val:
            cbs.on_test_begin()
            cbs.on_test_batch_end(0, {"loss": 9.0})
            cbs.on_test_end({"loss": 9.0})
            logs.update(val_loss=0.75, val_accuracy=0.25)
        cbs.on_epoch_end(epoch, logs)
        if model is not None and model.stop_training:
            break
    cbs.on_train_end()


def test_fit_output_non_tty(model, clock, capsys):
    cbs = CallbackList([], add_history=True, add_progbar=True, model=model, verbose=1, epochs=2, steps=100)
    simulated_fit(cbs, clock, epochs=2, steps=100, chunk=25)
    out = capsys.readouterr().out
    assert out == (
        "Epoch 1/2\n"
        "100/100 ━━━━━━━━━━━━━━━━━━━━ 1s 10ms/step - accuracy: 0.5000 - loss: 0.5000 - val_accuracy: 0.2500 "
        "- val_loss: 0.7500\n"
        "Epoch 2/2\n"
        "100/100 ━━━━━━━━━━━━━━━━━━━━ 1s 10ms/step - accuracy: 0.6000 - loss: 0.2500 - val_accuracy: 0.2500 "
        "- val_loss: 0.7500\n"
    )


def test_fit_output_verbose_2_single_epoch(model, clock, capsys):
    cbs = CallbackList([], add_progbar=True, model=model, verbose=2, epochs=1, steps=10)
    simulated_fit(cbs, clock, epochs=1, steps=10, chunk=10, val=False)
    # one epoch: no "Epoch 1/1" header, as in Keras
    assert capsys.readouterr().out == "10/10 - 0s - 10ms/step - accuracy: 0.5000 - loss: 0.5000\n"


def test_verbose_0_is_silent(model, clock, capsys):
    cbs = CallbackList([], add_progbar=True, model=model, verbose=0, epochs=3, steps=10)
    simulated_fit(cbs, clock, epochs=3, steps=10, chunk=5)
    assert capsys.readouterr().out == ""


def test_fit_on_tty_redraws_in_place(model, clock):
    stream = _TTY()
    logger = ProgbarLogger(stream=stream)
    cbs = CallbackList([logger], model=model, verbose="auto", epochs=2, steps=100)
    simulated_fit(cbs, clock, epochs=2, steps=100, chunk=10)
    out = stream.getvalue()
    lines = out.split("\n")
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2" and lines[-1] == ""
    assert lines[1].count("\r") == 11  # one redraw per chunk, then the final line
    assert "\x1b[" in lines[1]
    final = re.sub(r"\x1b\[[0-9;]*m", "", lines[1].split("\r")[-1])
    assert final.startswith("100/100 ━━━━━━━━━━━━━━━━━━━━ 1s 10ms/step - accuracy: 0.5000")


def test_unknown_steps_uses_batches_seen(model, clock, capsys):
    cbs = CallbackList([], add_progbar=True, model=model, verbose=1, epochs=1, steps=None)
    simulated_fit(cbs, clock, epochs=1, steps=30, chunk=10, val=False)
    assert capsys.readouterr().out.startswith("30/30 ━━━━━━━━━━━━━━━━━━━━ 0s 10ms/step - accuracy")


def test_evaluate_and_predict_bars(model, clock, capsys):
    cbs = CallbackList([], add_progbar=True, model=model, verbose=1, epochs=1, steps=4)
    cbs.on_test_begin()
    for batch in range(4):
        clock.now += 0.002
        cbs.on_test_batch_end(batch, {"loss": 0.125})
    cbs.on_test_end({"loss": 0.125})
    cbs.on_predict_begin()
    for batch in range(4):
        clock.now += 0.002
        cbs.on_predict_batch_end(batch, {"outputs": [1, 2]})
    cbs.on_predict_end()
    assert capsys.readouterr().out == (
        "4/4 ━━━━━━━━━━━━━━━━━━━━ 0s 2ms/step - loss: 0.1250\n4/4 ━━━━━━━━━━━━━━━━━━━━ 0s 2ms/step\n"
    )


def test_stopped_epoch_shows_partial_bar_after_message(model, clock, capsys):
    cbs = CallbackList([TerminateOnNaN()], add_progbar=True, model=model, verbose=1, epochs=1, steps=100)
    cbs.on_train_begin()
    cbs.on_epoch_begin(0)
    cbs.on_train_batch_end(19, {"loss": 1.0})
    cbs.on_train_batch_end(39, {"loss": float("nan")})
    assert model.stop_training
    cbs.on_epoch_end(0, {"loss": float("nan")})
    cbs.on_train_end()
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "Epoch 1, batch 39: invalid loss (nan), terminating training.",
        " 40/100 ━━━━━━━━──────────── 0s 0s/step - loss: nan",
    ]


def test_invalid_verbose():
    with pytest.raises(ValueError, match="verbose"):
        CallbackList([ProgbarLogger()], verbose=5, epochs=1, steps=1)


class _TTY(io.StringIO):
    def isatty(self):
        return True
