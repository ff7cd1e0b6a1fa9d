"""Threshold-based classification metrics: confusion counts, `Precision` and `Recall`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jax
from jax.typing import ArrayLike

from kerax.losses._common import divide_no_nan
from kerax.metrics._base import Metric, State
from kerax.metrics._confusion import NEG_INF, confusion_counts, evenly_spaced, parse_thresholds

Thresholds = float | Sequence[float] | None


class _ThresholdMetric(Metric):
    """Accumulates some confusion-matrix counts at a list of thresholds."""

    #: Maps state variable names to confusion count keys, in Keras's variable order.
    _counts: dict[str, str] = {}

    def __init__(
        self,
        thresholds: Thresholds = None,
        top_k: int | None = None,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        if top_k is not None and (isinstance(top_k, bool) or not isinstance(top_k, int) or top_k < 1):
            raise ValueError(f"Argument `top_k` must be a positive int or None. Received: top_k={top_k!r}")
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        self.thresholds = parse_thresholds(thresholds, default=0.5 if top_k is None else NEG_INF)
        self._evenly = evenly_spaced(self.thresholds)

    def init_state(self) -> State:
        """Return zero counts, one entry per threshold."""
        return {var: self._zeros((len(self.thresholds),)) for var in self._counts}

    def update(
        self, state: State, y_true: ArrayLike, y_pred: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> State:
        """Add the batch's counts.

        Args:
            state: Current state.
            y_true: Binary (or multi-hot) labels.
            y_pred: Scores in [0, 1], same shape as `y_true`.
            sample_weight: Optional weights, broadcastable to `y_true`.
        """
        counts = confusion_counts(
            y_true,
            y_pred,
            self.thresholds,
            tuple(self._counts.values()),
            top_k=self.top_k,
            class_id=self.class_id,
            sample_weight=sample_weight,
            evenly_distributed=self._evenly,
            dtype=self.dtype,
        )
        return {var: state[var] + counts[key] for var, key in self._counts.items()}

    def _squeeze(self, value: jax.Array) -> jax.Array:
        return value[0] if len(self.thresholds) == 1 else value


class _CountMetric(_ThresholdMetric):
    def __init__(self, thresholds: Thresholds = None, name: str | None = None, dtype: Any = None) -> None:
        super().__init__(thresholds=thresholds, name=name, dtype=dtype)

    def compute(self, state: State) -> jax.Array:
        """Return the count (a vector when several thresholds are set).

        Args:
            state: Accumulated state.
        """
        return self._squeeze(state["accumulator"])

    def get_config(self) -> dict[str, Any]:
        """Return name, dtype and thresholds."""
        return {**Metric.get_config(self), "thresholds": self.init_thresholds}


class TruePositives(_CountMetric):
    """Weighted number of true positives (prediction > threshold, label non-zero).

    Args:
        thresholds: A float or list of floats in [0, 1]; defaults to 0.5.
        name: Name of the metric. Defaults to `None`.
        dtype: Floating dtype of the state. Defaults to `None`.
    """

    _counts = {"accumulator": "tp"}


class FalsePositives(_CountMetric):
    """Weighted number of false positives (prediction > threshold, label zero).

    Args:
        thresholds: A float or list of floats in [0, 1]; defaults to 0.5.
        name: Name of the metric. Defaults to `None`.
        dtype: Floating dtype of the state. Defaults to `None`.
    """

    _counts = {"accumulator": "fp"}


class TrueNegatives(_CountMetric):
    """Weighted number of true negatives (prediction <= threshold, label zero).

    Args:
        thresholds: A float or list of floats in [0, 1]; defaults to 0.5.
        name: Name of the metric. Defaults to `None`.
        dtype: Floating dtype of the state. Defaults to `None`.
    """

    _counts = {"accumulator": "tn"}


class FalseNegatives(_CountMetric):
    """Weighted number of false negatives (prediction <= threshold, label non-zero).

    Args:
        thresholds: A float or list of floats in [0, 1]; defaults to 0.5.
        name: Name of the metric. Defaults to `None`.
        dtype: Floating dtype of the state. Defaults to `None`.
    """

    _counts = {"accumulator": "fn"}


class _RatioMetric(_ThresholdMetric):
    def get_config(self) -> dict[str, Any]:
        """Return name, dtype, thresholds, top_k and class_id."""
        return {
            **Metric.get_config(self),
            "thresholds": self.init_thresholds,
            "top_k": self.top_k,
            "class_id": self.class_id,
        }


class Precision(_RatioMetric):
    """Fraction of positive predictions that are correct: `tp / (tp + fp)`.

    Args:
        thresholds: A float or list of floats in [0, 1]; a prediction is positive when
            above it. Defaults to 0.5, or to "any score" when `top_k` is set.
        top_k: Only the `top_k` highest scores of each sample count as predictions. Defaults to `None`.
        class_id: Only consider this class of a `(batch, num_classes)` input. Defaults to `None`.
        name: Name of the metric. Defaults to `None`.
        dtype: Floating dtype of the state. Defaults to `None`.
    """

    _counts = {"true_positives": "tp", "false_positives": "fp"}

    def compute(self, state: State) -> jax.Array:
        """Return precision (a vector when several thresholds are set).

        Args:
            state: Accumulated state.
        """
        tp = state["true_positives"]
        return self._squeeze(divide_no_nan(tp, tp + state["false_positives"]))


class Recall(_RatioMetric):
    """Fraction of positive labels that are predicted positive: `tp / (tp + fn)`.

    Args:
        thresholds: A float or list of floats in [0, 1]; a prediction is positive when
            above it. Defaults to 0.5, or to "any score" when `top_k` is set.
        top_k: Only the `top_k` highest scores of each sample count as predictions. Defaults to `None`.
        class_id: Only consider this class of a `(batch, num_classes)` input. Defaults to `None`.
        name: Name of the metric. Defaults to `None`.
        dtype: Floating dtype of the state. Defaults to `None`.
    """

    _counts = {"true_positives": "tp", "false_negatives": "fn"}

    def compute(self, state: State) -> jax.Array:
        """Return recall (a vector when several thresholds are set).

        Args:
            state: Accumulated state.
        """
        tp = state["true_positives"]
        return self._squeeze(divide_no_nan(tp, tp + state["false_negatives"]))
