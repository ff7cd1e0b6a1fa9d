"""Regression metrics: running means of per-sample errors, and `RootMeanSquaredError`."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from kerax.losses import _regression as fns
from kerax.losses._common import as_float, match_rank
from kerax.metrics._base import State
from kerax.metrics._reduction import Mean, _FixedFnMetric


def cosine_similarity(y_true: ArrayLike, y_pred: ArrayLike, axis: int = -1) -> jax.Array:
    """Cosine similarity along `axis` (1 means identical direction; 0 for zero vectors).

    Args:
        y_true: Targets.
        y_pred: Predictions.
        axis: Axis along which the similarity is computed.
    """
    return -fns.cosine_similarity(y_true, y_pred, axis=axis)


class MeanSquaredError(_FixedFnMetric):
    """Running mean of `mean_squared_error`.

    Args:
        name: Name of the metric. Defaults to `"mean_squared_error"`.
        dtype: Floating dtype of the state. Defaults to `None`.
    """

    def __init__(self, name: str = "mean_squared_error", dtype: Any = None) -> None:
        super().__init__(fns.mean_squared_error, name, dtype)


class MeanAbsoluteError(_FixedFnMetric):
    """Running mean of `mean_absolute_error`.

    Args:
        name: Name of the metric. Defaults to `"mean_absolute_error"`.
        dtype: Floating dtype of the state. Defaults to `None`.
    """

    def __init__(self, name: str = "mean_absolute_error", dtype: Any = None) -> None:
        super().__init__(fns.mean_absolute_error, name, dtype)


class MeanAbsolutePercentageError(_FixedFnMetric):
    """Running mean of `mean_absolute_percentage_error`.

    Args:
        name: Name of the metric. Defaults to `"mean_absolute_percentage_error"`.
        dtype: Floating dtype of the state. Defaults to `None`.
    """

    def __init__(self, name: str = "mean_absolute_percentage_error", dtype: Any = None) -> None:
        super().__init__(fns.mean_absolute_percentage_error, name, dtype)


class MeanSquaredLogarithmicError(_FixedFnMetric):
    """Running mean of `mean_squared_logarithmic_error`.

    Args:
        name: Name of the metric. Defaults to `"mean_squared_logarithmic_error"`.
        dtype: Floating dtype of the state. Defaults to `None`.
    """

    def __init__(self, name: str = "mean_squared_logarithmic_error", dtype: Any = None) -> None:
        super().__init__(fns.mean_squared_logarithmic_error, name, dtype)


class LogCoshError(_FixedFnMetric):
    """Running mean of `log_cosh`.

    Args:
        name: Name of the metric. Defaults to `"logcosh"`.
        dtype: Floating dtype of the state. Defaults to `None`.
    """

    def __init__(self, name: str = "logcosh", dtype: Any = None) -> None:
        super().__init__(fns.log_cosh, name, dtype)


class CosineSimilarity(_FixedFnMetric):
    """Running mean of the (positive) cosine similarity between targets and predictions.

    Args:
        name: Name of the metric. Defaults to `"cosine_similarity"`.
        dtype: Floating dtype of the state. Defaults to `None`.
        axis: Axis along which the similarity is computed. Defaults to `-1`.
    """

    def __init__(self, name: str = "cosine_similarity", dtype: Any = None, axis: int = -1) -> None:
        super().__init__(cosine_similarity, name, dtype, axis=axis)


class RootMeanSquaredError(Mean):
    """Square root of the running (weighted) mean of squared errors.

    Args:
        name: Name of the metric. Defaults to `"root_mean_squared_error"`.
        dtype: Floating dtype of the state. Defaults to `None`.
    """

    def __init__(self, name: str = "root_mean_squared_error", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)

    def update(  # type: ignore[override]
        self, state: State, y_true: ArrayLike, y_pred: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> State:
        """Accumulate squared errors of one batch.

        Args:
            state: Current state.
            y_true: Targets.
            y_pred: Predictions.
            sample_weight: Optional weights.
        """
        y_true = as_float(y_true, self.dtype)
        y_pred = as_float(y_pred, self.dtype)
        y_true, y_pred = match_rank(y_true, y_pred)
        return super().update(state, jnp.square(y_pred - y_true), sample_weight=sample_weight)

    def compute(self, state: State) -> jax.Array:
        """Return the root of the mean squared error.

        Args:
            state: Accumulated state.
        """
        return jnp.sqrt(super().compute(state))
