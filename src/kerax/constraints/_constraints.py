"""Weight constraints applied after every optimizer step, with Keras's names (``kernel_constraint="non_neg"``)."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax._registry_utils import lookup
from kerax._serialization._serialize import builtin_config
from kerax.backend import epsilon


class Constraint:
    """Base class: ``constraint(weight)`` returns the projected weight."""

    def __call__(self, w: jax.Array) -> jax.Array:
        return w

    def get_config(self) -> dict[str, Any]:
        return {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Constraint:
        return cls(**config)


def _norms(w: jax.Array, axis: Any) -> jax.Array:
    return jnp.sqrt(jnp.sum(jnp.square(w), axis=axis, keepdims=True))


class MaxNorm(Constraint):
    """Rescales weight vectors whose norm along ``axis`` exceeds ``max_value``.

    Args:
        max_value: the largest norm allowed (default 2).
        axis: the axis (or axes) along which norms are taken; 0 for a Dense kernel's input weights. Defaults to ``0``.
    """

    def __init__(self, max_value: float = 2.0, axis: Any = 0) -> None:
        self.max_value, self.axis = max_value, axis

    def __call__(self, w: jax.Array) -> jax.Array:
        norms = _norms(w, self.axis)
        return w * (jnp.clip(norms, 0, self.max_value) / (epsilon() + norms))

    def get_config(self) -> dict[str, Any]:
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """Sets negative weights to zero."""

    def __call__(self, w: jax.Array) -> jax.Array:
        return w * (w >= 0.0).astype(w.dtype)


class UnitNorm(Constraint):
    """Constraint rescaling weight vectors along ``axis`` to unit norm.

    Args:
        axis: The axis (or axes) along which norms are taken (default 0: a Dense kernel's input weights).
    """

    def __init__(self, axis: Any = 0) -> None:
        self.axis = axis

    def __call__(self, w: jax.Array) -> jax.Array:
        return w / (epsilon() + _norms(w, self.axis))

    def get_config(self) -> dict[str, Any]:
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    """Constraint moving the norms of weight vectors along ``axis`` into ``[min_value, max_value]``.

    Args:
        min_value: Smallest norm allowed (default 0.0).
        max_value: Largest norm allowed (default 1.0).
        rate: How far to move each step: 1.0 (default) clips exactly, smaller values move part of the way (``rate *
            clipped + (1 - rate) * norm``).
        axis: The axis (or axes) along which norms are taken (default 0).
    """

    def __init__(self, min_value: float = 0.0, max_value: float = 1.0, rate: float = 1.0, axis: Any = 0) -> None:
        if min_value > max_value:
            raise ValueError(f"MinMaxNorm: `min_value` ({min_value}) is larger than `max_value` ({max_value}).")
        self.min_value, self.max_value, self.rate, self.axis = min_value, max_value, rate, axis

    def __call__(self, w: jax.Array) -> jax.Array:
        norms = _norms(w, self.axis)
        desired = self.rate * jnp.clip(norms, self.min_value, self.max_value) + (1 - self.rate) * norms
        return w * (desired / (epsilon() + norms))

    def get_config(self) -> dict[str, Any]:
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate, "axis": self.axis}


max_norm = MaxNorm
non_neg = NonNeg
unit_norm = UnitNorm
min_max_norm = MinMaxNorm

_CLASSES: dict[str, type] = {c.__name__: c for c in (Constraint, MaxNorm, NonNeg, UnitNorm, MinMaxNorm)}
_ALIASES = {"max_norm": "MaxNorm", "non_neg": "NonNeg", "unit_norm": "UnitNorm", "min_max_norm": "MinMaxNorm"}


def get(identifier: Any) -> Any:
    """A constraint from a name (``"non_neg"``), a config dict, an instance or a callable; None stays None.

    Args:
        identifier: A name, a config dict, a ``Constraint``, a callable (returned as is), or ``None``.
    """
    return lookup(identifier, _CLASSES, _ALIASES, "constraint", Constraint)


def serialize(constraint: Constraint) -> dict[str, Any]:
    """The Keras config dict of ``constraint``.

    Args:
        constraint: A ``Constraint``.
    """
    return builtin_config(constraint, "keras.constraints")


def deserialize(config: dict[str, Any]) -> Constraint:
    """A constraint from a config dict (as ``serialize`` writes it) or a name.

    Args:
        config: ``{"class_name": ..., "config": {...}}``, or a name such as ``"non_neg"``.
    """
    return get(config)


__all__ = [
    "Constraint",
    "MaxNorm",
    "MinMaxNorm",
    "NonNeg",
    "UnitNorm",
    "deserialize",
    "get",
    "max_norm",
    "min_max_norm",
    "non_neg",
    "serialize",
    "unit_norm",
]
