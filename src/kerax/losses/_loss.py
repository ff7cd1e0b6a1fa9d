"""The `Loss` base class and `LossFunctionWrapper`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from kerax.backend._naming import to_snake_case
from kerax.losses._common import match_rank, standardize_dtype
from kerax.losses._reduction import reduce_weighted_values, standardize_reduction


class Loss:
    """Base class of losses: per-sample `call` followed by weighting and reduction.

    Subclasses implement `call(y_true, y_pred)` returning per-sample losses (pure jnp, so
    the whole `__call__` is jit-traceable) and may override `compute_mask` to exclude entries.

    Args:
        name: Name of the loss; defaults to the snake_case class name.
        reduction: `"sum_over_batch_size"` (default; sum divided by the number of loss
            entries), `"mean"` (same), `"sum"`, `"mean_with_sample_weight"` (sum divided by
            the sum of the sample weights), or `"none"`/`None` (no reduction).
        dtype: Floating dtype of the computation; defaults to `"float32"`.
    """

    def __init__(
        self, name: str | None = None, reduction: str | None = "sum_over_batch_size", dtype: Any = None
    ) -> None:
        self.name = name or to_snake_case(type(self).__name__)
        self.reduction = standardize_reduction(reduction)
        self._dtype = standardize_dtype(dtype)

    @property
    def dtype(self) -> str:
        """Name of the floating dtype losses are computed in."""
        return self._dtype

    def __call__(
        self,
        y_true: ArrayLike,
        y_pred: ArrayLike,
        sample_weight: ArrayLike | None = None,
        mask: ArrayLike | None = None,
    ) -> jax.Array:
        """Compute the weighted, reduced loss.

        Args:
            y_true: Targets; cast to the loss dtype.
            y_pred: Predictions; cast to the loss dtype.
            sample_weight: Optional weights, matched in rank to the per-sample losses.
            mask: Optional boolean mask over the per-sample losses (entries that are false
                are excluded, as Keras does with a mask attached to `y_pred`).
        """
        y_true = jnp.asarray(y_true).astype(self.dtype)
        y_pred = jnp.asarray(y_pred).astype(self.dtype)
        losses = self.call(y_true, y_pred)
        own_mask = self.compute_mask(y_true, y_pred)
        if mask is None:
            mask = own_mask
        elif own_mask is not None:
            mask = jnp.logical_and(jnp.asarray(mask).astype(bool), own_mask)
        return reduce_weighted_values(losses, sample_weight, mask, self.reduction, self.dtype)

    def call(self, y_true: jax.Array, y_pred: jax.Array) -> jax.Array:
        """Return per-sample losses; implemented by subclasses.

        Args:
            y_true: Targets.
            y_pred: Predictions.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement `call(y_true, y_pred)`.")

    def compute_mask(self, y_true: jax.Array, y_pred: jax.Array) -> jax.Array | None:
        """Return a boolean mask over the per-sample losses, or `None` (the default).

        Args:
            y_true: Targets.
            y_pred: Predictions.
        """
        del y_true, y_pred
        return None

    def get_config(self) -> dict[str, Any]:
        """Return the constructor arguments as a JSON-friendly dict."""
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Loss:
        """Create a loss from the output of `get_config`.

        Args:
            config: Dict of constructor arguments.
        """
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r} reduction={self.reduction!r}>"


class LossFunctionWrapper(Loss):
    """Turn a per-sample loss function `fn(y_true, y_pred, **kwargs)` into a `Loss`.

    `y_true` and `y_pred` are first brought to the same rank when they differ by a
    trailing dimension of size 1.

    Args:
        fn: The per-sample loss function.
        reduction: See `Loss`. Defaults to `"sum_over_batch_size"`.
        name: Name of the loss; defaults to `"loss_function_wrapper"`.
        dtype: Floating dtype of the computation. Defaults to `None`.
        **kwargs: Extra keyword arguments passed to `fn`.
    """

    def __init__(
        self,
        fn: Callable[..., jax.Array],
        reduction: str | None = "sum_over_batch_size",
        name: str | None = None,
        dtype: Any = None,
        **kwargs: Any,
    ) -> None:
        if not callable(fn):
            raise TypeError(f"Argument `fn` must be callable. Received: fn={fn!r}")
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true: jax.Array, y_pred: jax.Array) -> jax.Array:
        """Apply the wrapped function after rank matching.

        Args:
            y_true: Targets.
            y_pred: Predictions.
        """
        y_true, y_pred = match_rank(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def compute_mask(self, y_true: jax.Array, y_pred: jax.Array) -> jax.Array | None:
        """The mask the wrapped function gives for its losses (its ``loss_mask`` attribute), if it has one.

        Keras attaches such a mask to the losses array itself (the ``circle`` loss leaves out the queries
        whose loss is zero); a JAX array carries no mask, so the function names it beside itself.

        Args:
            y_true: Targets.
            y_pred: Predictions.
        """
        loss_mask = getattr(self.fn, "loss_mask", None)
        return None if loss_mask is None else loss_mask(self.call(y_true, y_pred))

    def get_config(self) -> dict[str, Any]:
        """Return the config, with `fn` stored by its registered name."""
        from kerax.losses._registry import serialize  # the registry lists this module's classes

        return {**Loss.get_config(self), "fn": serialize(self.fn), **self._fn_kwargs}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Loss:
        """Create the loss from a config; a serialized `fn` is looked up by name.

        Args:
            config: Dict of constructor arguments.
        """
        from kerax.losses._registry import deserialize  # the registry lists this module's classes

        config = dict(config)
        if "fn" in config and not callable(config["fn"]):
            config["fn"] = deserialize(config["fn"])
        return cls(**config)

    def __repr__(self) -> str:
        fn_name = getattr(self.fn, "__name__", repr(self.fn))
        return f"<{type(self).__name__}({fn_name}, kwargs={self._fn_kwargs}) name={self.name!r}>"
