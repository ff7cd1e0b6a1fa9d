"""Unique object names as Keras makes them (``dense``, ``dense_1``), and name scopes for Variable paths."""

from __future__ import annotations

import collections
import re
import threading
from typing import Any

_counts: collections.Counter[str] = collections.Counter()


def to_snake_case(name: str) -> str:
    """``BatchNormalization`` -> ``batch_normalization``; ``Conv2D`` -> ``conv2d``; ``F1Score`` -> ``f1_score``.

    As Keras: characters that cannot be in a name are dropped first.

    Args:
        name: A class or layer name.
    """
    name = re.sub(r"\W+", "", name)
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    name = re.sub(r"([a-z])([A-Z])", r"\1_\2", name)
    return name.lower()


def uniquify(prefix: str) -> str:
    """Return ``prefix`` the first time it is asked for in a session, then ``prefix_1``, ``prefix_2``...

    Args:
        prefix: The base name.
    """
    n = _counts[prefix]
    _counts[prefix] += 1
    return prefix if n == 0 else f"{prefix}_{n}"


def reset_names() -> None:
    """Forget every name handed out, so the next ``Dense`` is called ``dense`` again."""
    _counts.clear()


def get_uid(prefix: str = "") -> int:
    """Count one more use of ``prefix`` and return the count (1, 2, ...); shares ``uniquify``'s counters.

    Args:
        prefix: The name to count (default ``""``).
    """
    _counts[prefix] += 1
    return _counts[prefix]


_scopes = threading.local()


def _scope_stack() -> list[name_scope]:
    if not hasattr(_scopes, "stack"):
        _scopes.stack = []
    return _scopes.stack


class name_scope:  # noqa: N801  (Keras's name)
    """A ``with`` block inside which new Variables' paths start with ``name/`` (nested blocks nest).

    Args:
        name: the scope's name (no ``/``).
        caller: an optional owner object; re-entering the innermost scope of the same caller and name adds
            no level when ``deduplicate`` is true. Defaults to ``None``.
        deduplicate: see ``caller``. Defaults to ``True``.
        override_parent: a path replacing the enclosing scopes' path. Defaults to ``None``.
    """

    def __init__(self, name: str, caller: Any = None, deduplicate: bool = True, override_parent: str | None = None):
        if not isinstance(name, str) or not name or "/" in name:
            raise ValueError(f"name_scope: `name` must be a non-empty string without '/', received {name!r}.")
        self.name = name
        self.caller = caller
        self.deduplicate = deduplicate
        self.override_parent = override_parent
        self._pushed = False

    def __enter__(self) -> name_scope:
        stack = _scope_stack()
        if self.deduplicate and stack and self.caller is not None:
            top = stack[-1]
            if top.caller is self.caller and top.name == self.name:
                return self
        stack.append(self)
        self._pushed = True
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pushed:
            _scope_stack().pop()
            self._pushed = False


def current_path() -> str:
    """The path of the active name scopes (``"outer/inner"``), or ``""`` outside any."""
    parts: list[str] = []
    for scope in _scope_stack():
        if scope.override_parent is not None:
            parts = [p for p in scope.override_parent.split("/") if p]
        parts.append(scope.name)
    return "/".join(parts)
