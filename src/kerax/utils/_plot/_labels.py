"""Placement of edge labels: try a few spots along each edge and keep the least cluttered one."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ._geom import rects_overlap, segment_hits_rect
from ._style import Theme

Point = tuple[float, float]
Rect = tuple[float, float, float, float]


@dataclass(frozen=True)
class LabelRequest:
    """Where a labelled edge runs, in output pixels.

    Args:
        lines: Wrapped label text.
        exit: Point where the edge leaves its source's layer band.
        mid: Middle of the last free band the edge crosses before its target.
        entry: Point where the edge enters its target's layer band.
        points: The whole routed polyline.
    """

    lines: list[str]
    exit: Point
    mid: Point
    entry: Point
    points: list[Point]


def _along(points: list[Point], fraction: float) -> Point:
    """Point at ``fraction`` of the polyline's arc length."""
    lengths = [math.dist(p, q) for p, q in zip(points, points[1:], strict=False)]
    goal = sum(lengths) * fraction
    for (p, q), seg in zip(zip(points, points[1:], strict=False), lengths, strict=True):
        if goal <= seg and seg > 0:
            f = goal / seg
            return (p[0] + (q[0] - p[0]) * f, p[1] + (q[1] - p[1]) * f)
        goal -= seg
    return points[-1]


def _candidates(req: LabelRequest, w: float, h: float, gap: float, tb: bool) -> list[Rect]:
    """Rectangles (x0, y0, x1, y1) to try for one label, best-looking first."""
    anchors = [req.mid] + [_along(req.points, f) for f in (0.5, 0.35, 0.65, 0.2, 0.8)]
    ex, ey = req.entry
    sx, sy = req.exit
    spots: list[Point] = []
    for x, y in anchors:
        if tb:
            spots += [(x + gap, y - h / 2), (x - gap - w, y - h / 2)]
        else:
            spots += [(x - w / 2, y - gap - h), (x - w / 2, y + gap)]
        if len(spots) == 2:  # right after the preferred spot: next to the arrowhead / the exit
            if tb:
                spots += [
                    (ex + gap, ey - h - 2),
                    (ex - gap - w, ey - h - 2),
                    (sx + gap, sy + 2),
                    (sx - gap - w, sy + 2),
                ]
            else:
                spots += [
                    (ex - 3 - w, ey - gap - h),
                    (ex - 3 - w, ey + gap),
                    (sx + 3, sy - gap - h),
                    (sx + 3, sy + gap),
                ]
    return [(x, y, x + w, y + h) for x, y in spots]


def place_labels(
    requests: list[LabelRequest], boxes: list[Rect], edges: list[list[Point]], theme: Theme, tb: bool
) -> list[tuple[Rect, list[str]]]:
    """Choose a rectangle for every label, avoiding boxes, other labels and edges where possible.

    Args:
        requests: One entry per labelled edge.
        boxes: Rectangles of every box at this level.
        edges: Polylines of every edge at this level.
        theme: Sizes and fonts.
        tb: Whether the flow is top-to-bottom.

    Returns:
        ``(rect, lines)`` per request, in order.
    """
    ascent, descent = theme.metrics("label")
    gap = theme.px(8)
    edge_boxes = [
        (min(p[0] for p in pts), min(p[1] for p in pts), max(p[0] for p in pts), max(p[1] for p in pts))
        for pts in edges
    ]
    placed: list[Rect] = []
    out: list[tuple[Rect, list[str]]] = []
    for req in requests:
        w = max(theme.text_width(t, "label") for t in req.lines)
        h = (len(req.lines) - 1) * theme.line_height("label") + ascent + descent
        best: tuple[float, int, Rect] | None = None
        for rank, rect in enumerate(_candidates(req, w, h, gap, tb)):
            score = 0.0
            score += 100 * sum(rects_overlap(rect, b) for b in boxes)
            score += 50 * sum(rects_overlap(rect, r) for r in placed)
            for pts, eb in zip(edges, edge_boxes, strict=True):
                if not rects_overlap(rect, (eb[0] - 1, eb[1] - 1, eb[2] + 1, eb[3] + 1)):
                    continue
                score += sum(segment_hits_rect(p, q, rect, inset=-1.0) for p, q in zip(pts, pts[1:], strict=False))
            key = (score, rank, rect)
            if best is None or key[:2] < best[:2]:
                best = key
            if score == 0:
                break
        if best is None:  # pragma: no cover - there is always a candidate
            continue
        placed.append(best[2])
        out.append((best[2], req.lines))
    return out
