"""``Functional``: a model defined by the graph between its ``Input`` tensors and its outputs."""

from __future__ import annotations

from typing import Any

import jax
import numpy as np

from kerax.backend._dtypes import is_string_dtype
from kerax.backend._masking import get_keras_mask, set_keras_mask
from kerax.backend._symbolic import SymbolicTensor, any_symbolic
from kerax.layers._layer import Layer
from kerax.models._graph import map_graph
from kerax.models._model import Model
from kerax.models._model_config import functional_config, functional_from_config


def _flatten_structure(struct: Any) -> list[Any]:
    return jax.tree_util.tree_leaves(struct, is_leaf=lambda x: isinstance(x, SymbolicTensor))


@jax.tree_util.register_pytree_node_class
class HostStageOutputs:
    """A model's inputs after its host stage: the values of the tensors its compiled part starts from."""

    def __init__(self, values: Any) -> None:
        self.values = tuple(values)

    def tree_flatten(self) -> tuple[tuple, None]:
        return self.values, None

    @classmethod
    def tree_unflatten(cls, aux: None, values: Any) -> HostStageOutputs:
        return cls(values)


def _split_host_stage(model: Functional) -> tuple[list[Any], list[Any], list[SymbolicTensor]]:
    """Split the nodes to run into those run on the host (text in) and those compiled, in order.

    A node runs on the host when its operation does (``runs_on_host``: lookups, text vectorization) or
    when it reads text. Its inputs must come from the model's inputs or other host nodes: the host stage
    runs first, on the host, and its numeric outputs (with the numeric model inputs) are what the compiled
    part starts from.
    """
    available = {id(t) for t in model.inputs}
    host, compiled = [], []
    for node in model._run_nodes:
        op = node.operation
        if not (getattr(op, "runs_on_host", False) or any(is_string_dtype(t.dtype) for t in node.input_tensors)):
            compiled.append(node)
            continue
        if not getattr(op, "runs_on_host", False):
            raise ValueError(
                f"Model '{model.name}': {type(op).__name__} '{op.name}' receives text (a string tensor), which only "
                "the host-side preprocessing layers read (TextVectorization, StringLookup, Hashing, "
                "HashedCrossing...). Turn the text into numbers with one of them first."
            )
        late = [t.name for t in node.input_tensors if id(t) not in available]
        if late:
            raise ValueError(
                f"Model '{model.name}': {type(op).__name__} '{op.name}' runs on the host (it reads or writes text), "
                f"so its inputs must be model inputs or outputs of other such layers; {late} are computed by the "
                "compiled part of the model. Apply text preprocessing first, or in the data pipeline."
            )
        host.append(node)
        available.update(id(t) for t in node.output_tensors)
    if not host:
        return [], compiled, []
    core = [t for t in model.inputs if not is_string_dtype(t.dtype)]
    core += [t for n in host for t in n.output_tensors if not is_string_dtype(t.dtype)]
    text_outputs = [t.name for t in model.outputs if is_string_dtype(t.dtype)]
    if text_outputs:
        raise ValueError(
            f"Model '{model.name}': outputs {text_outputs} are text; a model computes numbers. Apply the layer that "
            "makes text (e.g. StringLookup(invert=True)) to the predictions instead."
        )
    return host, compiled, core


def _shapes(tensors: list[SymbolicTensor]) -> Any:
    shapes = [t.shape for t in tensors]
    return shapes[0] if len(shapes) == 1 else shapes


class Functional(Model):
    """A model made by ``Model(inputs, outputs)``.

    Args:
        inputs: an ``Input`` tensor, or a list or dict of them.
        outputs: a tensor computed from the inputs, or a list or dict of them.
        name: the model's name (default ``functional``, ``functional_1``...).
        trainable: Whether the model's weights are trained (default ``True``).
        **kwargs: The other keywords of ``Layer`` (``dtype``, ``autocast``, ``activity_regularizer``).
    """

    _masks_from_call = True

    @property
    def input_dtype(self) -> str:
        """Floating inputs are cast to the variable dtype, not the compute dtype: as in Keras, a mixed
        model leaves them in float32 (the Input layers' dtype) for its first layers to cast."""
        return self.variable_dtype

    def __init__(
        self, inputs: Any, outputs: Any, name: str | None = None, trainable: bool = True, **kwargs: Any
    ) -> None:
        Model.__init__(self, name=name, trainable=trainable, **kwargs)
        for kind, struct in (("inputs", inputs), ("outputs", outputs)):
            for t in _flatten_structure(struct):
                if not isinstance(t, SymbolicTensor):
                    raise TypeError(
                        f"Model '{self.name}': every element of `{kind}` must be a symbolic tensor "
                        f"({'made by `kerax.Input(shape=...)`' if kind == 'inputs' else 'computed from the inputs'}), "
                        f"but received {type(t).__name__}"
                        + (f" of shape {t.shape}" if hasattr(t, "shape") else "")
                        + ". Build models from `Input` tensors, then call the model on data."
                    )
        if isinstance(inputs, tuple):
            inputs = list(inputs)
        if isinstance(outputs, tuple):
            outputs = list(outputs)
        self._inputs_struct = inputs
        self._outputs_struct = outputs
        self.inputs: list[SymbolicTensor] = _flatten_structure(inputs)
        self.outputs: list[SymbolicTensor] = _flatten_structure(outputs)
        if not self.inputs:
            raise ValueError(f"Model '{self.name}': `inputs` is empty.")
        self._graph = map_graph(self.inputs, self.outputs, self.name)
        self._graph_layers = [op for op in self._graph.operations if isinstance(op, Layer)]
        input_ids = {id(t) for t in self.inputs}
        self._run_nodes = [
            n for n in self._graph.nodes if not n.is_input and not any(id(t) in input_ids for t in n.output_tensors)
        ]
        self._host_nodes, self._run_nodes, self._core_tensors = _split_host_stage(self)
        # Masks flow at run time only where graph building found some (Embedding(mask_zero=True), Masking...).
        self._graph_has_masks = any(get_keras_mask(t) is not None for n in self._run_nodes for t in n.output_tensors)
        self.built = True

    @classmethod
    def _default_name(cls) -> str:
        return "functional"

    def _tracked_layers(self) -> list[Layer]:
        return list(self._graph_layers)

    @property
    def layers(self) -> list[Layer]:
        return list(self._graph_layers)

    @property
    def input(self) -> Any:
        return self._inputs_struct

    @property
    def output(self) -> Any:
        return self._outputs_struct

    @property
    def input_shape(self) -> Any:
        """The inputs' shapes: one tuple for a single input, else a list (as Keras 3)."""
        return _shapes(self.inputs)

    @property
    def output_shape(self) -> Any:
        """The outputs' shapes: one tuple for a single output, else a list (as Keras 3)."""
        return _shapes(self.outputs)

    @property
    def input_names(self) -> list[str]:
        return [_input_name(t) for t in self.inputs]

    @property
    def output_names(self) -> list[str]:
        if isinstance(self._outputs_struct, dict):
            return list(self._outputs_struct)
        # Several outputs of one layer (an RNN's output and states) get `_1`, `_2`... as in tf.keras.
        names: list[str] = []
        seen: dict[str, int] = {}
        for t in self.outputs:
            name = t._keras_history.operation.name
            names.append(f"{name}_{seen[name]}" if name in seen else name)
            seen[name] = seen.get(name, 0) + 1
        return names

    def build(self, input_shape: Any = None) -> None:
        self.built = True

    def _maybe_build(self, inputs: Any) -> None:
        self.built = True

    # -- running the graph -----------------------------------------------------------------------------
    def _has_host_stage(self) -> bool:
        return bool(self._host_nodes)

    def _host_stage(self, data: Any) -> Any:
        """User data -> ``HostStageOutputs``: the host layers (text in) run here, on NumPy, before any jit."""
        if not self._host_nodes or isinstance(data, HostStageOutputs) or any_symbolic(data):
            return data
        flat = [np.asarray(x) if isinstance(x, list | tuple | str | bytes) else x for x in self._flatten_data(data)]
        flat = self._adjust_ranks(flat)
        self._check_data_shapes(flat)
        return HostStageOutputs(self._run_host_nodes(flat, self.inputs))

    def _run_host_nodes(self, flat: list[Any], tensors: list[SymbolicTensor]) -> list[Any]:
        values: dict[int, Any] = {id(t): x for t, x in zip(tensors, flat, strict=True)}
        is_leaf = lambda x: isinstance(x, SymbolicTensor)  # noqa: E731
        for node in self._host_nodes:
            args, kwargs = jax.tree_util.tree_map(
                lambda t: values[id(t)] if isinstance(t, SymbolicTensor) else t,
                (node.call_args, node.call_kwargs),
                is_leaf=is_leaf,
            )
            outs = node.operation(*args, **kwargs)
            for t, value in zip(node.output_tensors, jax.tree_util.tree_leaves(outs), strict=True):
                values[id(t)] = value
        return [values[id(t)] for t in self._core_tensors]

    def _pack_inputs(self, xs: list[Any]) -> Any:
        return HostStageOutputs(xs) if self._host_nodes else super()._pack_inputs(xs)

    def _flatten_data(self, data: Any) -> list[Any]:
        """Match user data (one array, a list, or a dict by input name) to ``self.inputs``."""
        n = len(self.inputs)
        if isinstance(data, dict):
            if isinstance(self._inputs_struct, dict):
                keys = list(self._inputs_struct)
            else:
                keys = self.input_names
            missing = [k for k in keys if k not in data]
            if missing:
                raise ValueError(
                    f"Model '{self.name}': the input dict is missing {missing}. Expected keys: {keys}; "
                    f"received keys: {list(data)}."
                )
            if isinstance(self._inputs_struct, dict):
                return _flatten_structure({k: data[k] for k in keys})
            return [data[k] for k in keys]
        if isinstance(data, list | tuple):
            if len(data) != n:
                raise ValueError(
                    f"Model '{self.name}' expects {n} input{'s' if n != 1 else ''} "
                    f"({', '.join(self.input_names)}), but received a list of {len(data)}."
                )
            return list(data)
        if n != 1:
            raise ValueError(
                f"Model '{self.name}' expects {n} inputs ({', '.join(self.input_names)}): pass a list or a "
                "dict keyed by input name."
            )
        return [data]

    def _adjust_ranks(self, flat: list[Any], tensors: list[Any] | None = None) -> list[Any]:
        """Data one axis short of an input whose last size is 1 gets that axis; one extra axis of size 1 goes.

        As Keras does: ``(N, 28, 28)`` feeds an ``Input((28, 28, 1))``, ``(N, 5, 1)`` an ``Input((5,))``.
        """
        out = []
        for t, x in zip(tensors or self.inputs, flat, strict=True):
            rank = getattr(x, "ndim", None)
            if rank == len(t.shape) - 1 and t.shape[-1] == 1:
                x = x[..., None]
            elif rank == len(t.shape) + 1 and x.shape[-1] == 1:
                x = x[..., 0]
            out.append(x)
        return out

    def _conform_inputs(self, xs: list[Any]) -> list[Any]:
        # xs come in the trainer's order: a dict of inputs by key, else the inputs' order.
        struct = self._inputs_struct
        tensors = [struct[k] for k in self._input_names()] if isinstance(struct, dict) else self.inputs
        if len(xs) != len(tensors):
            return xs
        xs = self._adjust_ranks(xs, tensors)
        self._check_data_shapes(xs, tensors)
        return self._run_host_nodes(xs, tensors) if self._host_nodes else xs

    def _check_data_shapes(self, flat: list[Any], tensors: list[Any] | None = None) -> None:
        for t, x in zip(tensors or self.inputs, flat, strict=True):
            if not hasattr(x, "shape"):
                continue
            shape = tuple(x.shape)
            ok = len(shape) == len(t.shape) and all(
                want is None or got is None or want == got for want, got in zip(t.shape, shape, strict=True)
            )
            if not ok:
                raise ValueError(
                    f"Model '{self.name}': input '{_input_name(t)}' expects data of shape {t.shape}, but "
                    f"received shape {tuple(None if d is None else int(d) for d in shape)}."
                )

    def call(self, inputs: Any, training: bool | None = None, mask: Any = None) -> Any:
        inputs = self._host_stage(inputs)
        if isinstance(inputs, HostStageOutputs):
            values: dict[int, Any] = {id(t): x for t, x in zip(self._core_tensors, inputs.values, strict=True)}
        else:
            flat = self._adjust_ranks(self._flatten_data(inputs))
            self._check_data_shapes(flat)
            values = {id(t): x for t, x in zip(self.inputs, flat, strict=True)}

        def fetch(t: Any) -> Any:
            return values[id(t)] if isinstance(t, SymbolicTensor) else t

        is_leaf = lambda x: isinstance(x, SymbolicTensor)  # noqa: E731
        if mask is not None or self._graph_has_masks:
            return self._call_masked(values, mask, fetch, is_leaf)
        for node in self._run_nodes:
            args, kwargs = jax.tree_util.tree_map(fetch, (node.call_args, node.call_kwargs), is_leaf=is_leaf)
            outs = node.operation(*args, **kwargs)
            for t, value in zip(node.output_tensors, jax.tree_util.tree_leaves(outs), strict=True):
                values[id(t)] = value
        return jax.tree_util.tree_map(fetch, self._outputs_struct, is_leaf=is_leaf)

    def _call_masked(self, values: dict[int, Any], mask: Any, fetch: Any, is_leaf: Any) -> Any:
        """Run the graph with a table of masks beside the table of values, both keyed by graph tensor.

        Before each layer runs, each input value carries the mask of its graph tensor (or none), so the
        layer fills its mask arguments as on any call; after it, the masks its outputs carry are recorded.
        The table makes the flow independent of which array objects the layers return.
        """
        masks: dict[int, Any] = {}
        if mask is not None:
            for t, m in zip(self.inputs, self._flatten_data(mask), strict=True):
                masks[id(t)] = m
        for node in self._run_nodes:
            op = node.operation
            if isinstance(op, Layer):
                for t in node.input_tensors:
                    set_keras_mask(values[id(t)], masks.get(id(t)))
            args, kwargs = jax.tree_util.tree_map(fetch, (node.call_args, node.call_kwargs), is_leaf=is_leaf)
            outs = op(*args, **kwargs)
            reads_masks = isinstance(op, Layer) and (op.supports_masking or op._masks_from_call)
            for t, value in zip(node.output_tensors, jax.tree_util.tree_leaves(outs), strict=True):
                values[id(t)] = value
                masks[id(t)] = get_keras_mask(value) if reads_masks else None
        for t in self.outputs:
            set_keras_mask(values[id(t)], masks.get(id(t)))
        return jax.tree_util.tree_map(fetch, self._outputs_struct, is_leaf=is_leaf)

    def get_config(self) -> dict[str, Any]:
        return functional_config(self)

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: Any = None) -> Functional:
        return functional_from_config(cls, config, custom_objects)


def _input_name(t: SymbolicTensor) -> str:
    return t._keras_history.operation.name if t._keras_history else t.name
