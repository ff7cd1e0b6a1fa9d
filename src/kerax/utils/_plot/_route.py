"""Edge geometry helpers: port placement on box sides and S-curves across the free bands."""

from __future__ import annotations

from ._prims import Point


def bezier(p0: Point, p1: Point, samples: int) -> list[Point]:
    """Sample an S-curve between two points that leaves and enters along the ``v`` axis.

    Args:
        p0: Start ``(u, v)``.
        p1: End ``(u, v)``.
        samples: Number of straight pieces.
    """
    (u0, v0), (u1, v1) = p0, p1
    if abs(u1 - u0) < 0.5:
        return [p0, p1]
    c0 = (u0, v0 + (v1 - v0) * 0.5)
    c1 = (u1, v1 - (v1 - v0) * 0.5)
    out = []
    for i in range(samples + 1):
        t = i / samples
        a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t**2, t**3
        out.append((a * u0 + b * c0[0] + c * c1[0] + d * u1, a * v0 + b * c0[1] + c * c1[1] + d * v1))
    return out


def port_offsets(count: int, extent: float, spacing: float, aligned: int | None = None) -> list[float]:
    """Offsets from a side's centre of ``count`` evenly spaced ports.

    Args:
        count: Number of ports.
        extent: Length of the side.
        spacing: Preferred distance between neighbouring ports.
        aligned: Index of a port whose edge runs straight on; it is moved to the centre when the others
            still fit on the side.
    """
    if count <= 1:
        return [0.0] * count
    step = min(spacing, extent * 0.8 / (count - 1))
    offsets = [(k - (count - 1) / 2) * step for k in range(count)]
    if aligned is not None:
        shift = -offsets[aligned]
        if all(abs(o + shift) <= extent * 0.42 for o in offsets):
            offsets = [o + shift for o in offsets]
    return offsets
