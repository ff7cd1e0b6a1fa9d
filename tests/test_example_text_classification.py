"""keras.io's "Text classification from scratch" (examples/nlp/text_classification_from_scratch.py, last
modified 2026/02/02), run on kerax on a small generated copy of the IMDB folder tree.

The example's code is kept cell by cell, with ``import kerax as keras`` for ``import keras``. What changed,
and why:

* Data: instead of downloading ``aclImdb_v1.tar.gz``, the test writes a tiny ``aclImdb`` tree (``train``
  with 40 ``pos``, 40 ``neg`` and one ``unsup`` review; ``test`` with 16 of each class; short reviews made
  of class words and filler, with ``<br />`` tags and punctuation), packs it into a ``.tar.gz`` and gives
  ``get_file`` a ``file://`` URL to it; the ``rm -r aclImdb/train/unsup`` shell cell is ``shutil.rmtree``.
* ``dataset_dir = os.path.join(os.path.dirname(dataset_zip), "aclImdb")`` became
  ``os.path.join(dataset_zip, "aclImdb")``: with ``extract=True`` Keras 3.15's ``get_file`` returns the
  folder it extracted into (``.../datasets/aclImdb_v1_extracted``), not the archive, so the example's line
  points at a folder that does not exist, on Keras as on kerax (the test checks Keras returns the same).
* ``tf.data`` lines, replaced by their Grain equivalents (kerax's datasets are Grain ``IterDataset``s of
  NumPy batches): ``ds.cardinality()`` (Grain has no cardinality for an ``IterDataset``) counts the batches
  by iterating; ``ds.take(1)`` is ``grain.experimental.LimitIterDataset(ds, 1)``; ``text_batch.numpy()``
  is ``text_batch`` (already NumPy); ``ds.map(lambda x, y: ...)`` is ``ds.map(lambda xy: ...)`` (Grain maps
  one element, the ``(x, y)`` tuple); ``ds.cache().prefetch(buffer_size=10)`` is
  ``ThreadPrefetchIterDataset(CacheIterDataset(ds), prefetch_buffer_size=10)``.
* ``custom_standardization``'s ``tf.strings.lower`` / ``tf.strings.regex_replace`` (TensorFlow string ops)
  are ``np.strings.lower`` and a vectorized ``re.sub`` with the same patterns (kerax's ``TextVectorization``
  passes a callable ``standardize`` a NumPy array of strings); ``tf.expand_dims`` is ``np.expand_dims``.
* ``epochs = 1`` instead of 3. The model keeps the example's sizes (``max_features = 20000``,
  ``embedding_dim = 128``), except ``sequence_length = 100`` instead of 500: the generated reviews are
  under 50 words, so 500 would only pad.

The checks between cells are ours. Keras is the oracle where it runs without TensorFlow: the example's
three ``text_dataset_from_directory`` calls give the same texts and labels as Keras's ``format="grain"``
datasets (in the same order for the two seeded splits), and the trained convnet, its weights copied into
the same model built with Keras, predicts the same on the vectorized test reviews. Note that the example
labels its training data with ``class_names=["pos", "neg"]`` (pos = 0) but its test data by folder order
(neg = 0), so the test accuracy says nothing about learning, in the example as here.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import string
import tarfile
import threading
import time
import warnings
from pathlib import Path

import grain
import keras as real_keras
import numpy as np
import pytest

import kerax as keras
from kerax import layers

POSITIVE = ["great", "wonderful", "superb", "loved", "brilliant"]
NEGATIVE = ["awful", "boring", "terrible", "hated", "dull"]
FILLER = ["the", "movie", "plot", "actor", "film", "a", "was", "and", "story", "it"]
N_TRAIN, N_TEST = 40, 16  # per class


def write_imdb_like_archive(root: Path) -> Path:
    """A tiny ``aclImdb`` tree (train pos/neg/unsup, test pos/neg) packed as ``aclImdb_v1.tar.gz``."""
    rng = random.Random(0)

    def review(words: list[str]) -> str:
        picked = [rng.choice(words) if rng.random() < 0.3 else rng.choice(FILLER) for _ in range(rng.randint(8, 40))]
        return " ".join(picked).capitalize() + ", really! <br /><br />The End."

    for split, count in (("train", N_TRAIN), ("test", N_TEST)):
        for label, words in (("pos", POSITIVE), ("neg", NEGATIVE)):
            folder = root / "aclImdb" / split / label
            folder.mkdir(parents=True)
            for i in range(count):
                (folder / f"{i}_{rng.randint(1, 10)}.txt").write_text(review(words), encoding="utf-8")
    (root / "aclImdb" / "train" / "unsup").mkdir()
    (root / "aclImdb" / "train" / "unsup" / "0_0.txt").write_text("An unlabelled review.", encoding="utf-8")
    archive = root / "aclImdb_v1.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(root / "aclImdb", arcname="aclImdb")
    return archive


def grain_threads(before: set[threading.Thread]) -> list[str]:
    """The Grain worker threads started since ``before`` still alive, after giving closed ones time to end."""
    deadline = time.time() + 5
    while True:
        names = [t.name for t in set(threading.enumerate()) - before if t.name.startswith("grain")]
        if not names or time.time() > deadline:
            return names
        time.sleep(0.05)


def regex_replace(input_data: np.ndarray, pattern: str, rewrite: str) -> np.ndarray:
    """``tf.strings.regex_replace`` for a NumPy array of strings."""
    return np.vectorize(lambda text: re.sub(pattern, rewrite, text), otypes=[object])(input_data)


def build_model(keras, layers, max_features: int, embedding_dim: int):  # noqa: ANN001, ANN201 - kerax or Keras
    """The example's "Build a model" cell (run with kerax, and with Keras for the oracle)."""
    # A integer input for vocab indices.
    inputs = keras.Input(shape=(None,), dtype="int64")

    # Next, we add a layer to map those vocab indices into a space of dimensionality
    # 'embedding_dim'.
    x = layers.Embedding(max_features, embedding_dim)(inputs)
    x = layers.Dropout(0.5)(x)

    # Conv1D + global max pooling
    x = layers.Conv1D(128, 7, padding="valid", activation="relu", strides=3)(x)
    x = layers.Conv1D(128, 7, padding="valid", activation="relu", strides=3)(x)
    x = layers.GlobalMaxPooling1D()(x)

    # We add a vanilla hidden layer:
    x = layers.Dense(128, activation="relu")(x)
    x = layers.Dropout(0.5)(x)

    # We project onto a single unit output layer, and squash it with a sigmoid:
    predictions = layers.Dense(1, activation="sigmoid", name="predictions")(x)

    model = keras.Model(inputs, predictions)
    return model


@pytest.fixture
def imdb_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KERAX_HOME", str(tmp_path / "kerax_home"))
    return "file://" + str(write_imdb_like_archive(tmp_path / "source"))


def test_text_classification_from_scratch(imdb_url: str, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    # -- Load the data: IMDB movie review sentiment classification ----------------------------------------
    dataset_url = imdb_url
    dataset_zip = keras.utils.get_file(
        "aclImdb_v1.tar.gz",
        dataset_url,
        extract=True,
    )
    # The dataset is extracted into the folder get_file returns
    dataset_dir = os.path.join(dataset_zip, "aclImdb")

    assert dataset_zip == str(tmp_path / "kerax_home" / "datasets" / "aclImdb_v1_extracted")
    (tmp_path / "k").mkdir()  # Keras falls back to /tmp/.keras when cache_dir does not exist yet
    theirs_zip = real_keras.utils.get_file("aclImdb_v1.tar.gz", dataset_url, extract=True, cache_dir=tmp_path / "k")
    assert os.path.relpath(theirs_zip, tmp_path / "k") == os.path.relpath(dataset_zip, tmp_path / "kerax_home")
    assert sorted(os.listdir(dataset_dir)) == ["test", "train"]

    # rm -r aclImdb/train/unsup
    shutil.rmtree(os.path.join(dataset_dir, "train", "unsup"))

    batch_size = 32
    train_dir = os.path.join(dataset_dir, "train")
    test_dir = os.path.join(dataset_dir, "test")

    raw_train_ds = keras.utils.text_dataset_from_directory(
        train_dir,
        batch_size=batch_size,
        validation_split=0.2,
        subset="training",
        seed=1337,
        class_names=["pos", "neg"],
    )
    raw_val_ds = keras.utils.text_dataset_from_directory(
        train_dir,
        batch_size=batch_size,
        validation_split=0.2,
        subset="validation",
        seed=1337,
        class_names=["pos", "neg"],
    )
    raw_test_ds = keras.utils.text_dataset_from_directory(test_dir, batch_size=batch_size)

    print(f"Number of batches in raw_train_ds: {sum(1 for _ in raw_train_ds)}")
    print(f"Number of batches in raw_val_ds: {sum(1 for _ in raw_val_ds)}")
    print(f"Number of batches in raw_test_ds: {sum(1 for _ in raw_test_ds)}")

    out = capsys.readouterr().out
    assert out.count("Found 80 files belonging to 2 classes.") == 2 and "Found 32 files belonging to 2 classes." in out
    assert "Using 64 files for training." in out and "Using 16 files for validation." in out
    assert "raw_train_ds: 2\n" in out and "raw_val_ds: 1\n" in out and "raw_test_ds: 1\n" in out
    assert raw_train_ds.class_names == ["pos", "neg"] and raw_test_ds.class_names == ["neg", "pos"]
    theirs = {
        "train": real_keras.utils.text_dataset_from_directory(
            train_dir, batch_size=batch_size, validation_split=0.2, subset="training", seed=1337,
            class_names=["pos", "neg"], format="grain", verbose=False,
        ),
        "val": real_keras.utils.text_dataset_from_directory(
            train_dir, batch_size=batch_size, validation_split=0.2, subset="validation", seed=1337,
            class_names=["pos", "neg"], format="grain", verbose=False,
        ),
        "test": real_keras.utils.text_dataset_from_directory(
            test_dir, batch_size=batch_size, format="grain", verbose=False
        ),
    }  # fmt: skip

    def samples(dataset) -> list[tuple[str, int]]:  # noqa: ANN001 - a kerax or a Keras dataset
        return [(str(t), int(y)) for texts, labels in dataset for t, y in zip(texts, labels, strict=True)]

    # The same seed gives the same order; the test set's seed is drawn at random, so it is compared as a set.
    assert samples(raw_train_ds) == samples(theirs["train"]) and samples(raw_val_ds) == samples(theirs["val"])
    assert sorted(samples(raw_test_ds)) == sorted(samples(theirs["test"]))
    assert [len(texts) for texts, _ in raw_train_ds] == [len(texts) for texts, _ in theirs["train"]] == [32, 32]
    capsys.readouterr()  # Keras prints its split even with verbose=False

    # -- Preview a few samples ----------------------------------------------------------------------------
    for text_batch, label_batch in grain.experimental.LimitIterDataset(raw_train_ds, 1):
        for i in range(5):
            print(text_batch[i])
            print(label_batch[i])

    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 10 and all("<br />" in line for line in lines[::2])
    assert set(lines[1::2]) <= {"0", "1"}

    # -- Prepare the data ---------------------------------------------------------------------------------
    def custom_standardization(input_data):  # noqa: ANN001, ANN202 - the example's function
        lowercase = np.strings.lower(input_data)
        stripped_html = regex_replace(lowercase, "<br />", " ")
        return regex_replace(stripped_html, f"[{re.escape(string.punctuation)}]", "")

    # Model constants.
    max_features = 20000
    embedding_dim = 128
    sequence_length = 100

    vectorize_layer = keras.layers.TextVectorization(
        standardize=custom_standardization,
        max_tokens=max_features,
        output_mode="int",
        output_sequence_length=sequence_length,
    )

    # Let's make a text-only dataset (no labels):
    text_ds = raw_train_ds.map(lambda xy: xy[0])
    # Let's call `adapt`:
    threads_before = set(threading.enumerate())
    vectorize_layer.adapt(text_ds)

    assert not grain_threads(threads_before), "adapt left the Grain dataset's reading threads running"
    vocabulary = vectorize_layer.get_vocabulary()
    assert vocabulary[:2] == ["", "[UNK]"]
    # Every word of the training reviews, and nothing else: no "<br", "br", "!" or capitals.
    assert set(vocabulary[2:]) == {*POSITIVE, *NEGATIVE, *FILLER, "really", "end"}
    assert custom_standardization(np.array(["Great, <br />FUN!"])).tolist() == ["great  fun"]

    def vectorize_text(text, label):  # noqa: ANN001, ANN202 - the example's function
        text = np.expand_dims(text, -1)
        return vectorize_layer(text), label

    # Vectorize the data.
    train_ds = raw_train_ds.map(lambda xy: vectorize_text(*xy))
    val_ds = raw_val_ds.map(lambda xy: vectorize_text(*xy))
    test_ds = raw_test_ds.map(lambda xy: vectorize_text(*xy))

    # Do async prefetching / buffering of the data for best performance on GPU.
    cache, prefetch = grain.experimental.CacheIterDataset, grain.experimental.ThreadPrefetchIterDataset
    train_ds = prefetch(cache(train_ds), prefetch_buffer_size=10)
    val_ds = prefetch(cache(val_ds), prefetch_buffer_size=10)
    test_ds = prefetch(cache(test_ds), prefetch_buffer_size=10)

    test_texts, test_labels = next(iter(raw_test_ds))
    ids, labels = next(iter(test_ds))
    assert ids.shape == (32, sequence_length) and np.issubdtype(ids.dtype, np.integer)
    index = {token: i for i, token in enumerate(vocabulary)}
    words = custom_standardization(np.asarray(test_texts[:1], dtype=str))[0].split()
    np.testing.assert_array_equal(ids[0, : len(words)], [index.get(w, 1) for w in words])
    assert not ids[0, len(words) :].any()
    np.testing.assert_array_equal(labels, test_labels)

    # -- Build a model ------------------------------------------------------------------------------------
    model = build_model(keras, layers, max_features, embedding_dim)

    # Compile the model with binary crossentropy loss and an adam optimizer.
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])

    # -- Train the model ----------------------------------------------------------------------------------
    epochs = 1

    # Fit the model using the train and test datasets.
    threads_before = set(threading.enumerate())
    history = model.fit(train_ds, validation_data=val_ds, epochs=epochs)

    assert sorted(history.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert all(np.isfinite(v).all() for v in history.history.values())
    assert "2/2 " in capsys.readouterr().out  # 64 training reviews, batches of 32

    # -- Evaluate the model on the test set ---------------------------------------------------------------
    loss, accuracy = model.evaluate(test_ds)
    assert np.isfinite(loss) and 0.0 <= accuracy <= 1.0

    # Oracle: the same model built with Keras, holding the trained weights, predicts the same.
    with warnings.catch_warnings():
        # Keras's JAX backend warns that its int64 input is int32 without x64 mode (kerax just uses int32).
        warnings.filterwarnings("ignore", "Explicitly requested dtype int64", UserWarning)
        theirs_model = build_model(real_keras, real_keras.layers, max_features, embedding_dim)
        theirs_model.set_weights(model.get_weights())
        theirs_predictions = theirs_model.predict(ids, verbose=0)
    np.testing.assert_allclose(model.predict(ids, verbose=0), theirs_predictions, rtol=1e-4, atol=1e-5)

    # -- Make an end-to-end model -------------------------------------------------------------------------
    # A string input
    inputs = keras.Input(shape=(1,), dtype="string")
    # Turn strings into vocab indices
    indices = vectorize_layer(inputs)
    # Turn vocab indices into predictions
    outputs = model(indices)

    # Our end to end model
    end_to_end_model = keras.Model(inputs, outputs)
    end_to_end_model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])

    # Test it with `raw_test_ds`, which yields raw strings
    end_to_end_loss, end_to_end_accuracy = end_to_end_model.evaluate(raw_test_ds)

    # Same weights, same reviews: raw strings in give what the vectorized dataset gave.
    np.testing.assert_allclose(end_to_end_loss, loss, rtol=1e-5)
    assert end_to_end_accuracy == accuracy
    assert not grain_threads(threads_before), "fit/evaluate left Grain threads running"
