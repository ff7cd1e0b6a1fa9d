"""Probabilistic loss functions: crossentropies, focal crossentropies, KL divergence, Poisson."""

from __future__ import annotations

import warnings

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from kerax.losses._common import EPSILON, as_float


def _check_axis(axis: int, ndim: int) -> int:
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise ValueError(f"Argument `axis` must be an int. Received: axis={axis!r} of type {type(axis)}")
    if not -ndim <= axis < ndim:
        raise ValueError(f"Argument `axis` is out of range for an input of rank {ndim}. Received: axis={axis}")
    return axis % ndim


def _check_same_shape(y_true: jax.Array, y_pred: jax.Array, fn: str) -> None:
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"In `{fn}`, `y_true` and `y_pred` must have the same shape. "
            f"Received: y_true.shape={y_true.shape}, y_pred.shape={y_pred.shape}"
        )


def _warn_single_class(y_pred: jax.Array, fn: str) -> None:
    if y_pred.ndim and y_pred.shape[-1] == 1:
        warnings.warn(
            f"In `{fn}`, expected y_pred.shape to be (batch_size, num_classes) with num_classes > 1. "
            f"Received: y_pred.shape={y_pred.shape}. Consider `binary_crossentropy` for 2 classes.",
            UserWarning,
            stacklevel=3,
        )


def _log_probs(y_pred: jax.Array, from_logits: bool, axis: int) -> jax.Array:
    """Log class probabilities: log-softmax of logits, or the log of renormalised, clipped probs."""
    if from_logits:
        return jax.nn.log_softmax(y_pred, axis=axis)
    probs = y_pred / jnp.sum(y_pred, axis=axis, keepdims=True)
    return jnp.log(jnp.clip(probs, EPSILON, 1.0 - EPSILON))


def _binary_targets(
    y_true: ArrayLike, y_pred: ArrayLike, label_smoothing: float, who: str
) -> tuple[jax.Array, jax.Array]:
    """Float targets and predictions of the same shape, the targets squeezed towards 0.5 by ``label_smoothing``."""
    y_pred = as_float(y_pred)
    y_true = jnp.asarray(y_true).astype(y_pred.dtype)
    _check_same_shape(y_true, y_pred, who)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    return y_true, y_pred


def _smooth_one_hot(y_true: jax.Array, label_smoothing: float) -> jax.Array:
    """One-hot targets mixed with the uniform distribution over the last axis's classes."""
    if label_smoothing:
        num_classes = y_true.shape[-1]
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / num_classes
    return y_true


def _elementwise_bce(y_true: jax.Array, y_pred: jax.Array, from_logits: bool) -> jax.Array:
    if from_logits:
        return -y_true * jax.nn.log_sigmoid(y_pred) - (1.0 - y_true) * jax.nn.log_sigmoid(-y_pred)
    y_pred = jnp.clip(y_pred, EPSILON, 1.0 - EPSILON)
    return -(y_true * jnp.log(y_pred) + (1.0 - y_true) * jnp.log(1.0 - y_pred))


def binary_crossentropy(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> jax.Array:
    """Binary crossentropy averaged over `axis`.

    Probabilities are clipped to `[1e-7, 1 - 1e-7]` unless `from_logits` is true.

    Args:
        y_true: Targets in [0, 1], shape `(batch, d0, ..., dN)`.
        y_pred: Probabilities (or logits if `from_logits`), same shape as `y_true`.
        from_logits: Whether `y_pred` holds logits. Defaults to `False`.
        label_smoothing: Float in [0, 1]; targets are squeezed towards 0.5 by this amount. Defaults to `0.0`.
        axis: Axis over which the mean is taken. Defaults to `-1`.
    """
    y_true, y_pred = _binary_targets(y_true, y_pred, label_smoothing, "binary_crossentropy")
    return jnp.mean(_elementwise_bce(y_true, y_pred, from_logits), axis=axis)


def binary_focal_crossentropy(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    apply_class_balancing: bool = False,
    alpha: float = 0.25,
    gamma: float = 2.0,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> jax.Array:
    """Binary crossentropy scaled by the focal factor `(1 - p_t) ** gamma`, averaged over `axis`.

    Args:
        y_true: Targets in [0, 1], shape `(batch, d0, ..., dN)`.
        y_pred: Probabilities (or logits if `from_logits`), same shape as `y_true`.
        apply_class_balancing: Whether to weight class 1 by `alpha` and class 0 by `1 - alpha`. Defaults to `False`.
        alpha: Class-balancing weight of the positive class. Defaults to `0.25`.
        gamma: Focusing exponent; 0 gives plain binary crossentropy. Defaults to `2.0`.
        from_logits: Whether `y_pred` holds logits. Defaults to `False`.
        label_smoothing: Float in [0, 1]; targets are squeezed towards 0.5 by this amount. Defaults to `0.0`.
        axis: Axis over which the mean is taken. Defaults to `-1`.
    """
    y_true, y_pred = _binary_targets(y_true, y_pred, label_smoothing, "binary_focal_crossentropy")
    if from_logits:
        y_pred = jax.nn.sigmoid(y_pred)
    bce = _elementwise_bce(y_true, y_pred, from_logits=False)
    p_t = y_true * y_pred + (1.0 - y_true) * (1.0 - y_pred)
    focal = jnp.power(1.0 - p_t, gamma) * bce
    if apply_class_balancing:
        focal = (y_true * alpha + (1.0 - y_true) * (1.0 - alpha)) * focal
    return jnp.mean(focal, axis=axis)


def categorical_crossentropy(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> jax.Array:
    """Crossentropy between one-hot (or soft) targets and predicted class distributions.

    Predictions are renormalised to sum to 1 along `axis` and clipped to
    `[1e-7, 1 - 1e-7]` unless `from_logits` is true.

    Args:
        y_true: One-hot targets, shape `(batch, ..., num_classes)`.
        y_pred: Probabilities (or logits if `from_logits`), same shape.
        from_logits: Whether `y_pred` holds logits. Defaults to `False`.
        label_smoothing: Float in [0, 1]; mixes targets with the uniform distribution. Defaults to `0.0`.
        axis: The class axis. Defaults to `-1`.
    """
    y_pred = as_float(y_pred)
    y_true = jnp.asarray(y_true).astype(y_pred.dtype)
    axis = _check_axis(axis, max(y_pred.ndim, 1))
    _check_same_shape(y_true, y_pred, "categorical_crossentropy")
    _warn_single_class(y_pred, "categorical_crossentropy")
    y_true = _smooth_one_hot(y_true, label_smoothing)
    return -jnp.sum(y_true * _log_probs(y_pred, from_logits, axis), axis=axis)


def categorical_focal_crossentropy(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    alpha: float = 0.25,
    gamma: float = 2.0,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> jax.Array:
    """Categorical crossentropy weighted per class by `alpha * (1 - p) ** gamma`.

    Args:
        y_true: One-hot targets, shape `(batch, ..., num_classes)`.
        y_pred: Probabilities (or logits if `from_logits`), same shape.
        alpha: Weight balancing factor (scalar or per-class sequence). Defaults to `0.25`.
        gamma: Focusing exponent; 0 gives `alpha`-scaled categorical crossentropy. Defaults to `2.0`.
        from_logits: Whether `y_pred` holds logits. Defaults to `False`.
        label_smoothing: Float in [0, 1]; mixes targets with the uniform distribution. Defaults to `0.0`.
        axis: The class axis. Defaults to `-1`.
    """
    y_pred = as_float(y_pred)
    y_true = jnp.asarray(y_true).astype(y_pred.dtype)
    axis = _check_axis(axis, max(y_pred.ndim, 1))
    _warn_single_class(y_pred, "categorical_focal_crossentropy")
    y_true = _smooth_one_hot(y_true, label_smoothing)
    if from_logits:
        y_pred = jax.nn.softmax(y_pred, axis=axis)
    probs = y_pred / jnp.sum(y_pred, axis=axis, keepdims=True)
    probs = jnp.clip(probs, EPSILON, 1.0 - EPSILON)
    cce = -y_true * jnp.log(probs)
    weight = jnp.power(1.0 - probs, gamma) * jnp.asarray(alpha, y_pred.dtype)
    return jnp.sum(weight * cce, axis=axis)


def _sparse_labels(y_true: ArrayLike, y_pred: jax.Array, axis: int) -> jax.Array:
    y_true = jnp.asarray(y_true)
    if y_true.ndim == y_pred.ndim and y_true.shape[axis] == 1:
        y_true = jnp.squeeze(y_true, axis=axis)
    return y_true


def ignore_class_mask(
    y_true: ArrayLike, y_pred: ArrayLike, ignore_class: int | None, axis: int = -1
) -> jax.Array | None:
    """Boolean mask of the sparse labels that differ from `ignore_class` (`None` if unset).

    Args:
        y_true: Integer labels, shape `y_pred.shape` without the class axis (or with it of size 1).
        y_pred: Class scores.
        ignore_class: The label id to ignore, or `None`.
        axis: The class axis of `y_pred`.
    """
    if ignore_class is None:
        return None
    y_pred = jnp.asarray(y_pred)
    y_true = _sparse_labels(y_true, y_pred, axis)
    return y_true != ignore_class


def sparse_categorical_crossentropy(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    from_logits: bool = False,
    ignore_class: int | None = None,
    axis: int = -1,
) -> jax.Array:
    """Crossentropy between integer class labels and predicted class distributions.

    Predictions are renormalised along `axis` and clipped to `[1e-7, 1 - 1e-7]` unless
    `from_logits` is true. Entries whose label equals `ignore_class` get a loss of 0.

    Args:
        y_true: Integer labels, shape `y_pred.shape` without the class axis (or with it of size 1).
        y_pred: Probabilities (or logits if `from_logits`), shape `(batch, ..., num_classes)`.
        from_logits: Whether `y_pred` holds logits. Defaults to `False`.
        ignore_class: Optional label id (e.g. a "void" class) excluded from the loss. Defaults to `None`.
        axis: The class axis. Defaults to `-1`.
    """
    y_pred = as_float(y_pred)
    if y_pred.ndim < 1:
        raise ValueError(f"Argument `y_pred` must be at least rank 1. Received: y_pred.shape={y_pred.shape}")
    axis = _check_axis(axis, y_pred.ndim)
    y_true = _sparse_labels(y_true, y_pred, axis)
    expected = y_pred.shape[:axis] + y_pred.shape[axis + 1 :]
    if y_true.shape != expected:
        raise ValueError(
            "In `sparse_categorical_crossentropy`, `y_true` must have the shape of `y_pred` without "
            f"the class axis, i.e. {expected}. Received: y_true.shape={y_true.shape}, "
            f"y_pred.shape={y_pred.shape}"
        )
    valid = None
    if ignore_class is not None:
        valid = y_true != ignore_class
        y_true = jnp.where(valid, y_true, 0)
        # Ignored rows become a uniform distribution so that values and gradients stay finite.
        y_pred = jnp.where(jnp.expand_dims(valid, axis), y_pred, jnp.ones_like(y_pred))
    labels = jnp.asarray(y_true).astype("int32")
    one_hot = jax.nn.one_hot(labels, y_pred.shape[axis], dtype=y_pred.dtype, axis=axis)
    res = -jnp.sum(one_hot * _log_probs(y_pred, from_logits, axis), axis=axis)
    if valid is not None:
        res = jnp.where(valid, res, jnp.zeros_like(res))
    return res


def kl_divergence(y_true: ArrayLike, y_pred: ArrayLike) -> jax.Array:
    """Kullback-Leibler divergence `sum(y_true * log(y_true / y_pred), axis=-1)`, inputs clipped to [eps, 1].

    Args:
        y_true: Target distributions.
        y_pred: Predicted distributions.
    """
    y_pred = as_float(y_pred)
    y_true = jnp.asarray(y_true).astype(y_pred.dtype)
    y_true = jnp.clip(y_true, EPSILON, 1.0)
    y_pred = jnp.clip(y_pred, EPSILON, 1.0)
    return jnp.sum(y_true * jnp.log(y_true / y_pred), axis=-1)


def poisson(y_true: ArrayLike, y_pred: ArrayLike) -> jax.Array:
    """Poisson loss `mean(y_pred - y_true * log(y_pred + eps), axis=-1)`.

    Args:
        y_true: Observed counts.
        y_pred: Predicted rates.
    """
    y_pred = as_float(y_pred)
    y_true = jnp.asarray(y_true).astype(y_pred.dtype)
    return jnp.mean(y_pred - y_true * jnp.log(y_pred + EPSILON), axis=-1)
