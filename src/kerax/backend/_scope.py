"""The stateless scope: inside it, every Variable reads and writes a value held by the scope.

This is what turns an ordinary Python ``call()`` into a pure function that ``jax.jit`` can trace:

    with StatelessScope({kernel: k, bias: b}, rng=key) as scope:
        y = layer(x)                      # reads k and b, never the stored values
    updates = scope.updates               # values assigned inside (e.g. moving averages)
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import jax

if TYPE_CHECKING:
    from kerax.backend._variables import Variable

_local = threading.local()


def _stack() -> list[StatelessScope]:
    if not hasattr(_local, "stack"):
        _local.stack = []
    return _local.stack


def current() -> StatelessScope | None:
    """The innermost active scope, or None."""
    stack = _stack()
    return stack[-1] if stack else None


def innermost_with_rng() -> StatelessScope | None:
    """The innermost active scope that carries a PRNG key, or None."""
    for scope in reversed(_stack()):
        if scope.rng is not None:
            return scope
    return None


class StatelessScope:
    """Maps Variables to values for the duration of a ``with`` block.

    Args:
        values: a mapping from Variable to the value it takes inside the scope.
        rng: an optional PRNG key; random layers fold their keys from it.
    """

    def __init__(self, values: dict[Variable, Any] | None = None, rng: jax.Array | None = None) -> None:
        self._values: dict[int, Any] = {}
        self.updates: dict[int, Any] = {}
        self.losses: list[Any] = []  # what layers add with add_loss() during the scope
        self.rng = rng
        self._draws = 0
        for var, value in (values or {}).items():
            self._values[id(var)] = value

    def get(self, var: Variable) -> Any:
        """The value of ``var`` in this scope (assigned or given), or None; enclosing scopes are not read."""
        key = id(var)
        if key in self.updates:
            return self.updates[key]
        if key in self._values:
            return self._values[key]
        return None

    def assign(self, var: Variable, value: Any) -> None:
        self.updates[id(var)] = value

    def next_key(self) -> jax.Array:
        self._draws += 1
        return jax.random.fold_in(self.rng, self._draws)

    def __enter__(self) -> StatelessScope:
        _stack().append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        _stack().pop()
