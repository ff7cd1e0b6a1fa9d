"""Noise-robust generalised crossentropy: `categorical_generalized_cross_entropy` and its class."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from kerax.losses._classes import _BuiltinLoss
from kerax.losses._common import as_float

_SUM_OVER_BATCH = "sum_over_batch_size"


def categorical_generalized_cross_entropy(y_true: ArrayLike, y_pred: ArrayLike, q: float) -> jax.Array:
    """Generalised crossentropy `(1 - p ** q) / q`, where `p` is the probability of the true class.

    Small `q` behaves like crossentropy, `q` near 1 like mean absolute error.

    Args:
        y_true: Integer class labels, shape `(batch,)` or `(batch, 1)`.
        y_pred: Class probabilities, shape `(batch, num_classes)`.
        q: Noise parameter in `(0, 1)`.

    Returns:
        The loss of each sample, shape `(batch,)`.

    Raises:
        ValueError: If `y_pred` is a scalar or the label shape does not match `y_pred`.
    """
    y_pred = as_float(y_pred)
    y_true = jnp.asarray(y_true)
    if y_pred.ndim < 1:
        raise ValueError(
            "In `categorical_generalized_cross_entropy`, `y_pred` must have a class axis. "
            f"Received: y_pred.shape={y_pred.shape}"
        )
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = jnp.squeeze(y_true, -1)
    if y_true.shape != y_pred.shape[:-1]:
        raise ValueError(
            "In `categorical_generalized_cross_entropy`, `y_true` must hold one integer label per row of "
            f"`y_pred`, i.e. have shape {y_pred.shape[:-1]} (or with a trailing 1). "
            f"Received: y_true.shape={y_true.shape}, y_pred.shape={y_pred.shape}"
        )
    one_hot = jax.nn.one_hot(y_true.astype("int32"), y_pred.shape[-1], dtype=y_pred.dtype)
    p = jnp.sum(y_pred * one_hot, axis=-1)
    return (1.0 - jnp.power(p, q)) / q


class CategoricalGeneralizedCrossEntropy(_BuiltinLoss):
    """Generalised crossentropy, robust to noisy labels (see `categorical_generalized_cross_entropy`).

    Args:
        q: Noise parameter in `(0, 1)`. Defaults to `0.5`.
        reduction: See `kerax.losses.Loss`. Defaults to `"sum_over_batch_size"`.
        name: Name of the loss. Defaults to `"categorical_generalized_cross_entropy"`.
        dtype: Floating dtype of the computation. Defaults to `None`.

    Raises:
        ValueError: If `q` is not a number strictly between 0 and 1.
    """

    def __init__(
        self,
        q: float = 0.5,
        reduction: str | None = _SUM_OVER_BATCH,
        name: str = "categorical_generalized_cross_entropy",
        dtype: Any = None,
    ) -> None:
        if isinstance(q, bool) or not isinstance(q, (int, float)) or not 0 < q < 1:
            raise ValueError(f"Argument `q` must be a number in the open interval (0, 1). Received: q={q!r}")
        super().__init__(categorical_generalized_cross_entropy, reduction, name, dtype, q=q)
