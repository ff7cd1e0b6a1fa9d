"""plot_model draws any built model, Sequential, Functional or subclassed, with nothing to install."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

import kerax
from kerax import layers
from kerax.utils import model_to_graph, plot_model


def _functional() -> kerax.Model:
    inputs = kerax.Input((8, 8, 1), name="image")
    a = layers.Conv2D(4, 3, padding="same", activation="relu")(inputs)
    b = layers.Conv2D(4, 1)(inputs)
    x = kerax.ops.relu(layers.concatenate([a, b]))
    x = layers.GlobalAveragePooling2D()(x)
    return kerax.Model(inputs, layers.Dense(2, activation="softmax")(x), name="branchy")


class _Subclassed(kerax.Model):
    def __init__(self) -> None:
        super().__init__(name="sub")
        self.left = layers.Dense(3, activation="relu")
        self.right = layers.Dense(3)
        self.head = layers.Dense(1)

    def call(self, x):
        return self.head(layers.add([self.left(x), self.right(x)]))


def test_functional_graph_has_every_node_and_edge() -> None:
    graph = model_to_graph(_functional(), show_shapes=True, show_layer_activations=True)
    titles = [n.title for n in graph.nodes]
    assert titles[0] == "image (InputLayer)"
    assert "relu (Relu)" in titles and "concatenate (Concatenate)" in titles
    assert len(graph.edges) == 7  # input -> both convs -> concatenate -> relu -> pooling -> dense
    conv = next(n for n in graph.nodes if n.title == "conv2d (Conv2D)")
    assert ("Output shape", "(None, 8, 8, 4)") in conv.rows and ("Activation", "relu") in conv.rows


def test_subclassed_model_is_drawn_from_its_trace_not_as_one_box() -> None:
    model = _Subclassed()
    model.build((None, 5))
    graph = model_to_graph(model, show_shapes=True)
    titles = [n.title for n in graph.nodes]
    assert titles[0] == "x (Input)"
    assert {"dense (Dense)", "dense_1 (Dense)", "add (Add)", "dense_2 (Dense)"} <= set(titles)
    assert len(graph.edges) == 5


@pytest.mark.parametrize("ext", ["png", "svg", "dot"])
def test_writes_each_format_for_each_api(tmp_path: Path, ext: str) -> None:
    sequential = kerax.Sequential([kerax.Input((4,)), layers.Dense(3), layers.Dense(1)], name="seq")
    subclassed = _Subclassed()
    subclassed.build((None, 4))
    for model in (sequential, _functional(), subclassed):
        path = tmp_path / f"{model.name}.{ext}"
        result = plot_model(model, path, show_shapes=True, show_dtype=True, show_trainable=True, dpi=96)
        data = path.read_bytes()
        if ext == "png":
            assert result is not None and result._repr_png_() == data
            with Image.open(path) as image:
                assert image.size[1] > 100
        elif ext == "svg":
            assert result is None
            ET.fromstring(data)
        else:
            assert data.startswith(b"digraph")
        for layer in model.layers:
            assert layer.name.encode() in data or ext == "png"


def test_rankdir_lr_is_wider_than_tall(tmp_path: Path) -> None:
    model = kerax.Sequential([kerax.Input((4,)), *[layers.Dense(3) for _ in range(5)]])
    plot_model(model, tmp_path / "lr.png", rankdir="LR", dpi=96)
    with Image.open(tmp_path / "lr.png") as image:
        width, height = image.size
    assert width > height


def test_expand_nested_draws_the_inner_graph() -> None:
    inner = kerax.Sequential([kerax.Input((4,)), layers.Dense(3), layers.Dense(2)], name="inner")
    inputs = kerax.Input((4,))
    outer = kerax.Model(inputs, layers.Dense(1)(inner(inputs)), name="outer")
    node = next(n for n in model_to_graph(outer, expand_nested=True).nodes if n.title == "inner (Sequential)")
    assert node.style == "model" and node.children is not None
    assert {"dense (Dense)", "dense_1 (Dense)"} <= {n.title for n in node.children.nodes}


def test_errors_say_what_was_wrong(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not built"):
        plot_model(kerax.Sequential([layers.Dense(2)]), tmp_path / "x.png")
    model = kerax.Sequential([kerax.Input((4,)), layers.Dense(3)])
    with pytest.raises(ValueError, match="extension"):
        plot_model(model, tmp_path / "x.gif")
    with pytest.raises(ValueError, match="dpi"):
        plot_model(model, tmp_path / "x.png", dpi=0)
    assert list(tmp_path.iterdir()) == []
