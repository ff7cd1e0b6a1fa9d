"""The lookup, hashing and encoding layers against Keras: reference outputs computed with TensorFlow for
the layers that need it, live Keras (JAX backend) for CategoryEncoding and Discretization with given bins."""

from __future__ import annotations

import jax
import numpy as np
import pytest

from kerax import layers
from kerax.layers._preprocessing import _hashes

from .lookup_reference_cases import check_case, load_cases

CASES = load_cases(("sl_", "il_", "hash_", "cross_", "disc_"))


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_matches_keras(case, tmp_path):
    check_case(case, tmp_path)


# -- live Keras (no TensorFlow needed) -----------------------------------------------------------------
ENCODING_INPUTS = [
    np.array([1, 2, 5]),
    np.array([[1, 2], [3, 3], [0, 9]]),
    np.array([[1], [3]]),
    np.array(2),
]


@pytest.mark.parametrize("mode", ["multi_hot", "count", "one_hot"])
def test_category_encoding_matches_keras(keras, mode):
    for inputs in ENCODING_INPUTS:
        expected = np.asarray(keras.layers.CategoryEncoding(4, output_mode=mode)(inputs))
        got = np.asarray(layers.CategoryEncoding(4, output_mode=mode)(inputs))
        np.testing.assert_array_equal(got, expected, err_msg=f"{mode} {inputs.shape}")
        assert got.dtype == expected.dtype
    weights = np.array([[0.5, 2.0], [1.0, 1.5], [3.0, 0.25]], "float32")
    if mode == "count":
        expected = keras.layers.CategoryEncoding(4, output_mode="count")(ENCODING_INPUTS[1], count_weights=weights)
        got = layers.CategoryEncoding(4, output_mode="count")(ENCODING_INPUTS[1], count_weights=weights)
        np.testing.assert_allclose(np.asarray(got), np.asarray(expected))
    assert layers.CategoryEncoding(3, output_mode=mode).compute_output_shape((None, 2)) == (
        keras.layers.CategoryEncoding(3, output_mode=mode).compute_output_shape((None, 2))
    )


@pytest.mark.parametrize("mode", ["int", "one_hot", "multi_hot", "count"])
def test_discretization_with_bins_matches_keras(keras, mode):
    x = np.array([[-1.5, 0.0, 0.2, 3.0], [0.5, 0.5, 9.0, -0.1]], "float32")
    bins = [-1.0, 0.0, 0.5, 2.0]
    expected = keras.layers.Discretization(bin_boundaries=bins, output_mode=mode)(x)
    got = layers.Discretization(bin_boundaries=bins, output_mode=mode)(x)
    np.testing.assert_array_equal(np.asarray(got), np.asarray(expected))
    assert np.asarray(got).dtype == np.asarray(expected).dtype
    config = layers.Discretization(bin_boundaries=bins, output_mode=mode).get_config()
    keras_config = keras.layers.Discretization(bin_boundaries=bins, output_mode=mode).get_config()
    assert {k: v for k, v in config.items() if k != "name"} == {k: v for k, v in keras_config.items() if k != "name"}


# -- hashes --------------------------------------------------------------------------------------------
def test_hash_test_vectors():
    # FarmHash Fingerprint64 of "" is the constant k2; the rest were read from TensorFlow's
    # to_hash_bucket_fast / _strong with num_buckets = 2**63 - 1.
    assert _hashes.fingerprint64(b"") == 0x9AE16A3B2F90404F
    big = 2**63 - 1
    assert _hashes.fingerprint64(b"hello") % big == 3786372426573024489
    assert _hashes.fingerprint64(b"b" * 65) % big == 848337914165096344
    # SipHash-2-4 test vector of the SipHash paper: key 00..0f, message 00..0e.
    key = (int.from_bytes(bytes(range(8)), "little"), int.from_bytes(bytes(range(8, 16)), "little"))
    assert _hashes.siphash24(key, bytes(range(15))) == 0xA129CA6149BE45E5
    assert _hashes.siphash24((1, 2), b"hello") % big == 2957200328589801622


# -- inside compiled code --------------------------------------------------------------------------------
INTEGER_VARIANTS = [
    {"vocabulary": [12, 36, 1138, 42]},
    {"vocabulary": [12, 36, 1138, 42], "num_oov_indices": 3},
    {"vocabulary": [12, 36, 1138, 42], "num_oov_indices": 3, "oov_method": "farmhash", "salt": 7},
    {"vocabulary": [12, 36, 1138, 42], "mask_token": 0, "output_mode": "count"},
    {"vocabulary": [12, 36, 1138, 42], "output_mode": "tf_idf", "idf_weights": [0.5, 1.0, 1.5, 2.0]},
    {"vocabulary": [12, 36, 1138, 42], "invert": True, "mask_token": 0},
]


@pytest.mark.parametrize("kwargs", INTEGER_VARIANTS, ids=range(len(INTEGER_VARIANTS)))
def test_integer_lookup_traced_matches_eager(kwargs):
    layer = layers.IntegerLookup(**kwargs)
    x = np.array([[12, 0, 1138], [-5, 42, 77]], "int32")
    if kwargs.get("invert"):
        x = np.array([[0, 1, 2], [4, 7, -1]], "int32")
    eager = np.asarray(layer(x))
    traced = np.asarray(jax.jit(lambda v: layer(v))(x))
    np.testing.assert_array_equal(traced, eager)
    assert traced.dtype == eager.dtype


def test_integer_lookup_in_a_compiled_model():
    from kerax.layers import Dense, Embedding, GlobalAveragePooling1D, Input
    from kerax.models import Sequential

    model = Sequential(
        [
            Input((3,), dtype="int32"),
            layers.IntegerLookup(vocabulary=[3, 7, 11, 19]),
            Embedding(5, 4),
            GlobalAveragePooling1D(),
            Dense(1),
        ]
    )
    model.summary(print_fn=lambda *a, **k: None)
    assert model.layers[0].compute_output_shape((None, 3)) == (None, 3)
    model.compile(optimizer="sgd", loss="mse")
    x = np.array([[3, 7, 99], [11, 19, 3], [7, 7, 7], [0, 11, 19]], "int32")
    y = np.arange(4, dtype="float32")[:, None]
    history = model.fit(x, y, epochs=2, batch_size=2, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    assert model.predict(x, verbose=0).shape == (4, 1)


def test_hashing_traced_matches_eager():
    layer = layers.Hashing(num_bins=11, mask_value=0, salt=[3, 4])
    x = np.array([[0, 5, -7], [123456, 0, 2]], "int32")
    traced = np.asarray(jax.jit(lambda v: layer(v))(x))
    np.testing.assert_array_equal(traced, np.asarray(layer(x)))


# -- saving ----------------------------------------------------------------------------------------------
def test_adapted_string_lookup_survives_its_config():
    layer = layers.StringLookup(output_mode="tf_idf", max_tokens=6, pad_to_max_tokens=True)
    layer.adapt([["a", "b", "a"], ["c", "b", "d"], ["a", "e", "e"]])
    config = layer.get_config()
    assert config["vocabulary"] == layer.get_vocabulary() and config["has_input_vocabulary"] is False
    clone = layers.StringLookup.from_config(config)
    x = np.array([["a", "e", "zz", "b"]])
    np.testing.assert_allclose(clone(x), layer(x))
    assert clone.get_vocabulary() == layer.get_vocabulary()
    clone.adapt([["q", "q", "r"]])  # still adaptable, as Keras's loaded layer is
    assert clone.get_vocabulary() == ["[UNK]", "q", "r"]
    store = {}
    layer.save_own_variables(store)
    np.testing.assert_allclose(store["idf_weights"], layer._idf_weights)


def test_adapted_integer_lookup_and_discretization_survive_their_configs():
    lookup = layers.IntegerLookup(mask_token=0)
    lookup.adapt(np.array([4, 4, 9, 0, 2, 9, 9]))
    clone = layers.IntegerLookup.from_config(lookup.get_config())
    x = np.array([[9, 4, 0, 5]])
    np.testing.assert_array_equal(clone(x), lookup(x))
    assert clone.get_config()["vocabulary"] == [0, -1, 9, 4, 2]
    disc = layers.Discretization(num_bins=3)
    disc.adapt(np.linspace(0.0, 1.0, 30))
    clone = layers.Discretization.from_config(disc.get_config())
    np.testing.assert_array_equal(clone(np.array([0.1, 0.5, 0.9])), disc(np.array([0.1, 0.5, 0.9])))
    assert clone.num_bins == 3


def test_round_trip_through_the_serializer():
    from kerax.saving import deserialize_keras_object, serialize_keras_object

    for layer in (
        layers.Hashing(num_bins=4, salt=9, output_mode="multi_hot"),
        layers.HashedCrossing(num_bins=7),
        layers.CategoryEncoding(5, output_mode="count"),
        layers.StringLookup(vocabulary=["x", "y"], num_oov_indices=2),
    ):
        clone = deserialize_keras_object(serialize_keras_object(layer))
        assert type(clone) is type(layer)
        assert clone.get_config() == {**layer.get_config(), "name": clone.name}


# -- host layers in graphs -----------------------------------------------------------------------------
def test_string_layers_give_symbolic_specs():
    from kerax.layers import Input

    text = Input(shape=(1,), dtype="string")
    ids = layers.StringLookup(vocabulary=["a", "b"])(text)
    assert ids.shape == (None, 1) and np.dtype(ids.dtype).kind == "i"
    hot = layers.StringLookup(vocabulary=["a", "b"], output_mode="multi_hot")(text)
    assert hot.shape == (None, 3)
    hashed = layers.Hashing(num_bins=8, output_mode="one_hot")(text)
    assert hashed.shape == (None, 8)
    crossed = layers.HashedCrossing(num_bins=8)([text, Input(shape=(1,), dtype="int32")])
    assert crossed.shape == (None, 1)
    words = layers.StringLookup(vocabulary=["a", "b"], invert=True)(Input(shape=(2,), dtype="int32"))
    assert words.shape == (None, 2)


# -- errors ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda: layers.StringLookup(sparse=True), "sparse"),
        (lambda: layers.StringLookup(output_mode="binary_x"), "output_mode"),
        (lambda: layers.StringLookup(invert=True, output_mode="count"), "invert"),
        (lambda: layers.StringLookup(max_tokens=1), "max_tokens"),
        (lambda: layers.StringLookup(pad_to_max_tokens=True), "max_tokens"),
        (lambda: layers.StringLookup(vocabulary=["a", "b", "a"]), "repeats"),
        (lambda: layers.StringLookup(vocabulary=["a", ""], mask_token=""), "mask token"),
        (lambda: layers.StringLookup(vocabulary=["a", "b", "c"], max_tokens=3), "max_tokens"),
        (lambda: layers.StringLookup(vocabulary=["a"], output_mode="tf_idf"), "idf_weights"),
        (lambda: layers.StringLookup(vocabulary=["a"], idf_weights=[1.0]), "idf_weights"),
        (lambda: layers.StringLookup(vocabulary=[]), "empty"),
        (lambda: layers.StringLookup(vocabulary="/nonexistent/vocab.txt"), "does not exist"),
        (lambda: layers.StringLookup(num_oov_indices=-1), "num_oov_indices"),
        (lambda: layers.StringLookup(salt="x"), "salt"),
        (lambda: layers.IntegerLookup(vocabulary_dtype="int32"), "vocabulary_dtype"),
        (lambda: layers.IntegerLookup(salt=3), "farmhash"),
        (lambda: layers.Hashing(num_bins=0), "num_bins"),
        (lambda: layers.Hashing(num_bins=3, output_mode="int", dtype="float32"), "dtype"),
        (lambda: layers.Hashing(num_bins=3, output_mode="tf_idf"), "output_mode"),
        (lambda: layers.HashedCrossing(num_bins=3, output_mode="count"), "output_mode"),
        (lambda: layers.CategoryEncoding(), "num_tokens"),
        (lambda: layers.CategoryEncoding(0), "num_tokens"),
        (lambda: layers.Discretization(), "num_bins"),
        (lambda: layers.Discretization(num_bins=2, bin_boundaries=[0.0]), "not both"),
        (lambda: layers.Discretization(bin_boundaries=[1.0, 0.0]), "sorted"),
    ],
)
def test_bad_arguments_are_refused(build, match):
    with pytest.raises(ValueError, match=match):
        build()


def test_bad_calls_are_refused():
    with pytest.raises(ValueError, match="fixed vocabulary"):
        layers.StringLookup(vocabulary=["a"]).adapt(["a", "b"])
    with pytest.raises(ValueError, match="set the vocabulary"):
        layers.StringLookup(output_mode="multi_hot")(["a"])
    counted = layers.StringLookup(output_mode="count", vocabulary=["a", "b"])
    with pytest.raises(ValueError, match="cannot change"):
        counted.set_vocabulary(["a", "b", "c"])
    with pytest.raises(TypeError, match="text"):
        layers.StringLookup(vocabulary=["a"])(np.array([1.5, 2.5]))
    with pytest.raises(TypeError, match="integer"):
        layers.IntegerLookup(vocabulary=[1])(np.array(["a"]))
    with pytest.raises(ValueError, match="num_oov_indices"):
        layers.IntegerLookup(vocabulary=[1, 2], num_oov_indices=0)(np.array([1, 3]))
    with pytest.raises(ValueError, match="at least two"):
        layers.HashedCrossing(num_bins=3)([np.array([1])])
    with pytest.raises(ValueError, match="same shape"):
        layers.HashedCrossing(num_bins=3)([np.array([1, 2]), np.array([1])])
    with pytest.raises(ValueError, match="bin_boundaries"):
        layers.Discretization(bin_boundaries=[0.0]).adapt(np.array([1.0]))
    with pytest.raises(ValueError, match="count_weights"):
        layers.CategoryEncoding(3)(np.array([[1]]), count_weights=np.array([[1.0]]))
