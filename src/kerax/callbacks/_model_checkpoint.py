"""`ModelCheckpoint`: save the model (or its weights) during training."""

from __future__ import annotations

import os
import warnings
from typing import Any

from kerax.backend._progbar import print_msg
from kerax.callbacks._monitor import MonitorCallback, to_scalar
from kerax.callbacks._save_freq import SaveFrequency


class ModelCheckpoint(MonitorCallback):
    """Save the model or its weights every epoch (or every `save_freq` batches).

    `filepath` may hold `str.format` fields filled from the epoch number (1-based), the batch
    number (1-based, batch-level saving only) and the logs, e.g.
    `"ckpt/model-{epoch:02d}-{val_loss:.2f}.keras"`. Saving calls `model.save(path)`, or
    `model.save_weights(path)` with `save_weights_only=True`; missing folders are created.

    With an integer `save_freq` the check runs in `on_train_batch_end`, which kerax calls
    between chunks of steps: a save happens at the first chunk boundary after `save_freq`
    batches have run.

    Args:
        filepath: Destination path or pattern (str or os.PathLike).
        monitor: Logged quantity deciding which checkpoint is best. Defaults to `"val_loss"`.
        verbose: 1 prints a message for each save decision; 0 is silent. Defaults to `0`.
        save_best_only: Only save when `monitor` improves on the best value so far. Defaults to `False`.
        save_weights_only: Save only the weights (`model.save_weights`) instead of the full model. Defaults to `False`.
        mode: "min", "max", or "auto" (inferred from the quantity's name or the model's metrics). Defaults to `"auto"`.
        save_freq: "epoch", or a positive number of batches between saves. Defaults to `"epoch"`.
        initial_value_threshold: Starting "best" value that a first save must beat
            (only with `save_best_only=True`). Defaults to `None`.
    """

    batch_hooks_chunk_safe = True

    def __init__(
        self,
        filepath: str | os.PathLike[str],
        monitor: str = "val_loss",
        verbose: int = 0,
        save_best_only: bool = False,
        save_weights_only: bool = False,
        mode: str = "auto",
        save_freq: str | int = "epoch",
        initial_value_threshold: float | None = None,
    ) -> None:
        super().__init__(monitor=monitor, mode=mode, baseline=initial_value_threshold)
        try:
            path = os.fspath(filepath)
        except TypeError:
            raise TypeError(
                f"ModelCheckpoint: `filepath` must be a str or os.PathLike, received {filepath!r}."
            ) from None
        if not isinstance(path, str) or not path:
            raise ValueError(f"ModelCheckpoint: `filepath` must be a non-empty path, received {filepath!r}.")
        self._freq = SaveFrequency(save_freq, "ModelCheckpoint")
        self.filepath = path
        self.verbose = verbose
        self.save_best_only = bool(save_best_only)
        self.save_weights_only = bool(save_weights_only)
        self.save_freq = save_freq
        self._current_epoch = 0

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        """Reset the batch counter.

        Args:
            logs: Unused.
        """
        self._freq.reset()

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        """Remember the epoch index (used in batch-level file names).

        Args:
            epoch: Index of the epoch (0-based).
            logs: Unused.
        """
        self._current_epoch = epoch
        self._freq.new_epoch()

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        """Save when `save_freq` batches have run since the last save.

        Args:
            batch: Index of the last batch that ran (0-based within the epoch).
            logs: Running averages of the loss and metrics.
        """
        if self._freq.due(batch):
            self._save(self._current_epoch, batch, logs or {})

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        """Save at the end of the epoch when `save_freq="epoch"`.

        Args:
            epoch: Index of the epoch (0-based).
            logs: The epoch's results.
        """
        if self.save_freq == "epoch":
            self._save(epoch, None, logs or {})

    # ------------------------------------------------------------------ helpers
    def format_filepath(self, epoch: int, batch: int | None, logs: dict[str, Any]) -> str:
        """Fill the fields of `filepath` for a save at `epoch` (0-based) and optional `batch`.

        Args:
            epoch: Index of the epoch (0-based; formatted 1-based).
            batch: Index of the batch (0-based; formatted 1-based), or None for epoch-level saves.
            logs: The logs whose values may appear in the path.
        """
        fields = dict(logs)
        fields["epoch"] = epoch + 1
        if batch is not None and "batch" not in logs:
            fields["batch"] = batch + 1
        try:
            return self.filepath.format(**fields)
        except KeyError as err:
            raise KeyError(
                f"ModelCheckpoint: cannot fill `filepath`={self.filepath!r}: field {err} is not "
                f"available. Available fields: {', '.join(sorted(fields))}."
            ) from None
        except (ValueError, IndexError) as err:
            raise ValueError(f"ModelCheckpoint: cannot format `filepath`={self.filepath!r}: {err}.") from None

    def _should_save(self, epoch: int, logs: dict[str, Any], path: str) -> bool:
        if not self.save_best_only:
            if self.verbose > 0:
                print_msg(f"Epoch {epoch + 1}: saving model to {path}")
            return True
        raw = logs.get(self.monitor)
        current = to_scalar(raw)
        if current is None:
            reason = "is not in the logs" if raw is None else f"is not a scalar number ({raw!r})"
            warnings.warn(
                f"ModelCheckpoint: save_best_only=True but `{self.monitor}` {reason}; saving anyway.",
                stacklevel=3,
            )
            return True
        best = "None" if self.best is None else f"{self.best:.5f}"
        if self._is_improvement(current, self.best):
            if self.verbose > 0:
                print_msg(
                    f"Epoch {epoch + 1}: {self.monitor} improved from {best} to {current:.5f}; saving model to {path}"
                )
            self.best = current
            return True
        if self.verbose > 0:
            print_msg(f"Epoch {epoch + 1}: {self.monitor} did not improve from {best}")
        return False

    def _save(self, epoch: int, batch: int | None, logs: dict[str, Any]) -> None:
        path = self.format_filepath(epoch, batch, logs)
        if not self._should_save(epoch, logs, path):
            return
        if os.path.isdir(path):
            raise IsADirectoryError(
                f"ModelCheckpoint: `filepath` must name a file, but {path!r} is an existing directory."
            )
        folder = os.path.dirname(path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(path)
        else:
            self.model.save(path)
