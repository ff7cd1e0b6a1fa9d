"""`CallbackList`: dispatches every hook to a list of callbacks."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from kerax.callbacks._callback import (
    PREDICT_BATCH_HOOKS,
    TEST_BATCH_HOOKS,
    TRAIN_BATCH_HOOKS,
    Callback,
    needs_every_batch,
)
from kerax.callbacks._history import History
from kerax.callbacks._progbar_logger import ProgbarLogger


def pythonify_logs(logs: dict[str, Any] | None) -> dict[str, Any]:
    """Return a new flat dict, keys sorted, with scalar values converted to Python floats.

    Nested dicts are merged into the result; values that cannot become a float (strings,
    non-scalar arrays, ...) are kept as they are.

    Args:
        logs: The logs given by the loop (values may be JAX or NumPy scalars), or None.
    """
    result: dict[str, Any] = {}
    for key, value in sorted((logs or {}).items(), key=lambda item: str(item[0])):
        if isinstance(value, dict):
            result.update(pythonify_logs(value))
        elif isinstance(value, str | bytes) or value is None or getattr(value, "ndim", 0) != 0:
            result[key] = value
        else:
            try:
                result[key] = float(value)
            except (TypeError, ValueError):
                result[key] = value
    return result


def _flatten(callbacks: Any) -> list[Callback]:
    if callbacks is None:
        return []
    if isinstance(callbacks, CallbackList):
        return list(callbacks.callbacks)
    if isinstance(callbacks, Callback):
        return [callbacks]
    if isinstance(callbacks, list | tuple):
        flat: list[Callback] = []
        for item in callbacks:
            flat.extend(_flatten(item))
        return flat
    raise TypeError(
        "CallbackList: `callbacks` must be a list of kerax.callbacks.Callback instances, "
        f"received an element of type {type(callbacks).__name__}: {callbacks!r}."
    )


class CallbackList(Callback):
    """Container that calls each hook on every callback it holds, in order.

    Every hook converts `logs` once (see `pythonify_logs`) and hands the same dict to all
    callbacks, so a callback may add entries (ReduceLROnPlateau adds "learning_rate") that the
    later ones, including the default History and ProgbarLogger, see.

    Args:
        callbacks: Callback instances (nested lists are flattened), or None. Defaults to `None`.
        add_history: Append a `History` callback unless one is present. Defaults to `False`.
        add_progbar: Append a `ProgbarLogger` callback unless one is present. Defaults to `False`.
        model: The model; given to every callback, and `model.history` is set to the History. Defaults to `None`.
        **params: Loop parameters given to every callback via `set_params`, e.g.
            `verbose=1, epochs=10, steps=1875` (`steps` may be None when unknown).
    """

    def __init__(
        self,
        callbacks: Iterable[Callback] | Callback | None = None,
        add_history: bool = False,
        add_progbar: bool = False,
        model: Any = None,
        **params: Any,
    ) -> None:
        super().__init__()
        self.callbacks: list[Callback] = _flatten(list(callbacks) if isinstance(callbacks, Iterator) else callbacks)
        self._history: History | None = None
        self._progbar: ProgbarLogger | None = None
        for callback in self.callbacks:
            if isinstance(callback, History) and self._history is None:
                self._history = callback
            elif isinstance(callback, ProgbarLogger) and self._progbar is None:
                self._progbar = callback
        if add_history and self._history is None:
            self._history = History()
            self.callbacks.append(self._history)
        if add_progbar and self._progbar is None:
            self._progbar = ProgbarLogger()
            self.callbacks.append(self._progbar)
        self.set_model(model)
        self.set_params(params)

    # ------------------------------------------------------------------ container API
    def __iter__(self) -> Iterator[Callback]:
        return iter(self.callbacks)

    def __len__(self) -> int:
        return len(self.callbacks)

    def append(self, callback: Callback) -> None:
        """Add a callback at the end, giving it the current model and params.

        Args:
            callback: The callback to add.
        """
        if not isinstance(callback, Callback):
            raise TypeError(
                f"CallbackList.append: `callback` must be a kerax.callbacks.Callback, "
                f"received {type(callback).__name__}: {callback!r}."
            )
        self.callbacks.append(callback)
        if self._model is not None:
            callback.set_model(self._model)
        if self.params:
            callback.set_params(self.params)

    @property
    def history(self) -> History | None:
        """The History callback of the list, if any."""
        return self._history

    @property
    def progbar(self) -> ProgbarLogger | None:
        """The ProgbarLogger callback of the list, if any."""
        return self._progbar

    # ------------------------------------------------------------------ batch-hook needs
    def _needs(self, hooks: tuple[str, ...]) -> bool:
        return any(needs_every_batch(callback, hooks) for callback in self.callbacks)

    @property
    def needs_train_batch_hooks(self) -> bool:
        """True when some callback must see every training batch (the loop must not chunk)."""
        return self._needs(TRAIN_BATCH_HOOKS)

    @property
    def needs_test_batch_hooks(self) -> bool:
        """True when some callback must see every evaluation batch."""
        return self._needs(TEST_BATCH_HOOKS)

    @property
    def needs_predict_batch_hooks(self) -> bool:
        """True when some callback must see every prediction batch."""
        return self._needs(PREDICT_BATCH_HOOKS)

    @property
    def needs_batch_hooks(self) -> bool:
        """True when some callback overrides a train, test or predict batch hook and is not chunk-safe."""
        return self.needs_train_batch_hooks or self.needs_test_batch_hooks or self.needs_predict_batch_hooks

    # ------------------------------------------------------------------ setup
    def set_model(self, model: Any) -> None:
        """Give `model` to every callback and set `model.history` to the History callback.

        Args:
            model: The model; None leaves everything unchanged.
        """
        if model is None:
            return
        self._model = model
        if self._history is not None:
            model.history = self._history
        for callback in self.callbacks:
            callback.set_model(model)

    def set_params(self, params: dict[str, Any]) -> None:
        """Give the loop parameters to every callback.

        Args:
            params: E.g. `{"verbose": 1, "epochs": 10, "steps": 1875}`; empty leaves them unchanged.
        """
        self.params = params
        if params:
            for callback in self.callbacks:
                callback.set_params(params)

    # ------------------------------------------------------------------ dispatch
    def _call(self, name: str, *args: Any) -> None:
        for callback in self.callbacks:
            getattr(callback, name)(*args)

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        """Dispatch `on_epoch_begin`.

        Args:
            epoch: Index of the epoch (0-based).
            logs: Usually None.
        """
        self._call("on_epoch_begin", epoch, pythonify_logs(logs))

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        """Dispatch `on_epoch_end`.

        Args:
            epoch: Index of the epoch (0-based).
            logs: Epoch results, including `val_` entries when validation ran.
        """
        self._call("on_epoch_end", epoch, pythonify_logs(logs))

    def on_batch_begin(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        """Dispatch the legacy `on_batch_begin`.

        Args:
            batch: Index of the batch within the epoch.
            logs: Usually None.
        """
        self._call("on_batch_begin", batch, pythonify_logs(logs))

    def on_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        """Dispatch the legacy `on_batch_end`.

        Args:
            batch: Index of the batch within the epoch.
            logs: Running averages of the loss and metrics.
        """
        self._call("on_batch_end", batch, pythonify_logs(logs))

    def on_train_batch_begin(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        """Dispatch `on_train_batch_begin`.

        Args:
            batch: Index of the (first) batch of the step or chunk about to run.
            logs: Usually None.
        """
        self._call("on_train_batch_begin", batch, pythonify_logs(logs))

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        """Dispatch `on_train_batch_end`.

        Args:
            batch: Index of the last batch that ran (0-based within the epoch).
            logs: Running averages of the loss and metrics over the epoch so far.
        """
        self._call("on_train_batch_end", batch, pythonify_logs(logs))

    def on_test_batch_begin(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        """Dispatch `on_test_batch_begin`.

        Args:
            batch: Index of the (first) batch about to run.
            logs: Usually None.
        """
        self._call("on_test_batch_begin", batch, pythonify_logs(logs))

    def on_test_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        """Dispatch `on_test_batch_end`.

        Args:
            batch: Index of the last batch that ran.
            logs: Running averages of the loss and metrics.
        """
        self._call("on_test_batch_end", batch, pythonify_logs(logs))

    def on_predict_batch_begin(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        """Dispatch `on_predict_batch_begin`.

        Args:
            batch: Index of the (first) batch about to run.
            logs: Usually None.
        """
        self._call("on_predict_batch_begin", batch, pythonify_logs(logs))

    def on_predict_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        """Dispatch `on_predict_batch_end`.

        Args:
            batch: Index of the last batch that ran.
            logs: Batch outputs, if any; passed on unconverted.
        """
        self._call("on_predict_batch_end", batch, dict(logs or {}))

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        """Dispatch `on_train_begin`.

        Args:
            logs: Usually None.
        """
        self._call("on_train_begin", pythonify_logs(logs))

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        """Dispatch `on_train_end`.

        Args:
            logs: The logs of the last epoch.
        """
        self._call("on_train_end", pythonify_logs(logs))

    def on_test_begin(self, logs: dict[str, Any] | None = None) -> None:
        """Dispatch `on_test_begin`.

        Args:
            logs: Usually None.
        """
        self._call("on_test_begin", pythonify_logs(logs))

    def on_test_end(self, logs: dict[str, Any] | None = None) -> None:
        """Dispatch `on_test_end`.

        Args:
            logs: Final evaluation results.
        """
        self._call("on_test_end", pythonify_logs(logs))

    def on_predict_begin(self, logs: dict[str, Any] | None = None) -> None:
        """Dispatch `on_predict_begin`.

        Args:
            logs: Usually None.
        """
        self._call("on_predict_begin", pythonify_logs(logs))

    def on_predict_end(self, logs: dict[str, Any] | None = None) -> None:
        """Dispatch `on_predict_end`.

        Args:
            logs: Usually None.
        """
        self._call("on_predict_end", pythonify_logs(logs))
