"""kerax.utils's Keras names: label and sequence helpers (Keras's numbers), Config, graphs, serialization."""

from __future__ import annotations

import jax.numpy as jnp
import keras
import numpy as np
import pytest

import kerax
from kerax import utils


@pytest.mark.parametrize(
    ("labels", "num_classes"),
    [
        ([0, 1, 2, 3], None),
        ([0, 2, 1], 5),
        (np.array([[1], [0], [3]]), None),
        (np.array([[0, 1], [2, 1]]), 4),
        (np.array([[[1]], [[2]]]), 3),
        (np.int64(2), 4),
    ],
)
def test_to_categorical_matches_keras(labels: object, num_classes: int | None) -> None:
    ours = utils.to_categorical(labels, num_classes)
    theirs = keras.utils.to_categorical(labels, num_classes)
    assert isinstance(ours, np.ndarray) and ours.dtype == theirs.dtype and ours.shape == theirs.shape
    np.testing.assert_array_equal(ours, theirs)


def test_to_categorical_of_a_jax_array_is_a_float_jax_array() -> None:
    ours = utils.to_categorical(jnp.array([[1], [0]]), 3)
    np.testing.assert_array_equal(ours, keras.utils.to_categorical(jnp.array([[1], [0]]), 3))
    assert ours.dtype == jnp.float32 and ours.shape == (2, 3)


@pytest.mark.parametrize(("axis", "order"), [(-1, 2), (0, 2), (1, 1), (-1, 3)])
def test_normalize_matches_keras_for_numpy_and_jax(axis: int, order: int) -> None:
    x = np.array([[1.0, -2.0, 3.0], [0.0, 0.0, 0.0], [4.0, 5.0, -6.0]], "float32")
    theirs = keras.utils.normalize(x, axis=axis, order=order)
    ours = utils.normalize(x, axis=axis, order=order)
    assert isinstance(ours, np.ndarray)
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)
    theirs_jax = np.asarray(keras.utils.normalize(jnp.asarray(x), axis=axis, order=order))
    np.testing.assert_allclose(np.asarray(utils.normalize(jnp.asarray(x), axis=axis, order=order)), theirs_jax, 1e-6)


SEQUENCES = [[1, 2, 3], [4, 5], [], [6, 7, 8, 9, 10]]


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"maxlen": 3},
        {"maxlen": 3, "padding": "post"},
        {"maxlen": 3, "truncating": "post"},
        {"maxlen": 6, "padding": "post", "truncating": "post", "value": -1},
        {"dtype": "float32", "value": 0.5},
        {"maxlen": 2, "dtype": "int64"},
    ],
)
def test_pad_sequences_matches_keras(kwargs: dict) -> None:
    theirs = keras.utils.pad_sequences(SEQUENCES, **kwargs)
    ours = utils.pad_sequences(SEQUENCES, **kwargs)
    assert ours.dtype == theirs.dtype
    np.testing.assert_array_equal(ours, theirs)
    assert kerax.preprocessing.sequence.pad_sequences is utils.pad_sequences


def test_pad_sequences_of_vectors_and_strings() -> None:
    vectors = [np.ones((2, 3)), np.zeros((4, 3))]
    np.testing.assert_array_equal(utils.pad_sequences(vectors, maxlen=3), keras.utils.pad_sequences(vectors, maxlen=3))
    words = [["a", "b"], ["c"]]
    np.testing.assert_array_equal(
        utils.pad_sequences(words, dtype=object, value="<pad>"),
        keras.utils.pad_sequences(words, dtype=object, value="<pad>"),
    )
    with pytest.raises(ValueError, match="dtype=object"):
        utils.pad_sequences(words, value="<pad>")
    with pytest.raises(ValueError, match="padding"):
        utils.pad_sequences(SEQUENCES, padding="middle")


def test_config_behaves_like_keras_config() -> None:
    config = utils.Config(learning_rate=0.1)
    config.momentum = 0.9
    config["seed"] = 1
    assert config.learning_rate == 0.1 and config["momentum"] == 0.9 and "seed" in config
    assert list(config) == ["learning_rate", "momentum", "seed"] and len(config) == 3
    assert config.as_dict() == {"learning_rate": 0.1, "momentum": 0.9, "seed": 1}
    assert config.to_json() == '{"learning_rate": 0.1, "momentum": 0.9, "seed": 1}'
    with pytest.raises(AttributeError, match="Did you mean 'momentum'"):
        _ = config.momentun
    config.freeze()
    assert config.frozen
    with pytest.raises(ValueError, match="frozen"):
        config.seed = 2
    config.unfreeze()
    del config["seed"]
    assert config.get("seed", "gone") == "gone"


def test_get_source_inputs_walks_back_to_the_inputs() -> None:
    a, b = kerax.Input((3,), name="a"), kerax.Input((3,), name="b")
    hidden = kerax.layers.Dense(2)(a)
    out = kerax.layers.Concatenate()([hidden, kerax.layers.Dense(2)(b), hidden])
    assert utils.get_source_inputs(out) == [a, b]
    assert utils.get_source_inputs(a) == [a]
    loose = kerax.KerasTensor((None, 2))
    assert utils.get_source_inputs(loose) == [loose]
    assert utils.get_source_inputs(5) == 5


def test_model_to_dot_gives_dot_source_and_drawings(tmp_path: object) -> None:
    inputs = kerax.Input((4,), name="features")
    model = kerax.Model(inputs, kerax.layers.Dense(2, name="head")(kerax.layers.Dense(3, name="body")(inputs)))
    dot = utils.model_to_dot(model, show_shapes=True)
    source = dot.to_string()
    assert source.startswith("digraph") and "body (Dense)" in source and "head (Dense)" in source
    assert source.count("->") == 2 and str(dot) == source
    assert dot.create_png().startswith(b"\x89PNG")
    assert b"<svg" in dot.create_svg()
    path = tmp_path / "model.dot"
    dot.write(path)
    assert path.read_text() == source


def test_serialization_names_are_the_saving_ones() -> None:
    for name in (
        "register_keras_serializable",
        "get_registered_name",
        "get_registered_object",
        "serialize_keras_object",
        "deserialize_keras_object",
        "custom_object_scope",
        "CustomObjectScope",
        "get_custom_objects",
    ):
        assert getattr(utils, name) is getattr(kerax.saving, name), name

    @utils.register_keras_serializable(package="test_utils")
    def scaled_relu(x: object) -> object:
        return kerax.activations.relu(x) * 2

    assert utils.get_registered_name(scaled_relu) == "test_utils>scaled_relu"
    assert utils.get_registered_object("test_utils>scaled_relu") is scaled_relu
    config = utils.serialize_keras_object(kerax.layers.Dense(2, activation=scaled_relu))
    rebuilt = utils.deserialize_keras_object(config)
    assert rebuilt.activation is scaled_relu
    with utils.custom_object_scope({"MyDense": kerax.layers.Dense}):
        assert utils.get_registered_object("MyDense") is kerax.layers.Dense
    assert utils.get_registered_object("MyDense") is None
