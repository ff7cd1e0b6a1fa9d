"""Which classes and functions a saved config may name, and turning objects into configs and back.

A config names a class by ``module`` and ``class_name`` (and ``registered_name`` for registered user
classes). kerax resolves that name only among

1. the caller's ``custom_objects`` and any active ``custom_object_scope``,
2. classes and functions registered with ``register_keras_serializable``,
3. kerax's own public classes and functions, by family (layers, models, initializers...).

Nothing else: a config can never make kerax import a module or call a function it names, which closes
the class of attacks behind CVE-2025-1550 and CVE-2024-3660 by construction rather than by a deny list.
"""

from __future__ import annotations

import contextlib
import inspect
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any

_GLOBAL_CUSTOM_OBJECTS: dict[str, Any] = {}
# Registered object -> its registered name. Keyed by the object itself (a strong reference, as Keras
# keeps): a key by id() would name a later object that reuses a collected one's id.
_GLOBAL_CUSTOM_NAMES: dict[Any, str] = {}
_scope = threading.local()

# Keras writes these modules (and ``keras.src.<family>...``); kerax writes ``kerax.<family>``.
_FAMILIES = (
    "layers",
    "models",
    "initializers",
    "regularizers",
    "constraints",
    "optimizers",
    "losses",
    "metrics",
    "ops",
    "activations",
    "utils",
)


class UnsafeConfigError(ValueError):
    """A config names something kerax will not build: an unknown module, class or function."""


# -- registration ------------------------------------------------------------------------------------
def register_keras_serializable(package: str = "Custom", name: str | None = None) -> Callable[[Any], Any]:
    """Register a class or function so that saved configs can name it as ``"package>name"``.

    Args:
        package: a namespace for the name (default ``"Custom"``).
        name: the name to register under (default: the class's or function's ``__name__``).

    Example:
        >>> @kerax.saving.register_keras_serializable(package="my_lib")
        ... class Residual(kerax.layers.Layer):
        ...     pass
        >>> kerax.saving.get_registered_name(Residual)
        'my_lib>Residual'
    """
    if not isinstance(package, str) or not package or ">" in package:
        raise ValueError(
            f"register_keras_serializable: `package` must be a non-empty str without '>', got {package!r}."
        )
    if name is not None and (not isinstance(name, str) or not name):
        raise ValueError(f"register_keras_serializable: `name` must be a non-empty str or None, got {name!r}.")

    def decorator(obj: Any) -> Any:
        if not callable(obj):
            raise TypeError(f"register_keras_serializable: expected a class or function, received {obj!r}.")
        if inspect.isclass(obj) and not hasattr(obj, "get_config"):
            raise TypeError(
                f"register_keras_serializable: class {obj.__name__} must define get_config() to be serializable."
            )
        registered = f"{package}>{name or obj.__name__}"
        existing = _GLOBAL_CUSTOM_OBJECTS.get(registered)
        if existing is not None and existing is not obj and _qualname(existing) != _qualname(obj):
            raise ValueError(f"register_keras_serializable: {registered!r} is already registered to {existing!r}.")
        _GLOBAL_CUSTOM_OBJECTS[registered] = obj
        _GLOBAL_CUSTOM_NAMES[obj] = registered
        return obj

    return decorator


def _qualname(obj: Any) -> str:
    return f"{getattr(obj, '__module__', '')}.{getattr(obj, '__qualname__', '')}"


def get_custom_objects() -> dict[str, Any]:
    """The global registry of user objects (``"package>name"`` to class or function); editable, as in Keras."""
    return _GLOBAL_CUSTOM_OBJECTS


def get_registered_name(obj: Any) -> str:
    """The name ``obj`` was registered under, or its ``__name__`` if it was not registered.

    Args:
        obj: A class or function (registered or not).
    """
    return registered_name_of(obj) or getattr(obj, "__name__", type(obj).__name__)


def registered_name_of(obj: Any) -> str | None:
    """The ``"package>name"`` that ``obj`` was registered under, or None."""
    try:
        return _GLOBAL_CUSTOM_NAMES.get(obj)
    except TypeError:  # an unhashable object cannot have been registered
        return None


def get_registered_object(name: str, custom_objects: Mapping[str, Any] | None = None) -> Any:
    """The user object called ``name`` in ``custom_objects``, the active scopes or the registry, else None.

    Args:
        name: The name to look up: a registered ``"package>name"`` or a key of ``custom_objects``.
        custom_objects: A dict from name to object, searched first; ``None`` (default) searches only the active scopes
            and the registry.
    """
    for table in (custom_objects or {}, *reversed(_scopes()), _GLOBAL_CUSTOM_OBJECTS):
        if name in table:
            return table[name]
    return None


def _scopes() -> list[dict[str, Any]]:
    if not hasattr(_scope, "stack"):
        _scope.stack = []
    return _scope.stack


@contextlib.contextmanager
def custom_object_scope(custom_objects: Mapping[str, Any]) -> Iterator[None]:
    """Within the block, configs may also name the objects in ``custom_objects`` (by their keys).

    Args:
        custom_objects: A dict from the name a config uses to the class or function.
    """
    if not isinstance(custom_objects, Mapping):
        raise TypeError(f"custom_object_scope: expected a dict of name to object, received {custom_objects!r}.")
    _scopes().append(dict(custom_objects))
    try:
        yield
    finally:
        _scopes().pop()


CustomObjectScope = custom_object_scope
"""Keras's class name for ``custom_object_scope`` (the same function)."""


# -- kerax's own objects -----------------------------------------------------------------------------
def _family_of(module: Any) -> str | None:
    """``keras.layers``, ``keras.src.layers.core.dense``, ``kerax.layers`` -> ``layers``; None if foreign."""
    if not isinstance(module, str):
        return None
    parts = module.split(".")
    if parts[0] not in ("keras", "kerax"):
        return None
    rest = parts[2:] if len(parts) > 1 and parts[1] == "src" else parts[1:]
    if not rest:
        return "models"  # ``keras.Sequential``, ``keras.Model`` are written with module "keras"
    if rest[0] == "optimizers" and len(rest) > 1 and rest[1] == "schedules":
        return "schedules"
    if rest[0] in ("engine", "saving"):
        return "models"
    if rest[0] == "dtype_policies" or (rest[0] == "mixed_precision"):
        return "dtype_policies"
    return rest[0] if rest[0] in (*_FAMILIES, "schedules") else None


# kerax's own classes and functions by family. The registry imports no kerax package: each one registers
# its public classes (and activations, losses and metrics their functions) at the end of its __init__, and
# kerax/__init__ imports every package, so all of them are here before anything is loaded.
_BUILTIN_CLASSES: dict[str, dict[str, Any]] = {}
_BUILTIN_FUNCTIONS: dict[str, dict[str, Any]] = {}
# Keras writes a model inside a layer's config with module "keras.layers" and a layer with "keras.models".
_SHARED_FAMILIES = {"layers": ("layers", "models"), "models": ("models", "layers")}
_FUNCTION_FAMILIES = ("activations", "losses", "metrics")  # looked through in this order


def register_builtins(family: str, objects: Mapping[str, Any]) -> None:
    """Let configs of ``family`` name kerax's own ``objects`` (name to class; a function for ``activations``,
    ``losses`` and ``metrics``). Each kerax package calls this for its public objects when it is imported.
    """
    if family not in (*_FAMILIES, "schedules"):
        raise ValueError(f"register_builtins: unknown family {family!r}; expected one of {_FAMILIES}.")
    for name, obj in objects.items():
        if inspect.isclass(obj):
            _BUILTIN_CLASSES.setdefault(family, {})[name] = obj
        elif (family in _FUNCTION_FAMILIES and inspect.isfunction(obj)) or family == "activations":
            _BUILTIN_FUNCTIONS.setdefault(family, {})[name] = obj


def builtin_class(module: Any, class_name: str) -> Any:
    """kerax's class for a Keras or kerax ``module``/``class_name`` pair, or None."""
    family = _family_of(module)
    for fam in _SHARED_FAMILIES.get(family, (family,)):  # type: ignore[arg-type]
        found = _BUILTIN_CLASSES.get(fam, {}).get(class_name)
        if found is not None:
            return found
    return None


def builtin_function(name: str, module: Any = None) -> Any:
    """kerax's function (activation, loss or metric) called ``name``, or None."""
    family = _family_of(module)
    for fam in ([family] if family in _FUNCTION_FAMILIES else []) + list(_FUNCTION_FAMILIES):
        found = _BUILTIN_FUNCTIONS.get(fam, {}).get(name)
        if found is not None:
            return found
    return None


def builtin_name_of(obj: Any) -> tuple[str, str] | None:
    """``(family, name)`` of a kerax built-in function, or None."""
    for family in _FUNCTION_FAMILIES:
        for name, fn in _BUILTIN_FUNCTIONS.get(family, {}).items():
            if fn is obj:
                return family, name
    return None


def resolve_class(config: Mapping[str, Any], custom_objects: Mapping[str, Any] | None = None) -> Any:
    """The class a serialized config names, from the allowed places only; UnsafeConfigError otherwise."""
    class_name = config.get("class_name")
    module = config.get("module")
    registered = config.get("registered_name")
    if not isinstance(class_name, str) or not class_name:
        raise UnsafeConfigError(f"A config's 'class_name' must be a non-empty string, received {class_name!r}.")
    for key in (registered, class_name):
        if isinstance(key, str):
            found = get_registered_object(key, custom_objects)
            if found is not None:
                return found
    if isinstance(registered, str) and ">" in registered:
        raise UnsafeConfigError(
            f"The file needs the registered class {registered!r}, which is not registered in this process. "
            f"Import the code that defines it (decorated with @kerax.saving.register_keras_serializable), or "
            f"pass custom_objects={{{registered.split('>', 1)[1]!r}: TheClass}}."
        )
    found = builtin_class(module, class_name)
    if found is not None:
        return found
    if _family_of(module) is None:
        raise UnsafeConfigError(
            f"The config names class {class_name!r} from module {module!r}, which is not a kerax or Keras module. "
            "kerax builds objects only from its own classes, registered classes and `custom_objects`; it never "
            "imports a module or calls a function named by a file."
        )
    raise UnsafeConfigError(
        f"Unknown class {class_name!r} (module {module!r}): it is not one of kerax's classes. If it is your own "
        f"class, register it with @kerax.saving.register_keras_serializable or pass custom_objects="
        f"{{{class_name!r}: {class_name}}}."
    )


def resolve_function(config: Any, custom_objects: Mapping[str, Any] | None = None) -> Any:
    """The function a ``{"class_name": "function", ...}`` entry (or a bare name) refers to."""
    if isinstance(config, str):
        name, module, registered = config, None, None
    else:
        name, module, registered = config.get("config"), config.get("module"), config.get("registered_name")
    if not isinstance(name, str):
        raise UnsafeConfigError(f"A function entry must name a function by a string, received {name!r}.")
    for key in (registered, name):
        if isinstance(key, str) and key != "function":
            found = get_registered_object(key, custom_objects)
            if found is not None:
                return found
    found = builtin_function(name, module)
    if found is not None:
        return found
    raise UnsafeConfigError(
        f"The config names the function {name!r} (module {module!r}), which is not one of kerax's activations, "
        "losses or metrics. kerax never imports or runs code named by a file: register your function with "
        "@kerax.saving.register_keras_serializable or pass it in `custom_objects`."
    )
