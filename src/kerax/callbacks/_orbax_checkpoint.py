"""`OrbaxCheckpoint`: save the training state with orbax-checkpoint, in the background, every epoch or N batches."""

from __future__ import annotations

import json
import os
from typing import Any

import jax

from kerax.backend._progbar import print_msg
from kerax.callbacks._monitor import MonitorCallback
from kerax.callbacks._save_freq import SaveFrequency
from kerax.saving._api import _model_config, as_path
from kerax.saving._orbax import MODEL_CONFIG, PYTREE, assets_tree, orbax, state_tree


class OrbaxCheckpoint(MonitorCallback):
    """Save the model's state to an Orbax checkpoint directory every epoch (or every `save_freq` batches).

    Each save is a numbered step folder of `directory`: the epoch index (0-based) with `save_freq="epoch"`,
    else the number of batches trained so far (counted from the optimizer's iterations when `fit` starts,
    so a second `fit` continues the numbering). A step holds the items Keras 3's callback writes: `pytree`
    (trainable and non-trainable variables, optimizer variables, metrics variables), `model_config` (the
    model's config, compile config included) and `assets` (what layers such as `TextVectorization` write);
    with `save_weights_only=True`, only the model's variables. Steps must increase: saving a step not above
    the newest one already in `directory` raises a `ValueError` (use a new directory, or `initial_epoch`).

    Saves run in the background (`save_on_background=True`): the arrays are copied off the device before
    training goes on, and the files are written on orbax's thread while the next steps run. `fit` waits for
    the last write and closes the checkpoint manager when it ends, so no thread outlives it.

    Restore with `model.load_weights(directory)` (the newest step; or pass one step folder,
    `directory/<step>`), which also restores a compiled model's optimizer state, or with
    `kerax.saving.load_model(directory)`, which rebuilds the model from the saved config (not for
    `save_weights_only` checkpoints). kerax keys the arrays by the object paths of Keras's saving walk rather
    than by variable path (see `kerax.saving`), so a checkpoint restores into a fresh instance of the
    architecture whatever its layer names. kerax also reads the checkpoints Keras 3's callback writes
    (keyed by variable path, and kerax's paths are Keras's); Keras cannot read kerax's arrays.

    Unlike Keras's callback, which keeps one `orbax.checkpoint.v1` checkpointer for its lifetime as
    `checkpointer`, this one opens an `orbax.checkpoint.CheckpointManager` when `fit` starts and closes it
    when `fit` ends (the API orbax-checkpoint 0.11 and later all have). State a layer keeps outside its
    variables (an adapted `Discretization`'s quantile sketch) is not saved, as in Keras.

    Args:
        directory: the checkpoint directory (created if needed).
        monitor: the logged quantity `save_best_only` watches. Defaults to `"val_loss"`.
        verbose: 1 prints a line for each save; 0 is silent. Defaults to `0`.
        save_best_only: save only when `monitor` improves on the best value so far (a save whose logs lack
            `monitor` is skipped, with a warning). Defaults to `False`.
        mode: "min", "max" or "auto" (inferred from the quantity's name or the model's metrics). Defaults to `"auto"`.
        save_freq: "epoch", or a positive number of batches between saves. kerax runs several steps per
            compiled call, so a batch-level save happens at the first chunk boundary after `save_freq`
            batches. Defaults to `"epoch"`.
        initial_value_threshold: the "best" value a first save must beat (with `save_best_only=True`).
            Defaults to `None`.
        max_to_keep: how many of the newest steps to keep (older ones are deleted); None keeps all. Defaults to `1`.
        save_on_background: write in the background (True) or before training goes on (False). Defaults to `True`.
        save_weights_only: save the model's variables only: no optimizer or metrics state, no config.
            Defaults to `False`.

    Raises:
        ImportError: orbax-checkpoint is not installed (`pip install 'kerax[orbax]'`).
        ValueError: an argument is out of range (`save_freq`, `max_to_keep`, `mode`, `directory`).

    Example:

    ```python
    checkpoint = kerax.callbacks.OrbaxCheckpoint("/tmp/ckpt", save_freq=100, max_to_keep=3)
    model.fit(x, y, epochs=2, callbacks=[checkpoint])
    model.load_weights("/tmp/ckpt")  # the newest step
    ```
    """

    batch_hooks_chunk_safe = True

    def __init__(
        self,
        directory: str | os.PathLike[str],
        monitor: str = "val_loss",
        verbose: int = 0,
        save_best_only: bool = False,
        mode: str = "auto",
        save_freq: str | int = "epoch",
        initial_value_threshold: float | None = None,
        max_to_keep: int | None = 1,
        save_on_background: bool = True,
        save_weights_only: bool = False,
    ) -> None:
        orbax("OrbaxCheckpoint")  # fail here, not at the first save, when it is missing
        super().__init__(monitor=monitor, mode=mode, baseline=initial_value_threshold)
        path = as_path(directory, "OrbaxCheckpoint `directory`")
        if os.path.exists(path) and not os.path.isdir(path):
            raise ValueError(f"OrbaxCheckpoint: `directory` must be a directory, but {path!r} is a file.")
        if max_to_keep is not None and (
            isinstance(max_to_keep, bool) or not isinstance(max_to_keep, int) or max_to_keep < 1
        ):
            raise ValueError(
                f"OrbaxCheckpoint: `max_to_keep` must be a positive int or None, received {max_to_keep!r}."
            )
        self._freq = SaveFrequency(save_freq, "OrbaxCheckpoint")
        self.directory = path
        self.verbose = verbose
        self.save_best_only = bool(save_best_only)
        self.save_freq = save_freq
        self.max_to_keep = max_to_keep
        self.save_on_background = bool(save_on_background)
        self.save_weights_only = bool(save_weights_only)
        self._manager: Any = None
        self._latest: int | None = None
        self._first_step = 0

    # ------------------------------------------------------------------ hosts
    def is_multihost_enabled(self) -> bool:
        """Whether this is one process of a multi-process JAX job (orbax then coordinates the processes)."""
        return jax.process_count() > 1

    def is_primary_host(self) -> bool:
        """Whether this process is the primary one (process 0); always True in a single-process job."""
        return jax.process_index() == 0

    # ------------------------------------------------------------------ hooks
    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        """Open the checkpoint manager and find the newest step already saved."""
        ocp = orbax("OrbaxCheckpoint")
        self._close()  # a previous fit that ended in an exception left its manager open
        options = ocp.CheckpointManagerOptions(
            max_to_keep=self.max_to_keep, enable_async_checkpointing=self.save_on_background, create=True
        )
        self._manager = ocp.CheckpointManager(os.path.abspath(self.directory), options=options)
        self._latest = self._manager.latest_step()
        self._freq.reset()
        optimizer = getattr(self.model, "optimizer", None)
        self._first_step = int(optimizer.iterations) if optimizer is not None and optimizer.built else 0

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        """Batch indices restart with each epoch."""
        self._freq.new_epoch()

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        """Save when `save_freq` batches have run since the last save (checked between chunks of steps)."""
        if self._freq.due(batch) and self._improved(logs, f"batch {batch}"):
            self._save(self._first_step + self._freq.batches_seen)

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        """Save at the end of each epoch when `save_freq="epoch"`."""
        if self._freq.per_epoch and self._improved(logs, f"epoch {epoch + 1}"):
            self._save(epoch)

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        """Wait for the last save to be written, then close the checkpoint manager."""
        self._close()

    def wait_until_finished(self) -> None:
        """Block until every save started so far is written to disk."""
        if self._manager is not None:
            self._manager.wait_until_finished()

    # ------------------------------------------------------------------ helpers
    def _close(self) -> None:
        manager, self._manager = self._manager, None
        if manager is not None:
            try:
                manager.wait_until_finished()
            finally:
                manager.close()

    def _improved(self, logs: dict[str, Any] | None, when: str) -> bool:
        if not self.save_best_only:
            return True
        current = self._get_monitor_value(logs, f"saving the best checkpoint ({when})")
        if current is None or not self._is_improvement(current, self.best):
            if self.verbose > 0 and current is not None:
                print_msg(f"OrbaxCheckpoint: {when}: {self.monitor} did not improve from {self.best:.5f}")
            return False
        self.best = current
        return True

    def _save(self, step: int) -> None:
        if self._manager is None:
            raise RuntimeError("OrbaxCheckpoint: a save was asked for outside fit(); the callback saves during fit.")
        if self._latest is not None and step <= self._latest:
            raise ValueError(
                f"OrbaxCheckpoint: cannot save step {step} in {self.directory!r}, which already holds step "
                f"{self._latest}: steps must increase. Use a new directory, or continue with "
                "fit(initial_epoch=...) after restoring the newest step."
            )
        ocp = orbax("OrbaxCheckpoint")
        model = self.model
        items = {PYTREE: ocp.args.PyTreeSave(state_tree(model, self.save_weights_only))}
        if not self.save_weights_only:
            items[MODEL_CONFIG] = ocp.args.PyTreeSave({"config": json.dumps(_model_config(model))})
            assets = assets_tree(model)
            if assets is not None:
                items["assets"] = ocp.args.PyTreeSave(assets)
        if self.verbose > 0:
            print_msg(f"OrbaxCheckpoint: saving step {step} to {self.directory}")
        self._manager.save(step, args=ocp.args.Composite(**items), force=True)
        self._latest = step
