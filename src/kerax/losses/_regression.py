"""Regression loss functions: per-sample errors reduced over the last axis."""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from kerax.losses._common import EPSILON, as_float, match_rank


def _prepare(y_true: ArrayLike, y_pred: ArrayLike) -> tuple[jax.Array, jax.Array]:
    y_pred = as_float(y_pred)
    y_true = jnp.asarray(y_true).astype(y_pred.dtype)
    return match_rank(y_true, y_pred)


def l2_normalize(x: jax.Array, axis: int = -1) -> jax.Array:
    """Scale `x` to unit L2 norm along `axis`; vectors of norm below EPSILON scale by 1/EPSILON.

    Args:
        x: Input array.
        axis: Axis along which to normalise.
    """
    if x.ndim == 0:
        x = x[None]
    square_sum = jnp.sum(jnp.square(x), axis=axis, keepdims=True)
    inv_norm = jnp.minimum(jax.lax.rsqrt(square_sum), 1.0 / EPSILON)
    return x * inv_norm


def mean_squared_error(y_true: ArrayLike, y_pred: ArrayLike) -> jax.Array:
    """Mean of squared errors over the last axis: `mean((y_true - y_pred) ** 2, axis=-1)`.

    Args:
        y_true: Targets, shape `(batch, d0, ..., dN)`.
        y_pred: Predictions, same shape.
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    return jnp.mean(jnp.square(y_true - y_pred), axis=-1)


def mean_absolute_error(y_true: ArrayLike, y_pred: ArrayLike) -> jax.Array:
    """Mean of absolute errors over the last axis: `mean(|y_true - y_pred|, axis=-1)`.

    Args:
        y_true: Targets, shape `(batch, d0, ..., dN)`.
        y_pred: Predictions, same shape.
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    return jnp.mean(jnp.abs(y_true - y_pred), axis=-1)


def mean_absolute_percentage_error(y_true: ArrayLike, y_pred: ArrayLike) -> jax.Array:
    """Percentage error `100 * mean(|y_true - y_pred| / max(|y_true|, eps), axis=-1)`.

    Args:
        y_true: Targets, shape `(batch, d0, ..., dN)`.
        y_pred: Predictions, same shape.
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    diff = jnp.abs((y_true - y_pred) / jnp.maximum(jnp.abs(y_true), EPSILON))
    return 100.0 * jnp.mean(diff, axis=-1)


def mean_squared_logarithmic_error(y_true: ArrayLike, y_pred: ArrayLike) -> jax.Array:
    """Squared log error `mean((log1p(max(y_pred, eps)) - log1p(max(y_true, eps))) ** 2, -1)`.

    Args:
        y_true: Targets, shape `(batch, d0, ..., dN)`.
        y_pred: Predictions, same shape.
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    first_log = jnp.log(jnp.maximum(y_pred, EPSILON) + 1.0)
    second_log = jnp.log(jnp.maximum(y_true, EPSILON) + 1.0)
    return jnp.mean(jnp.square(first_log - second_log), axis=-1)


def huber(y_true: ArrayLike, y_pred: ArrayLike, delta: float = 1.0) -> jax.Array:
    """Huber loss: quadratic for errors up to `delta`, linear beyond; averaged over the last axis.

    Args:
        y_true: Targets, shape `(batch, d0, ..., dN)`.
        y_pred: Predictions, same shape.
        delta: Error size at which the loss switches from quadratic to linear. Defaults to `1.0`.
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    delta = jnp.asarray(delta, y_pred.dtype)
    error = y_pred - y_true
    abs_error = jnp.abs(error)
    quadratic = 0.5 * jnp.square(error)
    linear = delta * abs_error - 0.5 * jnp.square(delta)
    return jnp.mean(jnp.where(abs_error <= delta, quadratic, linear), axis=-1)


def log_cosh(y_true: ArrayLike, y_pred: ArrayLike) -> jax.Array:
    """Mean over the last axis of `log(cosh(y_pred - y_true))`, computed stably.

    Args:
        y_true: Targets, shape `(batch, d0, ..., dN)`.
        y_pred: Predictions, same shape.
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    x = y_pred - y_true
    log2 = jnp.asarray(jnp.log(2.0), y_pred.dtype)
    return jnp.mean(x + jax.nn.softplus(-2.0 * x) - log2, axis=-1)


def cosine_similarity(y_true: ArrayLike, y_pred: ArrayLike, axis: int = -1) -> jax.Array:
    """Negative cosine similarity along `axis` (-1 means identical direction; 0 for zero vectors).

    Args:
        y_true: Targets.
        y_pred: Predictions.
        axis: Axis along which the similarity is computed. Defaults to `-1`.
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    return -jnp.sum(l2_normalize(y_true, axis) * l2_normalize(y_pred, axis), axis=axis)
