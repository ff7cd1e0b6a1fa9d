"""``clone_model``: the same architecture with new layers (and so new weights), optionally changed on the way."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import jax

from kerax._serialization._serialize import deserialize_keras_object, serialize_keras_object
from kerax.backend._symbolic import SymbolicTensor
from kerax.layers._core.input_layer import Input, InputLayer
from kerax.layers._layer import Layer
from kerax.models._functional import Functional, _input_name
from kerax.models._model import Model
from kerax.models._sequential import Sequential


def _is_tensor(x: Any) -> bool:
    return isinstance(x, SymbolicTensor)


def clone_model(
    model: Model,
    input_tensors: Any = None,
    clone_function: Callable[[Layer], Layer] | None = None,
    call_function: Callable[..., Any] | None = None,
    recursive: bool = False,
    **kwargs: Any,
) -> Model:
    """A new model of the same architecture as ``model``, with new layers and so newly initialised weights.

    Sequential and Functional models are rebuilt layer by layer; a subclassed model is rebuilt from its
    ``get_config()``. A shared layer stays shared in the copy (it is cloned once).

    Args:
        model: a Sequential, Functional or subclassed model.
        input_tensors: ``Input`` tensors to build the copy on, in the structure of ``model.input``
            (one tensor for a Sequential model); new ones by default.
        clone_function: ``fn(layer) -> layer`` making each layer of the copy (not the inputs); by default
            ``layer.__class__.from_config(layer.get_config())``. Return the layer itself to share it.
        call_function: ``fn(layer, *args, **kwargs) -> outputs`` calling each layer of the copy of a
            Functional model, e.g. to insert a ``Dropout`` after each ``Dense``; by default ``layer(*args,
            **kwargs)``.
        recursive: clone nested Sequential and Functional models with ``clone_model`` (the same
            ``clone_function``, and ``call_function`` for Functional ones) instead of ``clone_function``.
            Defaults to ``False``.
        **kwargs: ``cache``, a dict from a layer's id to its clone, shared between the calls of a recursive clone; any
            other keyword raises a ValueError.

    Returns:
        The copy, compiled as ``model`` was if it was compiled.

    Raises:
        ValueError: an unexpected argument, ``call_function`` with a Sequential model, or
            ``clone_function``/``input_tensors``/``call_function`` with a subclassed model.
    """
    cache = kwargs.pop("cache", None)
    if kwargs:
        raise ValueError(f"clone_model: unexpected keyword argument(s) {sorted(kwargs)}.")
    if not isinstance(model, Model):
        raise TypeError(f"clone_model: expected a kerax Model, received {type(model).__name__}.")
    if clone_function is not None and not callable(clone_function):
        raise ValueError(f"clone_model: `clone_function` must be callable, received {clone_function!r}.")
    if call_function is not None and not callable(call_function):
        raise ValueError(f"clone_model: `call_function` must be callable, received {call_function!r}.")
    clone = _cloner(clone_function, call_function, recursive, {} if cache is None else cache)
    if isinstance(model, Sequential):
        if call_function is not None:
            raise ValueError(
                "clone_model: `call_function` applies to Functional models only: a Sequential model's layers "
                f"are listed, not called, when it is built (model '{model.name}')."
            )
        copy = _clone_sequential(model, clone, input_tensors)
    elif isinstance(model, Functional):
        copy = _clone_functional(model, clone, call_function, input_tensors)
    else:
        if clone_function is not None or input_tensors is not None or call_function is not None:
            raise ValueError(
                "clone_model: `clone_function`, `input_tensors` and `call_function` apply to Sequential and "
                f"Functional models; '{model.name}' is a subclassed {type(model).__name__}, which is cloned "
                "from its get_config()."
            )

        config = serialize_keras_object(model)
        return deserialize_keras_object(config, custom_objects={type(model).__name__: type(model)})
    if model.compiled:
        copy.compile_from_config(model.get_compile_config())
    return copy


def _cloner(
    clone_function: Callable[[Layer], Layer] | None, call_function: Any, recursive: bool, cache: dict[int, Layer]
) -> Callable[[Layer], Layer]:
    def default(layer: Layer) -> Layer:
        return layer.__class__.from_config(layer.get_config())

    make = clone_function or default

    def clone(layer: Layer) -> Layer:
        if id(layer) in cache:
            return cache[id(layer)]
        if recursive and isinstance(layer, Sequential):
            copy = clone_model(layer, clone_function=clone_function, recursive=True, cache=cache)
        elif recursive and isinstance(layer, Functional):
            copy = clone_model(
                layer, clone_function=clone_function, call_function=call_function, recursive=True, cache=cache
            )
        else:
            copy = make(layer)
        cache[id(layer)] = copy
        return copy

    return clone


def _clone_sequential(model: Sequential, clone: Callable[[Layer], Layer], input_tensors: Any) -> Sequential:
    layers: list[Any] = [clone(layer) for layer in model.layers]
    first = model._layers_list[0] if model._layers_list else None
    if input_tensors is not None:
        if isinstance(input_tensors, list | tuple):
            if len(input_tensors) != 1:
                raise ValueError(
                    f"clone_model: a Sequential model has one input; `input_tensors` holds {len(input_tensors)}."
                )
            input_tensors = input_tensors[0]
        if not _is_tensor(input_tensors):
            raise ValueError(
                f"clone_model: `input_tensors` must be an Input tensor, received {type(input_tensors).__name__}."
            )
        layers.insert(0, input_tensors)
    elif isinstance(first, InputLayer):
        layers.insert(0, Input(batch_shape=first.batch_shape, dtype=first.dtype, name=first.name))
    return Sequential(layers, name=model.name, trainable=model.trainable)


def _clone_functional(
    model: Functional, clone: Callable[[Layer], Layer], call_function: Any, input_tensors: Any
) -> Functional:
    if input_tensors is None:
        new_inputs = jax.tree_util.tree_map(
            lambda t: Input(batch_shape=t.shape, dtype=t.dtype.name, name=_input_name(t)),
            model._inputs_struct,
            is_leaf=_is_tensor,
        )
    else:
        if isinstance(input_tensors, tuple):
            input_tensors = list(input_tensors)
        old = jax.tree_util.tree_structure(model._inputs_struct, is_leaf=_is_tensor)
        new = jax.tree_util.tree_structure(input_tensors, is_leaf=_is_tensor)
        if old != new or not all(_is_tensor(t) for t in jax.tree_util.tree_leaves(input_tensors, is_leaf=_is_tensor)):
            raise ValueError(
                f"clone_model: `input_tensors` must be Input tensors in the structure of model '{model.name}''s "
                f"inputs ({old}), received {new}."
            )
        new_inputs = input_tensors
    values: dict[int, Any] = {}
    old_flat = jax.tree_util.tree_leaves(model._inputs_struct, is_leaf=_is_tensor)
    for old_t, new_t in zip(old_flat, jax.tree_util.tree_leaves(new_inputs, is_leaf=_is_tensor), strict=True):
        values[id(old_t)] = new_t

    def fetch(t: Any) -> Any:
        return values[id(t)] if _is_tensor(t) else t

    for node in [*model._host_nodes, *model._run_nodes]:
        op = node.operation
        layer = clone(op) if isinstance(op, Layer) else op  # ops hold no state: the same op is called again
        args, kwargs = jax.tree_util.tree_map(fetch, (node.call_args, node.call_kwargs), is_leaf=_is_tensor)
        outs = call_function(layer, *args, **kwargs) if call_function is not None else layer(*args, **kwargs)
        for t, value in zip(node.output_tensors, jax.tree_util.tree_leaves(outs, is_leaf=_is_tensor), strict=True):
            values[id(t)] = value
    outputs = jax.tree_util.tree_map(fetch, model._outputs_struct, is_leaf=_is_tensor)
    return Functional(new_inputs, outputs, name=model.name, trainable=model.trainable)


def model_from_json(json_string: str, custom_objects: dict[str, Any] | None = None) -> Model:
    """A model from the JSON that ``model.to_json()`` wrote (architecture only: new weights).

    Args:
        json_string: the JSON text.
        custom_objects: your classes and functions the JSON names, by name. Defaults to ``None``.

    Raises:
        ValueError: the text is not JSON, or does not describe a model.
    """
    if not isinstance(json_string, str | bytes):
        raise TypeError(f"model_from_json: expected a JSON string, received {type(json_string).__name__}.")
    try:
        config = json.loads(json_string)
    except (ValueError, RecursionError) as err:
        raise ValueError(f"model_from_json: the text is not valid JSON: {str(err)[:200]}") from None
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError("model_from_json: the JSON must describe a model (an object with a 'class_name').")
    model = deserialize_keras_object(config, custom_objects)
    if not isinstance(model, Model):
        raise ValueError(f"model_from_json: the JSON describes a {type(model).__name__}, not a model.")
    return model
