"""Circle loss for metric learning on L2-normalised embeddings: `circle` and `Circle`."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from kerax.losses._classes import _BuiltinLoss
from kerax.losses._common import as_float

_SUM_OVER_BATCH = "sum_over_batch_size"


def _labels(labels: ArrayLike, name: str) -> jax.Array:
    labels = jnp.asarray(labels)
    if labels.ndim == 2 and labels.shape[-1] == 1:
        labels = labels[:, 0]
    if labels.ndim != 1:
        raise ValueError(
            f"In `circle`, `{name}` must hold one integer label per embedding, shape (batch,) or (batch, 1). "
            f"Received: {name}.shape={labels.shape}"
        )
    return labels.astype("int32")


def _embeddings(embeddings: ArrayLike, name: str) -> jax.Array:
    embeddings = as_float(embeddings)
    if embeddings.ndim != 2:
        raise ValueError(
            f"In `circle`, `{name}` must be a batch of embeddings of shape (batch, dim). "
            f"Received: {name}.shape={embeddings.shape}"
        )
    return embeddings


def circle(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    ref_labels: ArrayLike | None = None,
    ref_embeddings: ArrayLike | None = None,
    remove_diagonal: bool = True,
    gamma: float = 80,
    margin: float = 0.4,
) -> jax.Array:
    """Circle loss of each query embedding against a set of reference embeddings.

    Pairs with equal labels are positives and all others negatives. With the cosine distance
    `d = max(1 - <query, reference>, 0)`, positives contribute
    `-gamma * max(margin + d, 0) * (margin - d)` and negatives
    `gamma * max(1 + margin - d, 0) * (1 - margin - d)`; the loss of a query is
    `softplus(logsumexp(positive terms) + logsumexp(negative terms))`. A query without
    positives (or without negatives) gets a loss of exactly 0.

    Args:
        y_true: Integer labels of the queries, shape `(batch,)` or `(batch, 1)`.
        y_pred: L2-normalised query embeddings, shape `(batch, dim)`.
        ref_labels: Labels of the references; defaults to `y_true`.
        ref_embeddings: L2-normalised reference embeddings, shape `(num_refs, dim)`;
            defaults to `y_pred`.
        remove_diagonal: Whether pair `(i, i)` is excluded from the positives (use it when
            the references are the queries themselves). Defaults to `True`.
        gamma: Scale of the similarity terms. Defaults to `80`.
        margin: Relaxation margin. Defaults to `0.4`.

    Returns:
        The loss of each query, shape `(batch,)`.

    Raises:
        ValueError: If labels or embeddings have the wrong rank or mismatched sizes.
    """
    y_pred = _embeddings(y_pred, "y_pred")
    y_true = _labels(y_true, "y_true")
    refs = y_pred if ref_embeddings is None else _embeddings(ref_embeddings, "ref_embeddings").astype(y_pred.dtype)
    ref_labels = y_true if ref_labels is None else _labels(ref_labels, "ref_labels")
    if y_true.shape[0] != y_pred.shape[0] or ref_labels.shape[0] != refs.shape[0] or refs.shape[1] != y_pred.shape[1]:
        raise ValueError(
            "In `circle`, labels must match their embeddings in number, and reference and query embeddings "
            f"must have the same size. Received: y_true.shape={y_true.shape}, y_pred.shape={y_pred.shape}, "
            f"ref_labels.shape={ref_labels.shape}, ref_embeddings.shape={refs.shape}"
        )
    distances = jnp.maximum(1.0 - y_pred @ refs.T, 0.0)
    positive = y_true[:, None] == ref_labels[None, :]
    negative = jnp.logical_not(positive)
    if remove_diagonal:
        positive = positive & ~jnp.eye(y_true.shape[0], ref_labels.shape[0], dtype=bool)
    pos_weights = jnp.maximum((margin + distances) * positive, 0.0)
    neg_weights = jnp.maximum((1.0 + margin - distances) * negative, 0.0)
    pos_terms = -gamma * pos_weights * (margin - distances)
    neg_terms = gamma * neg_weights * (1.0 - margin - distances)
    # A very negative finite fill instead of -inf: the same values, and finite gradients for empty rows.
    fill = jnp.asarray(jnp.finfo(distances.dtype).min / 4, distances.dtype)
    pos_lse = jax.nn.logsumexp(jnp.where(positive, pos_terms, fill), axis=1)
    neg_lse = jax.nn.logsumexp(jnp.where(negative, neg_terms, fill), axis=1)
    return jax.nn.softplus(pos_lse + neg_lse)


# As in Keras, the queries whose loss is zero (no positive or no negative pair) are left out of the mean,
# whether the loss is `Circle()` or the function given by name to `compile`.
circle.loss_mask = lambda losses: losses > 0  # type: ignore[attr-defined]


class Circle(_BuiltinLoss):
    """Circle loss between integer labels and L2-normalised embeddings (see `kerax.losses.circle`).

    As in Keras, queries whose loss is 0 (no positive or no negative in the batch) are left
    out of the reduction: `"sum_over_batch_size"` averages over the other queries only.

    Args:
        gamma: Scale of the similarity terms. Defaults to `80.0`.
        margin: Relaxation margin. Defaults to `0.4`.
        remove_diagonal: Whether each embedding's pair with itself is excluded from the positives. Defaults to `True`.
        reduction: See `kerax.losses.Loss`. Defaults to `"sum_over_batch_size"`.
        name: Name of the loss. Defaults to `"circle"`.
        dtype: Floating dtype of the computation. Defaults to `None`.
    """

    def __init__(
        self,
        gamma: float = 80.0,
        margin: float = 0.4,
        remove_diagonal: bool = True,
        reduction: str | None = _SUM_OVER_BATCH,
        name: str = "circle",
        dtype: Any = None,
    ) -> None:
        super().__init__(circle, reduction, name, dtype, gamma=gamma, margin=margin, remove_diagonal=remove_diagonal)
