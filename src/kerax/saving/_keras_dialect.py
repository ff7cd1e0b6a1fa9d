"""Rewrite a kerax config in the words Keras 3 reads: its module names, and its ops' constructor arguments.

kerax's and Keras's configs share one schema; they differ in the ``module`` of each object (``kerax.layers``
against ``keras.layers``) and in where an op keeps its non-tensor arguments: kerax records all of them in the
node (``clip(x, -1.0, 1.0)``), Keras those its op class takes in ``__init__`` in the op's config
(``Clip(x_min=-1.0, x_max=1.0)`` called on ``x``). ``_keras_ops`` says which ones, op by op.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Mapping
from typing import Any

from kerax._serialization._registry import get_registered_object
from kerax._serialization._serialize import _NEUTRAL, serialize_keras_object
from kerax.backend._config import image_data_format
from kerax.ops._registry import OP_CLASSES
from kerax.saving._keras_ops import KERAS_OPS, NOT_IN_KERAS_FILES


@functools.cache
def _signatures(cls: type) -> tuple[inspect.Signature, frozenset[str]]:
    """The op's full signature, and the names of the arguments Keras's op class takes in its constructor."""
    signature = inspect.signature(cls.impl)  # type: ignore[attr-defined]
    row = KERAS_OPS.get(cls.__name__)
    return signature, frozenset(row.constructor if row else ()) & signature.parameters.keys()


def _without(signature: inspect.Signature, names: Any) -> inspect.Signature:
    return signature.replace(parameters=[p for p in signature.parameters.values() if p.name not in names])


def _split(signature: inspect.Signature, arguments: Mapping[str, Any]) -> tuple[list[Any], dict[str, Any]]:
    """``arguments`` as a call of ``signature``: positional up to the first one missing, by keyword after."""
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    positional = True
    for param in signature.parameters.values():
        if param.name not in arguments:
            positional = positional and param.kind is param.VAR_POSITIONAL
            continue
        value = arguments[param.name]
        if param.kind is param.VAR_POSITIONAL:
            args.extend(value)
        elif param.kind is param.VAR_KEYWORD:
            kwargs.update(value)
        elif positional and param.kind is param.POSITIONAL_OR_KEYWORD:
            args.append(value)
        else:
            positional = False
            kwargs[param.name] = value
    return args, kwargs


def _is_tensor_entry(value: Any) -> bool:
    if isinstance(value, dict):
        return value.get("class_name") == "__keras_tensor__" or any(_is_tensor_entry(v) for v in value.values())
    if isinstance(value, list):
        return any(_is_tensor_entry(v) for v in value)
    return False


def _as_keras_reads(class_name: str, constructor: dict[str, Any]) -> dict[str, Any]:
    """The constructor's values in the form Keras's ``keras.ops`` functions hand its op class."""
    if "data_format" in constructor and constructor["data_format"] is None:
        constructor["data_format"] = image_data_format()  # Keras's op classes do not resolve it themselves
    if class_name == "ExtractPatches3D" and isinstance(constructor["size"], int):
        constructor["size"] = [constructor["size"]] * 3  # Keras's ExtractPatches reads an int as a 2-D size
    return constructor


def _op_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """Move an op node's constructor arguments into the op's config, as Keras's op class takes them."""
    class_name = entry["class_name"]
    name = entry.get("name") or (entry.get("config") or {}).get("name")
    reason = NOT_IN_KERAS_FILES.get(class_name)
    row, cls = KERAS_OPS.get(class_name), OP_CLASSES.get(class_name)
    if reason is not None or row is None or cls is None:
        raise ValueError(
            f"Op '{name}' ({class_name}) cannot be saved in a .keras file: {reason or 'Keras 3 has no such op class'}. "
            "Save the model as '.kerax' (kerax's format) instead."
        )
    signature, constructor_names = _signatures(cls)
    call = _without(signature, constructor_names)
    config: dict[str, Any] = {"name": name}
    nodes = []
    for node in entry.get("inbound_nodes", []):
        bound = signature.bind(*node.get("args", []), **node.get("kwargs", {}))
        constructor = {}
        for key in row.constructor:
            if key not in constructor_names:
                continue  # an option of Keras's op that kerax's lacks: Keras's default is kerax's behaviour
            if key in bound.arguments:
                value = bound.arguments[key]
            else:
                value = serialize_keras_object(signature.parameters[key].default)
            if _is_tensor_entry(value):
                raise ValueError(
                    f"Op '{name}' ({class_name}) cannot be saved in a .keras file: its argument {key!r} is a "
                    f"tensor, and Keras's {row.class_name} takes {key!r} as a constant in its constructor. Save "
                    "the model as '.kerax' (kerax's format) instead."
                )
            constructor[key] = value
        constructor = _as_keras_reads(class_name, constructor)
        if len(config) > 1 and {"name": name, **constructor} != config:
            raise ValueError(f"Op '{name}' ({class_name}) is called with different constant arguments.")
        config = {"name": name, **constructor}
        args, kwargs = _split(call, {k: v for k, v in bound.arguments.items() if k not in constructor_names})
        nodes.append({"args": args, "kwargs": kwargs})
    return {
        **entry,
        "module": row.module,
        "class_name": row.class_name,
        "config": config,
        "registered_name": row.class_name,
        "inbound_nodes": nodes,
    }


def op_call_from_keras(
    cls: type, name: str, constructor: Mapping[str, Any], args: list[Any], kwargs: dict[str, Any]
) -> tuple[list[Any], dict[str, Any]]:
    """The arguments of kerax's op call for a node that Keras wrote: the op config's constants put back in."""
    if not constructor:
        return args, kwargs
    signature = _signatures(cls)[0]
    taken = {}
    for key, value in constructor.items():
        if key in signature.parameters:
            taken[key] = value
        elif not (key in _NEUTRAL and value == _NEUTRAL[key]):
            raise ValueError(f"Op '{name}' ({cls.__name__}): the file sets {key}={value!r}, which kerax lacks.")
    try:
        bound = _without(signature, taken).bind(*args, **kwargs)
    except TypeError as err:
        raise ValueError(f"Op '{name}' ({cls.__name__}): its node does not fit the op's arguments: {err}") from None
    arguments = {**bound.arguments, **taken}
    return _split(signature, {k: arguments[k] for k in signature.parameters if k in arguments})


# Keras 3 writes its model classes under these modules.
_MODEL_MODULES = {"Functional": "keras.src.models.functional", "Model": "keras.src.models.model"}


# Classes Keras serializes under their public (exported) name rather than their class name.
_KERAS_CLASS_NAMES = {"GroupedQueryAttention": "GroupQueryAttention"}


def _module(module: Any, class_name: Any = None) -> Any:
    if module == "kerax":
        return _MODEL_MODULES.get(class_name, "keras")
    if isinstance(module, str) and module.startswith("kerax."):
        return "keras." + module[len("kerax.") :]
    return module


def _function_entry(value: Any) -> Any:
    """A registered function's name (``"package>name"``) as Keras writes a function: an entry it looks up."""
    if isinstance(value, str) and ">" in value:
        if inspect.isfunction(get_registered_object(value)):
            return {"module": "builtins", "class_name": "function", "config": value, "registered_name": "function"}
    return value


def to_keras(config: Any, top_level: bool = False) -> Any:
    """The same config with Keras 3's module names and op layout."""
    if top_level and isinstance(config.get("compile_config"), dict):
        compile_config = config["compile_config"]
        if compile_config.get("steps_per_execution") == "auto":  # Keras 3 takes an int here
            config = {**config, "compile_config": {**compile_config, "steps_per_execution": 1}}
    if isinstance(config, list):
        return [to_keras(v) for v in config]
    if not isinstance(config, dict):
        return _function_entry(config)
    if config.get("module") == "kerax.ops" and "class_name" in config:
        config = _op_entry(config)
    if config.get("class_name") == "function" and ">" in str(config.get("registered_name")):
        return _function_entry(config["registered_name"])  # Keras looks a function up by its `config`
    out = {k: v if k in ("module", "class_name", "registered_name") else to_keras(v) for k, v in config.items()}
    if "module" in out and "class_name" in out:
        out["module"] = _module(out["module"], out["class_name"])
        if out["module"] == "keras.layers":
            out["class_name"] = _KERAS_CLASS_NAMES.get(out["class_name"], out["class_name"])
    return out
