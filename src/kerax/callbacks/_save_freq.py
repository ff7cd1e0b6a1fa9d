"""`save_freq` for the callbacks that save during training: checked, and counted between chunks of steps."""

from __future__ import annotations

from typing import Any


class SaveFrequency:
    """Counts the batches run since the last save, from the batch indices `on_train_batch_end` reports.

    kerax calls batch hooks between chunks of steps, so one call may stand for several batches: the
    count is the difference between reported indices (a smaller index means a new epoch began).

    Args:
        save_freq: "epoch", or a positive number of batches between saves.
        who: the callback's name, for error messages.
    """

    def __init__(self, save_freq: Any, who: str) -> None:
        if save_freq != "epoch" and (isinstance(save_freq, bool) or not isinstance(save_freq, int) or save_freq < 1):
            raise ValueError(f"{who}: `save_freq` must be 'epoch' or a positive int, received {save_freq!r}.")
        self.value = save_freq
        self.reset()

    @property
    def per_epoch(self) -> bool:
        return self.value == "epoch"

    def reset(self) -> None:
        """Start of training: no batch seen, none counted."""
        self._last_batch: int | None = None
        self._since_save = 0
        self.batches_seen = 0  # every batch counted since `reset`, for callbacks that number saves by batch

    def new_epoch(self) -> None:
        """Batch indices restart; the batches counted since the last save carry over."""
        self._last_batch = None

    def due(self, batch: int) -> bool:
        """Whether a save is due after batch `batch` (0-based in its epoch); restarts the count if so."""
        if self.per_epoch:
            return False
        last = self._last_batch
        ran = batch + 1 if last is None or batch <= last else batch - last
        self._since_save += ran
        self.batches_seen += ran
        self._last_batch = batch
        if self._since_save >= self.value:
            self._since_save = 0
            return True
        return False
