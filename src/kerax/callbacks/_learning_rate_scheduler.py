"""`LearningRateScheduler`: set the optimizer's learning rate at the start of every epoch."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

from kerax.backend._progbar import print_msg
from kerax.callbacks._callback import Callback


def _read_learning_rate(model: Any, owner: str) -> float:
    """Read `model.optimizer.learning_rate` as a Python float."""
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or not hasattr(optimizer, "learning_rate"):
        raise ValueError(
            f"{owner}: expected the model to have an `optimizer` with a `learning_rate` attribute, "
            f"received optimizer={optimizer!r}."
        )
    value = optimizer.learning_rate
    try:
        return float(np.asarray(value).reshape(()))
    except (TypeError, ValueError):
        raise TypeError(
            f"{owner}: expected `model.optimizer.learning_rate` to be a scalar number, received {value!r}."
        ) from None


def _takes_two_arguments(schedule: Callable[..., Any]) -> bool:
    """Whether `schedule` accepts `(epoch, lr)`; a one-argument schedule gets `(epoch)` only."""
    try:
        signature = inspect.signature(schedule)
    except (TypeError, ValueError):  # builtins without a signature: try both call forms later
        return True
    try:
        signature.bind(0, 0.0)
    except TypeError:
        return False
    return True


class LearningRateScheduler(Callback):
    """Set the learning rate from `schedule(epoch, lr)` at the beginning of every epoch.

    Args:
        schedule: Function taking the epoch index (0-based) and the current learning rate (float)
            and returning the new learning rate (a number). A function of the epoch alone is
            also accepted.
        verbose: 1 prints the new learning rate every epoch; 0 is silent. Defaults to `0`.
    """

    def __init__(self, schedule: Callable[..., Any], verbose: int = 0) -> None:
        super().__init__()
        if not callable(schedule):
            raise TypeError(f"LearningRateScheduler: `schedule` must be callable, received {schedule!r}.")
        self.schedule = schedule
        self.verbose = verbose
        self._two_args = _takes_two_arguments(schedule)

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        """Compute and set the learning rate for this epoch.

        Args:
            epoch: Index of the epoch (0-based).
            logs: Unused.
        """
        model = self.model
        current = _read_learning_rate(model, "LearningRateScheduler")
        new = self.schedule(epoch, current) if self._two_args else self.schedule(epoch)
        arr = np.asarray(new) if not isinstance(new, str | bytes) else None
        if arr is None or arr.dtype.kind not in "iuf" or arr.size != 1:
            raise ValueError(
                f"LearningRateScheduler: `schedule` must return a float, received {new!r} for epoch={epoch}."
            )
        learning_rate = float(arr.reshape(()))
        model.optimizer.learning_rate = learning_rate
        if self.verbose > 0:
            print_msg(f"Epoch {epoch + 1}: LearningRateScheduler set the learning rate to {learning_rate:.6g}.")

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        """Record the learning rate in the epoch logs under "learning_rate".

        Args:
            epoch: Index of the epoch (0-based).
            logs: The epoch's results, updated in place.
        """
        if logs is not None:
            logs["learning_rate"] = _read_learning_rate(self.model, "LearningRateScheduler")
