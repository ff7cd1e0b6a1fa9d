"""Correlation metrics: `pearson_correlation`, `concordance_correlation` and their running means."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from kerax.losses._common import EPSILON, as_float, match_rank
from kerax.metrics._reduction import _FixedFnMetric


def _prepare(y_true: ArrayLike, y_pred: ArrayLike) -> tuple[jax.Array, jax.Array]:
    y_pred = as_float(y_pred)
    y_true = jnp.asarray(y_true).astype(y_pred.dtype)
    return match_rank(y_true, y_pred)


def pearson_correlation(y_true: ArrayLike, y_pred: ArrayLike, axis: int = -1) -> jax.Array:
    """Pearson correlation coefficient between targets and predictions along `axis`.

    Args:
        y_true: Targets.
        y_pred: Predictions, same shape as `y_true`.
        axis: Axis along which the correlation is computed. Defaults to `-1`.

    Returns:
        The correlation, with `axis` reduced (NaN where either input is constant).
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    true_centered = y_true - jnp.mean(y_true, axis=axis, keepdims=True)
    pred_centered = y_pred - jnp.mean(y_pred, axis=axis, keepdims=True)
    true_scaled = true_centered / jnp.std(true_centered, axis=axis, keepdims=True)
    pred_scaled = pred_centered / jnp.std(pred_centered, axis=axis, keepdims=True)
    return jnp.mean(true_scaled * pred_scaled, axis=axis)


def concordance_correlation(y_true: ArrayLike, y_pred: ArrayLike, axis: int = -1) -> jax.Array:
    """Concordance correlation coefficient between targets and predictions along `axis`.

    Computed as `mean(2 * (y_true - mean(y_pred)) * (y_pred - mean(y_pred)) / norm)` with
    `norm = var(y_true) + var(y_pred) + (mean(y_true) - mean(y_pred)) ** 2 + eps`; the
    covariance term centres `y_true` on the mean of `y_pred`, exactly as Keras 3.15 does,
    so that values agree with Keras.

    Args:
        y_true: Targets.
        y_pred: Predictions, same shape as `y_true`.
        axis: Axis along which the coefficient is computed. Defaults to `-1`.

    Returns:
        The coefficient, with `axis` reduced.
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    true_mean = jnp.mean(y_true, axis=axis, keepdims=True)
    pred_mean = jnp.mean(y_pred, axis=axis, keepdims=True)
    true_var = jnp.var(y_true - true_mean, axis=axis, keepdims=True)
    pred_var = jnp.var(y_pred - pred_mean, axis=axis, keepdims=True)
    covariance = (y_true - pred_mean) * (y_pred - pred_mean)
    norm = true_var + pred_var + jnp.square(true_mean - pred_mean)
    return jnp.mean(2.0 * covariance / (norm + EPSILON), axis=axis)


class PearsonCorrelation(_FixedFnMetric):
    """Running (weighted) mean of `pearson_correlation` over samples.

    Args:
        name: Name of the metric. Defaults to `"pearson_correlation"`.
        dtype: Floating dtype of the state. Defaults to `None`.
        axis: Axis along which each correlation is computed. Defaults to `-1`.
    """

    def __init__(self, name: str = "pearson_correlation", dtype: Any = None, axis: int = -1) -> None:
        super().__init__(pearson_correlation, name, dtype, axis=axis)


class ConcordanceCorrelation(_FixedFnMetric):
    """Running (weighted) mean of `concordance_correlation` over samples.

    Args:
        name: Name of the metric. Defaults to `"concordance_correlation"`.
        dtype: Floating dtype of the state. Defaults to `None`.
        axis: Axis along which each coefficient is computed. Defaults to `-1`.
    """

    def __init__(self, name: str = "concordance_correlation", dtype: Any = None, axis: int = -1) -> None:
        super().__init__(concordance_correlation, name, dtype, axis=axis)
