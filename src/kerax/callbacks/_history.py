"""`History`: records the epoch logs of `fit`."""

from __future__ import annotations

from typing import Any

from kerax.callbacks._callback import Callback


class History(Callback):
    """Record every epoch's logs; `fit` returns this object (also available as `model.history`).

    Its `history` dict maps each log name (e.g. "loss", "val_accuracy") to its per-epoch values, and `epoch`
    lists the indices (0-based) of the epochs recorded during the latest `fit`.

    Example:
        >>> model = kerax.Sequential([kerax.Input((2,)), kerax.layers.Dense(1)])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> history = model.fit(np.ones((8, 2)), np.ones((8, 1)), epochs=2, verbose=0)
        >>> sorted(history.history), history.epoch
        (['loss'], [0, 1])
    """

    def __init__(self) -> None:
        super().__init__()
        self.history: dict[str, list[Any]] = {}
        self.epoch: list[int] = []

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        """Start a new list of epoch indices.

        Args:
            logs: Unused.
        """
        self.epoch = []

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        """Append the epoch's logs and point `model.history` at this object.

        Args:
            epoch: Index of the epoch (0-based).
            logs: The epoch's results.
        """
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        if self._model is not None:
            self._model.history = self
