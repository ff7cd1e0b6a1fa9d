import contextlib
import io
import os
import re

import numpy as np
import pytest

from kerax.backend import _progbar
from kerax.backend._progbar import Progbar, format_eta, format_value, print_msg

ANSI = re.compile(r"\x1b\[[0-9;]*m")
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")  # every control character except '\n'


class Clock:
    def __init__(self, start=1000.0):
        self.now = start

    def time(self):
        return self.now


class FakeTTY(io.StringIO):
    def isatty(self):
        return True


def drive(bar_factory, module, steps, values, first=0.5, dt=0.001, finalize_last=None):
    """Create a bar under a fake clock and update it once per step; return the bar."""
    clock = Clock()
    saved = module.time
    module.time = clock
    try:
        bar = bar_factory()
        for i in range(1, steps + 1):
            clock.now += first if i == 1 else dt
            finalize = finalize_last if (i == steps and finalize_last is not None) else None
            bar.update(i, values(i), finalize=finalize)
    finally:
        module.time = saved
    return bar


def keras_output(steps, values, verbose, target="same", **kw):
    os.environ.setdefault("KERAS_BACKEND", "jax")
    pytest.importorskip("keras")
    from keras.src.utils import progbar as kp

    names = [name for name, _ in values(1)]
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        drive(
            lambda: kp.Progbar(steps if target == "same" else target, verbose=verbose, stateful_metrics=names),
            kp,
            steps,
            values,
            **kw,
        )
    return buf.getvalue()


def ours(steps, values, verbose, target="same", stream=None, dynamic=False, **kw):
    stream = io.StringIO() if stream is None else stream
    drive(
        lambda: Progbar(steps if target == "same" else target, verbose=verbose, stream=stream, dynamic=dynamic),
        _progbar,
        steps,
        values,
        **kw,
    )
    return stream.getvalue()


def last_keras_line(raw):
    return ANSI.sub("", raw).replace("\b", "").split("\r")[-1].rstrip("\n").rstrip(" ")


SCENARIOS = {
    "ms_per_step": dict(steps=1875, dt=0.0011, values=lambda i: [("accuracy", 0.8 + i * 1e-5), ("loss", 0.3449)]),
    "s_per_step": dict(steps=7, dt=2.5, values=lambda i: [("loss", 12.5), ("mae", 2e-5), ("zero", 0.0)]),
    "us_per_step": dict(steps=120, dt=4e-7, values=lambda i: [("loss", np.float32(0.123456))]),
    "long": dict(steps=300, dt=20.0, values=lambda i: [("loss", 1.0 / i)]),
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_non_tty_line_matches_keras_final_line(name):
    sc = SCENARIOS[name]
    mine = ours(sc["steps"], sc["values"], verbose=1, dt=sc["dt"])
    theirs = last_keras_line(keras_output(sc["steps"], sc["values"], verbose=1, dt=sc["dt"]))
    assert mine == theirs + "\n"
    assert mine.count("\n") == 1 and not CONTROL.search(mine) and not ANSI.search(mine)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_verbose_2_matches_keras(name):
    sc = SCENARIOS[name]
    mine = ours(sc["steps"], sc["values"], verbose=2, dt=sc["dt"])
    theirs = keras_output(sc["steps"], sc["values"], verbose=2, dt=sc["dt"])
    assert mine == theirs
    assert re.fullmatch(r"\d+/\d+ - \d+s - \d+(s|ms|us)/step( - \w+: \S+)*\n", mine)


def test_mnist_like_lines():
    values = lambda i: [("accuracy", 0.8765), ("loss", 0.3449)]
    line = ours(1875, values, verbose=1, first=0.3, dt=0.001)
    assert line == "1875/1875 ━━━━━━━━━━━━━━━━━━━━ 2s 1ms/step - accuracy: 0.8765 - loss: 0.3449\n"
    line = ours(1875, values, verbose=2, first=0.3, dt=0.001)
    assert line == "1875/1875 - 2s - 1ms/step - accuracy: 0.8765 - loss: 0.3449\n"


def test_tty_output_matches_keras_live_output():
    sc = SCENARIOS["long"]
    mine = ours(sc["steps"], sc["values"], verbose=1, stream=FakeTTY(), dynamic=None, dt=sc["dt"])
    theirs = keras_output(sc["steps"], sc["values"], verbose=1, dt=sc["dt"])
    assert mine == theirs.replace("\b", "")


def test_tty_live_updates_eta_and_throttle():
    stream = FakeTTY()
    values = lambda i: {"loss": 0.5}
    ours(100, values, verbose=1, stream=stream, dynamic=None, dt=1.0)
    out = stream.getvalue()
    frames = out.split("\r")[1:]
    assert len(frames) == 100 and out.endswith("\n") and out.count("\n") == 1
    plain = [ANSI.sub("", f).rstrip() for f in frames]
    assert plain[9] == " 10/100 ━━━━━━━━━━━━━━━━━━━━ 1:30 1s/step - loss: 0.5000"
    assert plain[-1] == "100/100 ━━━━━━━━━━━━━━━━━━━━ 100s 1s/step - loss: 0.5000"
    assert "\x1b[32m" + "━" * 2 in frames[9]  # 2 of 20 cells done, in green

    # fast steps: redraws are throttled to one per `interval` seconds (+ the final one)
    stream = FakeTTY()
    ours(1000, values, verbose=1, stream=stream, dynamic=None, first=0.0, dt=0.001)
    assert stream.getvalue().count("\r") == 21


def test_dynamic_detection_and_override():
    assert Progbar(5, stream=FakeTTY()).dynamic
    assert not Progbar(5, stream=io.StringIO()).dynamic
    assert not Progbar(5, stream=FakeTTY(), dynamic=False).dynamic
    assert Progbar(5, stream=io.StringIO(), dynamic=True).dynamic


def test_non_tty_prints_nothing_until_finalized():
    stream = io.StringIO()
    bar = Progbar(10, stream=stream, dynamic=False)
    for i in range(1, 10):
        bar.update(i, {"loss": 1.0})
    assert stream.getvalue() == ""
    bar.update(10, {"loss": 1.0})
    assert stream.getvalue().count("\n") == 1


def test_unknown_target_and_explicit_finalize():
    values = lambda i: [("loss", 0.25)]
    mine = ours(40, values, verbose=1, target=None, dt=0.01, finalize_last=True)
    theirs = last_keras_line(keras_output(40, values, verbose=1, target=None, dt=0.01, finalize_last=True))
    assert mine == theirs + "\n"
    assert mine.startswith("     40/Unknown ")
    mine = ours(40, values, verbose=2, target=None, dt=0.01, finalize_last=True)
    assert mine == "40/40 - 1s - 10ms/step - loss: 0.2500\n"


def test_partial_bar_without_colour():
    stream = io.StringIO()
    bar = Progbar(20, stream=stream, dynamic=False)
    bar.update(5, {"loss": 1.0}, finalize=True)
    assert stream.getvalue().startswith(" 5/20 ━━━━━───────────────")


def test_add_and_verbose_0():
    stream = io.StringIO()
    bar = Progbar(4, verbose=0, stream=stream)
    bar.add(2)
    bar.add(2, [("loss", 1.0)])
    assert stream.getvalue() == ""
    stream = io.StringIO()
    bar = Progbar(4, verbose=2, stream=stream)
    bar.add(2)
    bar.add(2, [("loss", 1.0)])
    assert stream.getvalue().startswith("4/4 - ")


def test_value_formatting():
    assert format_value(0.34491) == "0.3449"
    assert format_value(-2.5) == "-2.5000"
    assert format_value(1e-4) == "1.0000e-04"
    assert format_value(0) == "0.0000e+00"
    assert format_value(float("nan")) == "nan"
    assert format_value(np.array([1.0, 3.0])) == "2.0000"
    assert format_value("text") == "text"
    assert _progbar.format_duration_per_unit(0.0009999999, "step") == "1ms/step"
    assert _progbar.format_duration_per_unit(0.9996, "step") == "1s/step"
    assert _progbar.format_duration_per_unit(4.2e-7, "sample") == "0us/sample"
    assert _progbar.format_duration_per_unit(0.0123, "step") == "12ms/step"
    assert format_eta(59) == "59s"
    assert format_eta(187) == "3:07"
    assert format_eta(3723) == "1:02:03"


def test_print_msg_closes_open_live_line():
    stream = FakeTTY()
    bar = Progbar(10, stream=stream, dynamic=True)
    bar.update(3, {"loss": 1.0})
    print_msg("note", stream)
    assert stream.getvalue().endswith("\nnote\n")
    print_msg("again", stream)
    assert stream.getvalue().endswith("\nnote\nagain\n")
    bar.update(10, {"loss": 1.0})
    assert stream.getvalue().endswith("\n") and "\n\n" not in stream.getvalue()


def test_argument_validation():
    with pytest.raises(ValueError, match="verbose"):
        Progbar(10, verbose=3)
    with pytest.raises(TypeError, match="target"):
        Progbar(10.5)
    with pytest.raises(ValueError, match="target"):
        Progbar(-1)
    with pytest.raises(ValueError, match="width"):
        Progbar(10, width=0)


def test_a_chunk_then_a_compiled_tail_step_shows_the_average_step():
    """evaluate runs 19 steps in one call, then the partial last batch, whose step compiles (0.19 s):
    the line shows the average over all 20 steps, not the tail's compilation as if it were a step."""
    clock = Clock()
    saved = _progbar.time
    _progbar.time = clock
    try:
        stream = io.StringIO()
        bar = Progbar(20, verbose=2, stream=stream)
        clock.now += 0.18
        bar.update(19, {"loss": 0.5})
        clock.now += 0.19
        bar.update(20, {"loss": 0.5})
    finally:
        _progbar.time = saved
    assert stream.getvalue() == "20/20 - 0s - 19ms/step - loss: 0.5000\n"  # 0.37 s / 20, not 190ms
