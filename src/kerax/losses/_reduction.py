"""Reduction of per-sample loss values, with sample weights and masks."""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from kerax.losses._common import divide_no_nan, match_rank

#: Accepted values of a loss's `reduction` argument (`None` behaves like `"none"`).
REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


def standardize_reduction(reduction: str | None) -> str | None:
    """Validate a reduction name and return it unchanged.

    Args:
        reduction: One of `REDUCTIONS`.
    """
    if not (reduction is None or isinstance(reduction, str)) or reduction not in REDUCTIONS:
        raise ValueError(
            f"Invalid value for argument `reduction`. Expected one of {REDUCTIONS}. Received: reduction={reduction!r}"
        )
    return reduction


def mask_to_weights(
    sample_weight: jax.Array | None, mask: ArrayLike | None, dtype: str, reduction: str | None
) -> jax.Array | None:
    """Fold a boolean mask into sample weights.

    For the averaging reductions (`"sum_over_batch_size"`, `"mean"`) valid entries get
    weight `total / valid` so that dividing by the full size afterwards averages over the
    valid entries only; for every other reduction the mask becomes a 0/1 weight.

    Args:
        sample_weight: Existing weights, or `None`.
        mask: Boolean mask (truthy entries are kept), or `None`.
        dtype: Floating dtype of the weights.
        reduction: The reduction the weights will be used with.
    """
    if mask is None:
        return sample_weight
    mask = jnp.asarray(mask).astype(bool)
    if reduction in ("mean", "sum_over_batch_size"):
        total = jnp.asarray(mask.size, dtype)
        valid = jnp.sum(mask.astype(dtype))
        float_mask = jnp.where(mask, divide_no_nan(total, valid), jnp.zeros((), dtype))
    else:
        float_mask = mask.astype(dtype)
    if sample_weight is None:
        return float_mask
    float_mask, sample_weight = match_rank(float_mask, sample_weight.astype(dtype))
    return sample_weight * float_mask


def reduce_values(
    values: jax.Array, sample_weight: jax.Array | None = None, reduction: str | None = "sum_over_batch_size"
) -> jax.Array:
    """Reduce already-weighted loss values to a scalar (or return them for `"none"`).

    Args:
        values: Weighted per-sample losses.
        sample_weight: The weights that were applied (used by `"mean_with_sample_weight"`).
        reduction: One of `REDUCTIONS`.
    """
    if reduction is None or reduction == "none" or values.shape in ((), (0,)):
        return values
    loss = jnp.sum(values)
    if reduction == "sum":
        return loss
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        divisor = jnp.sum(sample_weight).astype(loss.dtype)
    else:
        divisor = jnp.asarray(values.size, loss.dtype)
    return divide_no_nan(loss, divisor)


def reduce_weighted_values(
    values: ArrayLike,
    sample_weight: ArrayLike | None = None,
    mask: ArrayLike | None = None,
    reduction: str | None = "sum_over_batch_size",
    dtype: str = "float32",
) -> jax.Array:
    """Apply an optional mask and sample weights to per-sample losses, then reduce them.

    Args:
        values: Per-sample losses.
        sample_weight: Optional weights, broadcastable after rank matching. Defaults to `None`.
        mask: Optional boolean mask over `values`. Defaults to `None`.
        reduction: One of `REDUCTIONS`. Defaults to `"sum_over_batch_size"`.
        dtype: Floating dtype of the computation. Defaults to `"float32"`.
    """
    reduction = standardize_reduction(reduction)
    values = jnp.asarray(values, dtype)
    weights = None if sample_weight is None else jnp.asarray(sample_weight, dtype)
    weights = mask_to_weights(weights, mask, dtype, reduction)
    if weights is not None:
        values, weights = match_rank(values, weights)
        values = values * weights
    return reduce_values(values, weights, reduction)
