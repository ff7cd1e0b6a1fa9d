"""Overlap losses for segmentation: `dice` and `tversky`, and their `Dice` and `Tversky` classes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from kerax.losses._classes import _BuiltinLoss
from kerax.losses._common import EPSILON, as_float

Axis = int | Sequence[int] | None

_SUM_OVER_BATCH = "sum_over_batch_size"


def _standardize_axis(axis: Axis, ndim: int, fn: str) -> int | tuple[int, ...] | None:
    """Validate `axis` (None, an int or a sequence of ints) against the rank of the inputs."""
    if axis is None:
        return None
    axes = [axis] if isinstance(axis, int) and not isinstance(axis, bool) else axis
    if isinstance(axes, (str, bytes)) or not isinstance(axes, Sequence):
        raise TypeError(f"In `{fn}`, `axis` must be None, an int or a sequence of ints. Received: axis={axis!r}")
    for a in axes:
        if isinstance(a, bool) or not isinstance(a, int):
            raise TypeError(f"In `{fn}`, `axis` must be None, an int or a sequence of ints. Received: axis={axis!r}")
        if not -ndim <= a < ndim:
            raise ValueError(f"In `{fn}`, `axis` is out of range for inputs of rank {ndim}. Received: axis={axis!r}")
    return axes[0] if isinstance(axis, int) else tuple(axes)


def _prepare(y_true: ArrayLike, y_pred: ArrayLike, axis: Axis, fn: str) -> tuple[jax.Array, jax.Array, Any]:
    y_pred = as_float(y_pred)
    y_true = jnp.asarray(y_true).astype(y_pred.dtype)
    try:
        shape = jnp.broadcast_shapes(y_true.shape, y_pred.shape)
    except ValueError as exc:
        raise ValueError(
            f"In `{fn}`, `y_true` and `y_pred` must have broadcastable shapes. "
            f"Received: y_true.shape={y_true.shape}, y_pred.shape={y_pred.shape}"
        ) from exc
    return y_true, y_pred, _standardize_axis(axis, len(shape), fn)


def dice(y_true: ArrayLike, y_pred: ArrayLike, axis: Axis = None) -> jax.Array:
    """Dice loss `1 - 2 * sum(y_true * y_pred) / (sum(y_true) + sum(y_pred) + eps)`.

    Args:
        y_true: Targets, usually binary masks.
        y_pred: Predicted probabilities, same shape as `y_true`.
        axis: Axes the sums run over; `None` (the default) sums over every axis and returns
            a scalar, `(1, 2, ...)` gives one loss per sample.

    Returns:
        The Dice loss, with the `axis` dimensions reduced.

    Raises:
        ValueError: If the shapes do not broadcast or `axis` is out of range.
        TypeError: If `axis` is not None, an int or a sequence of ints.
    """
    y_true, y_pred, axis = _prepare(y_true, y_pred, axis, "dice")
    intersection = jnp.sum(y_true * y_pred, axis=axis)
    total = jnp.sum(y_true, axis=axis) + jnp.sum(y_pred, axis=axis)
    return 1.0 - 2.0 * intersection / (total + EPSILON)


def tversky(
    y_true: ArrayLike, y_pred: ArrayLike, alpha: float = 0.5, beta: float = 0.5, axis: Axis = None
) -> jax.Array:
    """Tversky loss `1 - tp / (tp + alpha * fp + beta * fn + eps)` with soft counts.

    Soft counts are `tp = sum(y_true * y_pred)`, `fp = sum(y_true * (1 - y_pred))` and
    `fn = sum((1 - y_true) * y_pred)` (Keras's naming, kept for identical values). With
    `alpha = beta = 0.5` the loss equals the Dice loss.

    Args:
        y_true: Targets, usually binary masks.
        y_pred: Predicted probabilities, same shape as `y_true`.
        alpha: Weight of the `fp` term. Defaults to `0.5`.
        beta: Weight of the `fn` term. Defaults to `0.5`.
        axis: Axes the sums run over; `None` (the default) sums over every axis.

    Returns:
        The Tversky loss, with the `axis` dimensions reduced.

    Raises:
        ValueError: If the shapes do not broadcast or `axis` is out of range.
        TypeError: If `axis` is not None, an int or a sequence of ints.
    """
    y_true, y_pred, axis = _prepare(y_true, y_pred, axis, "tversky")
    tp = jnp.sum(y_true * y_pred, axis=axis)
    fp = jnp.sum(y_true * (1.0 - y_pred), axis=axis)
    fn = jnp.sum((1.0 - y_true) * y_pred, axis=axis)
    return 1.0 - tp / (tp + alpha * fp + beta * fn + EPSILON)


def _config_axis(axis: Axis) -> Axis:
    """Check the type of a constructor's `axis` early; the value is kept as given (as Keras does)."""
    if axis is None or (isinstance(axis, int) and not isinstance(axis, bool)):
        return axis
    if isinstance(axis, (str, bytes)) or not isinstance(axis, Sequence):
        raise TypeError(f"Argument `axis` must be None, an int or a sequence of ints. Received: axis={axis!r}")
    return axis


class Dice(_BuiltinLoss):
    """Dice loss between targets and predicted probabilities (see `kerax.losses.dice`).

    Args:
        reduction: See `kerax.losses.Loss`. Defaults to `"sum_over_batch_size"`.
        name: Name of the loss. Defaults to `"dice"`.
        axis: Axes the Dice sums run over; `None` sums over every axis. Defaults to `None`.
        dtype: Floating dtype of the computation. Defaults to `None`.

    Raises:
        TypeError: If `axis` is not None, an int or a sequence of ints.
    """

    def __init__(
        self, reduction: str | None = _SUM_OVER_BATCH, name: str = "dice", axis: Axis = None, dtype: Any = None
    ) -> None:
        super().__init__(dice, reduction, name, dtype, axis=_config_axis(axis))


class Tversky(_BuiltinLoss):
    """Tversky loss, a Dice loss with separate weights on the two error terms (see `kerax.losses.tversky`).

    Args:
        alpha: Weight of the `fp` term. Defaults to `0.5`.
        beta: Weight of the `fn` term. Defaults to `0.5`.
        reduction: See `kerax.losses.Loss`. Defaults to `"sum_over_batch_size"`.
        name: Name of the loss. Defaults to `"tversky"`.
        axis: Axes the sums run over; `None` sums over every axis. Defaults to `None`.
        dtype: Floating dtype of the computation. Defaults to `None`.

    Raises:
        TypeError: If `axis` is not None, an int or a sequence of ints.
    """

    def __init__(
        self,
        alpha: float = 0.5,
        beta: float = 0.5,
        reduction: str | None = _SUM_OVER_BATCH,
        name: str = "tversky",
        axis: Axis = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(tversky, reduction, name, dtype, alpha=alpha, beta=beta, axis=_config_axis(axis))
