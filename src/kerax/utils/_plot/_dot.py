"""Graphviz DOT writer, for users who have Graphviz and prefer its renderer."""

from __future__ import annotations

from ._graph import PlotGraph, PlotNode
from ._style import (
    BODY_FILL,
    CLUSTER_BORDER,
    CLUSTER_FILL,
    EDGE_COLOR,
    KEY_COLOR,
    NODE_COLORS,
    clean_text,
)


def quote(text: str) -> str:
    """A DOT double-quoted string.

    Args:
        text: Raw text.
    """
    body = clean_text(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{body}"'


def html(text: str) -> str:
    """Escape text for a DOT HTML-like label (newlines become line breaks).

    Args:
        text: Raw text.
    """
    body = clean_text(text)
    for old, new in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#39;")):
        body = body.replace(old, new)
    return body.replace("\n", '<BR ALIGN="LEFT"/>')


def _node_label(node: PlotNode) -> str:
    """HTML-like table label: a coloured header with the title, then one row per key/value pair."""
    header, border = NODE_COLORS[node.style]
    cells = [
        f'<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="0" CELLPADDING="4" COLOR="{border}" '
        f'BGCOLOR="{BODY_FILL if node.rows else header}" STYLE="ROUNDED">',
        f'<TR><TD COLSPAN="2" BGCOLOR="{header}"><B>{html(node.title or node.id)}</B></TD></TR>',
    ]
    for key, value in node.rows:
        cells.append(
            f'<TR><TD ALIGN="LEFT"><FONT COLOR="{KEY_COLOR}">{html(key)}</FONT></TD>'
            f'<TD ALIGN="LEFT">{html(value)}</TD></TR>'
        )
    cells.append("</TABLE>")
    return "<" + "".join(cells) + ">"


class _Writer:
    """Accumulates DOT statements for a graph and its expanded nested models."""

    def __init__(self, expand_nested: bool) -> None:
        self.expand_nested = expand_nested
        self.lines: list[str] = []
        self.cluster_names: dict[tuple[str, ...], str] = {}

    @staticmethod
    def node_name(scope: tuple[str, ...], node_id: str) -> str:
        """DOT id of a node: its path of ids joined by ``/``."""
        return "/".join((*scope, node_id))

    def expanded(self, node: PlotNode) -> bool:
        """Whether a node is drawn as a cluster."""
        return self.expand_nested and node.children is not None and bool(node.children.nodes)

    def anchor(self, scope: tuple[str, ...], node: PlotNode, entry: bool) -> tuple[str, str]:
        """Concrete node an edge should attach to, plus the cluster name (or '')."""
        if not self.expanded(node) or node.children is None:
            return self.node_name(scope, node.id), ""
        inner = node.children
        inner_scope = (*scope, node.id)
        ends = {e.dst for e in inner.edges} if entry else {e.src for e in inner.edges}
        candidates = [n for n in inner.nodes if n.id not in ends] or inner.nodes
        pick = candidates[0] if entry else candidates[-1]
        name, _ = self.anchor(inner_scope, pick, entry)
        return name, self.cluster_names[inner_scope]

    def emit(self, graph: PlotGraph, scope: tuple[str, ...], indent: str) -> None:
        """Write the nodes and edges of one graph level."""
        for node in graph.nodes:
            if self.expanded(node) and node.children is not None:
                inner_scope = (*scope, node.id)
                name = self.cluster_names[inner_scope]
                self.lines.append(f"{indent}subgraph {quote(name)} {{")
                self.lines.append(
                    f"{indent}  label=<<B>{html(node.title or node.id)}</B>>; "
                    'labeljust="l"; style="rounded,filled"; '
                    f'fillcolor="{CLUSTER_FILL}"; color="{CLUSTER_BORDER}"; fontcolor="{CLUSTER_BORDER}";'
                )
                self.emit(node.children, inner_scope, indent + "  ")
                self.lines.append(f"{indent}}}")
            else:
                self.lines.append(f"{indent}{quote(self.node_name(scope, node.id))} [label={_node_label(node)}];")
        by_id = {n.id: n for n in graph.nodes}
        for edge in graph.edges:
            src, ltail = self.anchor(scope, by_id[edge.src], entry=False)
            dst, lhead = self.anchor(scope, by_id[edge.dst], entry=True)
            attrs = []
            if edge.label:
                attrs.append(f"label={quote(edge.label)}")
            if ltail:
                attrs.append(f"ltail={quote(ltail)}")
            if lhead:
                attrs.append(f"lhead={quote(lhead)}")
            suffix = f" [{', '.join(attrs)}]" if attrs else ""
            self.lines.append(f"{indent}{quote(src)} -> {quote(dst)}{suffix};")

    def name_clusters(self, graph: PlotGraph, scope: tuple[str, ...]) -> None:
        """Give every expanded nested model a unique ``cluster_N`` name."""
        for node in graph.nodes:
            if self.expanded(node) and node.children is not None:
                inner_scope = (*scope, node.id)
                self.cluster_names[inner_scope] = f"cluster_{len(self.cluster_names)}"
                self.name_clusters(node.children, inner_scope)


def to_dot(graph: PlotGraph, *, rankdir: str = "TB", dpi: int = 96, expand_nested: bool = False) -> str:
    """Serialise a graph as Graphviz DOT text.

    Args:
        graph: The graph.
        rankdir: ``"TB"`` or ``"LR"``.
        dpi: Resolution hint for Graphviz raster output.
        expand_nested: Emit nested models as clusters.
    """
    writer = _Writer(expand_nested)
    writer.name_clusters(graph, ())
    name = graph.title or "model"
    head = [
        f"digraph {quote(name)} {{",
        f"  graph [rankdir={rankdir}, dpi={int(dpi)}, compound=true, nodesep=0.35, ranksep=0.45"
        + ', fontname="Helvetica"'
        + (f", label={quote(graph.title)}, labelloc=t" if graph.title else "")
        + "];",
        '  node [shape=plaintext, fontname="Helvetica", fontsize=11, margin=0];',
        f'  edge [color="{EDGE_COLOR}", arrowsize=0.7, fontname="Helvetica", fontsize=10];',
    ]
    writer.emit(graph, (), "  ")
    return "\n".join([*head, *writer.lines, "}"]) + "\n"
