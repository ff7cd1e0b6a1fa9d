"""Tests for the dependency-free plotting engine behind ``kerax.utils.plot_model``."""

from __future__ import annotations

import io
import os
import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from kerax.utils._plot import PlotEdge, PlotGraph, PlotNode, render, render_png_bytes
from kerax.utils._plot._dot import to_dot
from kerax.utils._plot._geom import rects_overlap, segment_hits_rect
from kerax.utils._plot._layout import Layout, compute_layout

# ----------------------------------------------------------------------------- graph builders


def chain(n: int = 5) -> PlotGraph:
    nodes = [PlotNode("input", "input_layer (InputLayer)", [("Output shape", "(None, 32)")], "input")]
    widths = ["(None, 64)", "(None, 128)", "(None, 10)", "(None, 10)"]
    for i in range(1, n):
        nodes.append(PlotNode(f"d{i}", f"dense_{i} (Dense)", [("Output shape", widths[(i - 1) % 4])]))
    edges = [PlotEdge(nodes[i].id, nodes[i + 1].id) for i in range(n - 1)]
    return PlotGraph(nodes, edges)


def diamond() -> PlotGraph:
    nodes = [
        PlotNode("x", "input (InputLayer)", [("Output shape", "(None, 16)")], "input"),
        PlotNode("a", "dense_a (Dense)", [("Output shape", "(None, 8)"), ("Activation", "relu")]),
        PlotNode("b", "dense_b (Dense)", [("Output shape", "(None, 8)")]),
        PlotNode("add", "add (Add)", [("Output shape", "(None, 8)")], "op"),
    ]
    edges = [PlotEdge("x", "a"), PlotEdge("x", "b"), PlotEdge("a", "add"), PlotEdge("b", "add")]
    return PlotGraph(nodes, edges)


def inception() -> PlotGraph:
    """Inception-like: input, then twice [conv-bn-relu-pool, two conv-bn-relu branches, concat], then a head.

    The head is conv-bn-relu-gap-dense-dropout-dense: 30 nodes and 31 edges in all.
    """
    nodes: list[PlotNode] = []
    edges: list[PlotEdge] = []

    def add(node_id: str, title: str, shape: str, style: str = "layer", src: str | None = None) -> str:
        nodes.append(PlotNode(node_id, title, [("Output shape", shape)], style))
        if src is not None:
            edges.append(PlotEdge(src, node_id))
        return node_id

    prev = add("input", "input_layer (InputLayer)", "(None, 224, 224, 3)", "input")
    size, ch = 112, 64
    for blk in (1, 2):
        s = f"_{blk}"
        prev = add("conv" + s, f"conv2d{s} (Conv2D)", f"(None, {size}, {size}, {ch})", src=prev)
        prev = add(
            "bn" + s,
            f"batch_normalization{s} (BatchNormalization)",
            f"(None, {size}, {size}, {ch})",
            src=prev,
        )
        prev = add("relu" + s, f"re_lu{s} (ReLU)", f"(None, {size}, {size}, {ch})", src=prev)
        size //= 2
        pool = add("pool" + s, f"max_pooling2d{s} (MaxPooling2D)", f"(None, {size}, {size}, {ch})", src=prev)
        ends = []
        for br in "ab":
            t = s + br
            b = add("bconv" + t, f"conv2d{t} (Conv2D)", f"(None, {size}, {size}, {ch // 2})", src=pool)
            b = add(
                "bbn" + t,
                f"batch_normalization{t} (BatchNormalization)",
                f"(None, {size}, {size}, {ch // 2})",
                src=b,
            )
            ends.append(add("brelu" + t, f"re_lu{t} (ReLU)", f"(None, {size}, {size}, {ch // 2})", src=b))
        prev = add("cat" + s, f"concatenate{s} (Concatenate)", f"(None, {size}, {size}, {ch})", "op")
        edges.extend(PlotEdge(e, prev) for e in ends)
        ch *= 2
    prev = add("conv_3", "conv2d_3 (Conv2D)", f"(None, {size}, {size}, 256)", src=prev)
    prev = add("bn_3", "batch_normalization_3 (BatchNormalization)", f"(None, {size}, {size}, 256)", src=prev)
    prev = add("relu_3", "re_lu_3 (ReLU)", f"(None, {size}, {size}, 256)", src=prev)
    prev = add("gap", "global_average_pooling2d (GlobalAveragePooling2D)", "(None, 256)", src=prev)
    prev = add("dense", "dense (Dense)", "(None, 128)", src=prev)
    prev = add("drop", "dropout (Dropout)", "(None, 128)", src=prev)
    add("out", "dense_1 (Dense)", "(None, 10)", src=prev)
    return PlotGraph(nodes, edges, title="inception_like")


def skip() -> PlotGraph:
    """A chain a..e plus a long edge a -> e spanning 4 layers (dummy lane)."""
    ids = "abcde"
    nodes = [PlotNode(i, f"layer_{i} (Dense)", [("Output shape", "(None, 32)")]) for i in ids]
    edges = [PlotEdge(x, y) for x, y in zip(ids, ids[1:], strict=False)] + [PlotEdge("a", "e", "skip")]
    return PlotGraph(nodes, edges)


def nested() -> PlotGraph:
    inner = PlotGraph(
        [
            PlotNode("input", "inner_input (InputLayer)", [("Output shape", "(None, 8)")], "input"),
            PlotNode("d1", "dense_1 (Dense)", [("Output shape", "(None, 8)")]),
            PlotNode("d2", "dense_2 (Dense)", [("Output shape", "(None, 4)")]),
        ],
        [PlotEdge("input", "d1"), PlotEdge("d1", "d2")],
    )
    nodes = [
        PlotNode("input", "input (InputLayer)", [("Output shape", "(None, 8)")], "input"),
        PlotNode("encoder", "encoder (Sequential)", [("Output shape", "(None, 4)")], "model", children=inner),
        PlotNode("head", "head (Dense)", [("Output shape", "(None, 1)")]),
    ]
    return PlotGraph(nodes, [PlotEdge("input", "encoder"), PlotEdge("encoder", "head")])


# ----------------------------------------------------------------------------- geometry checks


def rect(box) -> tuple[float, float, float, float]:
    return (box.x, box.y, box.x1, box.y1)


def check_geometry(layout: Layout) -> None:
    """No overlapping boxes, nothing outside the canvas, no edge through a box it does not join."""
    boxes = layout.boxes
    for b in boxes:
        assert 0 <= b.x and 0 <= b.y and b.x1 <= layout.width + 1e-6 and b.y1 <= layout.height + 1e-6
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if a.scope == b.scope:
                assert not rects_overlap(rect(a), rect(b)), (a.key, b.key)
    for b in boxes:
        if b.scope:
            parent = layout.box(b.scope)
            assert parent.kind == "cluster"
            assert parent.x <= b.x and b.x1 <= parent.x1 and parent.y + parent.header_h <= b.y and b.y1 <= parent.y1
    for e in layout.edges:
        assert len(e.points) >= 2
        segments = list(zip(e.points, e.points[1:], strict=False))
        arrow = e.arrow
        segments_with_arrow = segments + [(arrow[0], arrow[1]), (arrow[1], arrow[2]), (arrow[2], arrow[0])]
        for b in boxes:
            if b.scope != e.scope:
                continue
            if b.key in (e.src, e.dst):
                # an edge may touch its own end boxes' borders but never cut through them
                for p, q in segments:
                    assert not segment_hits_rect(p, q, rect(b)), (e.src, e.dst, b.key)
            else:
                for p, q in segments_with_arrow:
                    assert not segment_hits_rect(p, q, rect(b)), (e.src, e.dst, "crosses", b.key)
        src, dst = layout.box(e.src), layout.box(e.dst)
        assert on_border(e.points[0], src) and on_border(e.points[-1], dst)


def on_border(p: tuple[float, float], box) -> bool:
    x, y = p
    inside = box.x - 1e-6 <= x <= box.x1 + 1e-6 and box.y - 1e-6 <= y <= box.y1 + 1e-6
    near = min(abs(x - box.x), abs(x - box.x1), abs(y - box.y), abs(y - box.y1)) < 1e-6
    return inside and near


def centre(box) -> tuple[float, float]:
    return (box.x + box.w / 2, box.y + box.h / 2)


# ----------------------------------------------------------------------------- layout tests


def test_chain_is_one_straight_column_tb(tmp_path):
    g = chain(5)
    layout = compute_layout(g)
    check_geometry(layout)
    xs = [centre(layout.box((n.id,)))[0] for n in g.nodes]
    ys = [centre(layout.box((n.id,)))[1] for n in g.nodes]
    assert max(xs) - min(xs) < 1e-6
    assert ys == sorted(ys) and len(set(ys)) == 5
    for e in layout.edges:  # straight vertical edges
        assert {round(p[0], 6) for p in e.points} == {round(xs[0], 6)}
    data = render(g, tmp_path / "chain.png")
    with Image.open(tmp_path / "chain.png") as im:
        assert im.format == "PNG"
        w, h = im.size
    assert 120 <= w <= 500 and 5 * 40 <= h <= 900 and h > w
    assert data == (tmp_path / "chain.png").read_bytes()


def test_chain_lr_orientation():
    g = chain(5)
    layout = compute_layout(g, rankdir="LR")
    check_geometry(layout)
    cs = [centre(layout.box((n.id,))) for n in g.nodes]
    assert max(c[1] for c in cs) - min(c[1] for c in cs) < 1e-6
    assert [c[0] for c in cs] == sorted(c[0] for c in cs)
    assert layout.width > layout.height
    # edges leave the right side and enter the left side
    for e in layout.edges:
        assert abs(e.points[0][0] - layout.box(e.src).x1) < 1e-6
        assert abs(e.points[-1][0] - layout.box(e.dst).x) < 1e-6


def test_diamond_branches_side_by_side():
    layout = compute_layout(diamond())
    check_geometry(layout)
    x, a, b, add = (centre(layout.box((k,))) for k in ("x", "a", "b", "add"))
    assert a[1] == b[1] and a[0] != b[0]
    assert x[1] < a[1] < add[1]
    left, right = sorted((a[0], b[0]))
    assert left < x[0] < right and left < add[0] < right
    # the two outgoing edges of "x" start at different points and end in different boxes
    outs = [e for e in layout.edges if e.src == ("x",)]
    assert len(outs) == 2 and outs[0].points[0] != outs[1].points[0]


def test_inception_layout_and_png(tmp_path):
    g = inception()
    assert len(g.nodes) == 30 and len(g.edges) == 31
    for rankdir in ("TB", "LR"):
        layout = compute_layout(g, rankdir=rankdir)
        check_geometry(layout)
        if rankdir == "TB":
            assert layout.height > 3 * layout.width
        else:
            assert layout.width > 3 * layout.height
        # branches: conv/bn/relu of one branch share a column, the two branches do not
        for blk in ("_1", "_2"):
            cols = []
            for br in "ab":
                keys = [(p + blk + br,) for p in ("bconv", "bbn", "brelu")]
                axis = 0 if rankdir == "TB" else 1
                vals = [centre(layout.box(k))[axis] for k in keys]
                assert max(vals) - min(vals) < 1e-6
                cols.append(vals[0])
            assert cols[0] != cols[1]
    out = tmp_path / "inception.png"
    render(g, out)
    with Image.open(out) as im:
        im.load()
        w, h = im.size
        assert im.mode == "RGB" and 300 < w < 1500 and 1500 < h < 5000
        # antialiased: more than a handful of distinct colours
        assert len(im.getcolors(maxcolors=1 << 20) or []) > 50


def test_long_skip_edge_routes_around_boxes():
    g = skip()
    for rankdir in ("TB", "LR"):
        layout = compute_layout(g, rankdir=rankdir)
        check_geometry(layout)
        long = next(e for e in layout.edges if e.src == ("a",) and e.dst == ("e",))
        assert len(long.points) > 10
        # the inner chain b-c-d stays one straight column
        axis = 0 if rankdir == "TB" else 1
        vals = [centre(layout.box((k,)))[axis] for k in "bcd"]
        assert max(vals) - min(vals) < 1e-6
        starts = {e.points[0] for e in layout.edges if e.src == ("a",)}
        assert len(starts) == 2


def test_nested_cluster(tmp_path):
    g = nested()
    flat = compute_layout(g)
    assert len(flat.boxes) == 3 and all(b.kind == "node" for b in flat.boxes)
    for rankdir in ("TB", "LR"):
        layout = compute_layout(g, rankdir=rankdir, expand_nested=True)
        check_geometry(layout)
        cluster = layout.box(("encoder",))
        assert cluster.kind == "cluster"
        inner = [b for b in layout.boxes if b.scope == ("encoder",)]
        assert {b.key for b in inner} == {("encoder", "input"), ("encoder", "d1"), ("encoder", "d2")}
        assert {(e.src, e.dst) for e in layout.edges if e.scope == ("encoder",)} == {
            (("encoder", "input"), ("encoder", "d1")),
            (("encoder", "d1"), ("encoder", "d2")),
        }
        assert any(t.text == "encoder (Sequential)" and t.role == "cluster" for t in layout.texts)
    data = render(g, tmp_path / "nested.png", expand_nested=True)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    dot = to_dot(g, expand_nested=True)
    assert 'subgraph "cluster_0"' in dot and 'lhead="cluster_0"' in dot and 'ltail="cluster_0"' in dot
    assert '"encoder/d1" -> "encoder/d2"' in dot


def test_multi_edges_and_fan_out_are_distinguishable():
    nodes = [PlotNode(i, f"n_{i}") for i in "abcde"]
    edges = [PlotEdge("a", x) for x in "bcd"] + [PlotEdge("a", "e"), PlotEdge("a", "e"), PlotEdge("b", "e")]
    for rankdir in ("TB", "LR"):
        layout = compute_layout(PlotGraph(nodes, edges), rankdir=rankdir)
        check_geometry(layout)
        starts = [e.points[0] for e in layout.edges if e.src == ("a",)]
        assert len(set(starts)) == len(starts) == 5
        ends = [e.points[-1] for e in layout.edges if e.dst == ("e",)]
        assert len(set(ends)) == 3


def test_dpi_scales_geometry():
    small = compute_layout(diamond(), dpi=96)
    big = compute_layout(diamond(), dpi=192)
    assert 1.8 < big.width / small.width < 2.2 and 1.8 < big.height / small.height < 2.2
    png = render_png_bytes(diamond(), dpi=192)
    with Image.open(io.BytesIO(png)) as im:
        assert im.size == (int(big.width), int(big.height))
        assert round(im.info["dpi"][0]) == 192


def test_empty_and_single_node_graphs(tmp_path):
    render(PlotGraph([], []), tmp_path / "empty.png")
    render(PlotGraph([PlotNode("solo", "solo (Dense)")], [], title="t"), tmp_path / "solo.svg")
    with Image.open(tmp_path / "empty.png") as im:
        assert im.size[0] >= 1 and im.size[1] >= 1
    ET.parse(tmp_path / "solo.svg")


def test_long_text_is_wrapped_not_overflowing():
    long_shape = "[" + ", ".join(["(None, 28, 28, 32)"] * 12) + "]"
    g = PlotGraph([PlotNode("m", "concatenate (Concatenate)", [("Input shape", long_shape)])], [])
    layout = compute_layout(g)
    box = layout.box(("m",))
    assert box.w < 500
    values = [t for t in layout.texts if t.role == "value"]
    assert len(values) > 1 and "".join(t.text for t in values).replace(" ", "") == long_shape.replace(" ", "")
    theme = layout.theme
    for t in layout.texts:
        if t.role in ("key", "value"):
            assert box.x <= t.x and t.x + theme.text_width(t.text, t.role) <= box.x1


# ----------------------------------------------------------------------------- writers


def test_svg_is_valid_xml_with_all_titles(tmp_path):
    nodes = [
        PlotNode("in", "in <\"x\"> & 'y'", [("Output shape", "(None, 3)")], "input"),
        PlotNode("op", "tf.add <op> \x07bell", [("k&", "<v>")], "op"),
    ]
    g = PlotGraph(nodes, [PlotEdge("in", "op", label="x < y & z")], title="my <model>")
    path = tmp_path / "g.svg"
    render(g, path)
    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg")
    texts = [el.text for el in root.iter() if el.tag.endswith("text")]
    assert "in <\"x\"> & 'y'" in texts and "tf.add <op> ?bell" in texts and "my <model>" in texts
    assert "x < y & z" in texts and "<v>" in texts
    for g2 in (inception(), nested()):
        svg = tmp_path / "i.svg"
        render(g2, svg, rankdir="LR", expand_nested=True)
        root = ET.parse(svg).getroot()
        texts = {el.text for el in root.iter() if el.tag.endswith("text")}
        for node in g2.nodes:
            assert node.title in texts
        assert sum(1 for el in root.iter() if el.tag.endswith("polyline")) >= len(g2.edges)
        assert any(el.tag.endswith("marker") for el in root.iter())


def test_dot_contains_every_node_and_edge(tmp_path):
    g = inception()
    path = tmp_path / "g.dot"
    text = render(g, path, rankdir="LR").decode()
    assert text == path.read_text()
    assert text.startswith('digraph "inception_like" {') and text.rstrip().endswith("}")
    assert "rankdir=LR" in text
    for node in g.nodes:
        assert f'"{node.id}" [label=<' in text and node.title in text
    for e in g.edges:
        assert f'"{e.src}" -> "{e.dst}"' in text
    q = PlotGraph([PlotNode('a"b', "t <&>"), PlotNode("c\\d", "u")], [PlotEdge('a"b', "c\\d", 'say "hi"')])
    dot = to_dot(q)
    assert '"a\\"b" -> "c\\\\d" [label="say \\"hi\\""]' in dot
    assert "t &lt;&amp;&gt;" in dot


def test_atomic_write_leaves_no_temp_files(tmp_path, monkeypatch):
    for ext in (".png", ".svg", ".dot"):
        render(diamond(), tmp_path / f"out{ext}")
        render(diamond(), tmp_path / f"out{ext}")  # overwrite
    assert sorted(os.listdir(tmp_path)) == ["out.dot", "out.png", "out.svg"]

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        render(diamond(), tmp_path / "fail.png")
    assert sorted(os.listdir(tmp_path)) == ["out.dot", "out.png", "out.svg"]


def test_errors(tmp_path):
    g = diamond()
    with pytest.raises(ValueError, match="rankdir"):
        render(g, tmp_path / "x.png", rankdir="BT")
    with pytest.raises(ValueError, match="rankdir"):
        compute_layout(g, rankdir="lr")
    with pytest.raises(ValueError, match=r"'\.jpg'.*\.png, \.svg, \.dot"):
        render(g, tmp_path / "x.jpg")
    with pytest.raises(ValueError, match="extension"):
        render(g, tmp_path / "noext")
    with pytest.raises(ValueError, match="dpi"):
        render(g, tmp_path / "x.png", dpi=0)
    cyc = PlotGraph([PlotNode("a", "a"), PlotNode("b", "b")], [PlotEdge("a", "b"), PlotEdge("b", "a")])
    for ext in (".png", ".svg", ".dot"):
        with pytest.raises(ValueError, match="cycle.*'a' -> 'b' -> 'a'"):
            render(cyc, tmp_path / f"c{ext}")
    with pytest.raises(ValueError, match="cycle"):
        compute_layout(PlotGraph([PlotNode("s", "s")], [PlotEdge("s", "s")]))
    with pytest.raises(ValueError, match="unknown node"):
        PlotGraph([PlotNode("a", "a")], [PlotEdge("a", "zz")])
    with pytest.raises(ValueError, match="duplicate"):
        PlotGraph([PlotNode("a", "a"), PlotNode("a", "b")], [])
    with pytest.raises(ValueError, match="style"):
        PlotNode("a", "a", style="fancy")
    with pytest.raises(FileNotFoundError):
        render(g, tmp_path / "missing_dir" / "x.png")
    assert sorted(os.listdir(tmp_path)) == []


# ----------------------------------------------------------------------------- random DAGs


@st.composite
def random_dags(draw) -> PlotGraph:
    n = draw(st.integers(1, 25))
    nodes = []
    for i in range(n):
        title = f"n{i} " + "x" * draw(st.integers(0, 30))
        rows = [("Output shape", "(None, " + "9" * draw(st.integers(1, 12)) + ")")] * draw(st.integers(0, 3))
        style = draw(st.sampled_from(["input", "layer", "op", "model"]))
        nodes.append(PlotNode(f"n{i}", title, rows, style))
    pairs = draw(
        st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=min(3 * n, 45)).map(
            lambda ps: [(a, b) if a < b else (b, a) for a, b in ps if a != b]
        )
    )
    labels = draw(st.lists(st.sampled_from(["", "", "", "(None, 3)", "x"]), min_size=len(pairs), max_size=len(pairs)))
    edges = [PlotEdge(f"n{a}", f"n{b}", label) for (a, b), label in zip(pairs, labels, strict=True)]
    return PlotGraph(nodes, edges)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graph=random_dags(), rankdir=st.sampled_from(["TB", "LR"]))
def test_random_dags_layout_cleanly(graph, rankdir):
    layout = compute_layout(graph, rankdir=rankdir)
    check_geometry(layout)
    assert len(layout.boxes) == len(graph.nodes) and len(layout.edges) == len(graph.edges)
