"""`ProgbarLogger`: prints the progress bar and "Epoch i/N" headers during fit, evaluate, predict."""

from __future__ import annotations

from typing import Any, TextIO

from kerax.backend._progbar import Progbar, print_msg
from kerax.callbacks._callback import Callback


class ProgbarLogger(Callback):
    """Show a Keras-style progress bar; added automatically by `fit`/`evaluate`/`predict`.

    Reads `verbose` (0, 1, 2 or "auto"), `epochs` and `steps` (steps per epoch, None when
    unknown) from the loop parameters. Validation inside `fit` is not displayed separately: its
    results appear in the epoch line.

    Its batch hooks are chunk-safe: called only between chunks of steps, the bar jumps ahead.

    Args:
        stream: Text stream to print to; `None` means the current `sys.stdout`. Defaults to `None`.
        dynamic: Force (True) or forbid (False) in-place redrawing; `None` detects a terminal. Defaults to `None`.
    """

    batch_hooks_chunk_safe = True

    def __init__(self, stream: TextIO | None = None, dynamic: bool | None = None) -> None:
        super().__init__()
        self.stream = stream
        self.dynamic = dynamic
        self.verbose: int = 1
        self.epochs: int = 1
        self.target: int | None = None
        self.seen = 0
        self.progbar: Progbar | None = None
        self._in_fit = False

    def set_params(self, params: dict[str, Any]) -> None:
        """Read `verbose`, `epochs` and `steps` from the loop parameters.

        Args:
            params: The loop parameters.
        """
        super().set_params(params)
        verbose = params.get("verbose", 1)
        if verbose == "auto":
            verbose = 1
        if verbose not in (0, 1, 2):
            raise ValueError(f"ProgbarLogger: params['verbose'] must be 0, 1, 2 or 'auto', received {verbose!r}.")
        self.verbose = int(verbose)
        self.epochs = int(params.get("epochs") or 1)
        steps = params.get("steps")
        self.target = None if steps is None else int(steps)

    # ------------------------------------------------------------------ hooks
    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        """Remember that evaluation hooks now come from validation inside `fit`.

        Args:
            logs: Unused.
        """
        self._in_fit = True

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        """Leave `fit` mode.

        Args:
            logs: Unused.
        """
        self._in_fit = False

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        """Start a new bar and print "Epoch i/N" when there is more than one epoch.

        Args:
            epoch: Index of the epoch (0-based).
            logs: Unused.
        """
        self._new_progbar()
        if self.verbose and self.epochs > 1:
            print_msg(f"Epoch {epoch + 1}/{self.epochs}", self.stream)

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        """Advance the bar to step `batch + 1` with the running averages in `logs`.

        Args:
            batch: Index of the last batch that ran (0-based).
            logs: Running averages of the loss and metrics.
        """
        self._advance(batch, logs)

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        """Finish the bar with the epoch results (validation included).

        Args:
            epoch: Index of the epoch (0-based).
            logs: The epoch's results.
        """
        self._finish(logs)

    def on_test_begin(self, logs: dict[str, Any] | None = None) -> None:
        """Start a bar for `evaluate` (not for validation inside `fit`).

        Args:
            logs: Unused.
        """
        if not self._in_fit:
            self._new_progbar()

    def on_test_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        """Advance the evaluation bar.

        Args:
            batch: Index of the last batch that ran (0-based).
            logs: Running averages of the loss and metrics.
        """
        if not self._in_fit:
            self._advance(batch, logs)

    def on_test_end(self, logs: dict[str, Any] | None = None) -> None:
        """Finish the evaluation bar with the final results.

        Args:
            logs: Final evaluation results.
        """
        if not self._in_fit:
            self._finish(logs)

    def on_predict_begin(self, logs: dict[str, Any] | None = None) -> None:
        """Start a bar for `predict`.

        Args:
            logs: Unused.
        """
        self._new_progbar()

    def on_predict_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        """Advance the prediction bar (outputs are not displayed).

        Args:
            batch: Index of the last batch that ran (0-based).
            logs: Ignored.
        """
        self._advance(batch, None)

    def on_predict_end(self, logs: dict[str, Any] | None = None) -> None:
        """Finish the prediction bar.

        Args:
            logs: Ignored.
        """
        self._finish(None)

    # ------------------------------------------------------------------ helpers
    def _new_progbar(self) -> Progbar:
        self.seen = 0
        self.progbar = Progbar(
            target=self.target,
            verbose=self.verbose,
            unit_name="step",
            stream=self.stream,
            dynamic=self.dynamic,
        )
        return self.progbar

    def _advance(self, batch: int, logs: dict[str, Any] | None) -> None:
        bar = self.progbar if self.progbar is not None else self._new_progbar()
        self.seen = batch + 1
        bar.update(self.seen, logs or {}, finalize=False)

    def _finish(self, logs: dict[str, Any] | None) -> None:
        bar = self.progbar if self.progbar is not None else self._new_progbar()
        if bar.target is None:
            bar.target = self.seen
        # Stopped early (e.g. TerminateOnNaN): show how far the epoch got instead of a full bar.
        current = self.seen if 0 < self.seen < bar.target else bar.target
        bar.update(current, logs or {}, finalize=True)
        self.progbar = None
