"""Where a random layer's keys come from: one helper for the dropout, noise, preprocessing, recurrent and
JAX-wrapping layers."""

from __future__ import annotations

import numbers
from typing import Any

import jax

from kerax.backend import _scope, draw_key


def check_seed(seed: Any, who: str) -> int | None:
    """``seed`` as an int or ``None``; anything else is a ValueError naming ``who``."""
    if seed is not None and (not isinstance(seed, numbers.Integral) or isinstance(seed, bool)):
        raise ValueError(f"{who}: `seed` must be an int or None, received {seed!r}.")
    return None if seed is None else int(seed)


class SeededKeys:
    """``_key()``: from the training step's key inside a traced step, else from ``seed`` or the global generator.

    With an int ``seed`` and no step key, eager calls draw a repeatable sequence of keys. A layer calls
    ``_keep_seed(seed)`` in its constructor.
    """

    seed: int | None
    name: str
    _draws: int

    def _keep_seed(self, seed: Any) -> None:
        """Check ``seed`` (naming the layer) and start its sequence of keys."""
        self.seed = check_seed(seed, f"{type(self).__name__} '{self.name}'")
        self._draws = 0

    def _key(self) -> jax.Array:
        if self.seed is None or _scope.innermost_with_rng() is not None:
            return draw_key()
        key = jax.random.fold_in(jax.random.key(self.seed), self._draws)
        self._draws += 1
        return key
