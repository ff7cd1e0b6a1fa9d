"""``get_source_inputs``: the input tensors a symbolic tensor is computed from."""

from __future__ import annotations

from typing import Any


def get_source_inputs(tensor: Any) -> Any:
    """The symbolic input tensors (``Input``s) needed to compute ``tensor``, as a list without repeats.

    An object that is not a symbolic tensor is returned as it is.

    Args:
        tensor: A symbolic tensor (or any object).
    """
    history = getattr(tensor, "_keras_history", None)
    if not hasattr(tensor, "_keras_history"):
        return tensor
    if history is None or not history.operation._inbound_nodes:
        return [tensor]
    node = history.operation._inbound_nodes[history.node_index]
    if node.is_input:
        return list(node.output_tensors)
    sources: list[Any] = []
    for parent in node.input_tensors:
        for source in get_source_inputs(parent):
            if all(source is not s for s in sources):
                sources.append(source)
    return sources
