"""Small geometry helpers shared by the renderers and the tests."""

from __future__ import annotations

import math

Point = tuple[float, float]


def trim_end(points: tuple[Point, ...] | list[Point], amount: float) -> list[Point]:
    """Shorten a polyline at its end by ``amount`` pixels of arc length (so an arrowhead can cap it).

    Args:
        points: Polyline vertices.
        amount: Length to remove from the end.
    """
    pts = list(points)
    while len(pts) >= 2 and amount > 0:
        (x0, y0), (x1, y1) = pts[-2], pts[-1]
        seg = math.hypot(x1 - x0, y1 - y0)
        if seg > amount:
            f = (seg - amount) / seg
            pts[-1] = (x0 + (x1 - x0) * f, y0 + (y1 - y0) * f)
            return pts
        amount -= seg
        pts.pop()
    return pts


def segment_hits_rect(p: Point, q: Point, rect: tuple[float, float, float, float], inset: float = 0.5) -> bool:
    """Whether segment ``p``-``q`` passes through the interior of ``rect`` shrunk by ``inset``.

    Args:
        p: Segment start.
        q: Segment end.
        rect: ``(x0, y0, x1, y1)``.
        inset: Tolerance; touching the border is allowed.
    """
    x0, y0, x1, y1 = rect[0] + inset, rect[1] + inset, rect[2] - inset, rect[3] - inset
    if x0 >= x1 or y0 >= y1:
        return False
    # Liang-Barsky clipping
    dx, dy = q[0] - p[0], q[1] - p[1]
    t0, t1 = 0.0, 1.0
    for pk, qk in ((-dx, p[0] - x0), (dx, x1 - p[0]), (-dy, p[1] - y0), (dy, y1 - p[1])):
        if pk == 0:
            if qk < 0:
                return False
            continue
        t = qk / pk
        if pk < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return False
    return True


def rects_overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    """Whether two ``(x0, y0, x1, y1)`` rectangles share interior area.

    Args:
        a: First rectangle.
        b: Second rectangle.
    """
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
