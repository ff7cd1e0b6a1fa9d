"""``Sequential``: a stack of layers, built from an Input, an ``input_shape``, a call or ``build()``."""

from __future__ import annotations

import numpy as np
import pytest

import kerax
from kerax import layers
from models.kx_helpers import keras_summary_text, quiet, summary_text, table_rows


def test_list_with_input_first_is_built():
    model = kerax.Sequential([kerax.Input((8,)), layers.Dense(4), layers.Dense(2)])
    assert model.built
    assert [l.name for l in model.layers] == ["dense", "dense_1"]
    assert model.input_shape == (None, 8)
    assert model.output_shape == (None, 2)
    assert model.count_params() == 8 * 4 + 4 + 4 * 2 + 2


def test_add_builds_incrementally_from_an_input():
    model = kerax.Sequential()
    model.add(kerax.Input((8,)))
    model.add(layers.Dense(4))
    assert model.built and model.output_shape == (None, 4)
    model.add(layers.Dense(3))
    assert model.output_shape == (None, 3)
    assert model.count_params() == 36 + 15


def test_input_shape_on_the_first_layer():
    model = kerax.Sequential([layers.Dense(4, input_shape=(8,)), layers.Dense(1)])
    assert model.built
    assert model.input_shape == (None, 8)
    assert model.count_params() == 36 + 5
    # No InputLayer row, as in Keras.
    assert [r[0] for r in table_rows(summary_text(model))] == ["dense(Dense)", "dense_1(Dense)"]


def test_deferred_build_on_first_call():
    model = kerax.Sequential([layers.Dense(4), layers.Dense(2)])
    assert not model.built
    with pytest.raises(ValueError, match="isn't built"):
        model.count_params()
    y = model(np.ones((3, 8), "float32"))
    assert y.shape == (3, 2)
    assert model.built
    assert model.count_params() == 36 + 10
    assert table_rows(summary_text(model)) == [("dense(Dense)", "(None,4)", "36"), ("dense_1(Dense)", "(None,2)", "10")]


def test_deferred_build_by_build_shape():
    model = kerax.Sequential([layers.Dense(4), layers.Dense(2)])
    model.build((None, 8))
    assert model.built
    assert model.input_shape == (None, 8) and model.output_shape == (None, 2)
    assert [tuple(w.shape) for w in model.weights] == [(8, 4), (4,), (4, 2), (2,)]


def test_calling_a_built_model_matches_manual_computation():
    model = kerax.Sequential([kerax.Input((3,)), layers.Dense(4, activation="relu"), layers.Dense(2)])
    k1, b1, k2, b2 = model.get_weights()
    x = np.random.default_rng(0).normal(size=(5, 3)).astype("float32")
    expected = np.maximum(x @ k1 + b1, 0) @ k2 + b2
    np.testing.assert_allclose(np.asarray(model(x)), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-6)


def test_pop_removes_the_last_layer():
    model = kerax.Sequential([kerax.Input((8,)), layers.Dense(4), layers.Dense(2)])
    removed = model.pop()
    assert removed.name == "dense_1"
    assert [l.name for l in model.layers] == ["dense"]
    assert model.output_shape == (None, 4)
    assert model(np.ones((1, 8), "float32")).shape == (1, 4)
    model.add(layers.Dense(6))
    assert model.output_shape == (None, 6)


def test_pop_on_an_empty_model_raises():
    with pytest.raises((IndexError, ValueError), match="no layers"):
        kerax.Sequential().pop()


def test_names():
    assert kerax.Sequential(name="my_stack").name == "my_stack"
    assert [kerax.Sequential().name, kerax.Sequential().name] == ["sequential", "sequential_1"]


def test_duplicate_layer_names_are_refused():
    with pytest.raises(ValueError) as info:
        kerax.Sequential([layers.Dense(3, name="a"), layers.Dense(2, name="a")])
    message = str(info.value)
    assert "All layers added to a Sequential model should have unique names" in message
    assert "'a'" in message


def test_adding_something_that_is_not_a_layer_is_refused():
    model = kerax.Sequential()
    with pytest.raises(TypeError, match="instantiate"):
        model.add(layers.Dense)
    with pytest.raises(TypeError, match="Layer"):
        model.add("dense")


def test_input_after_layers_is_refused():
    model = kerax.Sequential([layers.Dense(3)])
    with pytest.raises(ValueError, match="Input"):
        model.add(kerax.Input((4,)))


def test_dropout_and_batch_norm_in_sequential_follow_training_flag():
    model = kerax.Sequential([kerax.Input((32,)), layers.Dropout(0.5)])
    x = np.ones((16, 32), "float32")
    np.testing.assert_array_equal(np.asarray(model(x)), x)
    assert 0.3 < (np.asarray(model(x, training=True)) == 0).mean() < 0.7


def test_sequential_matches_keras():
    keras = pytest.importorskip("keras")
    keras.backend.clear_session()

    def build(lib):
        L = lib.layers
        return lib.Sequential(
            [L.Dense(6, activation="relu", input_shape=(5,)), L.BatchNormalization(), L.Dropout(0.2), L.Dense(3)],
            name="stack",
        )

    model = build(kerax)
    with quiet():
        k_model = build(keras)
    assert [l.name for l in model.layers] == [l.name for l in k_model.layers]
    assert table_rows(summary_text(model)) == table_rows(keras_summary_text(k_model))
    model.set_weights(k_model.get_weights())
    x = np.random.default_rng(0).normal(size=(4, 5)).astype("float32")
    np.testing.assert_allclose(model.predict(x, verbose=0), k_model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)
