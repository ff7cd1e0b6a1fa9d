"""``clone_model``, ``Model.to_json`` and ``models.model_from_json``, checked against Keras 3 where it runs."""

from __future__ import annotations

import keras
import numpy as np
import pytest

import kerax
from kerax import layers


def _functional(lib):
    inputs = lib.Input((4,), name="x")
    hidden = lib.layers.Dense(3, name="hidden")(inputs)
    shared = lib.layers.Dense(3, name="shared")
    a = shared(lib.ops.relu(hidden))
    b = shared(hidden)
    outputs = lib.layers.Dense(1, name="out")(lib.layers.Add()([a, b]))
    return lib.Model(inputs, outputs, name="net")


def _summary(model) -> list[tuple[str, str, int]]:
    return [(layer.name, type(layer).__name__, layer.count_params()) for layer in model.layers]


@pytest.mark.parametrize("kind", ["functional", "sequential"])
def test_a_clone_has_keras_layers_names_and_counts_and_new_weights(kind):
    def build(lib):
        if kind == "functional":
            return _functional(lib)
        return lib.Sequential([lib.Input((4,)), lib.layers.Dense(3, name="d1"), lib.layers.Dense(1, name="d2")])

    kerax.backend.clear_session()  # automatic names are numbered alike in both libraries from here
    keras.backend.clear_session()
    ours, theirs = build(kerax), build(keras)
    ours_clone, theirs_clone = kerax.models.clone_model(ours), keras.models.clone_model(theirs)
    assert _summary(ours_clone) == _summary(theirs_clone)
    assert ours_clone.name == theirs_clone.name
    assert all(a is not b for a, b in zip(ours.layers, ours_clone.layers, strict=True))
    assert all(a is not b for a, b in zip(ours.weights, ours_clone.weights, strict=True))
    assert not np.allclose(np.asarray(ours.weights[0].value), np.asarray(ours_clone.weights[0].value))  # new init
    x = np.ones((2, 4), "float32")
    ours_clone.set_weights(ours.get_weights())
    np.testing.assert_allclose(ours_clone.predict(x, verbose=0), ours.predict(x, verbose=0), rtol=1e-6)


def test_a_shared_layer_stays_shared_and_the_compile_config_is_kept():
    model = _functional(kerax)
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    clone = kerax.models.clone_model(model)
    shared = [layer for layer in clone.layers if layer.name == "shared"]
    assert len(shared) == 1 and len(shared[0]._inbound_nodes) == 2
    assert clone.compiled and clone.get_compile_config() == model.get_compile_config()
    clone.fit(np.ones((8, 4)), np.ones((8, 1)), verbose=0)


def test_clone_function_and_call_function():
    model = _functional(kerax)

    def clone_function(layer):
        config = layer.get_config()
        if isinstance(layer, layers.Dense):
            config["units"] = config["units"] if layer.name == "out" else 5
        return layer.__class__.from_config(config)

    wider = kerax.models.clone_model(model, clone_function=clone_function)
    assert wider.get_layer("hidden").units == 5

    def call_function(layer, *args, **kwargs):
        out = layer(*args, **kwargs)
        return layers.Dropout(0.5)(out) if isinstance(layer, layers.Dense) else out

    with_dropout = kerax.models.clone_model(model, call_function=call_function)
    assert sum(isinstance(layer, layers.Dropout) for layer in with_dropout.layers) == 4  # one per Dense call

    same = kerax.models.clone_model(model, clone_function=lambda layer: layer)  # share every layer
    assert all(a is b for a, b in zip(model.layers[1:], same.layers[1:], strict=True))


def test_input_tensors_and_recursive_cloning_of_nested_models():
    inner = kerax.Sequential([kerax.Input((4,)), layers.Dense(2, name="inner_dense")], name="inner")
    inputs = kerax.Input((4,), name="x")
    outer = kerax.Model(inputs, layers.Dense(1)(inner(inputs)), name="outer")

    flat = kerax.models.clone_model(outer)
    deep = kerax.models.clone_model(outer, recursive=True)
    assert isinstance(flat.get_layer("inner"), kerax.Sequential)
    assert deep.get_layer("inner").layers[0] is not inner.layers[0]

    new_input = kerax.Input((4,), name="renamed")
    rebuilt = kerax.models.clone_model(outer, input_tensors=new_input)
    assert rebuilt.inputs[0] is new_input


def test_a_subclassed_model_is_cloned_from_its_config():
    class Net(kerax.Model):
        def __init__(self, units=3, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.dense = layers.Dense(units)

        def call(self, x):
            return self.dense(x)

        def get_config(self):
            return {**super().get_config(), "units": self.units}

    model = Net(units=6)
    model(np.ones((1, 2)))
    clone = kerax.models.clone_model(model)
    assert isinstance(clone, Net) and clone.units == 6
    with pytest.raises(ValueError, match="subclassed"):
        kerax.models.clone_model(model, clone_function=lambda layer: layer)


def test_wrong_arguments_are_refused():
    sequential = kerax.Sequential([kerax.Input((4,)), layers.Dense(1)])
    with pytest.raises(ValueError, match="Functional models only"):
        kerax.models.clone_model(sequential, call_function=lambda layer, *a, **k: layer(*a, **k))
    with pytest.raises(ValueError, match="unexpected keyword"):
        kerax.models.clone_model(sequential, layers_to_skip=1)
    with pytest.raises(TypeError, match="kerax Model"):
        kerax.models.clone_model(layers.Dense(1))
    with pytest.raises(ValueError, match="structure"):
        kerax.models.clone_model(_functional(kerax), input_tensors=[kerax.Input((4,)), kerax.Input((4,))])


def test_to_json_and_model_from_json_round_trip_and_match_keras():
    ours, theirs = _functional(kerax), _functional(keras)
    rebuilt = kerax.models.model_from_json(ours.to_json())
    assert _summary(rebuilt) == _summary(ours)
    from_keras = kerax.models.model_from_json(theirs.to_json())  # Keras's JSON reads in kerax
    assert _summary(from_keras) == _summary(theirs)
    assert ours.to_json(indent=2).startswith("{\n")
    with pytest.raises(ValueError, match="not valid JSON"):
        kerax.models.model_from_json("{not json")
    with pytest.raises(ValueError, match="describe a model"):
        kerax.models.model_from_json("[1, 2]")
