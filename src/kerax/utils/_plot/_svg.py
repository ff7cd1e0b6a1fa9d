"""Vector renderer: writes a ``Layout`` as a standalone SVG document."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from ._geom import trim_end
from ._prims import BoxGeom, Layout
from ._style import (
    BACKGROUND,
    BODY_FILL,
    CLUSTER_BORDER,
    CLUSTER_FILL,
    EDGE_COLOR,
    FONT_FAMILY_SVG,
    NODE_COLORS,
    TEXT_COLOR,
    TEXT_COLORS,
    clean_text,
)


def _f(value: float) -> str:
    """Compact number formatting."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _header_path(box: BoxGeom, r: float) -> str:
    """Path of a box's header band with rounded top corners."""
    x, y, w, h = box.x, box.y, box.w, box.header_h
    r = min(r, w / 2, h)
    return (
        f"M{_f(x)},{_f(y + h)} L{_f(x)},{_f(y + r)} A{_f(r)},{_f(r)} 0 0 1 {_f(x + r)},{_f(y)} "
        f"L{_f(x + w - r)},{_f(y)} A{_f(r)},{_f(r)} 0 0 1 {_f(x + w)},{_f(y + r)} L{_f(x + w)},{_f(y + h)} Z"
    )


def to_svg(layout: Layout) -> str:
    """Serialise a layout as SVG text.

    Args:
        layout: The computed layout.
    """
    theme = layout.theme
    w, h = _f(layout.width), _f(layout.height)
    r = theme.px(6)
    border_w, edge_w = _f(theme.px(1.25)), _f(theme.px(1.4))
    arrow_len, arrow_half = theme.px(9), theme.px(4.5)
    out: list[str] = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
        f"font-family={quoteattr(FONT_FAMILY_SVG)}>",
        "<defs>",
        f'<marker id="kerax-arrow" viewBox="0 0 10 10" refX="5" refY="5" markerUnits="userSpaceOnUse" '
        f'markerWidth="{_f(arrow_len)}" markerHeight="{_f(2 * arrow_half)}" orient="auto" '
        f'preserveAspectRatio="none"><path d="M0,0 L10,5 L0,10 Z" fill="{EDGE_COLOR}"/></marker>',
        "</defs>",
        f'<rect x="0" y="0" width="{w}" height="{h}" fill="{BACKGROUND}"/>',
    ]
    clusters = sorted((b for b in layout.boxes if b.kind == "cluster"), key=lambda b: len(b.key))
    for box in clusters:
        out.append(
            f'<rect class="cluster" x="{_f(box.x)}" y="{_f(box.y)}" width="{_f(box.w)}" height="{_f(box.h)}" '
            f'rx="{_f(r)}" fill="{CLUSTER_FILL}" stroke="{CLUSTER_BORDER}" stroke-width="{border_w}">'
            f"<title>{escape(clean_text('/'.join(box.key)))}</title></rect>"
        )
    for box in layout.boxes:
        if box.kind != "node":
            continue
        header, border = NODE_COLORS[box.style]
        has_body = box.h - box.header_h > 0.5
        out.append(f'<g class="node {box.style}"><title>{escape(clean_text("/".join(box.key)))}</title>')
        rect = f'x="{_f(box.x)}" y="{_f(box.y)}" width="{_f(box.w)}" height="{_f(box.h)}" rx="{_f(r)}"'
        out.append(f'<rect {rect} fill="{BODY_FILL if has_body else header}"/>')
        if has_body:
            out.append(f'<path d="{_header_path(box, r)}" fill="{header}"/>')
        out.append(f'<rect {rect} fill="none" stroke="{border}" stroke-width="{border_w}"/>')
        out.append("</g>")
    for rule in layout.rules:
        out.append(
            f'<line x1="{_f(rule.x0)}" y1="{_f(rule.y0)}" x2="{_f(rule.x1)}" y2="{_f(rule.y1)}" '
            f'stroke="{rule.color}" stroke-width="{_f(theme.px(1))}"/>'
        )
    for edge in layout.edges:
        pts = trim_end(edge.points, arrow_len * 0.5)
        if len(pts) < 2:
            pts = list(edge.points)
        points = " ".join(f"{_f(x)},{_f(y)}" for x, y in pts)
        out.append(
            f'<polyline class="edge" points="{points}" fill="none" stroke="{EDGE_COLOR}" '
            f'stroke-width="{edge_w}" '
            f'stroke-linejoin="round" marker-end="url(#kerax-arrow)"/>'
        )
    for item in layout.texts:
        weight = ' font-weight="600"' if theme.is_bold(item.role) else ""
        anchor = ' text-anchor="middle"' if item.anchor == "middle" else ""
        fill = TEXT_COLORS.get(item.role, TEXT_COLOR)
        out.append(
            f'<text x="{_f(item.x)}" y="{_f(item.y)}" font-size="{theme.font_px(item.role)}"{weight}{anchor} '
            f'fill="{fill}" xml:space="preserve">{escape(clean_text(item.text))}</text>'
        )
    out.append("</svg>")
    return "\n".join(out) + "\n"
