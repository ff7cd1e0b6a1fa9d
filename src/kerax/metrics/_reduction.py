"""Reduction metrics: `Sum`, `Mean` and `MeanMetricWrapper`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from kerax.losses._common import divide_no_nan, match_rank
from kerax.losses._reduction import mask_to_weights
from kerax.metrics._base import Metric, State

Reducer = Callable[..., jax.Array]


def samplewise_values(
    values: ArrayLike, sample_weight: ArrayLike | None, reduce_fn: Reducer, dtype: str
) -> tuple[jax.Array, jax.Array | None]:
    """Weight `values` and reduce them (and the weights) to one entry per sample.

    Values are first reduced over the dimensions the weights lack, then multiplied by the
    weights broadcast to their shape; finally every non-batch dimension is reduced.

    Args:
        values: Per-element values, shape `(batch, ...)` (or a scalar).
        sample_weight: Optional weights of rank <= rank of `values` after rank matching.
        reduce_fn: `jnp.mean` or `jnp.sum`, used for the extra dimensions.
        dtype: Floating dtype of the computation.
    """
    values = jnp.asarray(values).astype(dtype)
    weights = None
    if sample_weight is not None:
        weights = jnp.asarray(sample_weight).astype(dtype)
        values, weights = match_rank(values, weights)
        weight_ndim = weights.ndim
        if values.ndim > weight_ndim:
            values = reduce_fn(values, axis=tuple(range(weight_ndim, values.ndim)))
        weights = jnp.broadcast_to(weights, values.shape)
        values = values * weights
        if weight_ndim > 1:
            weights = reduce_fn(weights, axis=tuple(range(1, weight_ndim)))
    if values.ndim > 1:
        values = reduce_fn(values, axis=tuple(range(1, values.ndim)))
    return values, weights


class Sum(Metric):
    """(Weighted) sum of the given values.

    Args:
        name: Name of the metric. Defaults to `"sum"`.
        dtype: Floating dtype of the state. Defaults to `None`.
    """

    def __init__(self, name: str = "sum", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)

    def init_state(self) -> State:
        """Return `{"total": 0}`."""
        return {"total": self._zeros()}

    def update(self, state: State, values: ArrayLike, sample_weight: ArrayLike | None = None) -> State:
        """Add the (weighted) sum of `values`.

        Args:
            state: Current state.
            values: Values to add.
            sample_weight: Optional weights.
        """
        values, _ = samplewise_values(values, sample_weight, jnp.sum, self.dtype)
        return {"total": state["total"] + jnp.sum(values)}

    def compute(self, state: State) -> jax.Array:
        """Return the running total.

        Args:
            state: Accumulated state.
        """
        return state["total"]


class Mean(Metric):
    """(Weighted) mean of the given values.

    Each sample counts once (or with its weight); values of rank > 1 are first averaged
    over their non-batch dimensions.

    Args:
        name: Name of the metric. Defaults to `"mean"`.
        dtype: Floating dtype of the state. Defaults to `None`.
    """

    def __init__(self, name: str = "mean", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)

    def init_state(self) -> State:
        """Return `{"total": 0, "count": 0}`."""
        return {"total": self._zeros(), "count": self._zeros()}

    def update(self, state: State, values: ArrayLike, sample_weight: ArrayLike | None = None) -> State:
        """Accumulate the (weighted) sum of `values` and the number (or weight) of samples.

        Args:
            state: Current state.
            values: Values to average.
            sample_weight: Optional weights.
        """
        values, weights = samplewise_values(values, sample_weight, jnp.mean, self.dtype)
        if weights is not None:
            count = jnp.sum(weights)
        else:
            count = jnp.asarray(values.shape[0] if values.ndim else 1, self.dtype)
        return {"total": state["total"] + jnp.sum(values), "count": state["count"] + count}

    def compute(self, state: State) -> jax.Array:
        """Return `total / count` (0 when nothing was counted).

        Args:
            state: Accumulated state.
        """
        return divide_no_nan(state["total"], state["count"])


class MeanMetricWrapper(Mean):
    """Running (weighted) mean of a per-sample function `fn(y_true, y_pred, **kwargs)`.

    Args:
        fn: Function returning one value per sample (or per element).
        name: Name of the metric; defaults to `"mean_metric_wrapper"`.
        dtype: Floating dtype of the state. Defaults to `None`.
        **kwargs: Extra keyword arguments passed to `fn`.
    """

    def __init__(self, fn: Callable[..., jax.Array], name: str | None = None, dtype: Any = None, **kwargs: Any):
        if not callable(fn):
            raise TypeError(f"Argument `fn` must be callable. Received: fn={fn!r}")
        super().__init__(name=name or "mean_metric_wrapper", dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update(  # type: ignore[override]
        self, state: State, y_true: ArrayLike, y_pred: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> State:
        """Accumulate `fn(y_true, y_pred)` for one batch.

        Args:
            state: Current state.
            y_true: Targets.
            y_pred: Predictions.
            sample_weight: Optional per-sample weights.
        """
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        mask = self.compute_mask(y_true, y_pred)
        if mask is not None:
            weights = None if sample_weight is None else jnp.asarray(sample_weight).astype(self.dtype)
            sample_weight = mask_to_weights(weights, mask, self.dtype, "sum")
        return super().update(state, values, sample_weight=sample_weight)

    def compute_mask(self, y_true: ArrayLike, y_pred: ArrayLike) -> jax.Array | None:
        """Return a boolean mask of the values to count, or `None` (the default).

        Args:
            y_true: Targets.
            y_pred: Predictions.
        """
        del y_true, y_pred
        return None

    def get_config(self) -> dict[str, Any]:
        """Return name, dtype, the serialized `fn` and its keyword arguments."""
        from kerax.metrics._registry import serialize_fn  # the registry lists this module's classes

        return {**Metric.get_config(self), "fn": serialize_fn(self._fn), **self._fn_kwargs}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Metric:
        """Create the metric from a config; a serialized `fn` is looked up by name.

        Args:
            config: Dict of constructor arguments.
        """
        from kerax.metrics._registry import deserialize  # the registry lists this module's classes

        config = dict(config)
        if "fn" in config and not callable(config["fn"]):
            config["fn"] = deserialize(config["fn"])
        return cls(**config)


class _FixedFnMetric(MeanMetricWrapper):
    """A `MeanMetricWrapper` around a fixed function whose keyword arguments form its config."""

    def __init__(self, fn: Callable[..., jax.Array], name: str, dtype: Any, **kwargs: Any) -> None:
        super().__init__(fn, name=name, dtype=dtype, **kwargs)
        for key, value in kwargs.items():
            setattr(self, key, value)

    def get_config(self) -> dict[str, Any]:
        """Return name, dtype and the metric-specific arguments."""
        return {**Metric.get_config(self), **self._fn_kwargs}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Metric:
        """Create the metric from the output of `get_config`.

        Args:
            config: Dict of constructor arguments.
        """
        return cls(**config)
