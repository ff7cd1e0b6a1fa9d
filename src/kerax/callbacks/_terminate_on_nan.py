"""`TerminateOnNaN`: stop training as soon as the loss becomes NaN or infinite."""

from __future__ import annotations

from typing import Any

import numpy as np

from kerax.backend._progbar import print_msg
from kerax.callbacks._callback import Callback


def _is_invalid(value: Any) -> bool:
    if value is None or isinstance(value, str | bytes):
        return False
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return bool(not np.all(np.isfinite(arr)))


class TerminateOnNaN(Callback):
    """Stop training when the loss is NaN or infinite, saying at which epoch and batch.

    The loss is checked whenever the loop reports it: between chunks of steps (the running mean
    over the epoch turns NaN as soon as one batch does) and at the end of each epoch.

    Args:
        raise_error: Raise a RuntimeError instead of setting `model.stop_training`. Defaults to `False`.
    """

    batch_hooks_chunk_safe = True

    def __init__(self, raise_error: bool = False) -> None:
        super().__init__()
        self.raise_error = bool(raise_error)
        self._epoch = 0
        self._stopped = False
        self.message: str | None = None

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        """Reset the state.

        Args:
            logs: Unused.
        """
        self._epoch = 0
        self._stopped = False
        self.message = None

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        """Remember the current epoch for the message.

        Args:
            epoch: Index of the epoch (0-based).
            logs: Unused.
        """
        self._epoch = epoch

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        """Stop if the running loss is NaN or infinite.

        Args:
            batch: Index of the last batch that ran (0-based within the epoch).
            logs: Running averages; "loss" is checked.
        """
        loss = (logs or {}).get("loss")
        if _is_invalid(loss):
            self._terminate(f"Epoch {self._epoch + 1}, batch {batch}: invalid loss ({loss})")

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        """Stop if the epoch's loss is NaN or infinite.

        Args:
            epoch: Index of the epoch (0-based).
            logs: The epoch's results; "loss" is checked.
        """
        loss = (logs or {}).get("loss")
        if not self._stopped and _is_invalid(loss):
            self._terminate(f"Epoch {epoch + 1}, end of epoch: invalid loss ({loss})")

    def _terminate(self, where: str) -> None:
        if self._stopped:
            return
        self._stopped = True
        self.message = f"{where}, terminating training."
        if self.raise_error:
            raise RuntimeError(f"TerminateOnNaN: {self.message}")
        print_msg(self.message)
        self.model.stop_training = True
