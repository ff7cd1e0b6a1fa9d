"""A small duck-typed model and a scripted `fit` driver shared by the callback tests."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from kerax.callbacks import CallbackList


class FakeOptimizer:
    def __init__(self, learning_rate: float = 0.1) -> None:
        self.learning_rate = learning_rate


class FakeModel:
    """Implements just what callbacks rely on: weights, optimizer, save, stop_training."""

    def __init__(self, learning_rate: float = 0.1) -> None:
        self.stop_training = False
        self.optimizer = FakeOptimizer(learning_rate)
        self.weights = [np.zeros((2, 2), np.float32), np.zeros((2,), np.float32)]
        self.saved: list[tuple[str, str]] = []
        self.history: Any = None

    def get_weights(self) -> list[np.ndarray]:
        return [w.copy() for w in self.weights]

    def set_weights(self, weights: list[np.ndarray]) -> None:
        self.weights = [np.array(w, copy=True) for w in weights]

    def bump(self, value: float) -> None:
        """Simulate an epoch of training: every weight becomes `value`."""
        self.weights = [np.full_like(w, value) for w in self.weights]

    def save(self, path: str) -> None:
        self.saved.append(("model", path))

    def save_weights(self, path: str) -> None:
        self.saved.append(("weights", path))


def run_fit(
    callbacks: list[Any],
    model: FakeModel,
    epoch_logs: list[dict[str, Any]],
    steps: int = 4,
    verbose: int = 0,
    chunk: int = 2,
) -> CallbackList:
    """Drive the hooks like a chunked training loop would; weights become the epoch index + 1.

    Batch logs are `{"loss": <epoch loss>}`; epoch logs are taken from `epoch_logs`.
    """
    cbs = CallbackList(
        callbacks,
        add_history=True,
        add_progbar=verbose != 0,
        model=model,
        verbose=verbose,
        epochs=len(epoch_logs),
        steps=steps,
    )
    model.stop_training = False
    cbs.on_train_begin()
    logs: dict[str, Any] = {}
    for epoch, logs in enumerate(epoch_logs):
        cbs.on_epoch_begin(epoch)
        for start in range(0, steps, chunk):
            end = min(start + chunk, steps) - 1
            cbs.on_train_batch_begin(start)
            cbs.on_train_batch_end(end, {"loss": logs.get("loss", 0.5)})
            if model.stop_training:
                break
        model.bump(epoch + 1)
        cbs.on_epoch_end(epoch, dict(logs))
        if model.stop_training:
            break
    cbs.on_train_end(logs)
    return cbs


@pytest.fixture
def model() -> FakeModel:
    return FakeModel()


@pytest.fixture
def make_model() -> type[FakeModel]:
    return FakeModel


@pytest.fixture
def fit() -> Any:
    return run_fit
