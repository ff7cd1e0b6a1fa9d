"""`R2Score`: coefficient of determination, optionally adjusted for the number of regressors."""

from __future__ import annotations

import warnings
from typing import Any

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from kerax.losses._common import match_rank
from kerax.metrics._base import Metric, State

_AGGREGATIONS = (None, "uniform_average", "variance_weighted_average")


def _matched_shapes(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The shapes `match_rank` would give two arrays of shapes `a` and `b`."""
    if len(a) == len(b) + 1 and a[-1] == 1:
        return (a, (*b, 1)) if len(b) == 1 else (a[:-1], b)
    if len(b) == len(a) + 1 and b[-1] == 1:
        return ((*a, 1), b) if len(a) == 1 else (a, b[:-1])
    return a, b


class R2Score(Metric):
    """Coefficient of determination `1 - SS_res / SS_tot`, one score per output then aggregated.

    Inputs are rank 2, `(batch, num_outputs)`; the state needs `num_outputs`, so the metric is
    built on its first update (or by `build`). With `num_regressors = p > 0` the adjusted
    score `1 - (1 - R2) * (n - 1) / (n - p - 1)` is returned, `n` being the number of entries
    seen; when `p >= n - 1` the plain score is returned (with a warning outside `jit`).

    Args:
        class_aggregation: `"uniform_average"` (mean of the output scores),
            `"variance_weighted_average"` (weighted by each output's variance) or `None`
            (the vector of output scores). Defaults to `"uniform_average"`.
        num_regressors: Number of independent regressors of the adjusted score; 0 for plain R2. Defaults to `0`.
        name: Name of the metric. Defaults to `"r2_score"`.
        dtype: Floating dtype of the state. Defaults to `None`.

    Raises:
        ValueError: If `class_aggregation` or `num_regressors` is invalid.
    """

    def __init__(
        self,
        class_aggregation: str | None = "uniform_average",
        num_regressors: int = 0,
        name: str = "r2_score",
        dtype: Any = None,
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        if class_aggregation not in _AGGREGATIONS:
            raise ValueError(
                f"Invalid value for argument `class_aggregation`. Expected one of {_AGGREGATIONS}. "
                f"Received: class_aggregation={class_aggregation!r}"
            )
        if isinstance(num_regressors, bool) or not isinstance(num_regressors, int) or num_regressors < 0:
            raise ValueError(
                f"Argument `num_regressors` must be an int >= 0. Received: num_regressors={num_regressors!r}"
            )
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        self._num_outputs: int | None = None
        self.built = False

    def build(self, y_true_shape: tuple[int, ...], y_pred_shape: tuple[int, ...]) -> None:
        """Record the number of outputs from rank-2 input shapes.

        Args:
            y_true_shape: Shape of the targets, `(batch, num_outputs)`.
            y_pred_shape: Shape of the predictions, `(batch, num_outputs)`.

        Raises:
            ValueError: If the shapes are not rank 2 with a known last dimension.
        """
        y_true_shape, y_pred_shape = _matched_shapes(tuple(y_true_shape), tuple(y_pred_shape))
        if len(y_true_shape) != 2 or len(y_pred_shape) != 2 or y_pred_shape[-1] is None:
            raise ValueError(
                "R2Score expects rank-2 inputs of shape (batch_size, output_dim) with a known output_dim. "
                f"Received: y_true.shape={y_true_shape}, y_pred.shape={y_pred_shape}"
            )
        self._num_outputs = int(y_pred_shape[-1])
        self.built = True

    def init_state(self) -> State:
        """Return zero sums, in Keras's variable order."""
        self._require_built()
        shape = (self._num_outputs,)
        return {
            "num_samples": self._zeros(),
            "squared_sum": self._zeros(shape),
            "sum": self._zeros(shape),
            "residual": self._zeros(shape),
            "count": self._zeros(shape),
        }

    def update(
        self, state: State, y_true: ArrayLike, y_pred: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> State:
        """Accumulate weighted sums of targets, squared targets and squared residuals.

        Args:
            state: Current state.
            y_true: Targets, `(batch, num_outputs)`.
            y_pred: Predictions, same shape.
            sample_weight: Optional weights: one per sample, or broadcastable to `y_true`.

        Returns:
            The new state.
        """
        y_true = jnp.asarray(y_true).astype(self.dtype)
        y_pred = jnp.asarray(y_pred).astype(self.dtype)
        y_true, y_pred = match_rank(y_true, y_pred)
        weights = jnp.asarray(1.0 if sample_weight is None else sample_weight).astype(self.dtype)
        if weights.ndim == 1:
            weights = weights[:, None]
        weights = jnp.broadcast_to(weights, y_true.shape)
        weighted = y_true * weights
        return {
            "num_samples": state["num_samples"] + y_true.size,
            "squared_sum": state["squared_sum"] + jnp.sum(y_true * weighted, axis=0),
            "sum": state["sum"] + jnp.sum(weighted, axis=0),
            "residual": state["residual"] + jnp.sum(jnp.square(y_true - y_pred) * weights, axis=0),
            "count": state["count"] + jnp.sum(weights, axis=0),
        }

    def compute(self, state: State) -> jax.Array:
        """Return the (adjusted) R2 score, aggregated over outputs as configured.

        Args:
            state: Accumulated state.

        Returns:
            A scalar, or one score per output when `class_aggregation` is `None`.
        """
        total_sum = state["sum"]
        mean = total_sum / state["count"]
        total = state["squared_sum"] - total_sum * mean
        raw = 1.0 - state["residual"] / total
        raw = jnp.where(jnp.isinf(raw), 0.0, raw)
        if self.class_aggregation == "uniform_average":
            score = jnp.mean(raw)
        elif self.class_aggregation == "variance_weighted_average":
            score = jnp.sum(total * raw) / jnp.sum(total)
        else:
            score = raw
        if self.num_regressors == 0:
            return score
        n = state["num_samples"].astype("float32")
        p = float(self.num_regressors)
        if not isinstance(n, jax.core.Tracer):
            if p > float(n) - 1:
                warnings.warn(
                    "More independent predictors than data points in the adjusted R2 score; "
                    "returning the standard R2 score.",
                    UserWarning,
                    stacklevel=2,
                )
            elif p == float(n) - 1:
                warnings.warn(
                    "Division by zero in the adjusted R2 score; returning the standard R2 score.",
                    UserWarning,
                    stacklevel=2,
                )
        adjusted = 1.0 - (1.0 - score) * (n - 1.0) / jnp.where(n - p - 1.0 > 0, n - p - 1.0, 1.0)
        return jnp.where(p < n - 1.0, adjusted, score)

    def get_config(self) -> dict[str, Any]:
        """Return the constructor arguments."""
        return {
            **Metric.get_config(self),
            "class_aggregation": self.class_aggregation,
            "num_regressors": self.num_regressors,
        }
