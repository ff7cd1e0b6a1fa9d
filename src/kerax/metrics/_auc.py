"""`AUC`: area under the ROC or precision-recall curve, approximated on a threshold grid."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from kerax.losses._common import EPSILON, divide_no_nan
from kerax.metrics._base import Metric, State
from kerax.metrics._confusion import confusion_counts, evenly_spaced

_CURVES = {"roc": "ROC", "pr": "PR", "prgain": "PRGAIN"}
_SUMMATIONS = ("interpolation", "majoring", "minoring")
_VARIABLES = {"true_positives": "tp", "false_positives": "fp", "true_negatives": "tn", "false_negatives": "fn"}


class AUC(Metric):
    """Approximate area under the ROC or PR curve from confusion counts at fixed thresholds.

    Args:
        num_thresholds: Number of thresholds (> 1), evenly spaced over [0, 1]; ignored
            when `thresholds` is given. Defaults to `200`.
        curve: `"ROC"`, `"PR"` (precision-recall) or `"PRGAIN"` (precision-recall-gain). Defaults to `"ROC"`.
        summation_method: `"interpolation"` (trapezoids; for PR, the interpolation of
            Davis & Goadrich 2006), `"minoring"` (left Riemann sum) or `"majoring"`. Defaults to `"interpolation"`.
        name: Name of the metric. Defaults to `None`.
        dtype: Floating dtype of the state. Defaults to `None`.
        thresholds: Optional explicit thresholds in [0, 1]; 0-epsilon and 1+epsilon are added. Defaults to `None`.
        multi_label: Whether to compute one curve per label (last axis of a rank-2
            input) and average the areas, instead of flattening all labels together. Defaults to `False`.
        num_labels: Number of labels when `multi_label` (else inferred on the first update). Defaults to `None`.
        label_weights: Optional per-label weights (for averaging labels when
            `multi_label`, or for weighting entries otherwise). Defaults to `None`.
        from_logits: Whether predictions are logits (a sigmoid is applied). Defaults to `False`.
    """

    def __init__(
        self,
        num_thresholds: int = 200,
        curve: str = "ROC",
        summation_method: str = "interpolation",
        name: str | None = None,
        dtype: Any = None,
        thresholds: Sequence[float] | None = None,
        multi_label: bool = False,
        num_labels: int | None = None,
        label_weights: Sequence[float] | None = None,
        from_logits: bool = False,
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        if not isinstance(curve, str) or curve.lower() not in _CURVES:
            raise ValueError(f"Argument `curve` must be one of {list(_CURVES.values())}. Received: curve={curve!r}")
        if not isinstance(summation_method, str) or summation_method.lower() not in _SUMMATIONS:
            raise ValueError(
                f"Argument `summation_method` must be one of {list(_SUMMATIONS)}. "
                f"Received: summation_method={summation_method!r}"
            )
        self.curve = _CURVES[curve.lower()]
        self.summation_method = summation_method.lower()
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            inner = sorted(float(t) for t in thresholds)
            if any(not 0.0 <= t <= 1.0 for t in inner):
                raise ValueError(f"Argument `thresholds` must lie in [0, 1]. Received: thresholds={thresholds!r}")
            self.num_thresholds = len(inner) + 2
            self._evenly = evenly_spaced([0.0, *inner, 1.0])
        else:
            if isinstance(num_thresholds, bool) or not isinstance(num_thresholds, int) or num_thresholds <= 1:
                raise ValueError(
                    f"Argument `num_thresholds` must be an integer > 1. Received: num_thresholds={num_thresholds!r}"
                )
            self.num_thresholds = num_thresholds
            inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._evenly = True
        self._thresholds = np.array([0.0 - EPSILON, *inner, 1.0 + EPSILON])
        if num_labels is not None and not multi_label:
            raise ValueError("Argument `num_labels` is only used when `multi_label=True`.")
        self.multi_label = multi_label
        self.num_labels = num_labels
        self.label_weights = None if label_weights is None else jnp.asarray(label_weights, self.dtype)
        self.from_logits = from_logits
        self._num_labels = num_labels
        self.built = not multi_label or num_labels is not None

    @property
    def thresholds(self) -> list[float]:
        """The thresholds used, including the 0-epsilon and 1+epsilon end points."""
        return [float(t) for t in self._thresholds]

    def build(self, y_true_shape: tuple[int, ...], y_pred_shape: tuple[int, ...]) -> None:
        """Record the number of labels from a rank-2 `y_pred` shape when `multi_label`.

        Args:
            y_true_shape: Shape of the targets.
            y_pred_shape: Shape of the predictions.
        """
        del y_true_shape
        if self.multi_label:
            if len(y_pred_shape) != 2:
                raise ValueError(
                    f"With `multi_label=True`, `y_pred` must be rank 2. Received: y_pred.shape={y_pred_shape}"
                )
            self._num_labels = int(y_pred_shape[1])
        self.built = True

    def init_state(self) -> State:
        """Return zero counts of shape `(num_thresholds,)` (or `(num_thresholds, num_labels)`)."""
        self._require_built()
        shape = (self.num_thresholds, self._num_labels) if self.multi_label else (self.num_thresholds,)
        return {var: self._zeros(shape) for var in _VARIABLES}

    def update(
        self, state: State, y_true: ArrayLike, y_pred: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> State:
        """Add the batch's confusion counts at every threshold.

        Args:
            state: Current state.
            y_true: Binary (or multi-hot) labels.
            y_pred: Scores in [0, 1] (or logits with `from_logits`).
            sample_weight: Optional weights, broadcastable to `y_true`.
        """
        if self.from_logits:
            y_pred = jax.nn.sigmoid(jnp.asarray(y_pred).astype(self.dtype))
        counts = confusion_counts(
            y_true,
            y_pred,
            self.thresholds,
            tuple(_VARIABLES.values()),
            sample_weight=sample_weight,
            multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights,
            evenly_distributed=self._evenly,
            dtype=self.dtype,
        )
        return {var: state[var] + counts[key] for var, key in _VARIABLES.items()}

    def compute(self, state: State) -> jax.Array:
        """Return the area under the curve.

        Args:
            state: Accumulated state.
        """
        tp, fp = state["true_positives"], state["false_positives"]
        tn, fn = state["true_negatives"], state["false_negatives"]
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self._average_labels(_interpolated_pr_terms(tp, fp, fn))
        recall = divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = divide_no_nan(fp, fp + tn), recall
        elif self.curve == "PR":
            x, y = recall, divide_no_nan(tp, tp + fp)
        else:
            x, y = _pr_gain(tp, fp, tn, fn)
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = jnp.minimum(y[:-1], y[1:])
        else:
            heights = jnp.maximum(y[:-1], y[1:])
        return self._average_labels((x[:-1] - x[1:]) * heights)

    def _average_labels(self, terms: jax.Array) -> jax.Array:
        if not self.multi_label:
            return jnp.sum(terms)
        by_label = jnp.sum(terms, axis=0)
        if self.label_weights is None:
            return jnp.mean(by_label)
        return divide_no_nan(jnp.sum(by_label * self.label_weights), jnp.sum(self.label_weights))

    def get_config(self) -> dict[str, Any]:
        """Return the constructor arguments."""
        config = {
            **Metric.get_config(self),
            "num_thresholds": self.num_thresholds,
            "curve": self.curve,
            "summation_method": self.summation_method,
            "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": None if self.label_weights is None else [float(w) for w in self.label_weights],
            "from_logits": self.from_logits,
        }
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return config


def _interpolated_pr_terms(tp: jax.Array, fp: jax.Array, fn: jax.Array) -> jax.Array:
    """Per-interval PR-AUC increments, interpolating precision linearly in true positives."""
    dtp = tp[:-1] - tp[1:]
    p = tp + fp
    dp = p[:-1] - p[1:]
    slope = divide_no_nan(dtp, jnp.maximum(dp, 0))
    intercept = tp[1:] - slope * p[1:]
    both_positive = (p[:-1] > 0) & (p[1:] > 0)
    ratio = jnp.where(both_positive, divide_no_nan(p[:-1], jnp.maximum(p[1:], 0)), jnp.ones_like(p[1:]))
    return divide_no_nan(slope * (dtp + intercept * jnp.log(ratio)), jnp.maximum(tp[1:] + fn[1:], 0))


def _pr_gain(tp: jax.Array, fp: jax.Array, tn: jax.Array, fn: jax.Array) -> tuple[jax.Array, jax.Array]:
    """Recall gain (x) and precision gain (y) of the precision-recall-gain curve."""
    scale = divide_no_nan(tp + fn, tn + fp)
    recall_gain = 1.0 - scale * divide_no_nan(fn, tp)
    precision_gain = 1.0 - scale * divide_no_nan(fp, tp)
    recall_gain = jnp.maximum(jnp.where(tp == 0, 0.0, recall_gain), 0.0)
    precision_gain = jnp.where(tp == 0, 1.0, precision_gain)
    return recall_gain, precision_gain
