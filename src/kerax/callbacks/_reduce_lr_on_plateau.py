"""`ReduceLROnPlateau`: lower the learning rate when a monitored quantity stops improving."""

from __future__ import annotations

from typing import Any

import numpy as np

from kerax.backend._progbar import print_msg
from kerax.callbacks._learning_rate_scheduler import _read_learning_rate
from kerax.callbacks._monitor import MonitorCallback


class ReduceLROnPlateau(MonitorCallback):
    """Multiply the learning rate by `factor` after `patience` epochs without improvement.

    Each epoch's logs gain a "learning_rate" entry (the rate used during that epoch).

    Args:
        monitor: Logged quantity to watch. Defaults to `"val_loss"`.
        factor: Multiplier applied to the learning rate, in (0, 1). Defaults to `0.1`.
        patience: Number of epochs without improvement before the rate is reduced. Defaults to `10`.
        verbose: 1 prints a message for each reduction; 0 is silent. Defaults to `0`.
        mode: "min", "max", or "auto" (inferred from the quantity's name or the model's metrics). Defaults to `"auto"`.
        min_delta: Smallest change that counts as an improvement. Defaults to `0.0001`.
        cooldown: Number of epochs after a reduction during which epochs are not counted. Defaults to `0`.
        min_lr: Lower bound on the learning rate. Defaults to `0.0`.
        **kwargs: None are accepted: any keyword raises a TypeError.
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        factor: float = 0.1,
        patience: int = 10,
        verbose: int = 0,
        mode: str = "auto",
        min_delta: float = 1e-4,
        cooldown: int = 0,
        min_lr: float = 0.0,
        **kwargs: Any,
    ) -> None:
        if kwargs:
            raise TypeError(f"ReduceLROnPlateau: unexpected keyword arguments {sorted(kwargs)}.")
        super().__init__(monitor=monitor, mode=mode, min_delta=min_delta)
        factor = float(factor)
        if not 0.0 < factor < 1.0:
            raise ValueError(f"ReduceLROnPlateau: `factor` must be in (0, 1), received {factor}.")
        if isinstance(patience, bool) or not isinstance(patience, int) or patience < 0:
            raise ValueError(f"ReduceLROnPlateau: `patience` must be an int >= 0, received {patience!r}.")
        if isinstance(cooldown, bool) or not isinstance(cooldown, int) or cooldown < 0:
            raise ValueError(f"ReduceLROnPlateau: `cooldown` must be an int >= 0, received {cooldown!r}.")
        if float(min_lr) < 0:
            raise ValueError(f"ReduceLROnPlateau: `min_lr` must be >= 0, received {min_lr!r}.")
        self.factor = factor
        self.patience = patience
        self.verbose = verbose
        self.cooldown = cooldown
        self.min_lr = float(min_lr)
        self.wait = 0
        self.cooldown_counter = 0

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        """Reset the best value and the counters.

        Args:
            logs: Unused.
        """
        self.best = None
        self.wait = 0
        self.cooldown_counter = 0

    def in_cooldown(self) -> bool:
        """Whether the callback is in its cooldown period after a reduction."""
        return self.cooldown_counter > 0

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        """Record the learning rate in `logs` and reduce it if the plateau lasted `patience` epochs.

        Args:
            epoch: Index of the epoch (0-based).
            logs: The epoch's results, updated in place with "learning_rate".
        """
        logs = logs if logs is not None else {}
        model = self.model
        logs["learning_rate"] = _read_learning_rate(model, "ReduceLROnPlateau")
        current = self._get_monitor_value(logs, "learning-rate reduction")
        if current is None:
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current, self.best):
            self.best = current
            self.wait = 0
            return
        if self.in_cooldown():
            return
        self.wait += 1
        if self.wait < self.patience:
            return
        old_lr = logs["learning_rate"]
        if old_lr <= float(np.float32(self.min_lr)):
            return
        new_lr = max(old_lr * self.factor, self.min_lr)
        model.optimizer.learning_rate = new_lr
        self.cooldown_counter = self.cooldown
        self.wait = 0
        if self.verbose > 0:
            print_msg(f"Epoch {epoch + 1}: ReduceLROnPlateau lowered the learning rate to {new_lr:.6g}.")
