"""TextVectorization against Keras (reference outputs computed with TensorFlow), and its kerax specifics."""

from __future__ import annotations

import numpy as np
import pytest

from kerax import layers

from .lookup_reference_cases import check_case, load_cases

CASES = load_cases(("tv_",))


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_matches_keras(case, tmp_path):
    check_case(case, tmp_path)


CORPUS = ["The cat sat.", "The dog ran!", "A cat and a dog"]


def test_grain_pipeline_adapt_and_map():
    import grain

    dataset = grain.MapDataset.source(CORPUS).batch(2)
    layer = layers.TextVectorization(output_sequence_length=4)
    layer.adapt(dataset)
    reference = layers.TextVectorization(output_sequence_length=4)
    reference.adapt(CORPUS)
    assert layer.get_vocabulary() == reference.get_vocabulary()
    mapped = list(dataset.map(layer))
    np.testing.assert_array_equal(mapped[0], reference(CORPUS[:2]))
    np.testing.assert_array_equal(mapped[1], reference(CORPUS[2:]))
    assert mapped[0].shape == (2, 4)


def test_callables_bytes_scalars_and_vocabulary_access():
    def upper(strings):
        return np.char.upper(strings)

    def split_on_commas(strings):
        return [s.split(",") for s in strings.tolist()]

    layer = layers.TextVectorization(standardize=upper, split=split_on_commas, vocabulary=["A", "B C"])
    np.testing.assert_array_equal(layer(["a,b c,d", "b c"]), [[2, 3, 1], [3, 0, 0]])
    np.testing.assert_array_equal(layer(np.array([b"a", b"b c,a"])), [[2, 0], [3, 2]])
    np.testing.assert_array_equal(layer("a,a"), [2, 2])  # one string: one sequence
    assert layer.get_vocabulary(include_special_tokens=False) == ["A", "B C"]
    assert layer.vocabulary_size() == 4
    layer.set_vocabulary(["X"])
    np.testing.assert_array_equal(layer(["x,a"]), [[2, 1]])


def test_adapted_tf_idf_survives_its_config():
    layer = layers.TextVectorization(output_mode="tf_idf", ngrams=2)
    layer.adapt(CORPUS)
    config = layer.get_config()
    clone = layers.TextVectorization.from_config(config)
    np.testing.assert_allclose(clone(CORPUS), layer(CORPUS), rtol=1e-6)
    assert clone.get_vocabulary() == layer.get_vocabulary()
    assert config["ngrams"] == 2 and config["vocabulary_size"] == layer.vocabulary_size()
    store = {}
    layer.save_own_variables(store)
    fresh = layers.TextVectorization.from_config(config)
    fresh.load_own_variables(store)
    np.testing.assert_allclose(fresh(CORPUS), layer(CORPUS), rtol=1e-6)


def test_symbolic_specs():
    from kerax.layers import Input

    text = Input(shape=(1,), dtype="string")
    ids = layers.TextVectorization(vocabulary=["a"], output_sequence_length=5)(text)
    assert ids.shape == (None, 5) and np.dtype(ids.dtype).kind == "i"
    tfidf = layers.TextVectorization(vocabulary=["a", "b"], idf_weights=[1.0, 2.0], output_mode="tf_idf")(text)
    assert tfidf.shape == (None, 3) and np.dtype(tfidf.dtype) == np.float32
    padded = layers.TextVectorization(max_tokens=9, pad_to_max_tokens=True, output_mode="count")(text)
    assert padded.shape == (None, 9)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"sparse": True}, "sparse"),
        ({"ragged": True}, "ragged"),
        ({"standardize": "upper"}, "standardize"),
        ({"split": "comma"}, "split"),
        ({"ngrams": [1, 2]}, "ngrams"),
        ({"output_mode": "count", "output_sequence_length": 3}, "output_sequence_length"),
        ({"output_sequence_length": 2.5}, "output_sequence_length"),
        ({"output_mode": "tf_idf", "vocabulary": ["a"]}, "idf_weights"),
    ],
)
def test_bad_arguments_are_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        layers.TextVectorization(**kwargs)


def test_bad_calls_are_refused():
    layer = layers.TextVectorization(vocabulary=["a"])
    with pytest.raises(ValueError, match="last axis of size 1"):
        layer(np.array([["a", "b"]]))
    with pytest.raises(ValueError, match="fixed vocabulary"):
        layer.adapt(["a b"])
    with pytest.raises(ValueError, match="one_hot"):
        layers.TextVectorization(vocabulary=["a"], output_mode="one_hot")(["a"])
    with pytest.raises(TypeError, match="text"):
        layer(np.array([1, 2]))


def test_trains_on_raw_text_in_a_functional_model():
    import kerax

    vectorizer = layers.TextVectorization(output_sequence_length=5)
    vectorizer.adapt(CORPUS)
    text = layers.Input(shape=(1,), dtype="string")
    x = layers.Embedding(vectorizer.vocabulary_size(), 4)(vectorizer(text))
    model = kerax.Model(text, layers.Dense(1)(layers.GlobalAveragePooling1D()(x)))
    model.compile(optimizer="sgd", loss="mse")
    x_text = np.array([[c] for c in CORPUS] + [["unseen words"]])
    history = model.fit(x_text, np.arange(4.0)[:, None], epochs=2, batch_size=2, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    assert model.predict(x_text, verbose=0).shape == (4, 1)
