"""Merge layers (Concatenate, Add, Subtract, Multiply, Average, Maximum, Minimum, Dot) and their functions."""

from __future__ import annotations

import numpy as np
import pytest

from kerax import layers
from kerax.layers._merging.dot import Dot, dot

from .harness import assert_keras_parity, random_data, run_layer_test

ELEMENTWISE = ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"]
FUNCTIONS = {
    "Add": layers.add,
    "Subtract": layers.subtract,
    "Multiply": layers.multiply,
    "Average": layers.average,
    "Maximum": layers.maximum,
    "Minimum": layers.minimum,
    "Concatenate": layers.concatenate,
}
REFERENCE = {
    "Add": lambda a, b: a + b,
    "Subtract": lambda a, b: a - b,
    "Multiply": lambda a, b: a * b,
    "Average": lambda a, b: (a + b) / 2,
    "Maximum": np.maximum,
    "Minimum": np.minimum,
}


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_elementwise_contract(name):
    run_layer_test(getattr(layers, name), {}, [(2, 3, 4), (2, 3, 4)], (2, 3, 4))


@pytest.mark.parametrize(
    ("kwargs", "shapes", "output_shape"),
    [
        ({}, [(2, 3, 4), (2, 3, 5)], (2, 3, 9)),
        ({"axis": 1}, [(2, 3, 4), (2, 1, 4), (2, 2, 4)], (2, 6, 4)),
    ],
)
def test_concatenate_contract(kwargs, shapes, output_shape):
    run_layer_test(layers.Concatenate, kwargs, shapes, output_shape)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_elementwise_values_and_keras_parity(keras, name):
    a, b = random_data([(2, 3, 4), (2, 3, 4)])
    got, _ = assert_keras_parity(getattr(layers, name)(), getattr(keras.layers, name)(), [a, b])
    np.testing.assert_allclose(got, REFERENCE[name](a, b), rtol=1e-6)


@pytest.mark.parametrize("name", ["Add", "Multiply", "Average", "Maximum", "Minimum"])
def test_three_inputs_match_keras(keras, name):
    data = random_data([(2, 5)] * 3)
    assert_keras_parity(getattr(layers, name)(), getattr(keras.layers, name)(), data)


@pytest.mark.parametrize(
    "shapes",
    [
        [(2, 1, 4), (2, 3, 4)],  # size-1 broadcast
        [(2, 4), (2, 3, 4)],  # a lower-rank input gains axes after the batch axis
    ],
)
def test_broadcasting_matches_keras(keras, shapes):
    data = random_data(shapes)
    assert_keras_parity(layers.Add(), keras.layers.Add(), data)
    out = layers.Add()([layers.Input(batch_shape=(None, *s[1:])) for s in shapes])
    assert out.shape == (None, 3, 4)


@pytest.mark.parametrize(
    ("axis", "shapes"), [(-1, [(2, 3, 4), (2, 3, 2)]), (1, [(2, 1, 4), (2, 3, 4)]), (0, [(2, 3), (1, 3)])]
)
def test_concatenate_matches_keras(keras, axis, shapes):
    assert_keras_parity(layers.Concatenate(axis=axis), keras.layers.Concatenate(axis=axis), random_data(shapes))


@pytest.mark.parametrize("name", [*ELEMENTWISE, "Concatenate"])
def test_functional_forms(name):
    a, b = layers.Input((4,)), layers.Input((4,))
    out = FUNCTIONS[name]([a, b], name=f"f_{name.lower()}")
    assert out.shape == ((None, 8) if name == "Concatenate" else (None, 4))
    layer = out._keras_history.operation
    assert type(layer) is getattr(layers, name)
    assert layer.name == f"f_{name.lower()}"


def test_concatenate_function_axis():
    x, y = np.ones((2, 3), "float32"), np.zeros((1, 3), "float32")
    assert layers.concatenate([x, y], axis=0).shape == (3, 3)


def test_concatenate_mismatch_names_the_layer_the_axis_and_all_shapes():
    message = (
        r"Concatenate layer 'concatenate_bad' requires inputs with matching shapes except for the "
        r"concatenation axis -1, but received shapes \[\(None, 9, 9, 32\), \(None, 8, 8, 32\)\]"
    )
    with pytest.raises(ValueError, match=message):
        layers.Concatenate(name="concatenate_bad")([layers.Input((9, 9, 32)), layers.Input((8, 8, 32))])
    with pytest.raises(ValueError, match=r"same rank.*\[\(2, 3\), \(2, 3, 1\)\]"):
        layers.Concatenate()([np.ones((2, 3), "float32"), np.ones((2, 3, 1), "float32")])
    with pytest.raises(ValueError, match=r"concatenation axis 2 is out of bounds"):
        layers.Concatenate(axis=2)([np.ones((2, 3), "float32"), np.ones((2, 3), "float32")])


def test_a_built_layer_rechecks_shapes_on_later_calls():
    layer = layers.Concatenate(name="again")
    layer([np.ones((2, 3), "float32"), np.ones((2, 4), "float32")])
    with pytest.raises(ValueError, match=r"'again'.*\[\(2, 3\), \(5, 4\)\]"):
        layer([np.ones((2, 3), "float32"), np.ones((5, 4), "float32")])


@pytest.mark.parametrize("name", [*ELEMENTWISE, "Concatenate"])
def test_needs_a_list_of_at_least_two_inputs(name):
    x = np.ones((2, 3), "float32")
    with pytest.raises(ValueError, match=rf"{name} layer '.*' should be called on a list of inputs.*\(2, 3\)"):
        getattr(layers, name)()(x)
    with pytest.raises(ValueError, match=r"list of (at least|exactly) 2 inputs, but received 1 input"):
        getattr(layers, name)()([x])


def test_subtract_takes_exactly_two_inputs():
    x = np.ones((2, 3), "float32")
    with pytest.raises(ValueError, match=r"Subtract layer 's'.*exactly 2 inputs, but received 3"):
        layers.Subtract(name="s")([x, x, x])


def test_incompatible_shapes_and_batch_sizes():
    with pytest.raises(ValueError, match=r"Add layer 'a'.*broadcast.*\[\(None, 3\), \(None, 4\)\]"):
        layers.Add(name="a")([layers.Input((3,)), layers.Input((4,))])
    with pytest.raises(ValueError, match=r"Maximum layer 'm'.*different batch sizes.*\[\(2, 3\), \(3, 3\)\]"):
        layers.Maximum(name="m")([np.ones((2, 3), "float32"), np.ones((3, 3), "float32")])


def test_config_round_trip_keeps_axis():
    layer = layers.Concatenate(axis=1, name="c")
    clone = layers.Concatenate.from_config(layer.get_config())
    assert clone.axis == 1 and clone.name == "c"


# -- Dot ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "input_shapes", "output_shape"),
    [({"axes": 1}, [(2, 3), (2, 3)], (2, 1)), ({"axes": (1, 2), "normalize": True}, [(2, 3, 4), (2, 5, 3)], (2, 4, 5))],
)
def test_dot_contract(kwargs, input_shapes, output_shape):
    run_layer_test(Dot, kwargs, input_shapes, output_shape)


@pytest.mark.parametrize(
    ("kwargs", "input_shapes"),
    [
        ({"axes": 1}, [(2, 3), (2, 3)]),
        ({"axes": -1}, [(2, 3, 4), (2, 5, 4)]),
        ({"axes": (1, 2)}, [(2, 3, 4), (2, 5, 3)]),
        ({"axes": [2, 1], "normalize": True}, [(2, 3, 4), (2, 4, 5)]),
        ({"axes": (1, 1), "normalize": True}, [(2, 4), (2, 4, 3)]),
        ({"axes": (2, 1)}, [(2, 3, 4, 2), (2, 4, 3)]),
        ({"axes": 2}, [(2, 3, 4), (2, 3, 4, 5)]),
    ],
)
def test_dot_matches_keras(keras, kwargs, input_shapes):
    data = random_data(input_shapes)
    assert_keras_parity(Dot(**kwargs), keras.layers.Dot(**kwargs), data)
    assert Dot(**kwargs).compute_output_shape([tuple(s) for s in input_shapes]) == keras.layers.Dot(
        **kwargs
    ).compute_output_shape(input_shapes)


def test_dot_functional_form_and_cosine():
    x = np.array([[3.0, 4.0]], "float32")
    y = np.array([[4.0, 3.0]], "float32")
    np.testing.assert_allclose(dot([x, y], axes=1), [[24.0]])
    np.testing.assert_allclose(dot([x, y], axes=-1, normalize=True), [[24.0 / 25.0]], rtol=1e-6)
    np.testing.assert_allclose(dot([x, np.zeros_like(y)], axes=1, normalize=True), [[0.0]])


def test_dot_config_matches_keras(keras):
    kwargs = {"axes": (1, 2), "normalize": True}
    ours = Dot(name="x", **kwargs).get_config()
    theirs = keras.layers.Dot(name="x", **kwargs).get_config()
    own_keys = set(ours) - {"name", "trainable", "dtype"}
    assert own_keys == set(theirs) - {"name", "trainable", "dtype"}
    for key in own_keys:
        assert ours[key] == theirs[key], key


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: Dot(axes="1", name="d"), TypeError, r"Dot layer 'd'.*`axes`"),
        (lambda: Dot(axes=(1, 2, 3), name="d"), ValueError, r"Dot layer 'd'.*`axes`"),
    ],
)
def test_dot_bad_arguments(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_dot_input_errors():
    with pytest.raises(ValueError, match=r"Dot layer 'd'.*axis 1 of the first input has size 3.*size 4"):
        Dot(1, name="d")([np.zeros((2, 3), "float32"), np.zeros((2, 4), "float32")])
    with pytest.raises(ValueError, match=r"Dot layer 'd0'.*non-batch axis"):
        Dot(0, name="d0")([np.zeros((2, 3), "float32"), np.zeros((2, 3), "float32")])
    with pytest.raises(ValueError, match=r"Dot layer 'd3'.*exactly 2 inputs"):
        Dot(1, name="d3")([np.zeros((2, 3), "float32")] * 3)
