"""`FBetaScore` and `F1Score` for multi-class / multi-label classification."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from kerax.losses._common import EPSILON
from kerax.metrics._base import Metric, State

_AVERAGES = (None, "micro", "macro", "weighted")
_VARIABLES = ("true_positives", "false_positives", "false_negatives", "intermediate_weights")


class FBetaScore(Metric):
    """F-beta score: weighted harmonic mean of precision and recall, per class or averaged.

    Inputs are rank 2, `(batch, num_classes)`; the state needs the number of classes, so
    the metric is built on its first update (or by an explicit `build`).

    Args:
        average: `None` (one score per class), `"micro"` (global counts), `"macro"`
            (unweighted mean of class scores) or `"weighted"` (mean weighted by support). Defaults to `None`.
        beta: Weight of recall relative to precision (> 0). Defaults to `1.0`.
        threshold: Scores above it are positive; when `None`, the highest score of each
            sample is the positive one. Defaults to `None`.
        name: Name of the metric. Defaults to `"fbeta_score"`.
        dtype: Floating dtype of the state. Defaults to `None`.
    """

    def __init__(
        self,
        average: str | None = None,
        beta: float = 1.0,
        threshold: float | None = None,
        name: str = "fbeta_score",
        dtype: Any = None,
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        if average not in _AVERAGES:
            raise ValueError(f"Argument `average` must be one of {_AVERAGES}. Received: average={average!r}")
        if not isinstance(beta, float) or beta <= 0.0:
            raise ValueError(f"Argument `beta` must be a Python float > 0. Received: beta={beta!r}")
        if threshold is not None and (not isinstance(threshold, float) or not 0.0 < threshold <= 1.0):
            raise ValueError(
                f"Argument `threshold` must be None or a Python float in (0, 1]. Received: threshold={threshold!r}"
            )
        self.average = average
        self.beta = beta
        self.threshold = threshold
        self._num_classes: int | None = None
        self.built = False

    def build(self, y_true_shape: tuple[int, ...], y_pred_shape: tuple[int, ...]) -> None:
        """Record the number of classes from rank-2 input shapes.

        Args:
            y_true_shape: Shape of the targets, `(batch, num_classes)`.
            y_pred_shape: Shape of the predictions, `(batch, num_classes)`.
        """
        if len(y_true_shape) != 2 or len(y_pred_shape) != 2 or y_pred_shape[-1] is None:
            raise ValueError(
                f"{type(self).__name__} expects rank-2 inputs of shape (batch_size, num_classes). "
                f"Received: y_true.shape={tuple(y_true_shape)}, y_pred.shape={tuple(y_pred_shape)}"
            )
        self._num_classes = int(y_pred_shape[-1])
        self.built = True

    def init_state(self) -> State:
        """Return zero true/false positive, false negative and support counts."""
        self._require_built()
        shape = () if self.average == "micro" else (self._num_classes,)
        return {var: self._zeros(shape) for var in _VARIABLES}

    def update(
        self, state: State, y_true: ArrayLike, y_pred: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> State:
        """Add the batch's counts.

        Args:
            state: Current state.
            y_true: One-hot or multi-hot labels, `(batch, num_classes)`.
            y_pred: Scores, `(batch, num_classes)`.
            sample_weight: Optional per-sample weights, `(batch,)`.
        """
        y_true = jnp.asarray(y_true).astype(self.dtype)
        y_pred = jnp.asarray(y_pred).astype(self.dtype)
        if y_true.ndim != 2 or y_pred.ndim != 2:
            self.build(y_true.shape, y_pred.shape)  # raises with a clear message
        if self.threshold is None:
            top = jnp.max(y_pred, axis=-1, keepdims=True)
            predicted = (y_pred >= top) & (jnp.abs(y_pred) > 1e-9)
        else:
            predicted = y_pred > self.threshold
        predicted = predicted.astype(self.dtype)
        weights = None if sample_weight is None else jnp.asarray(sample_weight).astype(self.dtype)
        axis = None if self.average == "micro" else 0

        def weighted_sum(values: jax.Array) -> jax.Array:
            if weights is not None:
                values = values * jnp.expand_dims(weights, 1)
            return jnp.sum(values, axis=axis)

        return {
            "true_positives": state["true_positives"] + weighted_sum(predicted * y_true),
            "false_positives": state["false_positives"] + weighted_sum(predicted * (1 - y_true)),
            "false_negatives": state["false_negatives"] + weighted_sum((1 - predicted) * y_true),
            "intermediate_weights": state["intermediate_weights"] + weighted_sum(y_true),
        }

    def compute(self, state: State) -> jax.Array:
        """Return the score(s).

        Args:
            state: Accumulated state.
        """
        tp = state["true_positives"]
        precision = tp / (tp + state["false_positives"] + EPSILON)
        recall = tp / (tp + state["false_negatives"] + EPSILON)
        beta_sq = self.beta**2
        score = (precision * recall) / (beta_sq * precision + recall + EPSILON) * (1 + beta_sq)
        if self.average == "weighted":
            support = state["intermediate_weights"]
            return jnp.sum(score * (support / (jnp.sum(support) + EPSILON)))
        if self.average is not None:
            return jnp.mean(score)
        return score

    def get_config(self) -> dict[str, Any]:
        """Return the constructor arguments."""
        return {**Metric.get_config(self), "average": self.average, "beta": self.beta, "threshold": self.threshold}


class F1Score(FBetaScore):
    """F1 score: harmonic mean of precision and recall (`FBetaScore` with `beta=1`).

    Args:
        average: `None`, `"micro"`, `"macro"` or `"weighted"`; see `FBetaScore`. Defaults to `None`.
        threshold: Scores above it are positive; when `None`, the highest score wins. Defaults to `None`.
        name: Name of the metric. Defaults to `"f1_score"`.
        dtype: Floating dtype of the state. Defaults to `None`.
    """

    def __init__(
        self, average: str | None = None, threshold: float | None = None, name: str = "f1_score", dtype: Any = None
    ) -> None:
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        """Return the constructor arguments (without `beta`)."""
        config = super().get_config()
        del config["beta"]
        return config
