"""Best value of one rate subject to a floor on another, over a threshold grid.

`SensitivityAtSpecificity`, `SpecificityAtSensitivity`, `PrecisionAtRecall` and
`RecallAtPrecision` accumulate confusion counts at `num_thresholds` evenly spaced
thresholds (the shared `confusion_counts` machinery) and report the best rate among the
thresholds that meet the constraint (0 when none does).
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from kerax.losses._common import divide_no_nan
from kerax.metrics._base import Metric, State
from kerax.metrics._confusion import confusion_counts

_VARIABLES = {"true_positives": "tp", "false_positives": "fp", "true_negatives": "tn", "false_negatives": "fn"}


class _RateAtRate(Metric):
    """Confusion counts at evenly spaced thresholds; subclasses pick the two rates."""

    #: Name of the constrained rate, also its constructor argument (`"specificity"`, ...).
    _value_name = "value"
    #: Name of the rate the metric reports (`"sensitivity"`, ...).
    _reported = "value"

    def __init__(
        self,
        value: float,
        num_thresholds: int = 200,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
            raise ValueError(
                f"Argument `{self._value_name}` must be in the range [0, 1]. Received: {self._value_name}={value!r}"
            )
        if isinstance(num_thresholds, bool) or not isinstance(num_thresholds, int) or num_thresholds <= 0:
            raise ValueError(
                f"Argument `num_thresholds` must be an integer > 0. Received: num_thresholds={num_thresholds!r}"
            )
        self.value = value
        self.num_thresholds = num_thresholds
        self.class_id = class_id
        setattr(self, self._value_name, value)
        if num_thresholds == 1:
            self.thresholds = [0.5]
            self._evenly = False
        else:
            inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self.thresholds = [0.0, *inner, 1.0]
            self._evenly = True

    def init_state(self) -> State:
        """Return zero counts, one per threshold."""
        return {var: self._zeros((len(self.thresholds),)) for var in _VARIABLES}

    def update(
        self, state: State, y_true: ArrayLike, y_pred: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> State:
        """Add the batch's confusion counts at every threshold.

        Args:
            state: Current state.
            y_true: Binary (or multi-hot) labels.
            y_pred: Scores in [0, 1], same shape as `y_true`.
            sample_weight: Optional weights, broadcastable to `y_true`.

        Returns:
            The new state.
        """
        counts = confusion_counts(
            y_true,
            y_pred,
            self.thresholds,
            tuple(_VARIABLES.values()),
            class_id=self.class_id,
            sample_weight=sample_weight,
            evenly_distributed=self._evenly,
            dtype=self.dtype,
        )
        return {var: state[var] + counts[key] for var, key in _VARIABLES.items()}

    def _rates(self, state: State) -> dict[str, jax.Array]:
        tp, fp = state["true_positives"], state["false_positives"]
        tn, fn = state["true_negatives"], state["false_negatives"]
        recall = divide_no_nan(tp, tp + fn)
        return {
            "sensitivity": recall,
            "recall": recall,
            "specificity": divide_no_nan(tn, tn + fp),
            "precision": divide_no_nan(tp, tp + fp),
        }

    def compute(self, state: State) -> jax.Array:
        """Return the best ``_reported`` rate among the thresholds where ``_value_name`` reaches the value.

        Args:
            state: Accumulated state.

        Returns:
            A scalar.
        """
        rates = self._rates(state)
        feasible = rates[self._value_name] >= self.value
        return jnp.max(jnp.where(feasible, rates[self._reported], 0.0), initial=0.0)

    def get_config(self) -> dict[str, Any]:
        """Return the constructor arguments."""
        return {
            **Metric.get_config(self),
            "class_id": self.class_id,
            "num_thresholds": self.num_thresholds,
            self._value_name: self.value,
        }


class SensitivityAtSpecificity(_RateAtRate):
    """Best sensitivity (recall) among the thresholds whose specificity is at least `specificity`.

    Args:
        specificity: Required specificity, in [0, 1].
        num_thresholds: Number of thresholds; 1 means the single threshold 0.5. Defaults to `200`.
        class_id: Only consider this class of a `(batch, num_classes)` input. Defaults to `None`.
        name: Name of the metric. Defaults to `None`.
        dtype: Floating dtype of the state. Defaults to `None`.

    Raises:
        ValueError: If `specificity` is outside [0, 1] or `num_thresholds` is not a positive int.
    """

    _value_name = "specificity"
    _reported = "sensitivity"

    def __init__(
        self,
        specificity: float,
        num_thresholds: int = 200,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(specificity, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype)


class SpecificityAtSensitivity(_RateAtRate):
    """Best specificity among the thresholds whose sensitivity is at least `sensitivity`.

    Args:
        sensitivity: Required sensitivity, in [0, 1].
        num_thresholds: Number of thresholds; 1 means the single threshold 0.5. Defaults to `200`.
        class_id: Only consider this class of a `(batch, num_classes)` input. Defaults to `None`.
        name: Name of the metric. Defaults to `None`.
        dtype: Floating dtype of the state. Defaults to `None`.

    Raises:
        ValueError: If `sensitivity` is outside [0, 1] or `num_thresholds` is not a positive int.
    """

    _value_name = "sensitivity"
    _reported = "specificity"

    def __init__(
        self,
        sensitivity: float,
        num_thresholds: int = 200,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(sensitivity, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype)


class PrecisionAtRecall(_RateAtRate):
    """Best precision among the thresholds whose recall is at least `recall`.

    Args:
        recall: Required recall, in [0, 1].
        num_thresholds: Number of thresholds; 1 means the single threshold 0.5. Defaults to `200`.
        class_id: Only consider this class of a `(batch, num_classes)` input. Defaults to `None`.
        name: Name of the metric. Defaults to `None`.
        dtype: Floating dtype of the state. Defaults to `None`.

    Raises:
        ValueError: If `recall` is outside [0, 1] or `num_thresholds` is not a positive int.
    """

    _value_name = "recall"
    _reported = "precision"

    def __init__(
        self,
        recall: float,
        num_thresholds: int = 200,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(recall, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype)


class RecallAtPrecision(_RateAtRate):
    """Best recall among the thresholds whose precision is at least `precision`.

    Args:
        precision: Required precision, in [0, 1].
        num_thresholds: Number of thresholds; 1 means the single threshold 0.5. Defaults to `200`.
        class_id: Only consider this class of a `(batch, num_classes)` input. Defaults to `None`.
        name: Name of the metric. Defaults to `None`.
        dtype: Floating dtype of the state. Defaults to `None`.

    Raises:
        ValueError: If `precision` is outside [0, 1] or `num_thresholds` is not a positive int.
    """

    _value_name = "precision"
    _reported = "recall"

    def __init__(
        self,
        precision: float,
        num_thresholds: int = 200,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(precision, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype)
