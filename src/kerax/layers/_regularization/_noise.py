"""Shared pieces of the random regularization layers: argument checks (their keys come from ``layers._seeded``)."""

from __future__ import annotations

import numbers
from typing import Any


def check_fraction(value: Any, name: str, who: str, upper_inclusive: bool = False) -> float:
    """A float in ``[0, 1)`` (or ``[0, 1]``); anything else is a ValueError naming the layer."""
    ok = not isinstance(value, bool) and isinstance(value, numbers.Real)
    ok = ok and 0 <= value and (value <= 1 if upper_inclusive else value < 1)
    if not ok:
        interval = "[0, 1]" if upper_inclusive else "[0, 1)"
        raise ValueError(f"{who}: `{name}` must be a float in {interval}, received {name}={value!r}.")
    return float(value)
