"""The `Callback` base class: hooks called by `fit`, `evaluate` and `predict`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

_F = TypeVar("_F", bound=Callable[..., Any])

# Hooks that run once per batch, grouped by the loop that calls them.
TRAIN_BATCH_HOOKS = ("on_train_batch_begin", "on_train_batch_end", "on_batch_begin", "on_batch_end")
TEST_BATCH_HOOKS = ("on_test_batch_begin", "on_test_batch_end")
PREDICT_BATCH_HOOKS = ("on_predict_batch_begin", "on_predict_batch_end")
BATCH_HOOKS = TRAIN_BATCH_HOOKS + TEST_BATCH_HOOKS + PREDICT_BATCH_HOOKS
NON_BATCH_HOOKS = (
    "on_epoch_begin",
    "on_epoch_end",
    "on_train_begin",
    "on_train_end",
    "on_test_begin",
    "on_test_end",
    "on_predict_begin",
    "on_predict_end",
)
ALL_HOOKS = NON_BATCH_HOOKS + BATCH_HOOKS


def _default_hook(method: _F) -> _F:
    """Mark a base-class hook as a no-op default, so that overrides can be detected."""
    method._kerax_default_hook = True  # type: ignore[attr-defined]
    return method


def overrides_hook(callback: Any, name: str) -> bool:
    """Whether `callback` replaces the default (no-op) implementation of hook `name`.

    Args:
        callback: A callback instance.
        name: A hook name such as "on_train_batch_end".
    """
    method = getattr(callback, name, None)
    if method is None:
        return False
    return not getattr(method, "_kerax_default_hook", False)


def hook_is_chunk_safe(callback: Any, name: str) -> bool:
    """Whether the (overridden) hook `name` of `callback` may be called only between chunks of steps.

    A hook counts as chunk-safe when `batch_hooks_chunk_safe` is True on the instance, or when the
    class that defines the hook sets `batch_hooks_chunk_safe = True` itself (so a subclass that
    overrides a batch hook of a chunk-safe built-in callback is not assumed to be chunk-safe).

    Args:
        callback: A callback instance.
        name: A batch-hook name such as "on_train_batch_end".
    """
    if not getattr(callback, "batch_hooks_chunk_safe", False):
        return False
    if vars(callback).get("batch_hooks_chunk_safe", False):
        return True
    if name in vars(callback):  # a function stored on the instance
        return False
    for cls in type(callback).__mro__:
        if name in vars(cls):
            return bool(vars(cls).get("batch_hooks_chunk_safe", False))
    return False


def needs_every_batch(callback: Any, hooks: tuple[str, ...]) -> bool:
    """Whether `callback` overrides one of `hooks` in a way that must run after every batch.

    Args:
        callback: A callback instance.
        hooks: Batch-hook names to check.
    """
    return any(overrides_hook(callback, name) and not hook_is_chunk_safe(callback, name) for name in hooks)


class Callback:
    """Base class for objects that react to events of training, evaluation and prediction.

    Subclasses override the hooks they need. `model` is set by the training loop (through
    `set_model`) and `params` holds the loop's settings (`verbose`, `epochs`, `steps`).

    kerax runs several steps per compiled call, so batch-level hooks normally run only between
    chunks of steps, with `batch` the index of the last step of the chunk and `logs` its running
    averages. A callback that overrides a batch-level hook makes the loop fall back to calling it
    after every batch, unless its `batch_hooks_chunk_safe` attribute is True (meaning its batch
    hooks are happy to be called only between chunks).
    """

    batch_hooks_chunk_safe: bool = False

    def __init__(self) -> None:
        self.params: dict[str, Any] = {}
        self._model: Any = None

    @property
    def model(self) -> Any:
        """The model being trained, evaluated or used for prediction (or None)."""
        model = self._model
        sync = getattr(model, "jax_state_sync", None) if model is not None else None
        if callable(sync):
            sync()
        return model

    @model.setter
    def model(self, model: Any) -> None:
        self._model = model

    def set_params(self, params: dict[str, Any]) -> None:
        """Store the loop's parameters.

        Args:
            params: A dict such as `{"verbose": 1, "epochs": 10, "steps": 1875}`.
        """
        self.params = params

    def set_model(self, model: Any) -> None:
        """Attach the model the callback acts on.

        Args:
            model: The model.
        """
        self._model = model

    @_default_hook
    def on_batch_begin(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        """Legacy alias of `on_train_batch_begin`, called by it.

        Args:
            batch: Index of the batch within the epoch.
            logs: Currently no data is passed.
        """

    @_default_hook
    def on_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        """Legacy alias of `on_train_batch_end`, called by it.

        Args:
            batch: Index of the batch within the epoch.
            logs: Running averages of the loss and metrics.
        """

    @_default_hook
    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        """Called at the start of an epoch.

        Args:
            epoch: Index of the epoch (0-based).
            logs: Currently no data is passed.
        """

    @_default_hook
    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        """Called at the end of an epoch.

        Args:
            epoch: Index of the epoch (0-based).
            logs: Epoch results: training metrics and, when validation ran, `val_`-prefixed ones.
        """

    @_default_hook
    def on_train_batch_begin(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        """Called before a training batch (or chunk of batches).

        Args:
            batch: Index of the batch within the epoch.
            logs: Currently no data is passed.
        """
        self.on_batch_begin(batch, logs)

    @_default_hook
    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        """Called after a training batch (or chunk of batches).

        Args:
            batch: Index of the (last) batch within the epoch.
            logs: Running averages of the loss and metrics over the epoch so far.
        """
        self.on_batch_end(batch, logs)

    @_default_hook
    def on_test_batch_begin(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        """Called before an evaluation batch (or chunk of batches).

        Args:
            batch: Index of the batch.
            logs: Currently no data is passed.
        """

    @_default_hook
    def on_test_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        """Called after an evaluation batch (or chunk of batches).

        Args:
            batch: Index of the (last) batch.
            logs: Running averages of the loss and metrics.
        """

    @_default_hook
    def on_predict_batch_begin(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        """Called before a prediction batch (or chunk of batches).

        Args:
            batch: Index of the batch.
            logs: Currently no data is passed.
        """

    @_default_hook
    def on_predict_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        """Called after a prediction batch (or chunk of batches).

        Args:
            batch: Index of the (last) batch.
            logs: May contain the batch outputs.
        """

    @_default_hook
    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        """Called once when training starts.

        Args:
            logs: Currently no data is passed.
        """

    @_default_hook
    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        """Called once when training ends.

        Args:
            logs: The logs of the last epoch.
        """

    @_default_hook
    def on_test_begin(self, logs: dict[str, Any] | None = None) -> None:
        """Called when evaluation (or validation) starts.

        Args:
            logs: Currently no data is passed.
        """

    @_default_hook
    def on_test_end(self, logs: dict[str, Any] | None = None) -> None:
        """Called when evaluation (or validation) ends.

        Args:
            logs: Final evaluation results.
        """

    @_default_hook
    def on_predict_begin(self, logs: dict[str, Any] | None = None) -> None:
        """Called when prediction starts.

        Args:
            logs: Currently no data is passed.
        """

    @_default_hook
    def on_predict_end(self, logs: dict[str, Any] | None = None) -> None:
        """Called when prediction ends.

        Args:
            logs: Currently no data is passed.
        """
