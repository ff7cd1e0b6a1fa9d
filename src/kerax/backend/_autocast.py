"""The autocast dtype: while set, floating Variables (``autocast=True``) read as that dtype.

A layer whose policy computes in another dtype than it stores weights in (``"mixed_bfloat16"``) sets it
around its ``call``, so ``x @ self.kernel.value`` runs in bfloat16 while the weight stays float32 (and
its gradient comes back float32). Under a plain policy nothing is ever set and reads are unchanged.
"""

from __future__ import annotations

import threading
from typing import Any

_local = threading.local()


def current() -> Any:
    """The active autocast dtype (a NumPy dtype), or None."""
    return getattr(_local, "dtype", None)


class AutocastScope:
    """Sets the autocast dtype (None switches autocasting off) for the duration of a ``with`` block."""

    __slots__ = ("dtype", "_previous")

    def __init__(self, dtype: Any) -> None:
        self.dtype = dtype
        self._previous: Any = None

    def __enter__(self) -> AutocastScope:
        self._previous = getattr(_local, "dtype", None)
        _local.dtype = self.dtype
        return self

    def __exit__(self, *exc: object) -> None:
        _local.dtype = self._previous
