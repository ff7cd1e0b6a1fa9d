"""Layered (Sugiyama-style) layout of a ``PlotGraph`` into boxes, text and routed edges.

The layout is computed in "rank space" (``u`` across layers' order, ``v`` along the flow) and then
mapped to pixels: top-to-bottom uses ``(x, y) = (u, v)``, left-to-right uses ``(x, y) = (v, u)``.
Edges leave a box perpendicular to its outgoing side, cross the free band between two layers as a
smooth S-curve, run straight through each layer along a reserved dummy lane, and enter the target
perpendicular to its incoming side, so they never cross a box.
"""

from __future__ import annotations

from ._boxes import block_height, cluster_part, node_part
from ._coords import assign_positions
from ._graph import PlotGraph
from ._labels import LabelRequest, place_labels
from ._order import assign_layers, build_layered, reduce_crossings
from ._prims import BoxGeom, EdgeGeom, Key, Layout, Part, Point, Rule, TextItem
from ._route import bezier, port_offsets
from ._style import Theme

__all__ = [
    "RANKDIRS",
    "BoxGeom",
    "EdgeGeom",
    "Layout",
    "Rule",
    "TextItem",
    "check_acyclic",
    "check_options",
    "compute_layout",
]

RANKDIRS: tuple[str, ...] = ("TB", "LR")


def _cycle_error(graph: PlotGraph, scope: Key, cycle: list[int]) -> ValueError:
    """A readable error naming the nodes of a cycle."""
    ids = [graph.nodes[i].id for i in cycle]
    where = f" inside {'/'.join(scope)!r}" if scope else ""
    path = " -> ".join(repr(c) for c in [*ids, ids[0]])
    return ValueError(f"cannot plot a graph with a cycle{where}: {path}")


def check_acyclic(graph: PlotGraph, *, expand_nested: bool = False, scope: Key = ()) -> None:
    """Raise ValueError if the graph (or, when expanded, a nested graph) has a cycle.

    Args:
        graph: The graph to check.
        expand_nested: Also check nested models' graphs.
        scope: Path of enclosing node ids (for the error message).
    """
    index = {node.id: i for i, node in enumerate(graph.nodes)}
    try:
        assign_layers(len(graph.nodes), [(index[e.src], index[e.dst]) for e in graph.edges])
    except ValueError as exc:
        raise _cycle_error(graph, scope, exc.args[1]) from None
    if expand_nested:
        for node in graph.nodes:
            if node.children is not None:
                check_acyclic(node.children, expand_nested=True, scope=(*scope, node.id))


def _graph_part(graph: PlotGraph, scope: Key, theme: Theme, rankdir: str, expand: bool) -> Part:
    """Lay out one graph level (recursing into expanded nested models)."""
    px = theme.px
    nodes = graph.nodes
    n = len(nodes)
    part = Part()
    if n == 0:
        return part
    index = {node.id: i for i, node in enumerate(nodes)}
    pairs = [(index[e.src], index[e.dst]) for e in graph.edges]
    parts: list[Part] = []
    for node in nodes:
        key = (*scope, node.id)
        if expand and node.children is not None and node.children.nodes:
            inner = _graph_part(node.children, key, theme, rankdir, True)
            parts.append(cluster_part(node, key, scope, theme, inner))
        else:
            parts.append(node_part(node, key, scope, theme))
    try:
        lg = build_layered(n, pairs)
    except ValueError as exc:
        raise _cycle_error(graph, scope, exc.args[1]) from None
    reduce_crossings(lg)
    tb = rankdir == "TB"
    ext_u = [p.width if tb else p.height for p in parts]
    ext_v = [p.height if tb else p.width for p in parts]
    lane = px(4)
    extent = ext_u + [lane] * (len(lg.layer) - n)
    u = assign_positions(lg, extent, gap_real=px(28), gap_dummy=px(14))
    n_layers = len(lg.layers)

    # ports: outgoing sorted by where the edge goes next, incoming by where it comes from
    spacing = px(14)
    out_off = [0.0] * len(lg.chains)
    in_off = [0.0] * len(lg.chains)
    outs: list[list[int]] = [[] for _ in range(n)]
    ins: list[list[int]] = [[] for _ in range(n)]
    for ci, chain in enumerate(lg.chains):
        outs[chain[0]].append(ci)
        ins[chain[-1]].append(ci)

    def straight(order: list[int], at: int, node: int) -> int | None:
        """Index in ``order`` of the first edge whose neighbouring item is exactly in line with ``node``."""
        for k, ci in enumerate(order):
            if abs(u[lg.chains[ci][at]] - u[node]) < 0.5:
                return k
        return None

    for i in range(n):
        order = sorted(outs[i], key=lambda ci: (u[lg.chains[ci][1]], ci))
        offsets = port_offsets(len(order), ext_u[i], spacing, straight(order, 1, i))
        for ci, off in zip(order, offsets, strict=True):
            out_off[ci] = off
    for i in range(n):

        def came_from(ci: int) -> tuple[float, int]:
            prev = lg.chains[ci][-2]
            return (u[prev] + (out_off[ci] if prev < n else 0.0), ci)

        order = sorted(ins[i], key=came_from)
        aligned = None
        for k, ci in enumerate(order):
            if abs(came_from(ci)[0] - u[i]) < 0.5:
                aligned = k
                break
        for ci, off in zip(order, port_offsets(len(order), ext_u[i], spacing, aligned), strict=True):
            in_off[ci] = off

    # bands along v: each layer is as thick as its thickest box; gaps grow with sideways travel and labels
    thick = [0.0] * n_layers
    for i in range(n):
        thick[lg.layer[i]] = max(thick[lg.layer[i]], ext_v[i])
    travel = [0.0] * max(n_layers - 1, 0)
    label_room = [0.0] * max(n_layers - 1, 0)
    for ci, chain in enumerate(lg.chains):
        for k, (a, b) in enumerate(zip(chain, chain[1:], strict=False)):
            ua = u[a] + (out_off[ci] if k == 0 else 0.0)
            ub = u[b] + (in_off[ci] if k == len(chain) - 2 else 0.0)
            travel[lg.layer[a]] = max(travel[lg.layer[a]], abs(ub - ua))
        label = graph.edges[ci].label
        if label:
            li = lg.layer[chain[-2]]
            lines = theme.wrap(label, "label", px(220))
            if tb:
                need = block_height(theme, "label", len(lines)) + px(16)
            else:
                need = max(theme.text_width(t, "label") for t in lines) + px(24)
            label_room[li] = max(label_room[li], need)
    rank_sep = px(40)
    top = [0.0] * n_layers
    pos = 0.0
    for li in range(n_layers):
        top[li] = pos
        pos += thick[li]
        if li < n_layers - 1:
            gap = max(rank_sep, min(travel[li] * 0.25, rank_sep * 2.5))
            pos += max(gap, label_room[li])
    bottom = [top[li] + thick[li] for li in range(n_layers)]
    center_v = [top[lg.layer[i]] + thick[lg.layer[i]] / 2 for i in range(n)]

    def to_xy(p: Point) -> Point:
        return (p[0], p[1]) if tb else (p[1], p[0])

    raw_boxes: list[tuple[float, float]] = []
    for i in range(n):
        cx, cy = to_xy((u[i], center_v[i]))
        raw_boxes.append((cx - parts[i].width / 2, cy - parts[i].height / 2))

    arrow_len, arrow_half = px(9), px(4.5)
    edges: list[EdgeGeom] = []
    requests: list[LabelRequest] = []
    for ci, chain in enumerate(lg.chains):
        s, t = chain[0], chain[-1]
        us = u[s] + out_off[ci]
        pts: list[Point] = [(us, center_v[s] + ext_v[s] / 2), (us, bottom[lg.layer[s]])]
        label_mid: Point = pts[-1]
        entry: Point = pts[-1]
        for item in chain[1:]:
            prev_u, prev_v = pts[-1]
            li = lg.layer[item]
            if item >= n:
                target = (u[item], top[li])
                pts.extend(bezier((prev_u, prev_v), target, 16)[1:])
                pts.append((u[item], bottom[li]))
            else:
                ut = u[item] + in_off[ci]
                pts.extend(bezier((prev_u, prev_v), (ut, top[li]), 16)[1:])
                entry = (ut, top[li])
                pts.append((ut, center_v[item] - ext_v[item] / 2))
                label_mid = ((prev_u + ut) / 2, (prev_v + top[li]) / 2)
        clean: list[Point] = []
        for p in pts:
            if not clean or abs(p[0] - clean[-1][0]) > 1e-9 or abs(p[1] - clean[-1][1]) > 1e-9:
                clean.append(p)
        tip_u, tip_v = clean[-1]
        arrow = (
            to_xy((tip_u, tip_v)),
            to_xy((tip_u - arrow_half, tip_v - arrow_len)),
            to_xy((tip_u + arrow_half, tip_v - arrow_len)),
        )
        edge = graph.edges[ci]
        edges.append(
            EdgeGeom(
                (*scope, nodes[s].id),
                (*scope, nodes[t].id),
                scope,
                tuple(to_xy(p) for p in clean),
                arrow,
                edge.label,
            )
        )
        if edge.label:
            lines = theme.wrap(edge.label, "label", px(220))
            requests.append(
                LabelRequest(
                    lines,
                    to_xy((us, bottom[lg.layer[s]])),
                    to_xy(label_mid),
                    to_xy(entry),
                    list(edges[-1].points),
                )
            )
    label_texts: list[TextItem] = []
    if requests:
        rects = [(bx, by, bx + parts[i].width, by + parts[i].height) for i, (bx, by) in enumerate(raw_boxes)]
        asc = theme.metrics("label")[0]
        lh = theme.line_height("label")
        for (x0, y0, _, _), lines in place_labels(requests, rects, [list(e.points) for e in edges], theme, tb):
            for j, line in enumerate(lines):
                label_texts.append(TextItem(x0, y0 + asc + j * lh, line, "label"))

    # normalise so the content starts at (0, 0)
    xs: list[float] = []
    ys: list[float] = []
    for i in range(n):
        bx, by = raw_boxes[i]
        xs += [bx, bx + parts[i].width]
        ys += [by, by + parts[i].height]
    for e in edges:
        xs += [p[0] for p in e.points + e.arrow]
        ys += [p[1] for p in e.points + e.arrow]
    for tx in label_texts:
        w = theme.text_width(tx.text, "label")
        left = tx.x - (w / 2 if tx.anchor == "middle" else 0.0)
        xs += [left, left + w]
        ys += [tx.y - theme.metrics("label")[0], tx.y + theme.metrics("label")[1]]
    dx, dy = -min(xs), -min(ys)
    for i in range(n):
        part.add(parts[i], raw_boxes[i][0] + dx, raw_boxes[i][1] + dy)
    part.edges.extend(e.moved(dx, dy) for e in edges)
    part.texts.extend(t.moved(dx, dy) for t in label_texts)
    part.width, part.height = max(xs) + dx, max(ys) + dy
    return part


def check_options(rankdir: str, dpi: float) -> None:
    """Validate the drawing options shared by every output format.

    Args:
        rankdir: Must be ``"TB"`` or ``"LR"``.
        dpi: Must be a number in ``[1, 2400]``.
    """
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {RANKDIRS}, got {rankdir!r}")
    if isinstance(dpi, bool) or not isinstance(dpi, int | float) or not 1 <= dpi <= 2400:
        raise ValueError(f"dpi must be a number between 1 and 2400, got {dpi!r}")


def compute_layout(graph: PlotGraph, *, rankdir: str = "TB", dpi: int = 96, expand_nested: bool = False) -> Layout:
    """Lay out a graph for drawing.

    Args:
        graph: The graph to draw.
        rankdir: ``"TB"`` (top to bottom) or ``"LR"`` (left to right).
        dpi: Output resolution; sizes scale with ``dpi / 96``.
        expand_nested: Draw nested models' graphs inside cluster boxes.

    Raises:
        ValueError: For an unknown ``rankdir``, a non-positive ``dpi`` or a cyclic graph.
    """
    check_options(rankdir, dpi)
    if not isinstance(graph, PlotGraph):
        raise TypeError(f"expected a PlotGraph, got {type(graph).__name__}")
    theme = Theme(dpi=int(dpi))
    body = _graph_part(graph, (), theme, rankdir, expand_nested)
    margin = theme.px(16)
    layout = Layout(width=0.0, height=0.0, theme=theme, rankdir=rankdir)
    title_h = 0.0
    title_w = 0.0
    lines: list[str] = []
    if graph.title:
        lines = theme.wrap(graph.title, "graph_title", theme.px(600))
        title_w = max(theme.text_width(t, "graph_title") for t in lines)
        title_h = block_height(theme, "graph_title", len(lines)) + theme.px(14)
    width = max(body.width, title_w) + 2 * margin
    if lines:
        asc = theme.metrics("graph_title")[0]
        for i, line in enumerate(lines):
            y = margin + asc + i * theme.line_height("graph_title")
            if rankdir == "TB":
                layout.texts.append(TextItem(width / 2, y, line, "graph_title", "middle"))
            else:  # a wide left-to-right plot reads from the left edge
                layout.texts.append(TextItem(margin, y, line, "graph_title"))
    offset_x = margin + (width - 2 * margin - body.width) / 2
    holder = Part()
    holder.add(body, offset_x, margin + title_h)
    layout.boxes, layout.edges = holder.boxes, holder.edges
    layout.texts.extend(holder.texts)
    layout.rules = holder.rules
    layout.width = float(int(width + 0.999))
    layout.height = float(int(body.height + title_h + 2 * margin + 0.999))
    return layout
