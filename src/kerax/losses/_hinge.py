"""Hinge-family loss functions for maximum-margin classifiers."""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from kerax.losses._common import as_float


def _signed_labels(y_true: jax.Array) -> jax.Array:
    """Map {0, 1} labels to {-1, 1}; leave labels untouched if any value is not 0 or 1."""
    is_binary = jnp.all((y_true == 0) | (y_true == 1))
    return jnp.where(is_binary, 2.0 * y_true - 1.0, y_true)


def hinge(y_true: ArrayLike, y_pred: ArrayLike) -> jax.Array:
    """Hinge loss `mean(max(1 - y_true * y_pred, 0), axis=-1)`; 0/1 labels become -1/1.

    Args:
        y_true: Labels in {-1, 1} (or {0, 1}), shape `(batch, d0, ..., dN)`.
        y_pred: Scores, same shape.
    """
    y_pred = as_float(y_pred)
    y_true = _signed_labels(jnp.asarray(y_true).astype(y_pred.dtype))
    return jnp.mean(jnp.maximum(1.0 - y_true * y_pred, 0.0), axis=-1)


def squared_hinge(y_true: ArrayLike, y_pred: ArrayLike) -> jax.Array:
    """Squared hinge loss `mean(max(1 - y_true * y_pred, 0) ** 2, axis=-1)`.

    Args:
        y_true: Labels in {-1, 1} (or {0, 1}), shape `(batch, d0, ..., dN)`.
        y_pred: Scores, same shape.
    """
    y_pred = as_float(y_pred)
    y_true = _signed_labels(jnp.asarray(y_true).astype(y_pred.dtype))
    return jnp.mean(jnp.square(jnp.maximum(1.0 - y_true * y_pred, 0.0)), axis=-1)


def categorical_hinge(y_true: ArrayLike, y_pred: ArrayLike) -> jax.Array:
    """Categorical hinge `max(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0)`.

    Args:
        y_true: One-hot labels, shape `(batch, ..., num_classes)`.
        y_pred: Scores, same shape.
    """
    y_pred = as_float(y_pred)
    y_true = jnp.asarray(y_true).astype(y_pred.dtype)
    pos = jnp.sum(y_true * y_pred, axis=-1)
    neg = jnp.max((1.0 - y_true) * y_pred, axis=-1)
    return jnp.maximum(neg - pos + 1.0, 0.0)
