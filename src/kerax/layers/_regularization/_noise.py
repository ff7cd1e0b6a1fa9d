"""Shared pieces of the random regularization layers: argument checks and where keys come from."""

from __future__ import annotations

import numbers
from typing import Any

import jax

from kerax.backend import _scope, draw_key


def check_seed(seed: Any, who: str) -> None:
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
        raise ValueError(f"{who}: `seed` must be an int or None, received {seed!r}.")


def check_fraction(value: Any, name: str, who: str, upper_inclusive: bool = False) -> float:
    """A float in ``[0, 1)`` (or ``[0, 1]``); anything else is a ValueError naming the layer."""
    ok = not isinstance(value, bool) and isinstance(value, numbers.Real)
    ok = ok and 0 <= value and (value <= 1 if upper_inclusive else value < 1)
    if not ok:
        interval = "[0, 1]" if upper_inclusive else "[0, 1)"
        raise ValueError(f"{who}: `{name}` must be a float in {interval}, received {name}={value!r}.")
    return float(value)


class SeededNoiseMixin:
    """``_key()``: from the training step's key inside a traced step, else from ``seed`` or the global generator.

    With an int ``seed`` and no step key, eager calls draw a repeatable sequence of keys.
    """

    seed: int | None
    _draws: int

    def _key(self) -> jax.Array:
        if self.seed is None or _scope.innermost_with_rng() is not None:
            return draw_key()
        key = jax.random.fold_in(jax.random.key(self.seed), self._draws)
        self._draws += 1
        return key
