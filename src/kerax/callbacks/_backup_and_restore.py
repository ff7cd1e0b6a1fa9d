"""`BackupAndRestore`: resume an interrupted `fit` from its last backup, weights and optimizer included."""

from __future__ import annotations

import contextlib
import os
import shutil
from typing import Any

from kerax.callbacks._callback import Callback
from kerax.callbacks._save_freq import SaveFrequency
from kerax.saving import _weights, _zip
from kerax.saving._api import as_path


class BackupAndRestore(Callback):
    """Back up the training state every epoch (or `save_freq` batches); restore it when `fit` restarts.

    The backup is one file, `backup_dir/latest.weights.safetensors`, holding the weights, the optimizer's
    state and the number of finished epochs, written atomically: a crash mid-backup leaves the previous
    backup whole, so weights and epoch can never disagree. When `fit` starts and a backup exists, the
    model is restored and training continues at the epoch after the last one backed up.

    Args:
        backup_dir: folder for the backup (created if needed). Use one folder per training run.
        save_freq: "epoch", or a positive number of batches between backups. Defaults to `"epoch"`.
        double_checkpoint: also keep the previous backup (`.bkp`), used if the latest cannot be read.
            Defaults to `False`.
        delete_checkpoint: delete the backup once `fit` finishes normally. Defaults to `True`.
    """

    batch_hooks_chunk_safe = True

    def __init__(
        self,
        backup_dir: str | os.PathLike[str],
        save_freq: str | int = "epoch",
        double_checkpoint: bool = False,
        delete_checkpoint: bool = True,
    ) -> None:
        super().__init__()
        folder = as_path(backup_dir, "BackupAndRestore `backup_dir`")
        self._freq = SaveFrequency(save_freq, "BackupAndRestore")
        self.backup_dir = folder
        self.save_freq = save_freq
        self.double_checkpoint = bool(double_checkpoint)
        self.delete_checkpoint = bool(delete_checkpoint)
        self._path = os.path.join(folder, "latest.weights.safetensors")
        self._previous = self._path + ".bkp"
        self._epochs_done = 0

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        """Restore the last backup, if there is one, and tell `fit` which epoch to start from."""
        if not self.model.built:
            raise ValueError(
                f"BackupAndRestore: model '{self.model.name}' must be built before fit() so that a backup can "
                "be restored into it; call it on a batch of data or call model.build(input_shape) first."
            )
        self._freq.reset()
        for path in (self._path, self._previous if self.double_checkpoint else None):
            if path is None or not os.path.exists(path):
                continue
            try:
                self._epochs_done = self._restore(path)
            except ValueError:
                if path == self._previous or not (self.double_checkpoint and os.path.exists(self._previous)):
                    raise
                continue
            self.model._initial_epoch = self._epochs_done
            return

    def _restore(self, path: str) -> int:
        with open(path, "rb") as f:
            arrays, metadata = _weights.decode(f.read(), path)
        _weights.assign(self.model, arrays, metadata, path)
        _weights.restore_optimizer(self.model, arrays, path)
        epochs = (metadata.get("training") or {}).get("epochs", 0)
        if not isinstance(epochs, int) or epochs < 0:
            raise ValueError(f"BackupAndRestore: {path} records an invalid epoch count {epochs!r}.")
        return epochs

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        """Back up after each epoch when `save_freq="epoch"`."""
        self._epochs_done = epoch + 1
        self._freq.new_epoch()
        if self._freq.per_epoch:
            self._backup()

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        """Back up when `save_freq` batches have run since the last backup (checked between chunks)."""
        if self._freq.due(batch):
            self._backup()

    def _backup(self) -> None:
        data = _weights.encode(self.model, include_optimizer=True, extra={"training": {"epochs": self._epochs_done}})
        if self.double_checkpoint and os.path.exists(self._path):
            with open(self._path, "rb") as latest:
                _zip.atomic_write(self._previous, lambda f: shutil.copyfileobj(latest, f))
        _zip.atomic_write(self._path, lambda f: f.write(data))

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        """Delete the backup: training finished (only when `delete_checkpoint=True`)."""
        if self.delete_checkpoint:
            for path in (self._path, self._previous):
                with contextlib.suppress(FileNotFoundError):
                    os.remove(path)
