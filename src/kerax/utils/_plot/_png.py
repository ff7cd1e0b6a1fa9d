"""Raster renderer: draws a ``Layout`` with Pillow.

Shapes are drawn 3x supersampled tile by tile (so memory stays bounded for huge models) and box-filtered
down, which antialiases lines, curves and rounded corners; text is then drawn at native resolution with
FreeType's own antialiasing so glyphs stay crisp.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from PIL import Image, ImageDraw, ImageFont

from ._geom import trim_end
from ._prims import Layout
from ._style import (
    BACKGROUND,
    BODY_FILL,
    CLUSTER_BORDER,
    CLUSTER_FILL,
    EDGE_COLOR,
    NODE_COLORS,
    TEXT_COLOR,
    TEXT_COLORS,
)

SUPERSAMPLE = 3
_TILE_PIXELS = 24_000_000  # supersampled pixels per tile
_TILE_WIDTH = 4096  # output pixels

Transform = Callable[[float, float], tuple[float, float]]
Shape = tuple[tuple[float, float, float, float], Callable[[ImageDraw.ImageDraw, Transform], None]]


def _shapes(layout: Layout, ss: int) -> list[Shape]:
    """Every non-text primitive with its bounding box, in drawing order."""
    theme = layout.theme
    radius = max(1, round(theme.px(6) * ss))
    border_w = max(1, round(theme.px(1.25) * ss))
    rule_w = max(1, round(theme.px(1.0) * ss))
    edge_w = max(1, round(theme.px(1.4) * ss))
    arrow_len = theme.px(9)
    shapes: list[Shape] = []
    pad = theme.px(3)

    def grow(x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        return (min(x0, x1) - pad, min(y0, y1) - pad, max(x0, x1) + pad, max(y0, y1) + pad)

    for box in sorted((b for b in layout.boxes if b.kind == "cluster"), key=lambda b: len(b.key)):

        def cluster(d: ImageDraw.ImageDraw, s: Transform, b=box) -> None:
            d.rounded_rectangle(
                (*s(b.x, b.y), *s(b.x1, b.y1)),
                radius,
                fill=CLUSTER_FILL,
                outline=CLUSTER_BORDER,
                width=border_w,
            )

        shapes.append((grow(box.x, box.y, box.x1, box.y1), cluster))
    for box in layout.boxes:
        if box.kind != "node":
            continue

        def node(d: ImageDraw.ImageDraw, s: Transform, b=box) -> None:
            header, border = NODE_COLORS[b.style]
            has_body = b.h - b.header_h > 0.5
            d.rounded_rectangle((*s(b.x, b.y), *s(b.x1, b.y1)), radius, fill=BODY_FILL if has_body else header)
            if has_body:
                d.rounded_rectangle(
                    (*s(b.x, b.y), *s(b.x1, b.y + b.header_h)),
                    radius,
                    fill=header,
                    corners=(True, True, False, False),
                )

        shapes.append((grow(box.x, box.y, box.x1, box.y1), node))
    for rule in layout.rules:

        def line(d: ImageDraw.ImageDraw, s: Transform, r=rule) -> None:
            d.line((*s(r.x0, r.y0), *s(r.x1, r.y1)), fill=r.color, width=rule_w)

        shapes.append((grow(rule.x0, rule.y0, rule.x1, rule.y1), line))
    for box in layout.boxes:
        if box.kind != "node":
            continue

        def outline(d: ImageDraw.ImageDraw, s: Transform, b=box) -> None:
            d.rounded_rectangle((*s(b.x, b.y), *s(b.x1, b.y1)), radius, outline=NODE_COLORS[b.style][1], width=border_w)

        shapes.append((grow(box.x, box.y, box.x1, box.y1), outline))
    for edge in layout.edges:
        pts = trim_end(edge.points, arrow_len * 0.5)
        xs = [p[0] for p in edge.points]
        ys = [p[1] for p in edge.points]

        def polyline(d: ImageDraw.ImageDraw, s: Transform, pts=pts, arrow=edge.arrow) -> None:
            if len(pts) >= 2:
                d.line([s(x, y) for x, y in pts], fill=EDGE_COLOR, width=edge_w, joint="curve")
            d.polygon([s(x, y) for x, y in arrow], fill=EDGE_COLOR)

        shapes.append((grow(min(xs), min(ys), max(xs), max(ys)), polyline))
    return shapes


def draw_layout(layout: Layout) -> Image.Image:
    """Draw a layout onto a new RGB image.

    Args:
        layout: The computed layout.
    """
    width, height = max(1, int(layout.width)), max(1, int(layout.height))
    ss = SUPERSAMPLE
    image = Image.new("RGB", (width, height), BACKGROUND)
    shapes = _shapes(layout, ss)
    tile_w = min(width, _TILE_WIDTH)
    tile_h = max(1, min(height, _TILE_PIXELS // (tile_w * ss * ss)))
    for top in range(0, height, tile_h):
        th = min(tile_h, height - top)
        for left in range(0, width, tile_w):
            tw = min(tile_w, width - left)
            visible = [
                fn for (x0, y0, x1, y1), fn in shapes if x0 <= left + tw and x1 >= left and y0 <= top + th and y1 >= top
            ]
            if not visible:
                continue
            canvas = Image.new("RGB", (tw * ss, th * ss), BACKGROUND)
            draw = ImageDraw.Draw(canvas)

            def s(x: float, y: float, ox: int = left, oy: int = top) -> tuple[float, float]:
                return ((x - ox) * ss, (y - oy) * ss)

            for fn in visible:
                fn(draw, s)
            image.paste(canvas.reduce(ss), (left, top))
    _draw_texts(image, layout)
    return image


def _draw_texts(image: Image.Image, layout: Layout) -> None:
    """Draw all text at native resolution so glyph hinting stays crisp."""
    theme = layout.theme
    draw = ImageDraw.Draw(image)
    for item in layout.texts:
        font = theme.font_for(item.role)
        fill = TEXT_COLORS.get(item.role, TEXT_COLOR)
        if isinstance(font, ImageFont.FreeTypeFont):
            anchor = "ms" if item.anchor == "middle" else "ls"
            if theme.is_bold(item.role):
                stroke = theme.bold_stroke
                draw.text(
                    (item.x, item.y),
                    item.text,
                    font=font,
                    fill=fill,
                    anchor=anchor,
                    stroke_width=stroke,
                    stroke_fill=fill,
                )
            else:
                draw.text((item.x, item.y), item.text, font=font, fill=fill, anchor=anchor)
        else:  # bitmap fallback font: no anchors
            left = item.x - (theme.text_width(item.text, item.role) / 2 if item.anchor == "middle" else 0)
            draw.text((left, item.y - theme.metrics(item.role)[0]), item.text, font=font, fill=fill)


def to_png_bytes(layout: Layout) -> bytes:
    """Encode a layout as PNG bytes (with the layout's dpi recorded in the file).

    Args:
        layout: The computed layout.
    """
    image = draw_layout(layout)
    buf = io.BytesIO()
    dpi = layout.theme.dpi
    image.save(buf, format="PNG", dpi=(dpi, dpi), compress_level=4)
    return buf.getvalue()
