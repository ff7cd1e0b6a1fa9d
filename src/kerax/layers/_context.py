"""The call context: the ``training`` flag that an outer call hands to the layers it calls."""

from __future__ import annotations

import threading

_local = threading.local()


def call_depth() -> int:
    """How many layer calls are in progress on this thread (0 outside any call)."""
    return len(getattr(_local, "training", ()))


def current_training() -> bool | None:
    stack = getattr(_local, "training", None)
    return stack[-1] if stack else None


class training_scope:
    """``with training_scope(True):`` makes nested layer calls see ``training=True`` unless told otherwise."""

    def __init__(self, training: bool | None) -> None:
        self.training = training

    def __enter__(self) -> None:
        if not hasattr(_local, "training"):
            _local.training = []
        _local.training.append(self.training)

    def __exit__(self, *exc: object) -> None:
        _local.training.pop()
