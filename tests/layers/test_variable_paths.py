"""Variable paths equal Keras's: the layers being built or called around a layer when it first built or ran.

The same models are built with kerax and with Keras 3 (the oracle), each after its own ``clear_session()``
so that automatic names are numbered alike; the models' and their optimizers' variable paths must match.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keras
import numpy as np
import pytest

import kerax


def _sequential(k: Any) -> Any:
    return k.Sequential([k.Input((4,)), k.layers.Dense(3), k.layers.Dense(2)])


def _sequential_built_by_a_call(k: Any) -> Any:
    model = k.Sequential([k.layers.Dense(3), k.layers.BatchNormalization(), k.layers.Dense(2)])
    model(np.ones((2, 4), "float32"))
    return model


def _two_attention_layers(k: Any) -> Any:
    x = inputs = k.Input((5, 8))
    x = k.layers.MultiHeadAttention(2, 4)(x, x)
    x = k.layers.MultiHeadAttention(2, 4)(x, x)
    return k.Model(inputs, x)


def _subclassed(k: Any) -> Any:
    class Block(k.layers.Layer):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.first, self.second = k.layers.Dense(3), k.layers.Dense(3)

        def call(self, x: Any) -> Any:
            return self.second(self.first(x))

    class Net(k.Model):
        def __init__(self) -> None:
            super().__init__()
            self.block, self.head = Block(), k.layers.Dense(1)

        def call(self, x: Any) -> Any:
            return self.head(self.block(x))

    model = Net()
    model(np.ones((2, 4), "float32"))
    return model


def _built_in_build(k: Any) -> Any:
    class Projection(k.layers.Layer):
        def build(self, input_shape: Any) -> None:
            self.inner = k.layers.Dense(3)
            self.inner.build(input_shape)
            self.scale = self.add_weight(shape=(3,), initializer="ones", name="scale")

        def call(self, x: Any) -> Any:
            return self.inner(x) * self.scale

    inputs = k.Input((4,))
    return k.Model(inputs, Projection(name="projection")(inputs))


def _nested_functional(k: Any) -> Any:
    inputs = k.Input((6,))
    inner = k.Model(inputs, k.layers.Dense(3, name="a")(inputs), name="inner")
    outer_inputs = k.Input((6,))
    return k.Model(outer_inputs, k.layers.Dense(2)(inner(outer_inputs)), name="outer")


def _recurrent(k: Any) -> Any:
    x = inputs = k.Input((7,), dtype="int32")
    x = k.layers.Embedding(20, 8)(x)
    x = k.layers.Bidirectional(k.layers.LSTM(4, return_sequences=True))(x)
    x = k.layers.RNN(k.layers.StackedRNNCells([k.layers.GRUCell(3), k.layers.SimpleRNNCell(2)]))(x)
    return k.Model(inputs, x)


def _wrapped(k: Any) -> Any:
    x = inputs = k.Input((3, 5))
    x = k.layers.TimeDistributed(k.layers.Dense(4))(x)
    x = k.layers.LayerNormalization()(x)
    return k.Model(inputs, x)


CASES: list[Callable[[Any], Any]] = [
    _sequential,
    _sequential_built_by_a_call,
    _two_attention_layers,
    _subclassed,
    _built_in_build,
    _nested_functional,
    _recurrent,
    _wrapped,
]


@pytest.mark.parametrize("build", CASES, ids=[case.__name__.strip("_") for case in CASES])
def test_variable_paths_match_keras(build: Callable[[Any], Any]) -> None:
    paths = {}
    for k in (kerax, keras):
        k.backend.clear_session()
        model = build(k)
        optimizer = k.optimizers.Adam()
        optimizer.build(model.trainable_variables)
        paths[k.__name__] = ([v.path for v in model.weights], [v.path for v in optimizer.variables])
    assert paths["kerax"] == paths["keras"]
    weights = paths["kerax"][0]
    assert len(set(weights)) == len(weights)  # unique: checkpoints can be keyed by path


def test_a_layer_keeps_its_path_wherever_it_is_called_later() -> None:
    dense = kerax.layers.Dense(2, name="shared")
    dense(np.ones((1, 3), "float32"))
    with kerax.name_scope("elsewhere"):
        dense(np.ones((1, 3), "float32"))
        extra = dense.add_weight(shape=(), name="extra")
    assert [v.path for v in dense.weights] == ["shared/kernel", "shared/bias", "shared/extra"]
    assert extra.path == "shared/extra"


@pytest.mark.parametrize("build", [_sequential, _nested_functional, _recurrent], ids=["sequential", "nested", "rnn"])
def test_a_loaded_model_has_the_paths_keras_gives_it(build: Callable[[Any], Any], tmp_path: Any) -> None:
    kerax.backend.clear_session()
    path = str(tmp_path / "model.keras")
    build(kerax).save(path)
    loaded = {}
    for k, load in ((kerax, kerax.models.load_model), (keras, keras.saving.load_model)):
        k.backend.clear_session()
        loaded[k.__name__] = [v.path for v in load(path).weights]
    assert loaded["kerax"] == loaded["keras"]
