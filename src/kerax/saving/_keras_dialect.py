"""Rewrite a kerax config in the words Keras 3 reads: its module names, and its ops' constructor arguments.

kerax's and Keras's configs share one schema; they differ in the ``module`` of each object (``kerax.layers``
against ``keras.layers``) and in where an op keeps its non-tensor arguments: kerax records them in the
node (``concatenate([a, b], axis=-1)``), Keras in the op's config (``Concatenate(axis=-1)``).
"""

from __future__ import annotations

import inspect
from typing import Any

# Where Keras 3 defines each op class that kerax's ops map to.
_KERAS_OP_MODULES = {
    "keras.src.ops.nn": (
        "Relu Relu6 Sigmoid Softmax LogSoftmax Gelu Elu Selu Softplus Softsign Silu LeakyRelu HardSigmoid "
        "HardSilu OneHot"
    ).split(),
    "keras.src.ops.core": ["Cast", "Unstack"],
}
# Parameters without a default that Keras nevertheless takes in an op's constructor.
_CONSTRUCTOR_PARAMETERS = {"newshape", "new_shape", "axes", "shape", "dtype", "num_classes", "equation", "subscripts"}


def _op_module(class_name: str) -> str:
    for module, names in _KERAS_OP_MODULES.items():
        if class_name in names:
            return module
    return "keras.src.ops.numpy"


def _is_tensor_entry(value: Any) -> bool:
    if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
        return True
    if isinstance(value, list):
        return any(_is_tensor_entry(v) for v in value)
    return False


# Keras 3 writes its model classes under these modules.
_MODEL_MODULES = {"Functional": "keras.src.models.functional", "Model": "keras.src.models.model"}


def _module(module: Any, class_name: Any = None) -> Any:
    if module == "kerax":
        return _MODEL_MODULES.get(class_name, "keras")
    if isinstance(module, str) and module.startswith("kerax."):
        return "keras." + module[len("kerax.") :]
    return module


def _op_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """Move an op node's non-tensor arguments into the op's config, as Keras's op constructors take them."""
    from kerax.ops._registry import OP_CLASSES

    class_name = entry["class_name"]
    cls = OP_CLASSES.get(class_name)
    if cls is None:
        raise ValueError(f"Keras 3 has no op {class_name!r}; this model cannot be saved as a .keras file.")
    if class_name == "Mish":
        raise ValueError("Keras 3 has no `mish` op class; save this model as '.kerax' instead.")
    signature = inspect.signature(cls.impl)
    config = dict(entry.get("config") or {})
    nodes = []
    for node in entry.get("inbound_nodes", []):
        bound = signature.bind_partial(*node.get("args", []), **node.get("kwargs", {}))
        args: list[Any] = []
        for name, value in bound.arguments.items():
            param = signature.parameters[name]
            movable = param.default is not param.empty or name in _CONSTRUCTOR_PARAMETERS
            if movable and not _is_tensor_entry(value):
                if config.get(name, value) != value:
                    raise ValueError(f"Op '{config.get('name')}' is called with different {name!r} values.")
                config[name] = value
            else:
                args.append(value)
        nodes.append({"args": args, "kwargs": {}})
    return {
        **entry,
        "module": _op_module(class_name),
        "config": config,
        "registered_name": class_name,
        "inbound_nodes": nodes,
    }


def to_keras(config: Any, top_level: bool = False) -> Any:
    """The same config with Keras 3's module names and op layout."""
    if top_level and isinstance(config.get("compile_config"), dict):
        compile_config = config["compile_config"]
        if compile_config.get("steps_per_execution") == "auto":  # Keras 3 takes an int here
            config = {**config, "compile_config": {**compile_config, "steps_per_execution": 1}}
    if isinstance(config, list):
        return [to_keras(v) for v in config]
    if not isinstance(config, dict):
        return config
    if config.get("module") == "kerax.ops" and "class_name" in config:
        config = _op_entry(config)
    out = {k: to_keras(v) for k, v in config.items()}
    if "module" in out and "class_name" in out:
        out["module"] = _module(out["module"], out["class_name"])
    return out
