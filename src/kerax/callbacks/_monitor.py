"""Shared logic for callbacks that watch one logged quantity (EarlyStopping, ModelCheckpoint, ...)."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from kerax.callbacks._callback import Callback

_MODES = ("auto", "min", "max")

# Metric names whose direction is known without asking the model (after removing "val_").
_LOWER_IS_BETTER = (
    "loss",
    "error",
    "crossentropy",
    "mse",
    "mae",
    "mape",
    "msle",
    "hinge",
    "divergence",
    "poisson",
    "log_cosh",
    "logcosh",
    "huber",
)
_HIGHER_IS_BETTER = (
    "accuracy",
    "acc",
    "auc",
    "precision",
    "recall",
    "f1_score",
    "fbeta_score",
    "iou",
    "r2_score",
    "specificity",
    "sensitivity",
)


def _direction_from_model(model: Any, name: str) -> str | None:
    """Look for a metric called `name` on the model and read its direction ("min"/"max")."""
    stack = list(getattr(model, "metrics", None) or [])
    seen = 0
    while stack and seen < 10_000:
        seen += 1
        metric = stack.pop()
        inner = getattr(metric, "metrics", None)
        if isinstance(inner, list | tuple):
            stack.extend(inner)
        if getattr(metric, "name", None) != name:
            continue
        direction = getattr(metric, "_direction", None) or getattr(metric, "direction", None)
        if direction in ("up", "max"):
            return "max"
        if direction in ("down", "min"):
            return "min"
    return None


def infer_mode(monitor: str, model: Any = None) -> str | None:
    """Guess whether `monitor` should be minimised ("min") or maximised ("max"); None if unknown.

    Args:
        monitor: Logged quantity name, e.g. "val_loss" or "accuracy".
        model: Optional model whose metrics may declare their direction.
    """
    name = monitor.removeprefix("val_")
    if model is not None:
        from_model = _direction_from_model(model, name)
        if from_model is not None:
            return from_model
    lowered = name.lower()
    if lowered.endswith("loss") or any(lowered.endswith(key) for key in _LOWER_IS_BETTER):
        return "min"
    if any(lowered == key or lowered.endswith(key) for key in _HIGHER_IS_BETTER):
        return "max"
    return None


def to_scalar(value: Any) -> float | None:
    """Convert a logged value to a Python float; None when it is not a scalar number."""
    if value is None or isinstance(value, str | bytes):
        return None
    try:
        arr = np.asarray(value)
    except Exception:  # anything unconvertible is "not a scalar"
        return None
    if arr.dtype.kind not in "biuf" or arr.size != 1:
        return None
    return float(arr.reshape(()))


class MonitorCallback(Callback):
    """Base for callbacks that track whether a monitored quantity improves.

    Args:
        monitor: Name of the logged quantity to watch.
        mode: "min", "max", or "auto" (inferred from the name or the model's metrics).
        baseline: Initial reference value, or None to start from the first observed value.
        min_delta: Smallest change that counts as an improvement (its sign is ignored).
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        mode: str = "auto",
        baseline: float | None = None,
        min_delta: float = 0.0,
    ) -> None:
        super().__init__()
        cls = type(self).__name__
        if not isinstance(monitor, str) or not monitor:
            raise ValueError(f"{cls}: `monitor` must be a non-empty string, received {monitor!r}.")
        if mode not in _MODES:
            raise ValueError(f"{cls}: `mode` must be one of {_MODES}, received {mode!r}.")
        try:
            min_delta = abs(float(min_delta))
        except (TypeError, ValueError):
            raise ValueError(f"{cls}: `min_delta` must be a number, received {min_delta!r}.") from None
        if math.isnan(min_delta):
            raise ValueError(f"{cls}: `min_delta` must be a number, received nan.")
        self.monitor = monitor
        self.mode = mode
        self.min_delta = min_delta
        self.best: float | None = None if baseline is None else float(baseline)
        self._resolved_mode: str | None = None if mode == "auto" else mode

    def _monitor_mode(self) -> str:
        """The effective direction ("min" or "max"), inferring it on first use in "auto" mode."""
        if self._resolved_mode is None:
            mode = infer_mode(self.monitor, self._model)
            if mode is None:
                raise ValueError(
                    f"{type(self).__name__}: cannot tell whether monitor={self.monitor!r} should be "
                    "minimised or maximised; expected mode='min' or mode='max', received mode='auto'."
                )
            self._resolved_mode = mode
        return self._resolved_mode

    def _is_improvement(self, current: float, reference: float | None) -> bool:
        """Whether `current` beats `reference` by more than `min_delta` (True if no reference)."""
        if reference is None:
            return True
        if math.isnan(current):
            return False
        if self._monitor_mode() == "min":
            return current < reference - self.min_delta
        return current > reference + self.min_delta

    def _get_monitor_value(self, logs: dict[str, Any] | None, action: str) -> float | None:
        """Read the monitored value from `logs`, warning (and returning None) when it is missing.

        Args:
            logs: The logs of the current epoch or batch.
            action: What the callback conditions on the value, for the warning message.
        """
        logs = logs or {}
        raw = logs.get(self.monitor)
        value = to_scalar(raw)
        if raw is None:
            available = ", ".join(sorted(logs)) or "(none)"
            warnings.warn(
                f"{type(self).__name__}: {action} is conditioned on `{self.monitor}`, which is not in "
                f"the logs. Available keys: {available}.",
                stacklevel=3,
            )
        elif value is None:
            warnings.warn(
                f"{type(self).__name__}: `{self.monitor}` must be a scalar number to be monitored, received {raw!r}.",
                stacklevel=3,
            )
        return value
