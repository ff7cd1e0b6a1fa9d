"""Dependency-free model plotting engine (layered layout + PNG/SVG/DOT writers).

``kerax.utils.plot_model`` turns a model into a ``PlotGraph`` and calls ``render``.
"""

from __future__ import annotations

import os

from ._dot import to_dot
from ._graph import PlotEdge, PlotGraph, PlotNode
from ._io import write_atomic
from ._layout import Layout, check_acyclic, check_options, compute_layout
from ._png import to_png_bytes
from ._svg import to_svg

__all__ = ["PlotEdge", "PlotGraph", "PlotNode", "render", "render_png_bytes"]

SUPPORTED_FORMATS: tuple[str, ...] = (".png", ".svg", ".dot")


def render_png_bytes(graph: PlotGraph, *, rankdir: str = "TB", dpi: int = 96, expand_nested: bool = False) -> bytes:
    """Lay out and draw a graph, returning PNG bytes (e.g. for notebook display).

    Args:
        graph: The graph to draw.
        rankdir: ``"TB"`` (top to bottom) or ``"LR"`` (left to right).
        dpi: Resolution; 96 gives the reference size, geometry and fonts scale with ``dpi / 96``.
        expand_nested: Draw nested models' graphs inside labelled cluster boxes.
    """
    return to_png_bytes(compute_layout(graph, rankdir=rankdir, dpi=dpi, expand_nested=expand_nested))


def render(
    graph: PlotGraph,
    path: str | os.PathLike[str],
    *,
    rankdir: str = "TB",
    dpi: int = 96,
    expand_nested: bool = False,
) -> bytes:
    """Draw a graph to ``path``; the format follows the extension (``.png``, ``.svg`` or ``.dot``).

    The file is written atomically (temporary file in the same directory, then ``os.replace``).

    Args:
        graph: The graph to draw.
        path: Destination file.
        rankdir: ``"TB"`` (top to bottom) or ``"LR"`` (left to right).
        dpi: Resolution; 96 gives the reference size, geometry and fonts scale with ``dpi / 96``.
        expand_nested: Draw nested models' graphs inside labelled cluster boxes.

    Returns:
        The bytes written (PNG data, or UTF-8 SVG/DOT text).

    Raises:
        ValueError: For an unsupported extension or ``rankdir``, or a cyclic graph.
    """
    if not isinstance(graph, PlotGraph):
        raise TypeError(f"expected a PlotGraph, got {type(graph).__name__}")
    ext = os.path.splitext(os.fspath(path))[1].lower()
    if ext not in SUPPORTED_FORMATS:
        shown = ext or "(none)"
        raise ValueError(
            f"unsupported plot file extension {shown!r} for {os.fspath(path)!r}; "
            f"supported: {', '.join(SUPPORTED_FORMATS)}"
        )
    check_options(rankdir, dpi)
    if ext == ".dot":
        check_acyclic(graph, expand_nested=expand_nested)
        data = to_dot(graph, rankdir=rankdir, dpi=dpi, expand_nested=expand_nested).encode("utf-8")
    else:
        layout: Layout = compute_layout(graph, rankdir=rankdir, dpi=dpi, expand_nested=expand_nested)
        data = to_png_bytes(layout) if ext == ".png" else to_svg(layout).encode("utf-8")
    write_atomic(path, data)
    return data
