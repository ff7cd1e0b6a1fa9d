"""Weight and activity regularizers with Keras's names and defaults (``kernel_regularizer="l2"``)."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax._registry_utils import lookup
from kerax._serialization._serialize import builtin_config


class Regularizer:
    """Base class: ``regularizer(weights)`` returns a scalar penalty added to the training loss."""

    def __call__(self, x: Any) -> jax.Array:
        return jnp.zeros(())

    def get_config(self) -> dict[str, Any]:
        return {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Regularizer:
        return cls(**config)


def _non_negative(value: Any, who: str, name: str) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{who}: `{name}` must be a non-negative number, received {value!r}.")
    return float(value)


class L1L2(Regularizer):
    """``l1 * sum(|x|) + l2 * sum(x**2)``.

    Args:
        l1: the L1 factor (default 0).
        l2: the L2 factor (default 0).
    """

    def __init__(self, l1: float = 0.0, l2: float = 0.0) -> None:
        self.l1 = _non_negative(l1, type(self).__name__, "l1")
        self.l2 = _non_negative(l2, type(self).__name__, "l2")

    def __call__(self, x: Any) -> jax.Array:
        x = x.value if hasattr(x, "value") else x
        penalty = jnp.zeros((), jnp.float32)
        if self.l1:
            penalty = penalty + self.l1 * jnp.sum(jnp.abs(x))
        if self.l2:
            penalty = penalty + self.l2 * jnp.sum(jnp.square(x))
        return penalty

    def get_config(self) -> dict[str, Any]:
        return {"l1": self.l1, "l2": self.l2}


class L1(L1L2):
    """Regularizer adding ``l1 * sum(abs(x))`` to the loss.

    Args:
        l1: The L1 factor, non-negative (default 0.01).
    """

    def __init__(self, l1: float = 0.01) -> None:
        super().__init__(l1=l1)

    def get_config(self) -> dict[str, Any]:
        return {"l1": self.l1}


class L2(L1L2):
    """Regularizer adding ``l2 * sum(x ** 2)`` to the loss.

    Args:
        l2: The L2 factor, non-negative (default 0.01).
    """

    def __init__(self, l2: float = 0.01) -> None:
        super().__init__(l2=l2)

    def get_config(self) -> dict[str, Any]:
        return {"l2": self.l2}


class OrthogonalRegularizer(Regularizer):
    """Penalises non-orthogonal rows (or columns) of a 2-D kernel: mean |cosine| between distinct pairs.

    Args:
        factor: scale of the penalty (default 0.01).
        mode: ``"rows"`` or ``"columns"``. Defaults to ``"rows"``.
    """

    def __init__(self, factor: float = 0.01, mode: str = "rows") -> None:
        self.factor = _non_negative(factor, "OrthogonalRegularizer", "factor")
        if mode not in ("rows", "columns"):
            raise ValueError(f"OrthogonalRegularizer: `mode` must be 'rows' or 'columns', received {mode!r}.")
        self.mode = mode

    def __call__(self, x: Any) -> jax.Array:
        x = x.value if hasattr(x, "value") else x
        if x.ndim != 2:
            raise ValueError(f"OrthogonalRegularizer needs a 2-D weight, received one of shape {tuple(x.shape)}.")
        vectors = x if self.mode == "rows" else x.T
        vectors = vectors / jnp.maximum(jnp.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        product = vectors @ vectors.T
        size = product.shape[0]
        off_diagonal = product * (1.0 - jnp.eye(size))
        pairs = size * (size - 1.0) / 2.0
        return self.factor * 0.5 * jnp.sum(jnp.abs(off_diagonal)) / pairs

    def get_config(self) -> dict[str, Any]:
        return {"factor": self.factor, "mode": self.mode}


l1_l2 = L1L2  # Keras 3's alias of the class (both factors default to 0)
l1 = L1
l2 = L2
orthogonal_regularizer = OrthogonalRegularizer

_CLASSES: dict[str, type] = {c.__name__: c for c in (Regularizer, L1, L2, L1L2, OrthogonalRegularizer)}
_ALIASES = {"l1": "L1", "l2": "L2", "l1_l2": "L1L2", "orthogonal_regularizer": "OrthogonalRegularizer"}


def get(identifier: Any) -> Any:
    """A regularizer from a name (``"l2"``), a config dict, an instance or a callable; None stays None.

    Args:
        identifier: A name, a config dict, a ``Regularizer``, a callable (returned as is), or ``None``.
    """
    return lookup(identifier, _CLASSES, _ALIASES, "regularizer", Regularizer)


def serialize(regularizer: Regularizer) -> dict[str, Any]:
    """The Keras config dict of ``regularizer``.

    Args:
        regularizer: A ``Regularizer``.
    """
    return builtin_config(regularizer, "keras.regularizers")


def deserialize(config: dict[str, Any]) -> Regularizer:
    """A regularizer from a config dict (as ``serialize`` writes it) or a name.

    Args:
        config: ``{"class_name": ..., "config": {...}}``, or a name such as ``"l2"``.
    """
    return get(config)


__all__ = [
    "L1",
    "L1L2",
    "L2",
    "OrthogonalRegularizer",
    "Regularizer",
    "deserialize",
    "get",
    "l1",
    "l1_l2",
    "l2",
    "orthogonal_regularizer",
    "serialize",
]
