"""Intersection-over-union metrics from an accumulated confusion matrix: `IoU` and its variants."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from kerax.backend._dtypes import is_float_dtype, is_int_dtype, standardize_dtype
from kerax.losses._common import EPSILON
from kerax.metrics._base import Metric, State

_CM = "total_confusion_matrix"


def _matrix_dtype(dtype: Any) -> str:
    """The confusion matrix dtype: int32 by default (as Keras), or any integer or floating dtype."""
    try:
        name = standardize_dtype("int32" if dtype is None else dtype)
    except ValueError as exc:
        raise ValueError(f"Argument `dtype` must name an integer or floating dtype. Received: dtype={dtype!r}") from exc
    if not (is_int_dtype(name) or is_float_dtype(name)):
        raise ValueError(f"Argument `dtype` must be an integer or floating dtype. Received: dtype={dtype!r}")
    return name


def _check_int(value: Any, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"Argument `{name}` must be an int >= {minimum}. Received: {name}={value!r}")
    return value


class IoU(Metric):
    """Mean intersection-over-union of the classes in `target_class_ids`.

    Labels and predictions are counted into a `(num_classes, num_classes)` confusion matrix
    (rows: labels, columns: predictions), weighted by `sample_weight`. The IoU of class `c`
    is `tp / (tp + fp + fn)`; the result averages it over the target classes that occur
    (a class with no label and no prediction is left out). Entries whose label or
    prediction lies outside `[0, num_classes)`, or whose label is `ignore_class`, are skipped.

    The matrix has the metric's `dtype`, which is `"int32"` by default as in Keras: then
    fractional sample weights are truncated to integers (a warning says so).

    Args:
        num_classes: Number of classes (the confusion matrix size).
        target_class_ids: Class ids whose IoUs are averaged.
        name: Name of the metric. Defaults to `None`.
        dtype: Dtype of the confusion matrix (integer or floating); `"int32"` by default.
        ignore_class: Optional label id excluded from the counts. Defaults to `None`.
        sparse_y_true: Whether labels are class ids; if `False`, the argmax over `axis`. Defaults to `True`.
        sparse_y_pred: Whether predictions are class ids; if `False`, the argmax over `axis`. Defaults to `True`.
        axis: The class axis of dense labels or predictions. Defaults to `-1`.

    Raises:
        ValueError: If `num_classes` is not a positive int or a target class id is out of range.
    """

    def __init__(
        self,
        num_classes: int,
        target_class_ids: Sequence[int],
        name: str | None = None,
        dtype: Any = None,
        ignore_class: int | None = None,
        sparse_y_true: bool = True,
        sparse_y_pred: bool = True,
        axis: int = -1,
    ) -> None:
        super().__init__(name=name)
        self._dtype = _matrix_dtype(dtype)
        self.num_classes = _check_int(num_classes, "num_classes", 1)
        if isinstance(target_class_ids, (str, bytes)) or not isinstance(target_class_ids, Sequence):
            raise ValueError(
                f"Argument `target_class_ids` must be a list or tuple of class ids. "
                f"Received: target_class_ids={target_class_ids!r}"
            )
        ids = list(target_class_ids)
        bad = [i for i in ids if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < num_classes]
        if bad or not ids:
            raise ValueError(
                f"Argument `target_class_ids` must be a non-empty list of class ids in [0, {num_classes}). "
                f"Received: target_class_ids={target_class_ids!r}"
            )
        self.target_class_ids = ids
        self.ignore_class = ignore_class
        self.sparse_y_true = sparse_y_true
        self.sparse_y_pred = sparse_y_pred
        self.axis = axis

    def init_state(self) -> State:
        """Return an all-zero `(num_classes, num_classes)` confusion matrix."""
        return {_CM: self._zeros((self.num_classes, self.num_classes))}

    def update(
        self, state: State, y_true: ArrayLike, y_pred: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> State:
        """Add the batch to the confusion matrix.

        Args:
            state: Current state.
            y_true: Class ids (or one-hot rows when `sparse_y_true=False`), any shape.
            y_pred: Class ids (or scores when `sparse_y_pred=False`), as many entries as `y_true`.
            sample_weight: Optional weights, broadcastable to the flattened labels.

        Returns:
            The new state.

        Raises:
            ValueError: If labels and predictions have different numbers of entries.
        """
        y_true, y_pred = jnp.asarray(y_true), jnp.asarray(y_pred)
        if not self.sparse_y_true:
            y_true = jnp.argmax(y_true, axis=self.axis)
        if not self.sparse_y_pred:
            y_pred = jnp.argmax(y_pred, axis=self.axis)
        y_true = y_true.astype(self.dtype).reshape(-1)
        y_pred = y_pred.astype(self.dtype).reshape(-1)
        if y_true.shape != y_pred.shape:
            raise ValueError(
                f"Metric {self.name!r} needs one prediction per label. Received {y_true.size} labels and "
                f"{y_pred.size} predictions (after argmax and flattening)."
            )
        if sample_weight is None:
            weights = jnp.ones_like(y_true)
        else:
            weights = jnp.asarray(sample_weight)
            if is_float_dtype(weights.dtype) and is_int_dtype(self.dtype):
                warnings.warn(
                    f"Metric {self.name!r} has an integer confusion matrix ({self.dtype}): float sample weights "
                    "are truncated to integers. Pass integer weights, or a floating `dtype` to the metric.",
                    UserWarning,
                    stacklevel=3,
                )
            weights = weights.astype(self.dtype)
            if weights.ndim > 1:
                weights = weights.reshape(-1)
            weights = jnp.broadcast_to(weights, y_true.shape)
        valid = (y_true >= 0) & (y_true < self.num_classes) & (y_pred >= 0) & (y_pred < self.num_classes)
        if self.ignore_class is not None:
            valid = valid & (y_true != self.ignore_class)
        rows = jnp.where(valid, y_true, 0).astype("int32")
        cols = jnp.where(valid, y_pred, 0).astype("int32")
        weights = jnp.where(valid, weights, jnp.zeros_like(weights))
        batch_cm = jnp.zeros((self.num_classes, self.num_classes), self.dtype).at[rows, cols].add(weights)
        return {_CM: state[_CM] + batch_cm}

    def compute(self, state: State) -> jax.Array:
        """Return the mean IoU over the target classes that occur (a float32 scalar).

        Args:
            state: Accumulated state.

        Returns:
            The mean IoU.
        """
        cm = state[_CM]
        true_positives = jnp.diagonal(cm)
        denominator = jnp.sum(cm, axis=0) + jnp.sum(cm, axis=1) - true_positives
        ids = jnp.asarray(self.target_class_ids, "int32")
        true_positives = true_positives[ids].astype("float32")
        denominator = denominator[ids].astype("float32")
        present = denominator > 1e-9
        iou = jnp.where(present, true_positives / (denominator + EPSILON), 0.0)
        return jnp.sum(iou) / (jnp.sum(present.astype("float32")) + EPSILON)

    # Arguments a subclass fixes itself, so that its constructor does not take them (nor its config hold them).
    _fixed_arguments: tuple[str, ...] = ()

    def get_config(self) -> dict[str, Any]:
        """Return the constructor arguments."""
        config = {
            **Metric.get_config(self),
            "num_classes": self.num_classes,
            "target_class_ids": self.target_class_ids,
            "ignore_class": self.ignore_class,
            "sparse_y_true": self.sparse_y_true,
            "sparse_y_pred": self.sparse_y_pred,
            "axis": self.axis,
        }
        return {key: value for key, value in config.items() if key not in self._fixed_arguments}


class BinaryIoU(IoU):
    """IoU of binary labels against thresholded scores (class 1 when `y_pred >= threshold`).

    Args:
        target_class_ids: Which of the classes `0` and `1` are averaged. Defaults to `(0, 1)`.
        threshold: Scores at or above it predict class 1. Defaults to `0.5`.
        name: Name of the metric. Defaults to `None`.
        dtype: Dtype of the confusion matrix; `"int32"` by default.
    """

    def __init__(
        self,
        target_class_ids: Sequence[int] = (0, 1),
        threshold: float = 0.5,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(num_classes=2, target_class_ids=target_class_ids, name=name, dtype=dtype)
        self.threshold = threshold

    def update(
        self, state: State, y_true: ArrayLike, y_pred: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> State:
        """Threshold the scores, then add the batch to the confusion matrix.

        Args:
            state: Current state.
            y_true: Binary labels.
            y_pred: Scores, as many as labels.
            sample_weight: Optional weights.

        Returns:
            The new state.
        """
        y_pred = (jnp.asarray(y_pred).astype("float32") >= self.threshold).astype(self.dtype)
        return super().update(state, y_true, y_pred, sample_weight)

    def get_config(self) -> dict[str, Any]:
        """Return the constructor arguments."""
        return {
            "target_class_ids": self.target_class_ids,
            "threshold": self.threshold,
            "name": self.name,
            "dtype": self.dtype,
        }


class MeanIoU(IoU):
    """IoU averaged over all `num_classes` classes (those that occur).

    Args:
        num_classes: Number of classes.
        name: Name of the metric. Defaults to `None`.
        dtype: Dtype of the confusion matrix; `"int32"` by default.
        ignore_class: Optional label id excluded from the counts. Defaults to `None`.
        sparse_y_true: Whether labels are class ids; if `False`, the argmax over `axis`. Defaults to `True`.
        sparse_y_pred: Whether predictions are class ids; if `False`, the argmax over `axis`. Defaults to `True`.
        axis: The class axis of dense labels or predictions. Defaults to `-1`.
    """

    _fixed_arguments = ("target_class_ids",)

    def __init__(
        self,
        num_classes: int,
        name: str | None = None,
        dtype: Any = None,
        ignore_class: int | None = None,
        sparse_y_true: bool = True,
        sparse_y_pred: bool = True,
        axis: int = -1,
    ) -> None:
        super().__init__(
            num_classes=num_classes,
            target_class_ids=list(range(_check_int(num_classes, "num_classes", 1))),
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=sparse_y_true,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )


class OneHotIoU(IoU):
    """IoU of one-hot labels against class scores (both reduced by argmax over `axis`).

    Args:
        num_classes: Number of classes.
        target_class_ids: Class ids whose IoUs are averaged.
        name: Name of the metric. Defaults to `None`.
        dtype: Dtype of the confusion matrix; `"int32"` by default.
        ignore_class: Optional class id excluded from the counts. Defaults to `None`.
        sparse_y_pred: Whether predictions are already class ids. Defaults to `False`.
        axis: The class axis. Defaults to `-1`.
    """

    _fixed_arguments = ("sparse_y_true",)

    def __init__(
        self,
        num_classes: int,
        target_class_ids: Sequence[int],
        name: str | None = None,
        dtype: Any = None,
        ignore_class: int | None = None,
        sparse_y_pred: bool = False,
        axis: int = -1,
    ) -> None:
        super().__init__(
            num_classes=num_classes,
            target_class_ids=target_class_ids,
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=False,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )


class OneHotMeanIoU(MeanIoU):
    """IoU averaged over all classes, for one-hot labels and class scores (argmax over `axis`).

    Args:
        num_classes: Number of classes.
        name: Name of the metric. Defaults to `None`.
        dtype: Dtype of the confusion matrix; `"int32"` by default.
        ignore_class: Optional class id excluded from the counts. Defaults to `None`.
        sparse_y_pred: Whether predictions are already class ids. Defaults to `False`.
        axis: The class axis. Defaults to `-1`.
    """

    _fixed_arguments = ("target_class_ids", "sparse_y_true")

    def __init__(
        self,
        num_classes: int,
        name: str | None = None,
        dtype: Any = None,
        ignore_class: int | None = None,
        sparse_y_pred: bool = False,
        axis: int = -1,
    ) -> None:
        super().__init__(
            num_classes=num_classes,
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=False,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )
