"""Contents of node boxes (title + key/value table) and of nested-model cluster boxes."""

from __future__ import annotations

from ._graph import PlotNode
from ._prims import BoxGeom, Key, Part, Rule, TextItem
from ._style import NODE_COLORS, RULE_COLOR, Theme


def block_height(theme: Theme, role: str, n_lines: int) -> float:
    """Height of ``n_lines`` lines of a role's text.

    Args:
        theme: Sizes and fonts.
        role: Text role name.
        n_lines: Number of lines.
    """
    ascent, descent = theme.metrics(role)
    return (n_lines - 1) * theme.line_height(role) + ascent + descent if n_lines else 0.0


def node_part(node: PlotNode, key: Key, scope: Key, theme: Theme) -> Part:
    """Measure a plain node box and lay out its title and key/value table.

    Args:
        node: The node.
        key: Path of ids of the node.
        scope: Path of ids of the enclosing cluster.
        theme: Sizes and fonts.
    """
    px = theme.px
    pad_x, pad_y, row_pad, col_gap = px(12), px(7), px(4), px(14)
    title_lines = theme.wrap(node.title or node.id, "title", px(380))
    title_w = max(theme.text_width(t, "title") for t in title_lines)
    rows = [(theme.wrap(k, "key", px(170)), theme.wrap(v, "value", px(320))) for k, v in node.rows]
    key_w = max((theme.text_width(t, "key") for kl, _ in rows for t in kl), default=0.0)
    val_w = max((theme.text_width(t, "value") for _, vl in rows for t in vl), default=0.0)
    width = max(px(120), title_w + 2 * pad_x)
    if rows:
        width = max(width, 2 * pad_x + key_w + col_gap + val_w)
    width = float(round(width))
    header_h = 2 * pad_y + block_height(theme, "title", len(title_lines))
    part = Part()
    t_asc = theme.metrics("title")[0]
    for i, line in enumerate(title_lines):
        part.texts.append(TextItem(width / 2, pad_y + t_asc + i * theme.line_height("title"), line, "title", "middle"))
    y = header_h
    border = NODE_COLORS[node.style][1]
    if rows:
        part.rules.append(Rule(0, header_h, width, header_h, border))
        spare = width - (2 * pad_x + key_w + col_gap + val_w)
        key_x = pad_x + spare / 4
        col_x = key_x + key_w + col_gap / 2
        val_x = col_x + col_gap / 2
        b_asc = theme.metrics("key")[0]
        lh = theme.line_height("key")
        for r, (kl, vl) in enumerate(rows):
            if r:
                part.rules.append(Rule(0, y, width, y, RULE_COLOR))
            for i, line in enumerate(kl):
                part.texts.append(TextItem(key_x, y + row_pad + b_asc + i * lh, line, "key"))
            for i, line in enumerate(vl):
                part.texts.append(TextItem(val_x, y + row_pad + b_asc + i * lh, line, "value"))
            y += 2 * row_pad + block_height(theme, "key", max(len(kl), len(vl), 1))
        part.rules.append(Rule(col_x, header_h, col_x, y, RULE_COLOR))
    height = float(round(y if rows else header_h))
    part.boxes.append(BoxGeom(key, scope, 0.0, 0.0, width, height, node.style, header_h))
    part.width, part.height = width, height
    return part


def cluster_part(node: PlotNode, key: Key, scope: Key, theme: Theme, inner: Part) -> Part:
    """Wrap a nested model's laid-out graph in a labelled cluster box.

    Args:
        node: The nested-model node (its title labels the cluster).
        key: Path of ids of the node.
        scope: Path of ids of the enclosing cluster.
        theme: Sizes and fonts.
        inner: The nested graph, already laid out.
    """
    px = theme.px
    pad = px(14)
    title_lines = theme.wrap(node.title or node.id, "cluster", px(380))
    title_w = max(theme.text_width(t, "cluster") for t in title_lines)
    header_h = px(8) + block_height(theme, "cluster", len(title_lines)) + px(10)
    width = float(round(max(inner.width + 2 * pad, title_w + 2 * pad, px(120))))
    height = float(round(header_h + inner.height + pad))
    part = Part(width=width, height=height)
    part.boxes.append(BoxGeom(key, scope, 0.0, 0.0, width, height, "model", header_h, "cluster"))
    asc = theme.metrics("cluster")[0]
    for i, line in enumerate(title_lines):
        part.texts.append(TextItem(pad, px(8) + asc + i * theme.line_height("cluster"), line, "cluster"))
    part.add(inner, (width - inner.width) / 2, header_h)
    return part
