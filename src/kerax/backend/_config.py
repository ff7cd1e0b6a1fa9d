"""Global numeric settings: the default float type and the fuzz factor."""

from __future__ import annotations

_FLOATX = "float32"
_EPSILON = 1e-7


def floatx() -> str:
    """Return the default float type, as a string (``"float32"``)."""
    return _FLOATX


def set_floatx(value: str) -> None:
    """Set the default float type: one of ``"float16"``, ``"bfloat16"``, ``"float32"``, ``"float64"``."""
    global _FLOATX
    allowed = ("float16", "bfloat16", "float32", "float64")
    if value not in allowed:
        raise ValueError(f"set_floatx: expected one of {allowed}, received {value!r}.")
    _FLOATX = value


def epsilon() -> float:
    """Return the fuzz factor used in numeric expressions (1e-7, as in Keras)."""
    return _EPSILON


def set_epsilon(value: float) -> None:
    """Set the fuzz factor used in numeric expressions."""
    global _EPSILON
    _EPSILON = float(value)
