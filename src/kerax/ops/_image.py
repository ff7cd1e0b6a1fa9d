"""Image ops with Keras's names (``kerax.ops.image.resize``, ...)."""

from __future__ import annotations

__all__: list[str] = []
