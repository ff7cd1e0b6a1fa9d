"""Look-up of losses by name: `get`, `serialize`, `deserialize`, `resolve_crossentropy`."""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from kerax._serialization._serialize import builtin_config
from kerax.losses import _classes, _hinge, _probabilistic, _regression
from kerax.losses._loss import Loss, LossFunctionWrapper

_CLASSES: tuple[type[Loss], ...] = (
    Loss,
    LossFunctionWrapper,
    _classes.MeanSquaredError,
    _classes.MeanAbsoluteError,
    _classes.MeanAbsolutePercentageError,
    _classes.MeanSquaredLogarithmicError,
    _classes.CosineSimilarity,
    _classes.Huber,
    _classes.LogCosh,
    _classes.Hinge,
    _classes.SquaredHinge,
    _classes.CategoricalHinge,
    _classes.KLDivergence,
    _classes.Poisson,
    _classes.BinaryCrossentropy,
    _classes.BinaryFocalCrossentropy,
    _classes.CategoricalCrossentropy,
    _classes.CategoricalFocalCrossentropy,
    _classes.SparseCategoricalCrossentropy,
)

#: Every built-in loss function (the metrics accept them by name too).
FUNCTIONS: tuple[Callable[..., Any], ...] = (
    _regression.mean_squared_error,
    _regression.mean_absolute_error,
    _regression.mean_absolute_percentage_error,
    _regression.mean_squared_logarithmic_error,
    _regression.cosine_similarity,
    _regression.huber,
    _regression.log_cosh,
    _hinge.hinge,
    _hinge.squared_hinge,
    _hinge.categorical_hinge,
    _probabilistic.kl_divergence,
    _probabilistic.poisson,
    _probabilistic.binary_crossentropy,
    _probabilistic.binary_focal_crossentropy,
    _probabilistic.categorical_crossentropy,
    _probabilistic.categorical_focal_crossentropy,
    _probabilistic.sparse_categorical_crossentropy,
)

#: Short names accepted by `get`, mapped to loss functions as Keras does.
ALIASES: dict[str, Callable[..., Any]] = {
    "bce": _probabilistic.binary_crossentropy,
    "BCE": _probabilistic.binary_crossentropy,
    "kld": _probabilistic.kl_divergence,
    "KLD": _probabilistic.kl_divergence,
    "mae": _regression.mean_absolute_error,
    "MAE": _regression.mean_absolute_error,
    "mse": _regression.mean_squared_error,
    "MSE": _regression.mean_squared_error,
    "mape": _regression.mean_absolute_percentage_error,
    "MAPE": _regression.mean_absolute_percentage_error,
    "msle": _regression.mean_squared_logarithmic_error,
    "MSLE": _regression.mean_squared_logarithmic_error,
}

#: Every name `get` understands: class names, function names and aliases.
ALL_OBJECTS: dict[str, Any] = {
    **{cls.__name__: cls for cls in _CLASSES},
    **{fn.__name__: fn for fn in FUNCTIONS},
    **ALIASES,
}


def _unknown(kind: str, identifier: str, names: Sequence[str]) -> ValueError:
    close = difflib.get_close_matches(identifier, names, n=3, cutoff=0.6)
    hint = f" Did you mean: {', '.join(repr(c) for c in close)}?" if close else ""
    return ValueError(
        f"Could not interpret {kind} identifier: {identifier!r}.{hint} Valid names are: {', '.join(sorted(names))}."
    )


def lookup(name: str, module_objects: Mapping[str, Any], custom_objects: Mapping[str, Any] | None, kind: str) -> Any:
    """Find `name` in `custom_objects` then `module_objects`, raising a helpful ValueError.

    Args:
        name: The registered name.
        module_objects: Built-in objects by name.
        custom_objects: Optional user objects by name, searched first.
        kind: Word used in the error message (`"loss"`, `"metric"`).
    """
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if name in module_objects:
        return module_objects[name]
    raise _unknown(kind, name, list(module_objects) + list(custom_objects or ()))


def serialize_object(obj: Any, module: str) -> dict[str, Any]:
    """Serialize a configurable object or a named function into a Keras-style dict.

    Args:
        obj: An object with `get_config`, or a function.
        module: Module name recorded for objects (`"keras.losses"`, `"keras.metrics"`).
    """
    if hasattr(obj, "get_config"):
        return builtin_config(obj, module)
    if inspect.isfunction(obj):
        return {"module": "builtins", "class_name": "function", "config": obj.__name__, "registered_name": "function"}
    raise TypeError(f"Cannot serialize {obj!r}: expected an object with `get_config` or a function.")


def deserialize_object(
    config: str | Mapping[str, Any],
    module_objects: Mapping[str, Any],
    custom_objects: Mapping[str, Any] | None,
    kind: str,
) -> Any:
    """Inverse of `serialize_object`; also accepts a bare registered name.

    Args:
        config: A name or a dict with `class_name` and `config`.
        module_objects: Built-in objects by name.
        custom_objects: Optional user objects by name.
        kind: Word used in error messages.
    """
    if isinstance(config, str):
        return lookup(config, module_objects, custom_objects, kind)
    if not isinstance(config, Mapping) or "class_name" not in config:
        raise ValueError(
            f"Could not deserialize {kind}: expected a name or a dict with 'class_name' and 'config'. "
            f"Received: {config!r}"
        )
    if config["class_name"] == "function":
        return lookup(config["config"], module_objects, custom_objects, kind)
    cls = lookup(config["class_name"], module_objects, custom_objects, kind)
    return cls.from_config(dict(config.get("config") or {}))


def get_object(identifier: Any, module_objects: Mapping[str, Any], deserialize: Callable[[Any], Any], kind: str) -> Any:
    """The object an identifier names, for the families' ``get``: ``None`` stays ``None``; a name is looked
    up, a dict deserialized; a class is instantiated with defaults; any other callable is returned as is.

    Args:
        identifier: ``None``, a name, a config dict, a class or a callable.
        module_objects: Built-in objects by name.
        deserialize: The family's ``deserialize``, for dicts.
        kind: Word used in error messages (``"loss"``, ``"metric"``).
    """
    if identifier is None:
        return None
    if isinstance(identifier, str):
        obj = lookup(identifier, module_objects, None, kind)
    elif isinstance(identifier, Mapping):
        obj = deserialize(identifier)
    else:
        obj = identifier
    if inspect.isclass(obj):
        return obj()
    if callable(obj):
        return obj
    raise ValueError(f"Could not interpret {kind} identifier: {identifier!r}. Expected a name, dict or callable.")


def serialize(loss: Loss | Callable[..., Any]) -> dict[str, Any]:
    """Serialize a `Loss` instance or a built-in loss function into a Keras-style dict.

    Args:
        loss: The loss to serialize.
    """
    return serialize_object(loss, "keras.losses")


def deserialize(
    config: str | Mapping[str, Any], custom_objects: Mapping[str, Any] | None = None
) -> Loss | Callable[..., Any]:
    """Rebuild a loss from `serialize` output or from a registered name.

    Args:
        config: A dict from `serialize`, or a name.
        custom_objects: Optional mapping of extra names to classes or functions. Defaults to `None`.
    """
    return deserialize_object(config, ALL_OBJECTS, custom_objects, "loss")


def get(identifier: Any) -> Loss | Callable[..., Any] | None:
    """Retrieve a loss function or `Loss` instance from an identifier.

    Strings name a function (`"mean_squared_error"`, `"mse"`) which is returned as is, or
    a class (`"MeanSquaredError"`) which is instantiated with defaults. Dicts are passed to
    `deserialize`; `Loss` classes are instantiated; callables are returned unchanged.

    Args:
        identifier: `None`, a name, a config dict, a `Loss` class or instance, or a callable.
    """
    return get_object(identifier, ALL_OBJECTS, deserialize, "loss")


def resolve_crossentropy(
    y_true_shape: Sequence[int | None], y_pred_shape: Sequence[int | None], name: str = "crossentropy"
) -> LossFunctionWrapper:
    """Choose the crossentropy meant by the string `"crossentropy"`/`"ce"` from target shapes.

    The rule mirrors Keras 3's `compile`: predictions with a last dimension of 1 mean
    binary crossentropy; otherwise targets of lower rank than the predictions, or with a
    last dimension of 1 against several classes, mean sparse categorical crossentropy;
    anything else means categorical crossentropy.

    Args:
        y_true_shape: Shape of the targets.
        y_pred_shape: Shape of the predictions.
        name: Name given to the returned loss (Keras uses the identifier string). Defaults to `"crossentropy"`.
    """
    is_binary, is_sparse = binary_or_sparse(y_true_shape, y_pred_shape)
    if is_binary:
        fn = _probabilistic.binary_crossentropy
    elif is_sparse:
        fn = _probabilistic.sparse_categorical_crossentropy
    else:
        fn = _probabilistic.categorical_crossentropy
    return LossFunctionWrapper(fn, name=name)


def binary_or_sparse(y_true_shape: Sequence[int | None], y_pred_shape: Sequence[int | None]) -> tuple[bool, bool]:
    """Return `(is_binary, is_sparse_categorical)` from target and prediction shapes.

    Args:
        y_true_shape: Shape of the targets (rank >= 1).
        y_pred_shape: Shape of the predictions (rank >= 1).
    """
    y_true_shape, y_pred_shape = tuple(y_true_shape), tuple(y_pred_shape)
    if not y_true_shape or not y_pred_shape:
        raise ValueError(
            "Cannot infer the task from scalar shapes; expected rank >= 1. "
            f"Received: y_true_shape={y_true_shape}, y_pred_shape={y_pred_shape}"
        )
    is_binary = y_pred_shape[-1] == 1
    is_sparse = len(y_true_shape) < len(y_pred_shape) or (y_true_shape[-1] == 1 and y_pred_shape[-1] != 1)
    return is_binary, is_sparse
