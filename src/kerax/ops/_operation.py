"""``Operation`` and ``Node``: how calls on symbolic tensors become a graph.

Every layer is an Operation; so is each ``kerax.ops`` function applied to symbolic tensors (a
``kerax.ops.relu(x)`` between two layers is a row of ``summary()``). Calling an Operation on symbolic
tensors infers the output spec with ``jax.eval_shape`` (no FLOPs spent) and records a Node that remembers
the call's arguments with the tensors in place.
"""

from __future__ import annotations

from typing import Any

import jax

from kerax.backend import _naming, _scope
from kerax.backend._symbolic import History, SymbolicTensor, any_symbolic, flatten_symbolic, to_spec

# Unknown (batch) sizes are traced with two sizes no layer is likely to produce by itself: an output size
# that differs between the two traces depends on an unknown size and is unknown too.
_PROBE_SIZES = (83, 89)


class Node:
    """One call of an operation inside a graph.

    Args:
        operation: the operation called.
        call_args: the positional arguments, symbolic tensors in place.
        call_kwargs: the keyword arguments, symbolic tensors in place.
        outputs: the output structure (a pytree of SymbolicTensors).
    """

    def __init__(self, operation: Operation, call_args: tuple, call_kwargs: dict, outputs: Any) -> None:
        self.operation = operation
        self.call_args = call_args
        self.call_kwargs = call_kwargs
        self.outputs = outputs
        self.input_tensors = flatten_symbolic((call_args, call_kwargs))
        self.output_tensors = flatten_symbolic(outputs)
        self.is_input = False

    @property
    def parent_nodes(self) -> list[Node]:
        parents = []
        for t in self.input_tensors:
            node = t.node
            if node is not None and node not in parents:
                parents.append(node)
        return parents

    def __repr__(self) -> str:
        shapes_in = [t.shape for t in self.input_tensors]
        shapes_out = [t.shape for t in self.output_tensors]
        return f"<Node {self.operation.name}: {shapes_in} -> {shapes_out}>"


def infer_output_spec(fn: Any, args: tuple, kwargs: dict) -> Any:
    """Trace ``fn(*args, **kwargs)`` abstractly; return its output structure as fresh SymbolicTensors.

    Sizes that follow the unknown (``None``) input sizes come back as ``None``.
    """

    def trace(batch: int) -> Any:
        specs_args, specs_kwargs = jax.tree_util.tree_map(lambda x: to_spec(x, batch), (args, kwargs))
        leaves, treedef = jax.tree_util.tree_flatten((specs_args, specs_kwargs))
        abstract = [i for i, leaf in enumerate(leaves) if isinstance(leaf, jax.ShapeDtypeStruct)]

        def run(*arrays: Any) -> Any:
            filled = list(leaves)
            for i, a in zip(abstract, arrays, strict=True):
                filled[i] = a
            a, k = jax.tree_util.tree_unflatten(treedef, filled)
            with _scope.StatelessScope(rng=jax.random.key(0)):
                return fn(*a, **k)

        return jax.eval_shape(run, *[leaves[i] for i in abstract])

    has_unknown = any(None in t.shape for t in flatten_symbolic((args, kwargs)))
    first_leaves, treedef = jax.tree_util.tree_flatten(trace(_PROBE_SIZES[0]))
    second_leaves = first_leaves
    if has_unknown:
        # Sizes derived from an unknown one (twice it, its product with another) move with the probe size.
        second_leaves = jax.tree_util.tree_leaves(trace(_PROBE_SIZES[1]))
    tensors = [
        SymbolicTensor(tuple(None if a != b else a for a, b in zip(s1.shape, s2.shape, strict=True)), s1.dtype)
        for s1, s2 in zip(first_leaves, second_leaves, strict=True)
    ]
    return jax.tree_util.tree_unflatten(treedef, tensors)


class Operation:
    """Something that can be called on arrays, or on symbolic tensors to record a graph node.

    Args:
        name: a unique name; by default the snake_case class name, made unique (``relu``, ``relu_1``).
    """

    def __init__(self, name: str | None = None) -> None:
        if name is not None and (not isinstance(name, str) or not name or "/" in name):
            raise ValueError(
                f"{type(self).__name__}: `name` must be a non-empty string without '/', received {name!r}."
            )
        self.name = name or _naming.uniquify(self._default_name())
        self._inbound_nodes: list[Node] = []

    @classmethod
    def _default_name(cls) -> str:
        return _naming.to_snake_case(cls.__name__)

    @property
    def class_name(self) -> str:
        """The type shown in summaries and plots."""
        return type(self).__name__

    def call(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement `call`.")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if any_symbolic((args, kwargs)):
            return self.symbolic_call(*args, **kwargs)
        return self.call(*args, **kwargs)

    def compute_output_spec(self, *args: Any, **kwargs: Any) -> Any:
        """Output structure as SymbolicTensors (``None`` for unknown sizes), computed without FLOPs."""
        return infer_output_spec(self.call, args, kwargs)

    def symbolic_call(self, *args: Any, **kwargs: Any) -> Any:
        outputs = self.compute_output_spec(*args, **kwargs)
        self._record_node(args, kwargs, outputs)
        return outputs

    def _record_node(self, args: tuple, kwargs: dict, outputs: Any) -> Node:
        node = Node(self, args, kwargs, outputs)
        node_index = len(self._inbound_nodes)
        self._inbound_nodes.append(node)
        for i, t in enumerate(node.output_tensors):
            t._keras_history = History(self, node_index, i)
        return node

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name}

    def __repr__(self) -> str:
        return f"<{self.class_name} name={self.name}>"
