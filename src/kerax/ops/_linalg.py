"""Linear algebra ops with Keras's names (``kerax.ops.linalg.inv``, ...)."""

from __future__ import annotations

__all__: list[str] = []
