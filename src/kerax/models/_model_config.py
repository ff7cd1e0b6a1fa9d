"""Configs of Functional and Sequential models in Keras 3's schema, and rebuilding models from them.

A Functional config lists every operation of the graph (Input layers, layers, ``kerax.ops`` nodes such as
``ops.relu(x)``) with its ``inbound_nodes``: the arguments of each call, symbolic tensors written as
``__keras_tensor__`` entries that name the producing operation, its node and its output index. Loading
creates the operations, then replays the calls in an order where every argument exists.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any

import jax

from kerax._serialization import _registry
from kerax._serialization._serialize import deserialize_keras_object, serialize_keras_object
from kerax.backend._symbolic import SymbolicTensor
from kerax.layers._core.input_layer import InputLayer
from kerax.ops._registry import FunctionOperation
from kerax.saving._keras_dialect import op_call_from_keras

_TENSOR = "__keras_tensor__"


# -- Functional: writing ---------------------------------------------------------------------------------
def functional_config(model: Any) -> dict[str, Any]:
    """Keras 3's Functional config: ``name``, ``trainable``, ``layers`` (with nodes), input and output layers."""
    graph = model._graph
    kept = {id(node) for node in graph.nodes}
    node_index: dict[int, int] = {}
    for op in graph.operations:
        position = 0
        for node in op._inbound_nodes:
            if id(node) in kept:
                node_index[id(node)] = position
                position += 1

    def history_of(t: SymbolicTensor) -> list[Any]:
        h = t._keras_history
        node = h.operation._inbound_nodes[h.node_index]
        return [h.operation.name, node_index[id(node)], h.tensor_index]

    def arg(value: Any) -> Any:
        if isinstance(value, SymbolicTensor):
            return {
                "class_name": _TENSOR,
                "config": {"shape": list(value.shape), "dtype": str(value.dtype), "keras_history": history_of(value)},
            }
        if isinstance(value, list | tuple):
            return [arg(v) for v in value]
        if isinstance(value, dict):
            return {str(k): arg(v) for k, v in value.items()}
        return serialize_keras_object(value)

    layers = []
    for op in graph.operations:
        entry = serialize_keras_object(op)
        entry.pop("build_config", None)
        entry["name"] = op.name
        entry["inbound_nodes"] = [
            {"args": arg(list(node.call_args)), "kwargs": arg(dict(node.call_kwargs))}
            for node in op._inbound_nodes
            if id(node) in kept and not node.is_input
        ]
        layers.append(entry)

    def structure(value: Any) -> Any:
        if isinstance(value, SymbolicTensor):
            return history_of(value)
        if isinstance(value, dict):
            return {k: structure(v) for k, v in value.items()}
        return [structure(v) for v in value]

    return {
        "name": model.name,
        "trainable": model.trainable,
        "layers": layers,
        "input_layers": structure(model._inputs_struct),
        "output_layers": structure(model._outputs_struct),
    }


# -- Functional: reading ---------------------------------------------------------------------------------
def _is_history(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 3
        and isinstance(value[0], str)
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value[1:])
    )


def functional_from_config(cls: type, config: Mapping[str, Any], custom_objects: Any = None) -> Any:
    """Rebuild a Functional model (or a subclass of Functional) from ``functional_config``'s output."""
    layer_entries = config.get("layers")
    if not isinstance(layer_entries, list):
        raise ValueError(f"A Functional config needs a 'layers' list, received {type(layer_entries).__name__}.")
    created: dict[str, Any] = {}
    op_arguments: dict[str, dict[str, Any]] = {}
    pending: dict[str, list[Any]] = {}
    for entry in layer_entries:
        if not isinstance(entry, Mapping):
            raise ValueError(f"Each entry of a Functional config's 'layers' must be a dict, received {entry!r}.")
        inner = entry.get("config") or {}
        name = entry.get("name") or (inner.get("name") if isinstance(inner, Mapping) else None)
        if not isinstance(name, str) or name in created:
            raise ValueError(f"A Functional config's layers need unique string names; received {name!r}.")
        op_cls = _registry.resolve_class(entry, custom_objects)
        if inspect.isclass(op_cls) and issubclass(op_cls, FunctionOperation):
            # kerax writes an op's arguments in its nodes; Keras keeps its constructor's in the config.
            extras = {k: deserialize_keras_object(v, custom_objects) for k, v in dict(inner).items() if k != "name"}
            created[name] = op_cls(name=name)
            op_arguments[name] = extras
        else:
            stripped = {k: v for k, v in entry.items() if k not in ("name", "inbound_nodes", "build_config")}
            created[name] = deserialize_keras_object(stripped, custom_objects)
        nodes = entry.get("inbound_nodes") or []
        if not isinstance(nodes, list):
            raise ValueError(f"Layer {name!r}: 'inbound_nodes' must be a list, received {type(nodes).__name__}.")
        pending[name] = list(nodes)

    outputs_of: dict[tuple[str, int], list[SymbolicTensor]] = {}
    made: dict[str, int] = dict.fromkeys(created, 0)
    for name, layer in created.items():
        if isinstance(layer, InputLayer):
            outputs_of[(name, 0)] = [layer.output]
            made[name] = 1

    def resolve(value: Any) -> Any:
        """The value with every tensor entry replaced by its tensor; KeyError if one does not exist yet."""
        if isinstance(value, Mapping) and value.get("class_name") == _TENSOR:
            history = (value.get("config") or {}).get("keras_history")
            if not _is_history(history):
                raise ValueError(f"A tensor entry needs 'keras_history' [name, node, index], received {history!r}.")
            return _tensor(outputs_of, history, created)
        if isinstance(value, list):
            return [resolve(v) for v in value]
        if isinstance(value, Mapping) and "class_name" not in value:
            return {k: resolve(v) for k, v in value.items()}
        return deserialize_keras_object(value, custom_objects)

    while any(pending.values()):
        progressed = False
        for name, nodes in pending.items():
            while nodes:
                node = nodes[0]
                try:
                    args, kwargs = _node_arguments(node, name)
                    args, kwargs = resolve(args), resolve(kwargs)
                except _NotYet:
                    break
                if name in op_arguments:
                    args, kwargs = op_call_from_keras(type(created[name]), name, op_arguments[name], args, kwargs)
                outputs = created[name](*args, **kwargs)
                outputs_of[(name, made[name])] = jax.tree_util.tree_leaves(
                    outputs, is_leaf=lambda x: isinstance(x, SymbolicTensor)
                )
                made[name] += 1
                nodes.pop(0)
                progressed = True
        if not progressed:
            stuck = sorted(name for name, nodes in pending.items() if nodes)
            raise ValueError(f"A Functional config's graph cannot be rebuilt: the calls of {stuck} never get inputs.")

    def structure(value: Any) -> Any:
        if _is_history(value):
            return _tensor(outputs_of, value, created)
        if isinstance(value, Mapping):
            return {k: structure(v) for k, v in value.items()}
        if isinstance(value, list):
            return [structure(v) for v in value]
        raise ValueError(f"Unexpected entry {value!r} in a Functional config's input or output layers.")

    try:
        inputs, outputs = structure(config.get("input_layers")), structure(config.get("output_layers"))
    except _NotYet as missing:
        raise ValueError(f"A Functional config's inputs or outputs name a tensor never made: {missing}") from None
    return cls(inputs, outputs, name=config.get("name"), trainable=config.get("trainable", True))


class _NotYet(Exception):
    """A node's argument is the output of a call that has not been replayed yet."""


def _node_arguments(node: Any, name: str) -> tuple[list[Any], dict[str, Any]]:
    if isinstance(node, Mapping) and ("args" in node or "kwargs" in node):
        args, kwargs = node.get("args", []), node.get("kwargs", {})
        if isinstance(args, list) and isinstance(kwargs, Mapping):
            return args, dict(kwargs)
    raise ValueError(f"Layer {name!r}: each inbound node must be a dict with 'args' and 'kwargs', received {node!r}.")


def _tensor(outputs_of: dict, history: list[Any], created: dict[str, Any]) -> SymbolicTensor:
    name, node, index = history
    if name not in created:
        raise ValueError(f"A tensor entry names operation {name!r}, which the config does not define.")
    tensors = outputs_of.get((name, node))
    if tensors is None:
        raise _NotYet(f"{name}[{node}]")
    if not 0 <= index < len(tensors):
        raise ValueError(f"A tensor entry asks for output {index} of {name!r}, which has {len(tensors)} outputs.")
    return tensors[index]


# -- Sequential ------------------------------------------------------------------------------------------
def sequential_config(model: Any) -> dict[str, Any]:
    layers = [serialize_keras_object(layer) for layer in model._layers_list]
    config: dict[str, Any] = {"name": model.name, "trainable": model.trainable, "layers": layers}
    if model._functional is not None:
        config["build_input_shape"] = list(model._functional.inputs[0].shape)
    return config


def sequential_from_config(cls: type, config: Mapping[str, Any], custom_objects: Any = None) -> Any:
    entries = config.get("layers")
    if not isinstance(entries, list):
        raise ValueError(f"A Sequential config needs a 'layers' list, received {type(entries).__name__}.")
    for entry in entries:
        if not isinstance(entry, Mapping):
            raise ValueError(
                f"Each entry of a Sequential config's 'layers' must be a dict, received {type(entry).__name__}."
            )
    layers = [deserialize_keras_object(dict(entry), custom_objects) for entry in entries]
    model = cls(layers, name=config.get("name"), trainable=config.get("trainable", True))
    shape = config.get("build_input_shape")
    if not model.built and shape is not None:
        if not isinstance(shape, list) or not all(d is None or isinstance(d, int) for d in shape):
            raise ValueError(f"A Sequential config's 'build_input_shape' must be a shape, received {shape!r}.")
        model.build(tuple(shape))
    return model
