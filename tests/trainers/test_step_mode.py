"""How fit() loops over steps: many steps per call, except convolutions on CPU (see docs/benchmarks.md)."""

from __future__ import annotations

import jax
import numpy as np
import pytest

import kerax
from kerax import layers


def _fit_mode(*body: layers.Layer, shape: tuple[int, ...]) -> str:
    model = kerax.Sequential([kerax.Input(shape), *body, layers.Flatten(), layers.Dense(3, activation="softmax")])
    model.compile("sgd", "sparse_categorical_crossentropy")
    model.fit(np.ones((64, *shape), np.float32), np.zeros(64, np.int32), batch_size=16, verbose=0)
    return model._steps.mode


@pytest.mark.parametrize(
    "make_body",
    [
        lambda: (),
        lambda: (layers.BatchNormalization(),),
        lambda: (layers.Dropout(0.3),),
        lambda: (layers.Dense(4), layers.Activation("relu")),
    ],
    ids=["plain", "batchnorm", "dropout", "dense"],
)
def test_models_without_convolutions_run_many_steps_per_call(make_body: object) -> None:
    assert _fit_mode(*make_body(), shape=(8,)) == "loop"


def test_convolutions_run_one_step_per_call_on_cpu() -> None:
    mode = _fit_mode(layers.Conv2D(2, 3), shape=(6, 6, 1))
    assert mode == ("unrolled" if jax.default_backend() == "cpu" else "loop")


def test_steps_per_execution_gives_the_same_weights_as_one_step_per_call() -> None:
    def train(spe: int | str) -> list[np.ndarray]:
        kerax.utils.set_random_seed(3)
        model = kerax.Sequential([kerax.Input((5,)), layers.Dense(4, activation="relu"), layers.Dense(1)])
        model.compile("adam", "mse", steps_per_execution=spe)
        x = np.random.default_rng(0).normal(size=(100, 5)).astype(np.float32)
        model.fit(x, x.sum(1, keepdims=True), batch_size=8, epochs=2, shuffle=False, verbose=0)
        return model.get_weights()

    for a, b in zip(train(1), train("auto"), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    for a, b in zip(train(1), train(5), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
