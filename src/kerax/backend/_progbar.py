"""Keras-3-style progress bar that behaves well on terminals, pipes, files and CI logs."""

from __future__ import annotations

import logging
import math
import os
import sys
import time
from collections.abc import Iterable, Mapping
from typing import Any, TextIO

import numpy as np

from kerax.backend import _config

# ANSI styles used on terminals (never written when the stream is not a terminal).
_BOLD = "\x1b[1m"
_GREEN = "\x1b[32m"
_WHITE = "\x1b[37m"
_RESET = "\x1b[0m"
_BAR_CHAR = "\u2501"  # '━'
_REST_CHAR = "\u2500"  # '─', the unfilled part when colours are not available

# The stream on which a live (dynamic) progress line is currently left unfinished, if any.
_open_line_stream: TextIO | None = None


_logger = logging.getLogger("kerax")


def _logs_instead(stream: TextIO | None) -> bool:
    """Whether output meant for the default stream goes to ``logging`` (interactive logging is off)."""
    return stream is None and not _config.is_interactive_logging_enabled()


def _log(text: str) -> None:
    for line in text.replace("\r", "\n").splitlines():
        if line.strip():
            _logger.info(line)


def _resolve_stream(stream: TextIO | None) -> TextIO:
    return sys.stdout if stream is None else stream


def _stream_is_dynamic(stream: TextIO) -> bool:
    """Whether `stream` can redraw a line in place with a carriage return."""
    isatty = getattr(stream, "isatty", None)
    try:
        if callable(isatty) and isatty():
            return True
    except (ValueError, OSError):  # closed or detached streams
        return False
    # Notebook front-ends render '\r' even though their stdout is not a tty.
    if stream is sys.stdout or stream is sys.stderr:
        return "ipykernel" in sys.modules or "PYCHARM_HOSTED" in os.environ
    return False


def _write(stream: TextIO, text: str) -> None:
    stream.write(text)
    flush = getattr(stream, "flush", None)
    if callable(flush):
        flush()


def print_msg(message: str, stream: TextIO | None = None) -> None:
    """Print one message line, first closing a live progress line left open on the same stream.

    Args:
        message: The text to print; a newline is appended.
        stream: Where to write; `None` means the current `sys.stdout`.
    """
    global _open_line_stream
    if _logs_instead(stream):
        _log(message)
        return
    out = _resolve_stream(stream)
    prefix = ""
    if _open_line_stream is not None and _open_line_stream is out:
        prefix = "\n"
        _open_line_stream = None
    _write(out, f"{prefix}{message}\n")


def format_value(value: Any) -> str:
    """Format one metric value as the progress bar shows it: 4 decimals, or 'e' notation when tiny.

    Args:
        value: A number (Python, NumPy or array-like scalar); arrays are averaged, other objects
            are shown with `str`.
    """
    if isinstance(value, str | bytes):
        return value if isinstance(value, str) else value.decode(errors="replace")
    try:
        arr = np.asarray(value)
    except Exception:  # any unconvertible object is simply printed
        return str(value)
    if arr.dtype.kind not in "biuf" or arr.size == 0:
        return str(value)
    number = float(np.mean(arr)) if arr.ndim else float(arr)
    if abs(number) > 1e-3:
        return f"{number:.4f}"
    return f"{number:.4e}"


def format_duration_per_unit(seconds: float, unit_name: str) -> str:
    """Format the time one unit takes, e.g. '2s/step', '13ms/step' or '870us/step'.

    Args:
        seconds: Duration of a single unit, in seconds.
        unit_name: Name of the unit, e.g. "step" or "sample".
    """
    # Pick the unit from the rounded value so that 0.9999996 ms shows as "1ms", not "1000us".
    if seconds == 0 or round(seconds * 1e3) >= 1000:
        return f"{seconds:.0f}s/{unit_name}"
    if round(seconds * 1e6) >= 1000:
        return f"{seconds * 1e3:.0f}ms/{unit_name}"
    return f"{seconds * 1e6:.0f}us/{unit_name}"


def format_eta(seconds: float) -> str:
    """Format a remaining-time estimate: '42s', '3:07' or '1:02:03'.

    Args:
        seconds: Estimated remaining time, in seconds.
    """
    if seconds > 3600:
        return f"{int(seconds // 3600)}:{int((seconds % 3600) // 60):02d}:{int(seconds % 60):02d}"
    if seconds > 60:
        return f"{int(seconds // 60)}:{int(seconds % 60):02d}"
    return f"{int(seconds)}s"


class Progbar:
    """Progress bar with the Keras 3 look, one clean line per epoch when output is not a terminal.

    Values given to `update` are displayed exactly as given (they are expected to be running
    averages already computed by the caller).

    Args:
        target: Total number of steps expected, or `None` if unknown.
        width: Width of the bar, in characters. Defaults to `20`.
        verbose: 0 (silent), 1 (progress bar) or 2 (one summary line when finished). Defaults to `1`.
        interval: Minimum number of seconds between two redraws on a terminal. Defaults to `0.05`.
        stateful_metrics: Accepted for Keras compatibility; every metric is shown as given. Defaults to `None`.
        unit_name: Display name of a step, e.g. "step" or "sample". Defaults to `"step"`.
        stream: Text stream to write to; `None` means the current `sys.stdout`. Defaults to `None`.
        dynamic: Whether to redraw the line in place with '\\r'. `None` detects it from the
            stream (a terminal or a notebook); `False` prints a single final line per bar. Defaults to `None`.
    """

    def __init__(
        self,
        target: int | None,
        width: int = 20,
        verbose: int = 1,
        interval: float = 0.05,
        stateful_metrics: Iterable[str] | None = None,
        unit_name: str = "step",
        stream: TextIO | None = None,
        dynamic: bool | None = None,
    ) -> None:
        if target is not None:
            if isinstance(target, bool) or not isinstance(target, int | np.integer):
                raise TypeError(f"Progbar: `target` must be an int or None, received {target!r}.")
            target = int(target)
            if target < 0:
                raise ValueError(f"Progbar: `target` must be >= 0 or None, received {target}.")
        if isinstance(width, bool) or not isinstance(width, int) or width < 1:
            raise ValueError(f"Progbar: `width` must be a positive int, received {width!r}.")
        if verbose not in (0, 1, 2):
            raise ValueError(f"Progbar: `verbose` must be 0, 1 or 2, received {verbose!r}.")
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = float(interval)
        self.stateful_metrics = set(stateful_metrics or ())
        self.unit_name = unit_name
        self.stream = stream
        if dynamic is None:
            dynamic = _stream_is_dynamic(_resolve_stream(stream))
        self.dynamic = bool(dynamic)
        self.use_color = self.dynamic and "NO_COLOR" not in os.environ

        self._values: dict[str, Any] = {}
        self._seen_so_far = 0
        self._start = time.time()
        self._last_update = 0.0
        self._first_update: tuple[int, float] | None = None  # (step, time) of the first timed update
        self._prev_width = 0

    # ------------------------------------------------------------------ public API
    def update(
        self,
        current: int,
        values: Mapping[str, Any] | Iterable[tuple[str, Any]] | None = None,
        finalize: bool | None = None,
    ) -> None:
        """Record progress up to step `current` and redraw the bar if due.

        Args:
            current: Number of steps completed so far (1-based index of the last finished step).
            values: Metric values to show, as a mapping or `(name, value)` pairs; shown as given,
                in the order names are first seen.
            finalize: Whether this is the last update of the bar; `None` means
                `current >= target` (never, when the target is unknown).
        """
        global _open_line_stream
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        if values is not None:
            items = values.items() if isinstance(values, Mapping) else values
            for name, value in items:
                self._values[name] = value
        self._seen_so_far = current

        now = time.time()
        per_unit = self._time_per_unit(current, now)
        if self.verbose == 0:
            self._last_update = now
            return
        if _logs_instead(self.stream):
            if finalize:
                if self.verbose == 2:
                    _log(self._summary_line(current, now, per_unit))
                else:
                    _log(self._bar_line(current, now, per_unit, finalize=True, color=False))
            self._last_update = now
            return
        if self.verbose == 2:
            if finalize:
                self._emit_line(self._summary_line(current, now, per_unit) + "\n", closes_line=True)
            self._last_update = now
            return

        # verbose == 1
        if not self.dynamic:
            if finalize:
                line = self._bar_line(current, now, per_unit, finalize=True, color=False)
                self._emit_line(line + "\n", closes_line=True)
            self._last_update = now
            return
        if not finalize and now - self._last_update < self.interval:
            return
        line = self._bar_line(current, now, per_unit, finalize=finalize, color=self.use_color)
        visible = len(self._bar_line(current, now, per_unit, finalize=finalize, color=False))
        padding = " " * max(0, self._prev_width - visible)
        out = _resolve_stream(self.stream)
        if finalize:
            _write(out, f"\r{line}{padding}\n")
            if _open_line_stream is out:
                _open_line_stream = None
            self._prev_width = 0
        else:
            _write(out, f"\r{line}{padding}")
            _open_line_stream = out
            self._prev_width = visible
        self._last_update = now

    def add(self, n: int, values: Mapping[str, Any] | Iterable[tuple[str, Any]] | None = None) -> None:
        """Advance the bar by `n` steps.

        Args:
            n: Number of steps just completed.
            values: Metric values to show, as for `update`.
        """
        self.update(self._seen_so_far + n, values)

    # ------------------------------------------------------------------ helpers
    def _emit_line(self, text: str, closes_line: bool) -> None:
        global _open_line_stream
        out = _resolve_stream(self.stream)
        if closes_line and _open_line_stream is out:
            # A live bar from another progbar is left unfinished on this stream: end it first.
            text = "\n" + text
            _open_line_stream = None
        _write(out, text)

    def _time_per_unit(self, current: int, now: float) -> float:
        """Estimate seconds per step, excluding the first timed update (usually compilation).

        As Keras does when updates come one step at a time. When the first update covered many steps (a
        chunk of steps run in one call) and fewer steps have followed it, those few are no better a
        sample (an epoch's final partial batch compiles a step of its own), so the average over all
        steps is shown instead.
        """
        if current <= 0:
            return 0.0
        if self._first_update is None:
            self._first_update = (current, now)
            return (now - self._start) / current
        first_step, first_time = self._first_update
        if current - first_step >= first_step:
            return (now - first_time) / (current - first_step)
        return (now - self._start) / current

    def _metrics_text(self) -> str:
        return "".join(f" - {name}: {format_value(value)}" for name, value in self._values.items())

    def _count_text(self, current: int) -> str:
        if self.target is None or self.target <= 0:
            return f"{current:7d}/Unknown"
        digits = int(math.log10(self.target)) + 1
        return f"{current:{digits}d}/{self.target}"

    def _bar_line(self, current: int, now: float, per_unit: float, finalize: bool, color: bool) -> str:
        bold, reset = (_BOLD, _RESET) if color else ("", "")
        known = self.target is not None and self.target > 0
        count = self._count_text(current)
        if known:
            line = f"{bold}{count}{reset} "
            filled = min(self.width, max(0, int(self.width * current / self.target)))
            if color:
                if filled:
                    line += f"{_GREEN}{_BAR_CHAR * filled}{_RESET}"
                line += f"{_WHITE}{_BAR_CHAR * (self.width - filled)}{_RESET}"
            else:
                line += _BAR_CHAR * filled + _REST_CHAR * (self.width - filled)
        else:
            line = count
        if known and not finalize:
            timing = format_eta(per_unit * max(0, self.target - current))
        else:
            timing = f"{now - self._start:.0f}s"
        line += f" {bold}{timing}{reset} {format_duration_per_unit(per_unit, self.unit_name)}"
        return line + self._metrics_text()

    def _summary_line(self, current: int, now: float, per_unit: float) -> str:
        if self.target is None or self.target <= 0:
            count = f"{current}/{current}" if current > 0 else f"{current}/Unknown"
        else:
            count = self._count_text(current)
        elapsed = f"{now - self._start:.0f}s"
        return f"{count} - {elapsed} - {format_duration_per_unit(per_unit, self.unit_name)}" + (self._metrics_text())
