"""Plain, backend-free description of a graph to plot."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

NODE_STYLES: tuple[str, ...] = ("input", "layer", "op", "model")


@dataclass(frozen=True)
class PlotNode:
    """One box of the plot: a layer, an input, an op or a (possibly nested) model.

    Args:
        id: Identifier, unique within its graph; edges refer to it.
        title: Header text, e.g. ``"conv2d (Conv2D)"``.
        rows: Extra ``(key, value)`` lines shown as a small table under the title.
        style: One of ``"input"``, ``"layer"``, ``"op"``, ``"model"``.
        children: Graph of a nested model, drawn inside a cluster when expanded.
    """

    id: str
    title: str
    rows: list[tuple[str, str]] = field(default_factory=list)
    style: str = "layer"
    children: PlotGraph | None = None

    def __post_init__(self) -> None:
        """Validate the style and normalise rows to ``(str, str)`` pairs."""
        if self.style not in NODE_STYLES:
            raise ValueError(f"PlotNode {self.id!r}: style must be one of {NODE_STYLES}, got {self.style!r}")
        rows: list[tuple[str, str]] = []
        for row in self.rows:
            if isinstance(row, str) or not isinstance(row, Sequence) or len(row) != 2:
                raise ValueError(f"PlotNode {self.id!r}: each row must be a (key, value) pair, got {row!r}")
            rows.append((str(row[0]), str(row[1])))
        object.__setattr__(self, "id", str(self.id))
        object.__setattr__(self, "title", str(self.title))
        object.__setattr__(self, "rows", rows)
        if self.children is not None and not isinstance(self.children, PlotGraph):
            raise TypeError(f"PlotNode {self.id!r}: children must be a PlotGraph or None")


@dataclass(frozen=True)
class PlotEdge:
    """A directed connection from node ``src`` to node ``dst``.

    Args:
        src: Id of the producing node.
        dst: Id of the consuming node.
        label: Optional text drawn next to the edge (e.g. a tensor shape).
    """

    src: str
    dst: str
    label: str = ""

    def __post_init__(self) -> None:
        """Normalise the fields to strings."""
        object.__setattr__(self, "src", str(self.src))
        object.__setattr__(self, "dst", str(self.dst))
        object.__setattr__(self, "label", str(self.label))


@dataclass(frozen=True)
class PlotGraph:
    """A directed acyclic graph of ``PlotNode`` joined by ``PlotEdge``.

    Args:
        nodes: The nodes; ids must be unique.
        edges: The edges; both ends must name nodes of this graph.
        title: Optional caption drawn above the plot.
    """

    nodes: list[PlotNode]
    edges: list[PlotEdge]
    title: str = ""

    def __post_init__(self) -> None:
        """Check id uniqueness and that every edge refers to known nodes."""
        nodes = list(self.nodes)
        edges = list(self.edges)
        seen: set[str] = set()
        for node in nodes:
            if not isinstance(node, PlotNode):
                raise TypeError(f"PlotGraph nodes must be PlotNode instances, got {type(node).__name__}")
            if node.id in seen:
                raise ValueError(f"PlotGraph has duplicate node id {node.id!r}")
            seen.add(node.id)
        for edge in edges:
            if not isinstance(edge, PlotEdge):
                raise TypeError(f"PlotGraph edges must be PlotEdge instances, got {type(edge).__name__}")
            for end in (edge.src, edge.dst):
                if end not in seen:
                    raise ValueError(f"PlotEdge {edge.src!r} -> {edge.dst!r} refers to unknown node {end!r}")
        object.__setattr__(self, "nodes", nodes)
        object.__setattr__(self, "edges", edges)
        object.__setattr__(self, "title", str(self.title))
