"""The stateless scope: inside it, the Variables it maps read and write values held by the scope.

This is what turns an ordinary Python ``call()`` into a pure function that ``jax.jit`` can trace:

    with StatelessScope({kernel: k, bias: b}, rng=key) as scope:
        y = layer(x)                      # reads k and b, never the stored values
    updates = scope.updates               # values assigned inside (e.g. moving averages)

Only the innermost active scope is consulted. A Variable it does not map reads its own stored array (an
enclosing scope's value for it is not used); assigning it a traced value records the value in the innermost
scope, and assigning it a concrete array replaces the stored array.
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

    Inside the block, a mapped Variable reads its value here and ``assign`` records new values in ``updates``
    (its stored array is untouched); a Variable the scope does not map reads its stored array, even when an
    enclosing scope maps it.

    Args:
        state_mapping: a dict from Variable to the value it takes inside the scope, or (as in Keras) a
            sequence of ``(variable, value)`` pairs. Defaults to ``None``.
        collect_losses: accepted for Keras compatibility; losses added in the scope are always collected
            in ``losses``. Defaults to ``False``.
        initialize_variables: accepted for Keras compatibility; kerax Variables are always initialised.
            Defaults to ``True``.
        rng: an optional PRNG key; random layers fold their keys from it. Defaults to ``None``.
    """

    def __init__(
        self,
        state_mapping: Any = None,
        collect_losses: bool = False,
        initialize_variables: bool = True,
        rng: jax.Array | None = None,
    ) -> None:
        del collect_losses, initialize_variables
        self._values: dict[int, Any] = {}
        self.updates: dict[int, Any] = {}
        self.losses: list[Any] = []  # what layers add with add_loss() during the scope
        self.rng = rng
        self._draws = 0
        pairs = state_mapping.items() if isinstance(state_mapping, dict) else (state_mapping or ())
        for var, value in pairs:
            self._values[id(var)] = value

    def get(self, var: Variable) -> Any:
        """The value of ``var`` in this scope (assigned or given), or None; enclosing scopes are not read."""
        key = id(var)
        if key in self.updates:
            return self.updates[key]
        if key in self._values:
            return self._values[key]
        return None

    def get_current_value(self, var: Variable) -> Any:
        """Keras's name for ``get``: the value of ``var`` in this scope, or None."""
        return self.get(var)

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


def _symbolic_stack() -> list[SymbolicScope]:
    if not hasattr(_local, "symbolic"):
        _local.symbolic = []
    return _local.symbolic


class SymbolicScope:
    """Marks a ``with`` block as shape inference only: layers are traced for output specs, not run.

    Layer calls on symbolic tensors (``kerax.Input``) run inside one; ``in_symbolic_scope()`` tells code in
    ``call()`` that values there are abstract and side effects would not be kept.
    """

    def __enter__(self) -> SymbolicScope:
        _symbolic_stack().append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        _symbolic_stack().pop()


def in_symbolic_scope() -> bool:
    """Whether a ``SymbolicScope`` is active."""
    return bool(_symbolic_stack())
