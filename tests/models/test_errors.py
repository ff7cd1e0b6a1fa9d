"""Mistakes made while building or calling models raise errors that name the layer and the shapes."""

from __future__ import annotations

import numpy as np
import pytest

import kerax
from kerax import layers


def test_concatenate_with_mismatched_non_axis_dims():
    a = kerax.Input((4, 5))
    b = kerax.Input((3, 6))
    with pytest.raises(ValueError) as info:
        layers.concatenate([a, b], name="join")
    message = str(info.value)
    assert "join" in message
    assert "(None, 4, 5)" in message and "(None, 3, 6)" in message


def test_concatenate_layer_on_eager_arrays_with_mismatched_dims():
    with pytest.raises(ValueError) as info:
        layers.Concatenate(axis=1, name="cat")([np.ones((2, 3), "float32"), np.ones((3, 3), "float32")])
    message = str(info.value)
    assert "cat" in message and "(2, 3)" in message and "(3, 3)" in message


def test_dense_built_for_784_called_on_width_28_symbolic():
    dense = layers.Dense(10, name="classifier")
    dense(kerax.Input((784,)))
    with pytest.raises(ValueError) as info:
        dense(kerax.Input((28,)))
    message = str(info.value)
    assert "classifier" in message
    assert "expected axis -1 of input shape to have value 784, but received input with shape (None, 28)" in message


def test_dense_built_for_784_called_on_width_28_in_a_model():
    """The classic mistake: forgetting Flatten, so Dense sees rows of 28 instead of 784 pixels."""
    model = kerax.Sequential([kerax.Input((784,)), layers.Dense(10, name="classifier")])
    with pytest.raises(ValueError) as info:
        kerax.Sequential([kerax.Input((28,)), model.get_layer("classifier")])
    message = str(info.value)
    assert "classifier" in message
    assert "expected axis -1 of input shape to have value 784, but received input with shape (None, 28)" in message


def test_dense_built_for_784_called_on_eager_data_of_width_28():
    dense = layers.Dense(10, name="classifier")
    dense(np.zeros((1, 784), "float32"))
    with pytest.raises(ValueError) as info:
        dense(np.zeros((2, 28), "float32"))
    message = str(info.value)
    assert "classifier" in message
    assert "expected axis -1 of input shape to have value 784, but received input with shape (2, 28)" in message


def test_dense_built_by_build_784_called_on_width_28():
    dense = layers.Dense(10, name="classifier")
    dense.build((None, 784))
    assert dense.built
    with pytest.raises(ValueError, match=r"expected axis -1 of input shape to have value 784"):
        dense(kerax.Input((28,)))
    assert [tuple(v.shape) for v in dense.weights] == [(784, 10), (10,)]


def test_output_depending_on_an_input_missing_from_model_inputs():
    listed = kerax.Input((4,), name="listed")
    forgotten = kerax.Input((4,), name="forgotten_input")
    out = layers.Add()([layers.Dense(4)(listed), layers.Dense(4)(forgotten)])
    with pytest.raises(ValueError) as info:
        kerax.Model(inputs=listed, outputs=out)
    message = str(info.value)
    assert "forgotten_input" in message
    assert "(None, 4)" in message


def test_numpy_array_passed_as_model_input():
    inputs = kerax.Input((4,))
    outputs = layers.Dense(2)(inputs)
    with pytest.raises((TypeError, ValueError)) as info:
        kerax.Model(np.ones((2, 4), "float32"), outputs)
    message = str(info.value)
    assert "ndarray" in message
    assert "(2, 4)" in message
    assert "Input" in message


def test_numpy_array_passed_as_model_output():
    inputs = kerax.Input((4,))
    with pytest.raises((TypeError, ValueError)) as info:
        kerax.Model(inputs, np.ones((2, 4), "float32"))
    assert "ndarray" in str(info.value)


def test_calling_a_model_on_data_whose_shape_contradicts_its_input():
    inputs = kerax.Input((4,), name="features")
    model = kerax.Model(inputs, layers.Dense(2)(inputs), name="regressor")
    with pytest.raises(ValueError) as info:
        model(np.ones((3, 5), "float32"))
    message = str(info.value)
    assert "regressor" in message and "features" in message
    assert "(None, 4)" in message and "(3, 5)" in message


def test_calling_a_model_on_data_of_the_wrong_rank():
    inputs = kerax.Input((28, 28), name="image")
    model = kerax.Model(inputs, layers.Dense(2)(layers.Flatten()(inputs)))
    with pytest.raises(ValueError) as info:
        model(np.ones((3, 784), "float32"))
    message = str(info.value)
    assert "image" in message and "(None, 28, 28)" in message and "(3, 784)" in message


def test_predict_on_data_whose_shape_contradicts_the_input():
    inputs = kerax.Input((4,), name="features")
    model = kerax.Model(inputs, layers.Dense(2)(inputs))
    with pytest.raises(ValueError) as info:
        model.predict(np.ones((3, 5), "float32"), verbose=0)
    message = str(info.value)
    assert "features" in message and "(None, 4)" in message and "(3, 5)" in message


def test_wrong_number_of_inputs():
    a = kerax.Input((2,), name="a")
    b = kerax.Input((2,), name="b")
    model = kerax.Model([a, b], layers.Add()([a, b]))
    with pytest.raises(ValueError) as info:
        model([np.ones((1, 2), "float32")])
    message = str(info.value)
    assert "2 inputs" in message and "a" in message and "b" in message


def test_missing_key_in_input_dict():
    a = kerax.Input((2,), name="a")
    b = kerax.Input((2,), name="b")
    model = kerax.Model([a, b], layers.Add()([a, b]))
    with pytest.raises(ValueError) as info:
        model({"a": np.ones((1, 2), "float32")})
    assert "'b'" in str(info.value)


def test_duplicate_layer_names_in_a_functional_model():
    inputs = kerax.Input((3,))
    x = layers.Dense(3, name="twin")(inputs)
    x = layers.Dense(3, name="twin")(x)
    with pytest.raises(ValueError, match="twin"):
        kerax.Model(inputs, x)


def test_layer_name_with_a_slash_is_refused():
    with pytest.raises(ValueError, match="/"):
        layers.Dense(2, name="a/b")


def test_unknown_layer_argument_is_refused():
    with pytest.raises(TypeError, match="unit"):
        layers.Dense(2, unit=3)
