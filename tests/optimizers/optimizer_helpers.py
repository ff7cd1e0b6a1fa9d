"""Helpers shared by the optimizer tests (kept out of conftest so they can be imported by name)."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

SHAPES = [(3, 4), (5,), (2, 3, 2)]


def make_problem(steps: int = 5, seed: int = 0, grad_scale: float = 1.0):
    """Returns (initial variables, list of per-step gradient lists) as float32 numpy arrays."""
    rng = np.random.RandomState(seed)
    init = [rng.normal(size=s).astype("float32") for s in SHAPES]
    grads = [[(grad_scale * rng.normal(size=s)).astype("float32") for s in SHAPES] for _ in range(steps)]
    return init, grads


class DuckVariable:
    """Minimal variable: ``.value``, ``.assign`` and a ``name`` (all apply_gradients needs)."""

    def __init__(self, value, name: str = "var"):
        self.value = jnp.asarray(value)
        self.name = name

    def assign(self, value) -> None:
        self.value = value
