"""``plot_model``: draw any model's graph to PNG, SVG or DOT, with nothing to install."""

from __future__ import annotations

import os
from typing import Any

from kerax.backend._symbolic import SymbolicTensor
from kerax.layers._core.input_layer import InputLayer
from kerax.models._model import Model
from kerax.models._summary import _graph_of, _shape_str
from kerax.ops._registry import FunctionOperation
from kerax.utils._plot import PlotEdge, PlotGraph, PlotNode, render, render_png_bytes
from kerax.utils._plot._dot import to_dot
from kerax.utils._plot._layout import check_options, compute_layout
from kerax.utils._plot._svg import to_svg


class PlotImage:
    """The drawn PNG; displays itself in a notebook (``_repr_png_``) without importing IPython."""

    def __init__(self, data: bytes, path: str | None) -> None:
        self.data = data
        self.path = path

    def _repr_png_(self) -> bytes:
        return self.data

    def __repr__(self) -> str:
        return f"<PlotImage {len(self.data)} bytes{f' written to {self.path}' if self.path else ''}>"


def _style(op: Any) -> str:
    if isinstance(op, InputLayer):
        return "input"
    if isinstance(op, FunctionOperation):
        return "op"
    if isinstance(op, Model):
        return "model"
    return "layer"


def model_to_graph(
    model: Any,
    show_shapes: bool = False,
    show_dtype: bool = False,
    show_layer_names: bool = True,
    show_layer_activations: bool = False,
    show_trainable: bool = False,
    expand_nested: bool = False,
) -> PlotGraph:
    """The plain graph description of a built model (Functional, Sequential or traced subclass).

    Args:
        model: A built model.
        show_shapes: Add input and output shapes to each node (default ``False``).
        show_dtype: Add the dtype (default ``False``).
        show_layer_names: Title nodes ``name (Type)`` rather than ``Type`` (default ``True``).
        show_layer_activations: Add each layer's activation (default ``False``).
        show_trainable: Add whether each layer is trainable (default ``False``).
        expand_nested: Describe nested models' graphs inside their nodes (default ``False``).
    """
    graph = _graph_of(model)
    if graph is None:
        raise ValueError(
            f"plot_model: model '{model.name}' is not built, so it has no graph to draw. Build it first with "
            "`model.build(input_shape)` or by calling it on a batch of data."
        )
    node_ids = {id(n) for n in graph.nodes}
    nodes: list[PlotNode] = []
    edges: list[PlotEdge] = []
    seen_inputs: dict[int, str] = {}

    def source_id(t: SymbolicTensor) -> str:
        history = t._keras_history
        if history is not None:
            return f"op{id(history.operation)}"
        if id(t) not in seen_inputs:
            seen_inputs[id(t)] = f"in{id(t)}"
            rows = [("Output shape", _shape_str(t))] if show_shapes else []
            if show_dtype:
                rows.append(("dtype", t.dtype.name))
            nodes.append(PlotNode(seen_inputs[id(t)], f"{t.name} (Input)", rows, style="input"))
        return seen_inputs[id(t)]

    for op in graph.operations:
        op_nodes = [n for n in op._inbound_nodes if id(n) in node_ids]
        rows: list[tuple[str, str]] = []
        if show_shapes:
            if not op_nodes[0].is_input:
                rows.append(("Input shape", ", ".join(_shape_str(t) for t in op_nodes[0].input_tensors)))
            rows.append(("Output shape", ", ".join(sorted({_shape_str(n.outputs) for n in op_nodes}))))
        if show_dtype:
            rows.append(("dtype", str(getattr(op, "dtype", "")) or op_nodes[0].output_tensors[0].dtype.name))
        activation = getattr(op, "activation", None)
        if show_layer_activations and activation is not None:
            rows.append(("Activation", getattr(activation, "__name__", str(activation))))
        if show_trainable and getattr(op, "weights", None):
            rows.append(("Trainable", str(op.trainable)))
        title = f"{op.name} ({op.class_name})" if show_layer_names else op.class_name
        style = _style(op)
        children = None
        if style == "model" and expand_nested and _graph_of(op) is not None:
            children = model_to_graph(
                op,
                show_shapes,
                show_dtype,
                show_layer_names,
                show_layer_activations,
                show_trainable,
                expand_nested,
            )
        nodes.append(PlotNode(f"op{id(op)}", title, rows, style=style, children=children))
        for node in op_nodes:
            for t in node.input_tensors:
                edge = PlotEdge(source_id(t), f"op{id(op)}")
                if edge not in edges:
                    edges.append(edge)
    nodes.sort(key=lambda n: n.style != "input")  # inputs first, the rest in graph order
    return PlotGraph(nodes=nodes, edges=edges, title=model.name)


def plot_model(
    model: Any,
    to_file: str | os.PathLike[str] = "model.png",
    show_shapes: bool = False,
    show_dtype: bool = False,
    show_layer_names: bool = True,
    rankdir: str = "TB",
    expand_nested: bool = False,
    dpi: int = 200,
    show_layer_activations: bool = False,
    show_trainable: bool = False,
    **kwargs: Any,
) -> PlotImage | None:
    """Draw the model's graph to ``to_file`` (``.png``, ``.svg`` or ``.dot``); no Graphviz needed.

    Works the same for Sequential, Functional and subclassed models (drawn from the graph that
    ``build`` traced). Returns an image that displays in a notebook when the file is a PNG.

    Args:
        model: a built model.
        to_file: the output path; its extension chooses the format. Defaults to ``"model.png"``.
        show_shapes: add input and output shapes to each box. Defaults to ``False``.
        show_dtype: add the dtype. Defaults to ``False``.
        show_layer_names: title boxes ``name (Type)`` rather than ``Type``. Defaults to ``True``.
        rankdir: ``"TB"`` (top to bottom) or ``"LR"`` (left to right). Defaults to ``"TB"``.
        expand_nested: draw nested models' graphs inside their boxes. Defaults to ``False``.
        dpi: resolution of the PNG. Defaults to ``200``.
        show_layer_activations: add each layer's activation. Defaults to ``False``.
        show_trainable: add whether each layer is trainable. Defaults to ``False``.
        **kwargs: ``layer_range``, accepted for Keras compatibility and ignored; any other keyword raises a TypeError.
    """
    unknown = set(kwargs) - {"layer_range"}
    if unknown:
        raise TypeError(f"plot_model: unexpected argument(s) {sorted(unknown)}.")
    if not isinstance(dpi, int) or dpi <= 0:
        raise ValueError(f"plot_model: `dpi` must be a positive integer, received {dpi!r}.")
    graph = model_to_graph(
        model,
        show_shapes,
        show_dtype,
        show_layer_names,
        show_layer_activations,
        show_trainable,
        expand_nested,
    )
    path = os.fspath(to_file)
    data = render(graph, path, rankdir=rankdir, dpi=dpi, expand_nested=expand_nested)
    return PlotImage(data, path) if path.lower().endswith(".png") else None


class DotGraph:
    """A model's graph as Graphviz DOT source (``to_string()``), drawable without Graphviz (``create_png()``).

    What ``model_to_dot`` returns: kerax does not use pydot, so this stands in for its ``pydot.Dot`` with the
    methods most code calls on one.
    """

    def __init__(self, graph: PlotGraph, rankdir: str = "TB", dpi: int = 200, expand_nested: bool = False) -> None:
        check_options(rankdir, dpi)
        self.graph = graph
        self.rankdir = rankdir
        self.dpi = dpi
        self.expand_nested = expand_nested

    def to_string(self) -> str:
        """The DOT source."""
        return to_dot(self.graph, rankdir=self.rankdir, dpi=self.dpi, expand_nested=self.expand_nested)

    def create_png(self) -> bytes:
        """The graph drawn as PNG bytes, by kerax's own renderer."""
        return render_png_bytes(self.graph, rankdir=self.rankdir, dpi=self.dpi, expand_nested=self.expand_nested)

    def create_svg(self) -> bytes:
        """The graph drawn as SVG text (UTF-8 bytes)."""
        layout = compute_layout(self.graph, rankdir=self.rankdir, dpi=self.dpi, expand_nested=self.expand_nested)
        return to_svg(layout).encode("utf-8")

    def write(self, path: str | os.PathLike[str]) -> None:
        """Write the graph to ``path``: DOT source, PNG or SVG by the extension (``.dot``, ``.png``, ``.svg``)."""
        render(self.graph, path, rankdir=self.rankdir, dpi=self.dpi, expand_nested=self.expand_nested)

    def _repr_png_(self) -> bytes:
        return self.create_png()

    def __str__(self) -> str:
        return self.to_string()

    def __repr__(self) -> str:
        return f"<DotGraph {self.graph.title!r}: {len(self.graph.nodes)} nodes, {len(self.graph.edges)} edges>"


def model_to_dot(
    model: Any,
    show_shapes: bool = False,
    show_dtype: bool = False,
    show_layer_names: bool = True,
    rankdir: str = "TB",
    expand_nested: bool = False,
    dpi: int = 200,
    subgraph: bool = False,
    show_layer_activations: bool = False,
    show_trainable: bool = False,
    splines: str = "ortho",
    **kwargs: Any,
) -> DotGraph:
    """The model's graph as a ``DotGraph`` (DOT source via ``to_string()``); arguments as ``plot_model``'s.

    ``subgraph`` and ``splines`` are accepted for Keras compatibility: kerax nests expanded models as DOT
    clusters and routes edges itself.

    Args:
        model: A built model.
        show_shapes: Add input and output shapes to each box (default ``False``).
        show_dtype: Add the dtype (default ``False``).
        show_layer_names: Title boxes ``name (Type)`` rather than ``Type`` (default ``True``).
        rankdir: ``"TB"`` (top to bottom) or ``"LR"`` (left to right); default ``"TB"``.
        expand_nested: Draw nested models' graphs inside their boxes (default ``False``).
        dpi: Resolution recorded in the DOT graph (default 200).
        subgraph: Accepted for Keras compatibility. Defaults to ``False``.
        show_layer_activations: Add each layer's activation (default ``False``).
        show_trainable: Add whether each layer is trainable (default ``False``).
        splines: Accepted for Keras compatibility. Defaults to ``"ortho"``.
        **kwargs: ``layer_range``, accepted for Keras compatibility and ignored; any other keyword raises a TypeError.
    """
    del subgraph, splines
    unknown = set(kwargs) - {"layer_range"}
    if unknown:
        raise TypeError(f"model_to_dot: unexpected argument(s) {sorted(unknown)}.")
    graph = model_to_graph(
        model, show_shapes, show_dtype, show_layer_names, show_layer_activations, show_trainable, expand_nested
    )
    return DotGraph(graph, rankdir=rankdir, dpi=dpi, expand_nested=expand_nested)
