"""``Function``: the graph between symbolic inputs and outputs, callable on arrays; stateless, not a layer."""

from __future__ import annotations

from typing import Any

import jax

from kerax import tree
from kerax.backend._symbolic import SymbolicTensor
from kerax.models._graph import map_graph
from kerax.ops._operation import Operation


class Function(Operation):
    """Capture the operations that compute ``outputs`` from ``inputs`` and re-apply them to new values.

    Args:
        inputs: a symbolic tensor (``kerax.KerasTensor`` or ``kerax.Input``), or a nested structure of them.
        outputs: symbolic tensors computed from ``inputs``, or a nested structure of them.
        name: the function's name. Defaults to ``None``.

    Example:
        >>> a, b = kerax.KerasTensor((None, 3)), kerax.KerasTensor((None, 3))
        >>> fn = kerax.Function([a, b], kerax.ops.relu(a + b))
        >>> fn([np.ones((2, 3)), -np.ones((2, 3))]).shape
        (2, 3)
    """

    def __init__(self, inputs: Any, outputs: Any, name: str | None = None) -> None:
        super().__init__(name=name)
        self._inputs_struct = inputs
        self._outputs_struct = outputs
        self._inputs: list[SymbolicTensor] = tree.flatten(inputs)
        self._outputs: list[SymbolicTensor] = tree.flatten(outputs)
        if not self._inputs or not self._outputs:
            raise ValueError(f"Function: `inputs` and `outputs` must not be empty, received {inputs!r}, {outputs!r}.")
        for kind, tensors in (("inputs", self._inputs), ("outputs", self._outputs)):
            for t in tensors:
                if not isinstance(t, SymbolicTensor):
                    raise TypeError(f"Function: every entry of `{kind}` must be a symbolic tensor, received {t!r}.")
        graph = map_graph(self._inputs, self._outputs, self.name)
        input_ids = {id(t) for t in self._inputs}
        self._operations = list(graph.operations)
        self._nodes = [
            n for n in graph.nodes if not n.is_input and not any(id(t) in input_ids for t in n.output_tensors)
        ]

    @property
    def inputs(self) -> list[SymbolicTensor]:
        """The symbolic inputs, flat."""
        return self._inputs

    @property
    def outputs(self) -> list[SymbolicTensor]:
        """The symbolic outputs, flat."""
        return self._outputs

    @property
    def operations(self) -> list[Operation]:
        """The operations of the graph, in Keras's order."""
        return list(self._operations)

    def call(self, inputs: Any) -> Any:
        flat = tree.flatten(inputs)
        if len(flat) != len(self._inputs):
            raise ValueError(f"Function '{self.name}': expected {len(self._inputs)} inputs, received {len(flat)}.")
        values: dict[int, Any] = {id(t): x for t, x in zip(self._inputs, flat, strict=True)}

        def fetch(t: Any) -> Any:
            return values[id(t)] if isinstance(t, SymbolicTensor) else t

        is_leaf = lambda x: isinstance(x, SymbolicTensor)  # noqa: E731
        for node in self._nodes:
            args, kwargs = jax.tree_util.tree_map(fetch, (node.call_args, node.call_kwargs), is_leaf=is_leaf)
            outputs = node.operation(*args, **kwargs)
            for t, value in zip(node.output_tensors, jax.tree_util.tree_leaves(outputs), strict=True):
                values[id(t)] = value
        return tree.map_structure(fetch, self._outputs_struct)
