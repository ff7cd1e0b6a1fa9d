"""Accuracy functions (one 0/1 value per sample) and the metrics averaging them."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from kerax.losses._common import DEFAULT_DTYPE, as_float, match_rank
from kerax.metrics._reduction import _FixedFnMetric


def accuracy(y_true: ArrayLike, y_pred: ArrayLike) -> jax.Array:
    """1.0 where `y_pred` equals `y_true` exactly, else 0.0.

    Args:
        y_true: Targets.
        y_pred: Predictions, same shape (up to a trailing unit dimension).
    """
    y_pred = jnp.asarray(y_pred)
    y_true = jnp.asarray(y_true).astype(y_pred.dtype)
    y_true, y_pred = match_rank(y_true, y_pred)
    return (y_true == y_pred).astype(DEFAULT_DTYPE)


def binary_accuracy(y_true: ArrayLike, y_pred: ArrayLike, threshold: float = 0.5) -> jax.Array:
    """1.0 where `y_pred > threshold` matches the binary label `y_true`, else 0.0.

    Args:
        y_true: Labels in {0, 1}.
        y_pred: Probabilities (or scores), same shape (up to a trailing unit dimension).
        threshold: Decision threshold on `y_pred`. Defaults to `0.5`.
    """
    y_pred = jnp.asarray(y_pred)
    y_true = jnp.asarray(y_true)
    y_true, y_pred = match_rank(y_true, y_pred)
    predicted = (y_pred > threshold).astype(y_true.dtype)
    return (y_true == predicted).astype(DEFAULT_DTYPE)


def categorical_accuracy(y_true: ArrayLike, y_pred: ArrayLike) -> jax.Array:
    """1.0 where the arg-max of `y_pred` matches the arg-max of the one-hot `y_true`.

    Args:
        y_true: One-hot targets, shape `(batch, ..., num_classes)`.
        y_pred: Class scores, same shape.
    """
    y_pred = jnp.asarray(y_pred)
    true_ids = jnp.argmax(jnp.asarray(y_true), axis=-1).astype(y_pred.dtype)
    original_shape = true_ids.shape
    squeezed = true_ids.ndim == y_pred.ndim
    if squeezed:
        true_ids = jnp.squeeze(true_ids, -1)
    pred_ids = jnp.argmax(y_pred, axis=-1).astype(true_ids.dtype)
    matches = (true_ids == pred_ids).astype(DEFAULT_DTYPE)
    return matches.reshape(original_shape) if squeezed else matches


def sparse_categorical_accuracy(y_true: ArrayLike, y_pred: ArrayLike) -> jax.Array:
    """1.0 where the arg-max of `y_pred` equals the integer label `y_true`.

    Args:
        y_true: Integer labels, shape `(batch, ...)` or `(batch, ..., 1)`.
        y_pred: Class scores, shape `(batch, ..., num_classes)`.
    """
    y_pred = jnp.asarray(y_pred)
    y_true = jnp.asarray(y_true).astype(y_pred.dtype)
    original_shape = y_true.shape
    squeezed = y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1
    if squeezed:
        y_true = jnp.squeeze(y_true, -1)
    pred_ids = jnp.argmax(y_pred, axis=-1).astype(y_true.dtype)
    matches = (y_true == pred_ids).astype(DEFAULT_DTYPE)
    if squeezed:
        matches = matches.reshape(original_shape)
    if matches.ndim > 1 and matches.shape[-1] == 1:
        matches = jnp.squeeze(matches, -1)
    return matches


def _in_top_k(targets: jax.Array, predictions: jax.Array, k: int) -> jax.Array:
    """Whether each target's score ranks within the top `k` (ties count in its favour)."""
    at_label = jnp.take_along_axis(predictions, targets[:, None], axis=-1)
    at_label = jnp.where(jnp.isnan(at_label), -jnp.inf, at_label)
    rank = 1 + jnp.sum(predictions > at_label, axis=-1)
    return rank <= k


def _top_k_matches(true_ids: jax.Array, y_pred: jax.Array, k: int, from_sorted_ids: bool) -> jax.Array:
    original_shape = true_ids.shape
    if y_pred.ndim > 2:
        y_pred = y_pred.reshape(-1, y_pred.shape[-1])
    flat_ids = true_ids.reshape(-1) if true_ids.ndim > 1 else true_ids
    if from_sorted_ids:
        matches = jnp.any(flat_ids[:, None] == y_pred[:, :k], axis=1)
    else:
        matches = _in_top_k(flat_ids, y_pred, k)
    matches = matches.astype(DEFAULT_DTYPE)
    return matches.reshape(original_shape) if true_ids.ndim > 1 else matches


def top_k_categorical_accuracy(y_true: ArrayLike, y_pred: ArrayLike, k: int = 5) -> jax.Array:
    """1.0 where the one-hot target class is among the `k` highest-scored classes.

    Args:
        y_true: One-hot targets, shape `(batch, ..., num_classes)`.
        y_pred: Class scores, same shape.
        k: Number of top classes considered. Defaults to `5`.
    """
    y_pred = as_float(y_pred)
    true_ids = jnp.argmax(jnp.asarray(y_true), axis=-1).astype("int32")
    return _top_k_matches(true_ids, y_pred, k, from_sorted_ids=False)


def sparse_top_k_categorical_accuracy(
    y_true: ArrayLike, y_pred: ArrayLike, k: int = 5, from_sorted_ids: bool = False
) -> jax.Array:
    """1.0 where the integer label is among the `k` highest-scored classes.

    Args:
        y_true: Integer labels, shape `(batch, ...)`.
        y_pred: Class scores of shape `(batch, ..., num_classes)`, or, with
            `from_sorted_ids`, class ids sorted by decreasing score.
        k: Number of top classes considered. Defaults to `5`.
        from_sorted_ids: Whether `y_pred` already holds sorted class ids. Defaults to `False`.
    """
    y_pred = jnp.asarray(y_pred)
    if from_sorted_ids:
        true_ids = jnp.asarray(y_true).astype(y_pred.dtype)
    else:
        y_pred = as_float(y_pred)
        true_ids = jnp.asarray(y_true).astype("int32")
    return _top_k_matches(true_ids, y_pred, k, from_sorted_ids)


class Accuracy(_FixedFnMetric):
    """How often predictions equal targets exactly.

    Args:
        name: Name of the metric. Defaults to `"accuracy"`.
        dtype: Floating dtype of the state. Defaults to `None`.
    """

    def __init__(self, name: str = "accuracy", dtype: Any = None) -> None:
        super().__init__(accuracy, name, dtype)


class BinaryAccuracy(_FixedFnMetric):
    """How often thresholded predictions match binary labels.

    Args:
        name: Name of the metric. Defaults to `"binary_accuracy"`.
        dtype: Floating dtype of the state. Defaults to `None`.
        threshold: Decision threshold on predictions. Defaults to `0.5`.
    """

    def __init__(self, name: str = "binary_accuracy", dtype: Any = None, threshold: float = 0.5) -> None:
        super().__init__(binary_accuracy, name, dtype, threshold=threshold)


class CategoricalAccuracy(_FixedFnMetric):
    """How often the predicted class matches the one-hot target.

    Args:
        name: Name of the metric. Defaults to `"categorical_accuracy"`.
        dtype: Floating dtype of the state. Defaults to `None`.
    """

    def __init__(self, name: str = "categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(categorical_accuracy, name, dtype)


class SparseCategoricalAccuracy(_FixedFnMetric):
    """How often the predicted class matches the integer label.

    Args:
        name: Name of the metric. Defaults to `"sparse_categorical_accuracy"`.
        dtype: Floating dtype of the state. Defaults to `None`.
    """

    def __init__(self, name: str = "sparse_categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(sparse_categorical_accuracy, name, dtype)


class TopKCategoricalAccuracy(_FixedFnMetric):
    """How often the one-hot target is among the top-`k` predicted classes.

    Args:
        k: Number of top classes considered. Defaults to `5`.
        name: Name of the metric. Defaults to `"top_k_categorical_accuracy"`.
        dtype: Floating dtype of the state. Defaults to `None`.
    """

    def __init__(self, k: int = 5, name: str = "top_k_categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(top_k_categorical_accuracy, name, dtype, k=k)


class SparseTopKCategoricalAccuracy(_FixedFnMetric):
    """How often the integer label is among the top-`k` predicted classes.

    Args:
        k: Number of top classes considered. Defaults to `5`.
        name: Name of the metric. Defaults to `"sparse_top_k_categorical_accuracy"`.
        dtype: Floating dtype of the state. Defaults to `None`.
        from_sorted_ids: Whether predictions are class ids sorted by decreasing score. Defaults to `False`.
    """

    def __init__(
        self,
        k: int = 5,
        name: str = "sparse_top_k_categorical_accuracy",
        dtype: Any = None,
        from_sorted_ids: bool = False,
    ) -> None:
        super().__init__(sparse_top_k_categorical_accuracy, name, dtype, k=k, from_sorted_ids=from_sorted_ids)

    def get_config(self) -> dict[str, Any]:
        """Return name, dtype, `k` and (only when set) `from_sorted_ids`."""
        config = super().get_config()
        if not self.from_sorted_ids:
            del config["from_sorted_ids"]
        return config
