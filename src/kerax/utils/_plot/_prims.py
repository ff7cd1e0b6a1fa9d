"""Geometry primitives produced by the layout and consumed by the renderers (all in output pixels)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ._style import Theme

Point = tuple[float, float]
Key = tuple[str, ...]


@dataclass(frozen=True)
class TextItem:
    """One line of text; ``y`` is the baseline, ``anchor`` is ``"start"`` or ``"middle"``."""

    x: float
    y: float
    text: str
    role: str
    anchor: str = "start"

    def moved(self, dx: float, dy: float) -> TextItem:
        """Return a translated copy."""
        return TextItem(self.x + dx, self.y + dy, self.text, self.role, self.anchor)


@dataclass(frozen=True)
class Rule:
    """A thin straight line inside a box (table separators)."""

    x0: float
    y0: float
    x1: float
    y1: float
    color: str

    def moved(self, dx: float, dy: float) -> Rule:
        """Return a translated copy."""
        return Rule(self.x0 + dx, self.y0 + dy, self.x1 + dx, self.y1 + dy, self.color)


@dataclass(frozen=True)
class BoxGeom:
    """A node box (``kind="node"``) or a nested-model cluster (``kind="cluster"``), top-left anchored.

    ``key`` is the path of node ids from the top graph; ``scope`` is the key of the enclosing cluster.
    """

    key: Key
    scope: Key
    x: float
    y: float
    w: float
    h: float
    style: str
    header_h: float
    kind: str = "node"

    @property
    def x1(self) -> float:
        """Right edge."""
        return self.x + self.w

    @property
    def y1(self) -> float:
        """Bottom edge."""
        return self.y + self.h

    def moved(self, dx: float, dy: float) -> BoxGeom:
        """Return a translated copy."""
        return BoxGeom(
            self.key,
            self.scope,
            self.x + dx,
            self.y + dy,
            self.w,
            self.h,
            self.style,
            self.header_h,
            self.kind,
        )


@dataclass(frozen=True)
class EdgeGeom:
    """A routed edge: polyline from the source border to the target border, plus its arrowhead."""

    src: Key
    dst: Key
    scope: Key
    points: tuple[Point, ...]
    arrow: tuple[Point, Point, Point]
    label: str = ""

    def moved(self, dx: float, dy: float) -> EdgeGeom:
        """Return a translated copy."""
        pts = tuple((x + dx, y + dy) for x, y in self.points)
        arrow = tuple((x + dx, y + dy) for x, y in self.arrow)
        return EdgeGeom(self.src, self.dst, self.scope, pts, arrow, self.label)  # type: ignore[arg-type]


@dataclass
class Layout:
    """Everything a renderer needs, in output pixels."""

    width: float
    height: float
    theme: Theme
    rankdir: str
    boxes: list[BoxGeom] = field(default_factory=list)
    edges: list[EdgeGeom] = field(default_factory=list)
    texts: list[TextItem] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)

    def box(self, key: Key) -> BoxGeom:
        """Box with the given key.

        Args:
            key: Path of node ids.
        """
        for b in self.boxes:
            if b.key == key:
                return b
        raise KeyError(key)


@dataclass
class Part:
    """A laid-out (sub)graph whose content starts at (0, 0)."""

    width: float = 0.0
    height: float = 0.0
    boxes: list[BoxGeom] = field(default_factory=list)
    edges: list[EdgeGeom] = field(default_factory=list)
    texts: list[TextItem] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)

    def add(self, other: Part, dx: float, dy: float) -> None:
        """Append a translated copy of another part."""
        self.boxes.extend(b.moved(dx, dy) for b in other.boxes)
        self.edges.extend(e.moved(dx, dy) for e in other.edges)
        self.texts.extend(t.moved(dx, dy) for t in other.texts)
        self.rules.extend(r.moved(dx, dy) for r in other.rules)
