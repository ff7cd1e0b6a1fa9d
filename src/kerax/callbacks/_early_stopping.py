"""`EarlyStopping`: stop training once a monitored quantity stops improving."""

from __future__ import annotations

from typing import Any

from kerax.backend._progbar import print_msg
from kerax.callbacks._monitor import MonitorCallback


class EarlyStopping(MonitorCallback):
    """Stop training when the monitored quantity has not improved for `patience` epochs.

    Args:
        monitor: Logged quantity to watch, e.g. "val_loss" or "accuracy". Defaults to `"val_loss"`.
        min_delta: Smallest change that counts as an improvement. Defaults to `0.0`.
        patience: Number of epochs without improvement after which training stops. Defaults to `0`.
        verbose: 1 prints a message when stopping and when restoring weights; 0 is silent. Defaults to `0`.
        mode: "min", "max", or "auto" (inferred from the quantity's name or the model's metrics). Defaults to `"auto"`.
        baseline: Value the quantity must beat; while it does not, the patience counter keeps
            running even if the quantity improves on its own best. Defaults to `None`.
        restore_best_weights: At the end of training, put back the weights of the best epoch. Defaults to `False`.
        start_from_epoch: Number of warm-up epochs during which nothing is monitored. Defaults to `0`.
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        min_delta: float = 0.0,
        patience: int = 0,
        verbose: int = 0,
        mode: str = "auto",
        baseline: float | None = None,
        restore_best_weights: bool = False,
        start_from_epoch: int = 0,
    ) -> None:
        super().__init__(monitor=monitor, mode=mode, baseline=None, min_delta=min_delta)
        if isinstance(patience, bool) or not isinstance(patience, int) or patience < 0:
            raise ValueError(f"EarlyStopping: `patience` must be an int >= 0, received {patience!r}.")
        if isinstance(start_from_epoch, bool) or not isinstance(start_from_epoch, int) or start_from_epoch < 0:
            raise ValueError(f"EarlyStopping: `start_from_epoch` must be an int >= 0, received {start_from_epoch!r}.")
        self.patience = patience
        self.verbose = verbose
        self.baseline = None if baseline is None else float(baseline)
        self.restore_best_weights = bool(restore_best_weights)
        self.start_from_epoch = start_from_epoch
        self.wait = 0
        self.stopped_epoch = 0
        self.best_epoch = 0
        self.best_weights: list[Any] | None = None

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        """Reset the state so that the callback can be reused across `fit` calls.

        Args:
            logs: Unused.
        """
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_epoch = 0
        self.best_weights = None

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        """Update the best value and the patience counter; request a stop when patience runs out.

        Args:
            epoch: Index of the epoch (0-based).
            logs: The epoch's results; must contain `monitor`.
        """
        current = self._get_monitor_value(logs, "early stopping")
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            # The first monitored epoch is the best one seen so far, whatever its value.
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        """Report the stop and restore the best weights when asked to.

        Args:
            logs: Unused.
        """
        if self.stopped_epoch > 0 and self.verbose > 0:
            best = "n/a" if self.best is None else f"{self.best:.5f}"
            print_msg(
                f"Epoch {self.stopped_epoch + 1}: early stopping "
                f"(best {self.monitor}: {best}, reached at epoch {self.best_epoch + 1})."
            )
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print_msg(f"EarlyStopping: restoring the weights saved at the end of epoch {self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)
