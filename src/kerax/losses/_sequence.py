"""Connectionist temporal classification loss: `ctc` and `CTC`."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from kerax.losses._classes import _BuiltinLoss
from kerax.ops._nn import ctc_loss

_SUM_OVER_BATCH = "sum_over_batch_size"

#: Label id reserved for the CTC blank; it also pads the label sequences.
BLANK = 0


def ctc(y_true: ArrayLike, y_pred: ArrayLike) -> jax.Array:
    """CTC loss of padded integer label sequences given per-step logits.

    Label `0` is the blank and also marks padding: the length of each label sequence is its
    number of non-zero entries, and every logit step counts.

    Args:
        y_true: Integer labels, shape `(batch, max_label_length)`, padded with 0.
        y_pred: Unnormalised logits, shape `(batch, time, num_classes)`.

    Returns:
        The negative log-likelihood of each sequence, shape `(batch,)`.

    Raises:
        ValueError: If `y_true` is not rank 2 or `y_pred` not rank 3.
    """
    y_true = jnp.asarray(y_true)
    y_pred = jnp.asarray(y_pred)
    if y_true.ndim != 2:
        raise ValueError(
            "In `ctc`, `y_true` must be integer labels of shape (batch_size, max_length). "
            f"Received: y_true.shape={y_true.shape}"
        )
    if y_pred.ndim != 3:
        raise ValueError(
            "In `ctc`, `y_pred` must be logits of shape (batch_size, max_length, num_classes). "
            f"Received: y_pred.shape={y_pred.shape}"
        )
    batch, steps = y_pred.shape[0], y_pred.shape[1]
    label_length = jnp.sum(y_true != BLANK, axis=-1).astype("int32")
    logit_length = jnp.full((batch,), steps, dtype="int32")
    return ctc_loss(y_true, y_pred, label_length, logit_length, mask_index=BLANK)


class CTC(_BuiltinLoss):
    """CTC loss of padded integer label sequences given per-step logits (see `kerax.losses.ctc`).

    Args:
        reduction: See `kerax.losses.Loss`. Defaults to `"sum_over_batch_size"`.
        name: Name of the loss. Defaults to `"ctc"`.
        dtype: Floating dtype of the computation. Defaults to `None`.
    """

    def __init__(self, reduction: str | None = _SUM_OVER_BATCH, name: str = "ctc", dtype: Any = None) -> None:
        super().__init__(ctc, reduction, name, dtype)
