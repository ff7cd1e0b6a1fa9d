"""``serialize_keras_object`` and ``deserialize_keras_object``: Keras 3's config schema, kerax's registry.

A serialized object is ``{"module", "class_name", "config", "registered_name"}``, plus ``build_config``
for a built layer. Keras's own files use the same schema with Keras's module names and a few options
kerax does not have; ``_clean_config`` drops those when they hold their neutral value and refuses the
others by name, so a file is either rebuilt faithfully or refused with the reason.
"""

from __future__ import annotations

import contextvars
import functools
import inspect
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from kerax._serialization import _registry

# Dtypes a config may carry in ``__numpy__`` values.
_ARRAY_DTYPES = frozenset(
    {"bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "float16", "float32", "float64"}
)
_PLAIN = (str, int, float, bool, type(None))
MAX_CONFIG_DEPTH = 100
"""Deepest nesting of lists and dicts accepted in a config (real models stay under 30, even nested ones)."""
_DESERIALIZING = contextvars.ContextVar("kerax_deserializing", default=False)
# kerax's Layer and the Keras arguments every layer takes beside its own (input_shape...): kerax.layers, which
# sits above this module, registers them when it is imported. A layer's config is checked strictly and the
# layer is built from its build_config.
_LAYER: list[tuple[type, frozenset[str]]] = []


def register_layer_class(layer_class: type, base_kwargs: Iterable[str]) -> None:
    """Tell the serializer which class is kerax's ``Layer`` (called by ``kerax.layers``)."""
    _LAYER[:] = [(layer_class, frozenset(base_kwargs))]


def _is_layer_class(cls: type) -> bool:
    return bool(_LAYER) and issubclass(cls, _LAYER[0][0])


@functools.cache
def _from_config_takes_custom_objects(cls: type) -> bool:
    """Whether ``cls.from_config`` takes ``custom_objects`` (an optimizer's rebuilds its schedule with them)."""
    try:
        return "custom_objects" in inspect.signature(cls.from_config).parameters
    except (TypeError, ValueError):
        return False


class ConfigTooDeepError(ValueError):
    """A config nests lists and dicts deeper than ``MAX_CONFIG_DEPTH``: refused before it is walked."""


def check_config_depth(config: Any, where: str = "The config", limit: int = MAX_CONFIG_DEPTH) -> None:
    """Refuse ``config`` if its lists and dicts nest deeper than ``limit``, without recursing.

    Args:
        config: a JSON-like value.
        where: how to name the config in the error (e.g. ``"model.keras: config.json"``).
        limit: the deepest nesting accepted.

    Raises:
        ConfigTooDeepError: (a ValueError) the config is nested deeper than ``limit``.
    """
    stack = [(config, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, Mapping):
            children = value.values()
        elif isinstance(value, list | tuple):
            children = value
        else:
            continue
        if depth >= limit:
            raise ConfigTooDeepError(f"{where} nests lists and dicts more than {limit} levels deep; refused.")
        stack.extend((child, depth + 1) for child in children)


def module_of(obj: Any) -> str:
    """The ``module`` kerax writes for an object: ``kerax.<family>`` for kerax's own classes."""
    cls = obj if inspect.isclass(obj) else type(obj)
    module = cls.__module__
    if module.startswith("kerax."):
        family = module.split(".")[1]
        if family == "models" or cls.__name__ in ("Sequential", "Functional", "Model"):
            return "kerax"
        if module.startswith("kerax.optimizers.schedules"):
            return "kerax.optimizers.schedules"
        return f"kerax.{family}"
    return module


def builtin_config(obj: Any, module: str) -> dict[str, Any]:
    """``obj`` serialized as one of Keras's own objects in ``module``: its class name and config, no registered name."""
    return {"module": module, "class_name": type(obj).__name__, "config": obj.get_config(), "registered_name": None}


def serialize_keras_object(obj: Any) -> Any:
    """A JSON-compatible description of ``obj`` that ``deserialize_keras_object`` turns back into it.

    Args:
        obj: A kerax object with ``get_config()`` (a layer, loss, optimizer...), a registered function, or a plain value
            (nested lists and dicts too).
    """
    if isinstance(obj, _PLAIN):
        return obj
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, list | tuple):
        return [serialize_keras_object(x) for x in obj]
    if isinstance(obj, dict):
        return {str(k): serialize_keras_object(v) for k, v in obj.items()}
    if isinstance(obj, np.ndarray):
        return {"class_name": "__numpy__", "config": {"value": obj.tolist(), "dtype": obj.dtype.name}}
    if isinstance(obj, slice):
        parts = {"start": obj.start, "stop": obj.stop, "step": obj.step}
        return {"class_name": "__slice__", "config": {k: serialize_keras_object(v) for k, v in parts.items()}}
    if obj is Ellipsis:
        return {"class_name": "__ellipsis__", "config": {}}
    if not hasattr(obj, "get_config") and callable(obj):
        builtin = _registry.builtin_name_of(obj)
        if builtin is not None:
            family, name = builtin
            return {"module": f"kerax.{family}", "class_name": "function", "config": name, "registered_name": name}
        registered = _registry.registered_name_of(obj)
        if registered is None:
            raise ValueError(
                f"Cannot serialize the function {obj!r}: kerax saves functions by name only. Register it with "
                "@kerax.saving.register_keras_serializable() so that it can be found again when loading."
            )
        return {
            "module": getattr(obj, "__module__", None),
            "class_name": "function",
            "config": registered.split(">", 1)[1],
            "registered_name": registered,
        }
    if not hasattr(obj, "get_config"):
        raise ValueError(f"Cannot serialize {obj!r} of type {type(obj).__name__}: it has no get_config().")
    registered = _registry.registered_name_of(type(obj))
    entry: dict[str, Any] = {
        "module": None if registered is not None else module_of(obj),  # as Keras: found by its registered name
        "class_name": type(obj).__name__,
        "config": serialize_keras_object(obj.get_config()),
        "registered_name": registered,
    }
    build_config = getattr(obj, "get_build_config", None)
    if build_config is not None:
        built = build_config()
        if built is not None:
            entry["build_config"] = serialize_keras_object(built)
    return entry


def deserialize_keras_object(config: Any, custom_objects: Mapping[str, Any] | None = None) -> Any:
    """Rebuild what ``serialize_keras_object`` described, from allowed classes and functions only.

    Args:
        config: the description (a plain value, a list, a dict, or a serialized object).
        custom_objects: extra classes and functions that the config may name, by name. Defaults to ``None``.

    Returns:
        The rebuilt object.

    Raises:
        ValueError: the config is malformed, nested more than ``MAX_CONFIG_DEPTH`` levels deep, or a class
            refuses its config (``RebuildError``); ``UnsafeConfigError`` (a ValueError) when it names
            something kerax does not build.
    """
    if _DESERIALIZING.get():
        return _deserialize(config, custom_objects)
    check_config_depth(config)
    token = _DESERIALIZING.set(True)
    try:
        return _deserialize(config, custom_objects)
    except RecursionError:
        raise ConfigTooDeepError("The config nests objects too deeply to rebuild; refused.") from None
    finally:
        _DESERIALIZING.reset(token)


def _deserialize(config: Any, custom_objects: Mapping[str, Any] | None) -> Any:
    if isinstance(config, _PLAIN):
        return config
    if isinstance(config, list):
        return [deserialize_keras_object(x, custom_objects) for x in config]
    if not isinstance(config, Mapping):
        raise ValueError(f"Cannot deserialize {_short(config)} of type {type(config).__name__}.")
    class_name = config.get("class_name")
    if class_name is None:
        return {k: deserialize_keras_object(v, custom_objects) for k, v in config.items()}
    if class_name == "__numpy__":
        return _numpy_value(config.get("config"))
    if class_name in ("__tuple__", "__list__"):
        inner = config.get("config") or {}
        value = inner.get("value", []) if isinstance(inner, Mapping) else None
        if not isinstance(value, list):
            raise ValueError(f"A {class_name!r} value needs a 'config' with a 'value' list; received {_short(inner)}.")
        items = deserialize_keras_object(list(value), custom_objects)
        return tuple(items) if class_name == "__tuple__" else items
    if class_name == "__slice__":
        parts = config.get("config") or {}
        bounds = [parts.get(k) for k in ("start", "stop", "step")] if isinstance(parts, Mapping) else [parts]
        if not all(v is None or (isinstance(v, int) and not isinstance(v, bool)) for v in bounds):
            raise ValueError(f"A '__slice__' value needs int or null start, stop and step; received {parts!r}.")
        return slice(*bounds)
    if class_name == "__ellipsis__":
        return Ellipsis
    if class_name == "__bytes__":
        raise _registry.UnsafeConfigError("kerax does not load raw bytes values from a config.")
    if class_name == "__keras_tensor__":
        raise ValueError("A symbolic tensor appeared outside a Functional model's node list.")
    if class_name == "function":
        return _registry.resolve_function(config, custom_objects)
    cls = _registry.resolve_class(config, custom_objects)
    inner = config.get("config") or {}
    if not isinstance(inner, Mapping):
        if inspect.isfunction(cls):
            return cls
        raise ValueError(f"The 'config' of class {class_name!r} must be a dict, received {type(inner).__name__}.")
    with _registry.custom_object_scope(dict(custom_objects or {})):
        return instantiate(cls, dict(inner), config.get("build_config"), custom_objects)


def instantiate(
    cls: Any, config: dict[str, Any], build_config: Any = None, custom_objects: Mapping[str, Any] | None = None
) -> Any:
    """``cls.from_config(config)`` after cleaning Keras-only options, then build it from ``build_config``."""
    if not inspect.isclass(cls):
        return cls  # a registered function or object
    config = _clean_config(cls, config)
    try:
        if hasattr(cls, "from_config") and _from_config_takes_custom_objects(cls):
            obj = cls.from_config(config, custom_objects=custom_objects)
        elif hasattr(cls, "from_config"):
            obj = cls.from_config(config)
        else:
            obj = cls(**config)
        if _is_layer_class(type(obj)) and build_config and not obj.built:
            if not isinstance(build_config, Mapping):
                raise ValueError(f"its 'build_config' must be a dict, received {_short(build_config)}")
            obj.build_from_config(build_config)
    except (_registry.UnsafeConfigError, RebuildError, ConfigTooDeepError):
        raise  # already names the culprit
    except _REBUILD_ERRORS as err:
        # A config the class cannot take: report the class, the layer name and the class's own message.
        detail = f"{type(err).__name__}: {err}" if not isinstance(err, ValueError | TypeError) else str(err)
        name = config.get("name", "?")
        raise RebuildError(f"Could not rebuild {cls.__name__} {_short(name)} from its config: {detail}") from err
    return obj


# What a class's from_config or build may raise on values it cannot take (a size of 2**62, a list where a
# dict belongs): each becomes a RebuildError (a ValueError) naming the class.
_REBUILD_ERRORS = (
    TypeError,
    ValueError,
    LookupError,
    AttributeError,
    ArithmeticError,
    NotImplementedError,
    MemoryError,
    RecursionError,
)


def _short(value: Any, limit: int = 200) -> str:
    """``repr(value)``, cut to ``limit`` characters for an error message."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _numpy_value(config: Any) -> np.ndarray:
    if not isinstance(config, Mapping) or config.get("dtype") not in _ARRAY_DTYPES:
        raise _registry.UnsafeConfigError(
            f"A '__numpy__' value must name one of the dtypes {sorted(_ARRAY_DTYPES)}; received {_short(config)}."
        )
    value = config.get("value")
    if not isinstance(value, _PLAIN + (list,)):
        raise ValueError(f"A '__numpy__' value needs a number or a nested list of numbers; received {_short(value)}.")
    try:
        return np.asarray(value, dtype=config["dtype"])
    except (TypeError, ValueError, OverflowError) as err:
        raise ValueError(f"A '__numpy__' value does not fit dtype {config['dtype']}: {err}") from None


class RebuildError(ValueError):
    """An allowed class refused its saved config (a bad value, an option kerax does not support)."""


# -- Keras's options that kerax does not have ------------------------------------------------------------
# Keras writes these keys; kerax drops them when they hold their neutral value (listed) and refuses others.
_NEUTRAL = {
    "quantization_config": None,
    "ragged": False,
    "sparse": False,
    "optional": False,
    "input_axes": None,
    "output_axes": None,
    "lora_rank": None,
    "lora_alpha": None,
    "synchronized": False,
    "renorm": False,
    "renorm_clipping": None,
    "renorm_momentum": 0.99,
    "autocast": True,
    "seed": None,
}


def _is_entry(value: Any) -> bool:
    return isinstance(value, Mapping) and isinstance(value.get("config"), Mapping) and "class_name" in value


def _drop_neutral(cls: type, config: dict[str, Any], strict: bool) -> dict[str, Any]:
    """``config`` with the options ``cls`` lacks removed when neutral; with ``strict``, the others refused.

    Nested entries (an initializer inside a layer, a wrapper's layer) are cleaned first, never strictly:
    their own class reports what it cannot take.
    """
    config = {k: _clean_nested(v) if _is_entry(v) else v for k, v in config.items()}
    accepted = accepted_arguments(cls)
    if accepted is None:
        return config
    for key in [k for k in config if k not in accepted]:
        if key in _NEUTRAL and config[key] == _NEUTRAL[key]:
            del config[key]
        elif strict and cls.__module__.startswith("kerax."):  # a user class's from_config decides for itself
            raise ValueError(
                f"{cls.__name__} '{config.get('name', '?')}': the file sets option {key}={config[key]!r}, "
                f"which kerax's {cls.__name__} does not support."
            )
    return config


def _clean_nested(entry: Mapping[str, Any]) -> dict[str, Any]:
    """A nested object's entry (an initializer inside a layer's config) with its Keras-only options dropped."""
    try:
        cls = _registry.resolve_class(entry)
    except _registry.UnsafeConfigError:
        return dict(entry)  # the layer's own lookup reports it
    if not inspect.isclass(cls):
        return dict(entry)
    return {**entry, "config": _drop_neutral(cls, dict(entry["config"]), strict=False)}


def accepted_arguments(cls: type) -> set[str] | None:
    """Keyword arguments ``cls(...)`` accepts, following ``**kwargs`` up the MRO; None if unbounded."""
    names: set[str] = set()
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        params = inspect.signature(init).parameters.values()
        names.update(p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY))
        if not any(p.kind is p.VAR_KEYWORD for p in params):
            return names - {"self"}
        if _LAYER and klass is _LAYER[0][0]:
            return (names | _LAYER[0][1]) - {"self"}
    return None


def _clean_config(cls: type, config: dict[str, Any]) -> dict[str, Any]:
    """Turn Keras's dtype policy dicts into names and drop neutral Keras-only options; refuse the rest."""
    config = dict(config)
    dtype = config.get("dtype")
    if isinstance(dtype, Mapping) and dtype.get("class_name") in ("DTypePolicy", "FloatDTypePolicy"):
        inner = dtype.get("config") or {}
        config["dtype"] = inner.get("name") if isinstance(inner, Mapping) else inner
    model_config = "from_config" in cls.__dict__ and cls.__module__.startswith("kerax.models")
    return _drop_neutral(cls, config, strict=_is_layer_class(cls) and not model_config)
