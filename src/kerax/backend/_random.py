"""Randomness: one global seed generator for eager draws, explicit keys inside traced functions."""

from __future__ import annotations

import random as _py_random

import jax
import numpy as np

from kerax.backend import _scope

_state: dict[str, object] = {"seed": None, "counter": 0, "key": None}


def set_random_seed(seed: int) -> None:
    """Seed Python's ``random``, NumPy and kerax, so that a whole program is repeatable.

    Args:
        seed: a non-negative integer.
    """
    if not isinstance(seed, int | np.integer) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"set_random_seed: expected a non-negative integer, received {seed!r}.")
    seed = int(seed)
    _py_random.seed(seed)
    np.random.seed(seed % 2**32)
    _state.update(seed=seed, counter=0, key=None)


def _global_key() -> jax.Array:
    if _state["key"] is None:
        _state["key"] = jax.random.key(_ensure_seed())
    return _state["key"]  # type: ignore[return-value]


def _ensure_seed() -> int:
    if _state["seed"] is None:
        _state["seed"] = int.from_bytes(np.random.default_rng().bytes(4), "little")
    return int(_state["seed"])  # type: ignore[arg-type]


def next_seed_int() -> int:
    """A fresh integer from the global generator, for host-side draws (shuffling, initial weights)."""
    seed = _ensure_seed()
    counter = int(_state["counter"])  # type: ignore[arg-type]
    _state["counter"] = counter + 1
    return int(np.random.SeedSequence([seed, counter]).generate_state(1)[0])


def draw_key() -> jax.Array:
    """Return a fresh PRNG key.

    Inside a stateless scope that carries a key (a traced training step), keys are folded from the
    innermost such key, so the step stays a pure function of its inputs: a ``stateless_call`` without
    ``rng=`` inside a user's ``train_step`` draws from the key the trainer gives the step. Elsewhere they
    come from the global generator that ``set_random_seed`` seeds.
    """
    scope = _scope.innermost_with_rng()
    if scope is not None:
        return scope.next_key()
    return _draw_global_key()


def reset() -> None:
    """Forget the global generator's position (a fresh unseeded generator)."""
    _state.update(seed=None, counter=0, key=None)


def _draw_global_key() -> jax.Array:
    """A fresh key from the global generator, ignoring any stateless scope."""
    key = _global_key()
    counter = int(_state["counter"])  # type: ignore[arg-type]
    _state["counter"] = counter + 1
    return jax.random.fold_in(key, counter)
