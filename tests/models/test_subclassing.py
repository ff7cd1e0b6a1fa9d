"""Subclassed models: layers as attributes (directly, in lists, in dicts), forward pass in ``call``."""

from __future__ import annotations

import numpy as np
import pytest

import kerax
from kerax import layers
from models.kx_helpers import summary_text, table_rows, totals


def make_classes(lib):
    """The same subclassed model, written against ``lib`` (kerax or Keras)."""
    L = lib.layers

    class Block(L.Layer):
        """A custom layer holding two layers."""

        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.inner = L.Dense(units, activation="relu")
            self.norm = L.BatchNormalization()

        def call(self, x, training=None):
            return self.norm(self.inner(x), training=training)

    class Net(lib.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.stem = L.Dense(8, name="stem")
            self.blocks = [Block(8, name="block_a"), Block(8, name="block_b")]
            self.heads = {"main": L.Dense(3, name="main_head"), "aux": L.Dense(1, name="aux_head")}
            self.dropout = L.Dropout(0.5, name="drop")

        def call(self, inputs, training=None):
            x = self.stem(inputs)
            for block in self.blocks:
                x = block(x, training=training)
            x = self.dropout(x, training=training)
            return self.heads["main"](x), self.heads["aux"](x)

    return Block, Net


def test_layers_in_attributes_lists_and_dicts_are_tracked():
    _, Net = make_classes(kerax)
    model = Net()
    model(np.ones((2, 5), "float32"))
    assert [l.name for l in model.layers] == ["stem", "block_a", "block_b", "main_head", "aux_head", "drop"]
    # stem 5*8+8, two blocks of (8*8+8 dense + 4*8 BN), heads 8*3+3 and 8+1
    assert model.count_params() == 48 + 2 * (72 + 32) + 27 + 9
    non_trainable = sum(int(np.prod(v.shape)) for v in model.non_trainable_weights)
    assert non_trainable == 2 * 16  # moving mean and variance of both BN layers


def test_build_traces_call_and_summary_shows_real_shapes():
    _, Net = make_classes(kerax)
    model = Net(name="net")
    model.build((None, 5))
    assert model.built
    assert model.count_params() == 292
    text = summary_text(model)
    rows = table_rows(text)
    assert [r[0] for r in rows if not r[0].startswith("input")][:3] == [
        "stem(Dense)",
        "block_a(Block)",
        "block_b(Block)",
    ]
    shapes = {r[0]: r[1] for r in rows}
    assert shapes["stem(Dense)"] == "(None,8)"
    assert shapes["main_head(Dense)"] == "(None,3)"
    assert shapes["aux_head(Dense)"] == "(None,1)"
    assert "unbuilt" not in text and "?" not in [r[1] for r in rows]
    assert totals(text)["Total params"] == "292 (1.14 KB)"


def test_summary_rows_of_a_chain_subclass_are_its_layers_in_order():
    class Chain(kerax.Model):
        def __init__(self):
            super().__init__()
            self.first = layers.Dense(4)
            self.second = layers.Dense(2)

        def call(self, x):
            return self.second(self.first(x))

    model = Chain()
    model.build((None, 3))
    text = summary_text(model)
    assert text.split("\n")[0] == 'Model: "chain"'
    assert [r[:3] for r in table_rows(text)] == [
        ("dense(Dense)", "(None,4)", "16"),
        ("dense_1(Dense)", "(None,2)", "10"),
    ]


def test_training_true_reaches_dropout():
    _, Net = make_classes(kerax)
    model = Net()
    x = np.random.default_rng(0).normal(size=(64, 5)).astype("float32")
    model(x)
    drop = model.get_layer("drop")
    h = np.ones((64, 8), "float32")
    assert (np.asarray(drop(h, training=True)) == 0).any()
    main_a, _ = model(x, training=False)
    main_b, _ = model(x, training=False)
    np.testing.assert_array_equal(np.asarray(main_a), np.asarray(main_b))
    main_c, _ = model(x, training=True)
    main_d, _ = model(x, training=True)
    assert not np.allclose(np.asarray(main_c), np.asarray(main_d))  # fresh dropout masks


def test_training_flag_reaches_layers_when_call_does_not_forward_it():
    """``model(x, training=True)`` reaches a Dropout even if call() never mentions `training`."""

    class NoFlag(kerax.Model):
        def __init__(self):
            super().__init__()
            self.drop = layers.Dropout(0.5)

        def call(self, x):
            return self.drop(x)

    model = NoFlag()
    x = np.ones((32, 32), "float32")
    np.testing.assert_array_equal(np.asarray(model(x)), x)
    dropped = (np.asarray(model(x, training=True)) == 0).mean()
    assert 0.3 < dropped < 0.7


def test_trainable_false_on_a_sub_layer_freezes_its_weights():
    _, Net = make_classes(kerax)
    model = Net()
    model.build((None, 5))
    model.get_layer("stem").trainable = False
    frozen = {id(v) for v in model.get_layer("stem").weights}
    assert not frozen & {id(v) for v in model.trainable_weights}
    assert frozen <= {id(v) for v in model.non_trainable_weights}


def test_weights_order_equals_keras():
    keras = pytest.importorskip("keras")
    keras.backend.clear_session()
    _, Net = make_classes(kerax)
    _, KNet = make_classes(keras)
    model, k_model = Net(), KNet()
    x = np.random.default_rng(0).normal(size=(4, 5)).astype("float32")
    model(x)
    k_model(x)
    assert [l.name for l in model.layers] == [l.name for l in k_model.layers]
    assert [(v.name, tuple(v.shape)) for v in model.weights] == [(v.name, tuple(v.shape)) for v in k_model.weights]
    assert [(v.name, tuple(v.shape)) for v in model.trainable_weights] == [
        (v.name, tuple(v.shape)) for v in k_model.trainable_weights
    ]
    # Model-level set_weights in Keras's order gives Keras's outputs.
    rng = np.random.default_rng(1)
    k_model.set_weights([np.abs(w + rng.normal(0, 0.1, w.shape)).astype("float32") for w in k_model.get_weights()])
    model.set_weights(k_model.get_weights())
    for got, want in zip(model.predict(x, verbose=0), k_model.predict(x, verbose=0), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_a_subclass_constructed_the_functional_way_checks_its_graph():
    class Plain(kerax.Model):
        def call(self, x):
            return x

    # As in Keras, Plain(inputs, outputs) is a Functional model; an output from an unlisted Input is refused.
    with pytest.raises(ValueError, match="not listed"):
        Plain(kerax.Input((3,)), kerax.Input((3,)))


def test_subclass_fits():
    class Tiny(kerax.Model):
        def __init__(self):
            super().__init__()
            self.hidden = layers.Dense(8, activation="relu")
            self.out = layers.Dense(1)

        def call(self, x):
            return self.out(self.hidden(x))

    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype("float32")
    y = (x @ np.array([1.0, -2.0, 0.5], "float32"))[:, None]
    model = Tiny()
    model.compile(optimizer=kerax.optimizers.Adam(0.05), loss="mse")
    history = model.fit(x, y, epochs=5, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_branching_subclass_summary_shows_no_internal_tensor_names():
    class TwoHeads(kerax.Model):
        def __init__(self):
            super().__init__()
            self.left = layers.Dense(2)
            self.right = layers.Dense(3)

        def call(self, x):
            return kerax.ops.concatenate([self.left(x), self.right(x)], axis=-1)

    model = TwoHeads()
    model.build((None, 4))
    text = summary_text(model)
    assert "dense(Dense)" in [r[0] for r in table_rows(text)]
    assert "keras_tensor" not in text
