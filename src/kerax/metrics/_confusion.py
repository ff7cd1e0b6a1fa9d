"""Pure confusion-matrix counting at a list of thresholds (shared by Precision, Recall, AUC...)."""

from __future__ import annotations

from collections.abc import Sequence

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from kerax.losses._common import EPSILON, match_rank

#: Score given to entries outside the top-k; also the default threshold when `top_k` is set.
NEG_INF = -1e10

#: The four confusion-matrix counts.
COUNT_KEYS = ("tp", "fp", "tn", "fn")


def parse_thresholds(thresholds: float | Sequence[float] | None, default: float = 0.5) -> list[float]:
    """Return thresholds as a list of floats, validating user values lie in [0, 1].

    Args:
        thresholds: A float, a sequence of floats, or `None` for `[default]`.
        default: Threshold used when `thresholds` is `None` (not validated).
    """
    if thresholds is None:
        return [float(default)]
    values = list(thresholds) if isinstance(thresholds, (list, tuple, np.ndarray)) else [thresholds]
    invalid = [t for t in values if t is None or not 0.0 <= float(t) <= 1.0]
    if invalid or not values:
        raise ValueError(
            f"Argument `thresholds` must be a float or non-empty list of floats in [0, 1]. "
            f"Received: thresholds={thresholds!r}"
        )
    return [float(t) for t in values]


def evenly_spaced(thresholds: Sequence[float]) -> bool:
    """Whether thresholds are `i / (n - 1)` for `i = 0..n-1` with `n >= 3` (within EPSILON).

    Args:
        thresholds: Candidate thresholds.
    """
    n = len(thresholds)
    if n < 3:
        return False
    even = np.arange(n, dtype=np.float32) / (n - 1)
    return bool(np.allclose(thresholds, even, atol=EPSILON))


def filter_top_k(x: jax.Array, k: int) -> jax.Array:
    """Keep the `k` largest entries along the last axis and set the others to NEG_INF.

    Args:
        x: Scores.
        k: Number of entries to keep.
    """
    _, idx = jax.lax.top_k(x, k)
    keep = jnp.sum(jax.nn.one_hot(idx, x.shape[-1], dtype=x.dtype), axis=-2)
    return x * keep + NEG_INF * (1.0 - keep)


def confusion_counts(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    thresholds: Sequence[float],
    keys: Sequence[str] = COUNT_KEYS,
    *,
    top_k: int | None = None,
    class_id: int | None = None,
    sample_weight: ArrayLike | None = None,
    multi_label: bool = False,
    label_weights: ArrayLike | None = None,
    evenly_distributed: bool = False,
    dtype: str = "float32",
) -> dict[str, jax.Array]:
    """Weighted confusion-matrix counts of one batch at each threshold.

    A prediction is positive at threshold `t` when `y_pred > t`; a label is positive
    when it is non-zero. Returns `{key: counts}` with counts of shape `(num_thresholds,)`,
    or `(num_thresholds, num_labels)` when `multi_label`.

    Args:
        y_true: Labels.
        y_pred: Scores, normally in [0, 1].
        thresholds: Thresholds, ascending.
        keys: Which of `"tp"`, `"fp"`, `"tn"`, `"fn"` to return.
        top_k: Only the top-k scores per sample can be positive.
        class_id: Restrict to one class of a `(batch, num_classes)` input.
        sample_weight: Optional weights, broadcastable to `y_pred`.
        multi_label: Keep labels (last axis of a rank-2 input) separate.
        label_weights: Optional per-label weights (only when not `multi_label`).
        evenly_distributed: Whether thresholds are evenly spaced over [0, 1], enabling an
            O(n) bucketing algorithm; it treats scores outside [0, 1] as clipped.
        dtype: Floating dtype of the counts.
    """
    bad = [k for k in keys if k not in COUNT_KEYS]
    if bad or not keys:
        raise ValueError(f"Argument `keys` must be a non-empty subset of {COUNT_KEYS}. Received: keys={keys!r}")
    if multi_label and label_weights is not None:
        raise ValueError("`label_weights` must be None when `multi_label=True`; weight the labels afterwards.")
    y_true = jnp.asarray(y_true).astype(dtype)
    y_pred = jnp.asarray(y_pred).astype(dtype)
    y_pred, y_true = match_rank(y_pred, y_true)
    weights = None
    if sample_weight is not None:
        weights = jnp.expand_dims(jnp.asarray(sample_weight).astype(dtype), -1)
        _, weights = match_rank(y_true, weights, expand_rank_1=False)
        weights = jnp.broadcast_to(weights, y_pred.shape)
    if top_k is not None:
        y_pred = filter_top_k(y_pred, top_k)
    if class_id is not None:
        if y_pred.ndim == 1:
            raise ValueError(
                "When `class_id` is set, `y_pred` must have shape (num_samples, num_classes). "
                f"Received: y_pred.shape={y_pred.shape}"
            )
        y_true = y_true[..., class_id, None]
        y_pred = y_pred[..., class_id, None]
        if weights is not None:
            weights = weights[..., class_id, None]
    if label_weights is not None:
        lw = jnp.broadcast_to(jnp.asarray(label_weights, dtype)[None], y_pred.shape)
        weights = lw if weights is None else weights * lw
    if multi_label and y_pred.ndim != 2:
        raise ValueError(f"With `multi_label=True`, `y_pred` must be rank 2. Received: y_pred.shape={y_pred.shape}")
    if not multi_label:
        y_true, y_pred = y_true.reshape(-1), y_pred.reshape(-1)
        weights = None if weights is None else weights.reshape(-1)
    labels = (y_true != 0).astype(dtype)
    if evenly_distributed:
        counts = _bucketed_counts(labels, y_pred, weights, thresholds, dtype)
    else:
        counts = _thresholded_counts(labels, y_pred, weights, thresholds, dtype)
    return {k: counts[k] for k in keys}


def _thresholded_counts(
    labels: jax.Array, y_pred: jax.Array, weights: jax.Array | None, thresholds: Sequence[float], dtype: str
) -> dict[str, jax.Array]:
    """Compare every score against every threshold: O(num_thresholds * num_entries)."""
    thr = jnp.asarray(thresholds, dtype).reshape((-1,) + (1,) * y_pred.ndim)
    pred_pos = (y_pred[None] > thr).astype(dtype)
    w = jnp.ones_like(y_pred) if weights is None else weights
    pos = (labels * w)[None]
    neg = ((1.0 - labels) * w)[None]
    return {
        "tp": jnp.sum(pos * pred_pos, axis=1),
        "fn": jnp.sum(pos * (1.0 - pred_pos), axis=1),
        "fp": jnp.sum(neg * pred_pos, axis=1),
        "tn": jnp.sum(neg * (1.0 - pred_pos), axis=1),
    }


def _bucketed_counts(
    labels: jax.Array, y_pred: jax.Array, weights: jax.Array | None, thresholds: Sequence[float], dtype: str
) -> dict[str, jax.Array]:
    """Histogram scores into threshold buckets, then reverse-cumsum: O(num_entries)."""
    num_thresholds = len(thresholds)
    with_epsilon = thresholds[0] < 0.0 or thresholds[-1] > 1.0
    w = jnp.ones_like(y_pred) if weights is None else weights
    pos = labels * w
    neg = (1.0 - labels) * w
    scores = jnp.clip(y_pred, 0.0, 1.0)
    buckets = jnp.ceil(scores * (num_thresholds - 1)) - 1
    if with_epsilon:
        buckets = jnp.maximum(buckets, 0)
    buckets = buckets.astype("int32")

    def histogram(data: jax.Array, ids: jax.Array) -> jax.Array:
        return jax.ops.segment_sum(data, ids, num_segments=num_thresholds)

    if y_pred.ndim == 2:  # multi-label: one histogram per label
        tp_hist = jax.vmap(histogram, in_axes=1, out_axes=1)(pos, buckets)
        fp_hist = jax.vmap(histogram, in_axes=1, out_axes=1)(neg, buckets)
    else:
        tp_hist, fp_hist = histogram(pos, buckets), histogram(neg, buckets)
    tp = jnp.flip(jnp.cumsum(jnp.flip(tp_hist, 0), axis=0), 0)
    fp = jnp.flip(jnp.cumsum(jnp.flip(fp_hist, 0), axis=0), 0)
    total_pos, total_neg = jnp.sum(pos, axis=0), jnp.sum(neg, axis=0)
    return {"tp": tp, "fp": fp, "tn": total_neg - fp, "fn": total_pos - tp}
