"""``clear_session``: forget the state a session accumulates (names, the global policy, host buffers)."""

from __future__ import annotations

import gc
from collections.abc import Callable

from kerax.backend import _naming, _staging

# What the packages above backend forget too (the global dtype policy); each registers its reset on import.
_RESETS: list[Callable[[], None]] = []


def on_clear_session(reset: Callable[[], None]) -> None:
    """Have ``clear_session`` call ``reset`` (a package above backend forgetting its session state)."""
    _RESETS.append(reset)


def clear_session(free_memory: bool = True) -> None:
    """Reset the names that layers and models are given (the next ``Dense`` is ``dense`` again).

    As in Keras, the global dtype policy goes back to the default (``backend.floatx()``) too. The host
    buffers that ``fit`` and ``evaluate`` keep for the next call's data are freed; with ``free_memory``
    Python's garbage collector runs as well.

    Args:
        free_memory: Whether to also run Python's garbage collector (default ``True``).
    """
    _naming.reset_names()
    for reset in _RESETS:
        reset()
    _staging.clear()
    if free_memory:
        gc.collect()
