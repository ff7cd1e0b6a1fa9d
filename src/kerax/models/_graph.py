"""Walk a graph of nodes from its outputs back to its inputs and order it as Keras does.

Nodes are ordered by depth (the longest distance to an output), deepest first; operations at the same
depth keep the order in which a depth-first walk from the outputs discovered them. That is the order of
``model.layers`` and of the rows of ``summary()``.
"""

from __future__ import annotations

from dataclasses import dataclass

from kerax.backend._symbolic import SymbolicTensor
from kerax.ops._operation import Node, Operation


@dataclass
class GraphMap:
    """The nodes of one graph in execution order, and its operations in display order."""

    nodes: list[Node]
    operations: list[Operation]
    node_depths: dict[int, int]


def _describe(t: SymbolicTensor) -> str:
    history = t._keras_history
    who = f"'{history.operation.name}'" if history else "a tensor with no history"
    return f"{who} (shape {t.shape})"


def map_graph(inputs: list[SymbolicTensor], outputs: list[SymbolicTensor], model_name: str) -> GraphMap:
    """Order the graph between ``inputs`` and ``outputs``; raise if an output needs an unlisted input."""
    input_ids = {id(t) for t in inputs}
    finished: set[int] = set()
    in_progress: set[int] = set()
    nodes_in_decreasing_depth: list[Node] = []
    discovery: dict[int, int] = {}
    operations: dict[int, Operation] = {}

    def visit(tensor: SymbolicTensor, path: list[str]) -> None:
        history = tensor._keras_history
        if history is None:
            if id(tensor) not in input_ids:
                raise ValueError(
                    f"Model '{model_name}': the output depends on symbolic tensor '{tensor.name}' (shape "
                    f"{tensor.shape}), which is neither one of the model's inputs nor made from them. "
                    "Pass it in `Model(inputs=...)`."
                )
            return
        op = history.operation
        node = op._inbound_nodes[history.node_index]
        if id(node) in finished:
            return
        if id(node) in in_progress:
            raise ValueError(f"Model '{model_name}': the graph has a cycle through '{op.name}'.")
        if id(op) not in discovery:
            discovery[id(op)] = len(discovery)
            operations[id(op)] = op
        in_progress.add(id(node))
        if id(tensor) not in input_ids:
            if node.is_input:
                raise ValueError(
                    f"Model '{model_name}': an output depends on Input '{op.name}' (shape {tensor.shape}), "
                    f"which is not listed in `Model(inputs=...)`. Add it to the model's inputs. "
                    f"Path from that input: {' -> '.join([op.name, *reversed(path)])}."
                )
            for parent in node.input_tensors:
                visit(parent, [*path, op.name])
        in_progress.discard(id(node))
        finished.add(id(node))
        nodes_in_decreasing_depth.append(node)

    for out in outputs:
        if not isinstance(out, SymbolicTensor):
            raise TypeError(
                f"Model '{model_name}': every output must be a symbolic tensor made from the model's inputs, "
                f"received {type(out).__name__}."
            )
        visit(out, [])

    node_depths: dict[int, int] = {}
    op_depths: dict[int, int] = {}
    by_id = {id(n): n for n in nodes_in_decreasing_depth}
    for node in reversed(nodes_in_decreasing_depth):
        depth = max(node_depths.setdefault(id(node), 0), op_depths.get(id(node.operation), 0))
        op_depths[id(node.operation)] = depth
        node_depths[id(node)] = depth
        for parent in node.parent_nodes:
            if id(parent) in by_id:
                node_depths[id(parent)] = max(depth + 1, node_depths.get(id(parent), 0))
    for t in inputs:
        history = t._keras_history
        if history is not None and id(history.operation) not in op_depths:
            op = history.operation
            op_depths[id(op)] = 0
            discovery[id(op)] = -1
            operations[id(op)] = op
            node = op._inbound_nodes[history.node_index]
            node_depths[id(node)] = 0
            by_id[id(node)] = node

    ordered_ops = sorted(operations.values(), key=lambda o: (-op_depths[id(o)], discovery[id(o)]))
    ordered_nodes = sorted(by_id.values(), key=lambda n: -node_depths[id(n)])
    names: dict[str, Operation] = {}
    for op in ordered_ops:
        if op.name in names and names[op.name] is not op:
            raise ValueError(
                f"Model '{model_name}': the name '{op.name}' is used by two different layers "
                f"({type(names[op.name]).__name__} and {type(op).__name__}). Names within a model must be unique."
            )
        names[op.name] = op
    return GraphMap(nodes=ordered_nodes, operations=ordered_ops, node_depths=node_depths)
