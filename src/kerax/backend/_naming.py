"""Unique object names as Keras makes them: ``dense``, ``dense_1``, ``batch_normalization_3``."""

from __future__ import annotations

import collections
import re

_counts: collections.Counter[str] = collections.Counter()


def to_snake_case(name: str) -> str:
    """``BatchNormalization`` -> ``batch_normalization``; ``Conv2D`` -> ``conv2d``."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    name = re.sub(r"([a-z])([A-Z])", r"\1_\2", name)
    return name.lower()


def uniquify(prefix: str) -> str:
    """Return ``prefix`` the first time it is asked for in a session, then ``prefix_1``, ``prefix_2``..."""
    n = _counts[prefix]
    _counts[prefix] += 1
    return prefix if n == 0 else f"{prefix}_{n}"


def reset_names() -> None:
    """Forget every name handed out, so the next ``Dense`` is called ``dense`` again."""
    _counts.clear()
