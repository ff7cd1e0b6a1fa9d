"""A user's subclass tracks layers held in private attributes, as Keras does; kerax's internals stay hidden."""

from __future__ import annotations

import numpy as np

import kerax
from kerax import layers


class Private(kerax.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._body = layers.Dense(4)
        self._extra = [layers.Dense(3)]
        self.head = layers.Dense(2)

    def call(self, x):
        return self.head(self._extra[0](self._body(x)))


def test_private_layers_are_tracked_and_trained():
    model = Private()
    model(np.ones((2, 5), "float32"))
    assert [layer.name for layer in model.layers] == ["dense", "dense_1", "dense_2"]
    assert len(model.trainable_weights) == 6
    model.compile("sgd", "mse")
    before = model._body.get_weights()[0].copy()
    model.fit(np.ones((8, 5), "float32"), np.zeros((8, 2), "float32"), epochs=1, verbose=0)
    assert not np.array_equal(before, model._body.get_weights()[0])


def test_subclassed_sequential_does_not_count_its_internals_twice():
    class Stack(kerax.Sequential):
        pass

    model = Stack([kerax.Input((3,)), layers.Dense(2)])
    assert [layer.name for layer in model.layers] == ["dense"]
    assert model.count_params() == 8
