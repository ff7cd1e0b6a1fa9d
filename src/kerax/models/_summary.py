"""``model.summary()``: Keras 3's table, sized to fit its content so that no name is cut off."""

from __future__ import annotations

import io
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from rich import box
from rich.console import Console
from rich.table import Table

from kerax.backend import _config
from kerax.backend._symbolic import SymbolicTensor


@dataclass
class Row:
    name: str
    type: str
    shape: str
    params: str
    connected: list[str]
    trainable: str
    depth: int = 0


def readable_size(num_bytes: float) -> str:
    """``407080`` -> ``"397.54 KB"`` (powers of 1024, as Keras prints them)."""
    units = ["B", "KB", "MB", "GB", "TB", "PB"]
    i = 0
    while num_bytes >= 1024 and i < len(units) - 1:
        num_bytes /= 1024
        i += 1
    return f"{num_bytes:.2f} {units[i]}"


def _weights_bytes(variables: list[Any]) -> int:
    return int(sum(v.size * np.dtype(v.dtype).itemsize for v in variables))


def _shape_str(t: Any) -> str:
    if isinstance(t, SymbolicTensor):
        return str(t.shape).replace(",)", ")") if len(t.shape) != 1 else f"({t.shape[0]},)"
    if isinstance(t, list | tuple):
        return "[" + ", ".join(_shape_str(x) for x in t) + "]"
    if isinstance(t, dict):
        return "{" + ", ".join(f"{k}: {_shape_str(v)}" for k, v in t.items()) + "}"
    return "?"


def _connections(node: Any) -> list[str]:
    out = []
    for t in node.input_tensors:
        h = t._keras_history
        out.append(f"{h.operation.name}[{h.node_index}][{h.tensor_index}]" if h else t.name)
    return out or ["-"]


def _params(op: Any) -> str:
    if not hasattr(op, "weights"):
        return "0"
    if not getattr(op, "built", True):
        return "0 (unbuilt)"
    return f"{op.count_params():,}"


def _trainable(op: Any) -> str:
    if not getattr(op, "weights", None):
        return "-"
    return "Y" if op.trainable else "N"


def _graph_of(model: Any) -> tuple[Any, Any] | None:
    """(GraphMap, node filter) for any built model: Functional, Sequential or traced subclass."""
    functional = getattr(model, "_functional", None)
    if functional is not None:
        model = functional
    graph = getattr(model, "_graph", None) or getattr(model, "_trace", None)
    return graph


def _is_chain(graph: Any) -> bool:
    previous = None
    for node in graph.nodes:
        if node.is_input:
            previous = node
            continue
        parents = node.parent_nodes
        if len(node.input_tensors) != 1:
            return False
        if previous is not None and parents and parents[0] is not previous:
            return False
        previous = node
    return True


def _rows(model: Any, expand_nested: bool, depth: int = 0, skip_inputs: bool = False) -> list[Row]:
    graph = _graph_of(model)
    rows: list[Row] = []
    if graph is None:
        for layer in model.layers:
            rows.append(Row(layer.name, layer.class_name, "?", _params(layer), ["-"], _trainable(layer), depth))
        return rows
    node_ids = {id(n) for n in graph.nodes}
    for op in graph.operations:
        nodes = [n for n in op._inbound_nodes if id(n) in node_ids]
        if skip_inputs and nodes and nodes[0].is_input:
            continue
        shapes = [_shape_str(n.outputs) for n in nodes]
        shape = shapes[0] if len(set(shapes)) == 1 else ", ".join(shapes)
        connected = [c for n in nodes for c in (_connections(n) if not n.is_input else ["-"])]
        rows.append(Row(op.name, op.class_name, shape, _params(op), connected, _trainable(op), depth))
        if expand_nested and hasattr(op, "summary") and _graph_of(op) is not None:
            rows.extend(_rows(op, expand_nested, depth + 1, skip_inputs=True))
    return rows


def summary_text(
    model: Any,
    line_length: int | None = None,
    positions: list[float] | None = None,
    expand_nested: bool = False,
    show_trainable: bool = False,
    layer_range: Any = None,
) -> str:
    """The summary as a string (what ``summary()`` prints)."""
    graph = _graph_of(model)
    skip_inputs = getattr(model, "_summary_skips_inputs", False)  # a Sequential lists no Input row, as in Keras
    rows = _rows(model, expand_nested, skip_inputs=skip_inputs)
    if layer_range is not None:
        names = [r.name for r in rows]
        try:
            start, stop = names.index(layer_range[0]), names.index(layer_range[1])
        except (ValueError, TypeError, IndexError) as e:
            raise ValueError(
                f"summary(layer_range=...) expects [first_layer_name, last_layer_name] from {names}, "
                f"received {layer_range!r}."
            ) from e
        rows = rows[start : stop + 1]
    show_connections = graph is not None and not skip_inputs and not _is_chain(graph)

    headers = ["Layer (type)", "Output Shape", "Param #"]
    if show_connections:
        headers.append("Connected to")
    if show_trainable:
        headers.append("Trainable")

    def cells(r: Row) -> list[str]:
        indent = "  " * r.depth + ("└ " if r.depth else "")
        out = [f"{indent}{r.name} ({r.type})", r.shape, r.params]
        if show_connections:
            out.append(",\n".join(r.connected))
        if show_trainable:
            out.append(r.trainable)
        return out

    body = [cells(r) for r in rows]
    natural = [
        max([len(h)] + [max(len(line) for line in c[i].split("\n")) for c in body]) for i, h in enumerate(headers)
    ]
    total_natural = sum(natural) + 3 * len(headers) + 1
    width = line_length or min(max(total_natural, 60), 160)
    if positions is not None and len(positions) != len(headers):
        raise ValueError(f"summary(positions=...) needs {len(headers)} values, received {len(positions)}.")

    table = Table(box=box.HEAVY_HEAD, show_lines=True, width=width, header_style="bold")
    for i, h in enumerate(headers):
        ratio = None
        if positions is not None:
            prev = positions[i - 1] if i else 0.0
            ratio = max(1, math.floor(100 * (positions[i] - prev)))
        table.add_column(
            h,
            justify="right" if h == "Param #" else "left",
            overflow="fold",
            ratio=ratio,
            min_width=min(natural[i], 12),
        )
    for c in body:
        table.add_row(*c)

    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, highlight=False, legacy_windows=False)
    console.print(f'Model: "{model.name}"', markup=False, highlight=False)
    if not model.built and graph is None and not model.layers:
        console.print(
            "This model has not yet been built. Build it first by calling `model.build(input_shape)` or by "
            "calling it on a batch of data.",
            markup=False,
        )
        return buffer.getvalue()
    console.print(table)
    weights = model.weights if model.built or model.layers else []
    trainable = model.trainable_weights
    non_trainable = model.non_trainable_weights
    optimizer_vars = getattr(model, "_optimizer_variables_for_summary", lambda: None)() or []
    everything = [*weights, *optimizer_vars]
    lines = [
        ("Total params", sum(v.size for v in everything), _weights_bytes(everything)),
        ("Trainable params", sum(v.size for v in trainable), _weights_bytes(trainable)),
        ("Non-trainable params", sum(v.size for v in non_trainable), _weights_bytes(non_trainable)),
    ]
    if optimizer_vars:
        lines.append(("Optimizer params", sum(v.size for v in optimizer_vars), _weights_bytes(optimizer_vars)))
    for label, count, size in lines:
        console.print(f" {label}: {count:,} ({readable_size(size)})", markup=False, highlight=False)
    return buffer.getvalue()


def print_summary(model: Any, print_fn: Callable[..., Any] | None = None, **kwargs: Any) -> None:
    """Print ``summary_text`` line by line with ``print_fn`` (default ``print``, or ``logging`` when
    interactive logging is off)."""
    text = summary_text(model, **kwargs)
    if print_fn is None:
        if _config.is_interactive_logging_enabled():
            print(text, end="")
            return
        print_fn = logging.getLogger("kerax").info
    for line in text.rstrip("\n").split("\n"):
        print_fn(line)
