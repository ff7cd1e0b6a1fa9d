"""Session-wide state: names and randomness."""

from __future__ import annotations

from kerax.backend import _naming
from kerax.backend._random import set_random_seed


def clear_session() -> None:
    """Reset the names that layers and models are given (the next ``Dense`` is ``dense`` again)."""
    _naming.reset_names()


__all__ = ["clear_session", "set_random_seed"]
