"""Keras's core ops (control flow, scatter/slice updates, ``stop_gradient``, ...) and its math ops."""

from __future__ import annotations

__all__: list[str] = []
