"""Look-up of metrics by name: `get`, `serialize`, `deserialize`, `resolve_accuracy`."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from kerax.backend._naming import to_snake_case
from kerax.losses import deserialize as deserialize_loss
from kerax.losses._registry import FUNCTIONS as LOSS_FUNCTIONS
from kerax.losses._registry import binary_or_sparse, deserialize_object, get_object, lookup, serialize_object
from kerax.metrics import _accuracy, _auc, _f_score, _precision_recall
from kerax.metrics import _probabilistic as prob
from kerax.metrics import _regression as reg
from kerax.metrics._base import Metric
from kerax.metrics._reduction import Mean, MeanMetricWrapper, Sum

_CLASSES: tuple[type[Metric], ...] = (
    Metric,
    Sum,
    Mean,
    MeanMetricWrapper,
    _accuracy.Accuracy,
    _accuracy.BinaryAccuracy,
    _accuracy.CategoricalAccuracy,
    _accuracy.SparseCategoricalAccuracy,
    _accuracy.TopKCategoricalAccuracy,
    _accuracy.SparseTopKCategoricalAccuracy,
    _precision_recall.TruePositives,
    _precision_recall.FalsePositives,
    _precision_recall.TrueNegatives,
    _precision_recall.FalseNegatives,
    _precision_recall.Precision,
    _precision_recall.Recall,
    _auc.AUC,
    _f_score.FBetaScore,
    _f_score.F1Score,
    reg.MeanSquaredError,
    reg.MeanAbsoluteError,
    reg.MeanAbsolutePercentageError,
    reg.MeanSquaredLogarithmicError,
    reg.RootMeanSquaredError,
    reg.CosineSimilarity,
    reg.LogCoshError,
    prob.KLDivergence,
    prob.Poisson,
    prob.BinaryCrossentropy,
    prob.CategoricalCrossentropy,
    prob.SparseCategoricalCrossentropy,
    prob.Hinge,
    prob.SquaredHinge,
    prob.CategoricalHinge,
)

#: Per-sample functions usable with `MeanMetricWrapper`, by name (for deserializing `fn`).
FUNCTIONS: dict[str, Callable[..., Any]] = {
    fn.__name__: fn
    for fn in (
        _accuracy.accuracy,
        _accuracy.binary_accuracy,
        _accuracy.categorical_accuracy,
        _accuracy.sparse_categorical_accuracy,
        _accuracy.top_k_categorical_accuracy,
        _accuracy.sparse_top_k_categorical_accuracy,
        *(fn for fn in LOSS_FUNCTIONS if fn.__name__ != "cosine_similarity"),
    )
}
FUNCTIONS["cosine_similarity"] = reg.cosine_similarity  # the metric's own, not the loss's negated one

#: Every name `get` understands: class names, their snake_case forms, and short aliases.
ALL_OBJECTS: dict[str, Any] = {
    **{cls.__name__: cls for cls in _CLASSES},
    **{to_snake_case(cls.__name__): cls for cls in _CLASSES},
    "bce": prob.BinaryCrossentropy,
    "BCE": prob.BinaryCrossentropy,
    "mse": reg.MeanSquaredError,
    "MSE": reg.MeanSquaredError,
    "mae": reg.MeanAbsoluteError,
    "MAE": reg.MeanAbsoluteError,
    "mape": reg.MeanAbsolutePercentageError,
    "MAPE": reg.MeanAbsolutePercentageError,
    "msle": reg.MeanSquaredLogarithmicError,
    "MSLE": reg.MeanSquaredLogarithmicError,
}


def serialize(metric: Metric | Callable[..., Any]) -> dict[str, Any]:
    """Serialize a `Metric` instance or a metric function into a Keras-style dict.

    Args:
        metric: The metric to serialize.
    """
    return serialize_object(metric, "keras.metrics")


def serialize_fn(fn: Callable[..., Any]) -> dict[str, Any] | str:
    """Serialize the function of a `MeanMetricWrapper` (functions by name, callables by config).

    Args:
        fn: A function or a callable object with `get_config` (such as a `Loss`).
    """
    if inspect.isfunction(fn) or hasattr(fn, "get_config"):
        return serialize_object(fn, "keras.metrics")
    return getattr(fn, "__name__", repr(fn))


def deserialize(
    config: str | Mapping[str, Any], custom_objects: Mapping[str, Any] | None = None
) -> Metric | Callable[..., Any]:
    """Rebuild a metric (or metric function) from `serialize` output or a registered name.

    Args:
        config: A dict from `serialize`, or a name.
        custom_objects: Optional mapping of extra names to classes or functions. Defaults to `None`.
    """
    if isinstance(config, Mapping) and "class_name" in config:
        if config["class_name"] == "function":
            return lookup(config["config"], FUNCTIONS, custom_objects, "metric function")
        if config.get("module") == "keras.losses":
            return deserialize_loss(config, custom_objects)
    return deserialize_object(config, ALL_OBJECTS, custom_objects, "metric")


def get(identifier: Any) -> Metric | Callable[..., Any] | None:
    """Retrieve a metric instance (or a plain metric function) from an identifier.

    Strings name a metric class, in CamelCase (`"AUC"`) or snake_case (`"auc"`,
    `"sparse_categorical_accuracy"`), or an alias (`"mse"`); the class is instantiated
    with defaults. Note that `"accuracy"` gives `Accuracy` (exact equality); use
    `resolve_accuracy` for the task-dependent meaning `compile` gives it. Dicts are
    passed to `deserialize`; classes are instantiated; `Metric` instances and other
    callables are returned unchanged (wrap functions in `MeanMetricWrapper` to track them).

    Args:
        identifier: `None`, a name, a config dict, a `Metric` class or instance, or a callable.
    """
    return get_object(identifier, ALL_OBJECTS, deserialize, "metric")


def resolve_accuracy(
    loss_identifier: Any,
    y_true_shape: Sequence[int | None],
    y_pred_shape: Sequence[int | None],
    name: str = "accuracy",
) -> Metric:
    """Resolve the metric string `"accuracy"`/`"acc"` into the accuracy `compile` means.

    Keras 3 decides from the shapes alone (the loss is not consulted, so
    `loss_identifier` is accepted for API symmetry and ignored):

    * predictions with a last dimension of 1 -> `BinaryAccuracy` (threshold 0.5);
    * else targets of lower rank than the predictions, or with a last dimension of 1
      while predictions have several -> `SparseCategoricalAccuracy`;
    * else -> `CategoricalAccuracy`.

    Args:
        loss_identifier: The compiled loss (unused; kept for callers that have it at hand).
        y_true_shape: Shape of the targets, e.g. `(batch,)` or `(batch, 1)`.
        y_pred_shape: Shape of the predictions, e.g. `(batch, num_classes)`.
        name: Name of the returned metric; Keras uses the identifier (`"accuracy"` or `"acc"`).
            Defaults to `"accuracy"`.
    """
    del loss_identifier
    is_binary, is_sparse = binary_or_sparse(y_true_shape, y_pred_shape)
    if is_binary:
        return _accuracy.BinaryAccuracy(name=name)
    if is_sparse:
        return _accuracy.SparseCategoricalAccuracy(name=name)
    return _accuracy.CategoricalAccuracy(name=name)
