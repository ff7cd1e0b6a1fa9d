"""Compute Keras's outputs for the lookup and text layers, as the oracle of kerax's tests.

Keras's ``StringLookup``, ``IntegerLookup``, ``TextVectorization``, ``Hashing``, ``HashedCrossing`` (and
``Discretization.adapt``, ``keras.utils.FeatureSpace``) need TensorFlow, which kerax does not depend on.
This script runs them in a separate virtual environment and writes ``lookup_references.json`` beside it
(generated with Keras 3.15.1 and TensorFlow 2.21.0, recorded in the file); the tests
``tests/layers/test_lookup_layers.py``, ``test_text_vectorization.py`` and ``test_feature_space.py``
(through ``tests/layers/lookup_reference_cases.py``) read that file.

Regenerate (from the repository root):

    python3 -m venv /tmp/tfvenv && /tmp/tfvenv/bin/pip install tensorflow-cpu keras
    KERAS_BACKEND=tensorflow /tmp/tfvenv/bin/python tests/layers/reference/make_lookup_references.py

Each case names a layer, its constructor arguments, the data ``adapt`` reads (``adapt``: one array-like;
``adapt_batches``: a list of batches given as a ``tf.data`` dataset), an optional vocabulary file (its
lines), the call inputs, and what Keras returned: the outputs and their kind, the vocabulary, the idf
weights, the bin boundaries and the layer's config. The output is deterministic: rerunning it gives the
same file.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))

CORPUS = [
    "The quick brown fox.",
    "the lazy dog; the END!",
    "Fox & dog: friends?",
    "a b c a b a",
    "Café ÉCOLE naïve",
    "tabs\tand\nnewlines\x0bvt\u00a0nbsp  spaces",
    "",
    "x-ray x_ray x.ray (x'ray)",
]
QUERIES = ["the fox and the dog", "unknown words here", "A B C", "café école", "", "x-ray\ttabs"]

WORDS = ["a", "b", "c", "a", "b", "a", "d", "e", "e", "zz", "é"]
WORD_QUERIES = [["a", "b"], ["zz", "nope"], ["", "é"], ["d", "[UNK]"]]
INTS = [5, 7, 7, 9, 9, 9, -3, 100000, 12, 12]
INT_QUERIES = [[5, 7], [-3, 42], [0, 12], [9, -1]]

STRING_VOCAB = ["earth", "wind", "fire", "water"]
STRING_QUERY = [["earth", "fire"], ["air", "water"], ["", "mud"]]
INT_VOCAB = [12, 36, 1138, 42]
INT_QUERY = [[12, 1138], [99, 36], [0, -7]]

RNG = np.random.default_rng(7)
DISC_DATA = RNG.normal(size=(64, 3)).round(3).astype("float32")


def to_json(value):
    if isinstance(value, tf.Tensor | tf.Variable):
        value = value.numpy()
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "SO":
            return [to_json(v) for v in value.tolist()] if value.ndim else to_json(value.item())
        return value.tolist()
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def as_input(value, kind):
    if kind == "str":
        return np.array(value, dtype=object) if isinstance(value, list) else value
    if kind == "int":
        return np.array(value, dtype="int64")
    if kind == "float":
        return np.array(value, dtype="float32")
    if kind == "list":
        return value
    raise ValueError(kind)


def run_case(case):
    cls = getattr(keras.layers, case["layer"])
    kwargs = dict(case.get("kwargs", {}))
    path = None
    if "vocabulary_file" in case:
        handle, path = tempfile.mkstemp(suffix=".txt")
        with os.fdopen(handle, "w", encoding="utf-8") as f:
            f.write("\n".join(str(v) for v in case["vocabulary_file"]) + "\n")
        kwargs["vocabulary"] = path
    layer = cls(**kwargs)
    kind = case.get("kind", "str")
    if "adapt" in case:
        layer.adapt(as_input(case["adapt"], kind) if kind != "float" else np.array(case["adapt"], "float32"))
    if "adapt_batches" in case:
        batches = [as_input(b, kind) for b in case["adapt_batches"]]
        dataset = tf.data.Dataset.from_generator(
            lambda: iter(batches),
            output_signature=tf.TensorSpec(
                shape=(None,) + batches[0].shape[1:],
                dtype=tf.as_dtype(batches[0].dtype if kind != "str" else tf.string),
            ),
        )
        layer.adapt(dataset)
    if case["layer"] == "HashedCrossing":
        inputs = tuple(as_input(x, k) for x, k in zip(case["inputs"], case["kinds"], strict=True))
    else:
        inputs = as_input(case["inputs"], case.get("call_kind", kind))
    out = layer(inputs)
    array = np.asarray(out)
    kind = "str" if array.dtype.kind in "SOU" else "int" if array.dtype.kind in "iu" else "float"
    result = {"output": to_json(array), "output_kind": kind}
    if hasattr(layer, "get_vocabulary"):
        result["vocabulary"] = to_json(layer.get_vocabulary())
        result["vocabulary_size"] = int(layer.vocabulary_size())
    lookup = getattr(layer, "_lookup_layer", layer)
    if getattr(lookup, "output_mode", None) == "tf_idf" and hasattr(lookup, "idf_weights_const"):
        result["idf_weights"] = to_json(lookup.idf_weights_const)
    if case["layer"] == "Discretization":
        result["bin_boundaries"] = [float(b) for b in layer.bin_boundaries]
    config = layer.get_config()
    if "vocabulary" in config and path is not None:
        config["vocabulary"] = None  # a file path: Keras keeps it out of the config
    result["config"] = json.loads(json.dumps(config, default=to_json))
    if path is not None:
        os.remove(path)
    return result


def cases():
    tv = "TextVectorization"
    out = []

    def add(name, layer, **spec):
        out.append({"name": name, "layer": layer, **spec})

    # TextVectorization
    add("tv_int", tv, adapt=CORPUS, inputs=QUERIES)
    add("tv_seq_len", tv, kwargs={"output_sequence_length": 3}, adapt=CORPUS, inputs=QUERIES)
    add("tv_seq_len_pad", tv, kwargs={"output_sequence_length": 9}, adapt=CORPUS, inputs=QUERIES)
    add("tv_max_tokens", tv, kwargs={"max_tokens": 7}, adapt=CORPUS, inputs=QUERIES)
    add("tv_multi_hot", tv, kwargs={"output_mode": "multi_hot", "max_tokens": 9}, adapt=CORPUS, inputs=QUERIES)
    add(
        "tv_multi_hot_pad",
        tv,
        kwargs={"output_mode": "multi_hot", "max_tokens": 30, "pad_to_max_tokens": True},
        adapt=CORPUS,
        inputs=QUERIES,
    )
    add("tv_count", tv, kwargs={"output_mode": "count"}, adapt=CORPUS, inputs=QUERIES)
    add("tv_tf_idf", tv, kwargs={"output_mode": "tf_idf"}, adapt=CORPUS, inputs=QUERIES)
    add(
        "tv_tf_idf_pad",
        tv,
        kwargs={"output_mode": "tf_idf", "max_tokens": 12, "pad_to_max_tokens": True},
        adapt=CORPUS,
        inputs=QUERIES,
    )
    add("tv_ngrams_2", tv, kwargs={"ngrams": 2}, adapt=CORPUS, inputs=QUERIES)
    add("tv_ngrams_tuple", tv, kwargs={"ngrams": (1, 3), "output_mode": "count"}, adapt=CORPUS, inputs=QUERIES)
    add("tv_lower", tv, kwargs={"standardize": "lower"}, adapt=CORPUS, inputs=QUERIES)
    add("tv_strip", tv, kwargs={"standardize": "strip_punctuation"}, adapt=CORPUS, inputs=QUERIES)
    add("tv_no_standardize", tv, kwargs={"standardize": None}, adapt=CORPUS, inputs=QUERIES)
    add("tv_character", tv, kwargs={"split": "character", "max_tokens": 15}, adapt=CORPUS, inputs=QUERIES)
    add("tv_no_split", tv, kwargs={"split": None}, adapt=CORPUS, inputs=[[q] for q in QUERIES])
    add("tv_no_split_one_hot", tv, kwargs={"split": None, "output_mode": "one_hot"}, adapt=CORPUS, inputs=QUERIES)
    add("tv_column_input", tv, adapt=[[c] for c in CORPUS], inputs=[[q] for q in QUERIES])
    add("tv_ties", tv, adapt=["d c b a", "b a", "e"], inputs=["a b c d e f"])
    add(
        "tv_batches_tf_idf",
        tv,
        kwargs={"output_mode": "tf_idf"},
        adapt_batches=[CORPUS[:3], CORPUS[3:6], CORPUS[6:]],
        inputs=QUERIES,
    )
    add("tv_vocab", tv, kwargs={"vocabulary": ["fox", "dog", "the"]}, inputs=QUERIES)
    add(
        "tv_vocab_tf_idf",
        tv,
        kwargs={"vocabulary": ["fox", "dog", "the"], "idf_weights": [0.5, 0.25, 2.0], "output_mode": "tf_idf"},
        inputs=QUERIES,
    )
    add("tv_vocab_file", tv, vocabulary_file=["the", "fox", "dog", "café"], inputs=QUERIES)

    # StringLookup
    sl = "StringLookup"
    add("sl_vocab", sl, kwargs={"vocabulary": STRING_VOCAB}, inputs=STRING_QUERY)
    add("sl_oov3", sl, kwargs={"vocabulary": STRING_VOCAB, "num_oov_indices": 3}, inputs=STRING_QUERY)
    add(
        "sl_oov3_salt", sl, kwargs={"vocabulary": STRING_VOCAB, "num_oov_indices": 3, "salt": 1234}, inputs=STRING_QUERY
    )
    add("sl_oov0", sl, kwargs={"vocabulary": STRING_VOCAB, "num_oov_indices": 0}, inputs=[["earth", "fire"]])
    add("sl_oov0_error", sl, kwargs={"vocabulary": STRING_VOCAB, "num_oov_indices": 0}, inputs=[["earth", "air"]])
    add("sl_mask", sl, kwargs={"vocabulary": STRING_VOCAB, "mask_token": ""}, inputs=STRING_QUERY)
    add(
        "sl_mask_multi_hot",
        sl,
        kwargs={"vocabulary": STRING_VOCAB, "mask_token": "", "output_mode": "multi_hot"},
        inputs=STRING_QUERY,
    )
    add(
        "sl_specials_given",
        sl,
        kwargs={"vocabulary": ["", "[UNK]", *STRING_VOCAB], "mask_token": ""},
        inputs=STRING_QUERY,
    )
    add("sl_invert", sl, kwargs={"vocabulary": STRING_VOCAB, "invert": True}, call_kind="int", inputs=[[1, 3], [0, 9]])
    add(
        "sl_invert_mask",
        sl,
        kwargs={"vocabulary": STRING_VOCAB, "invert": True, "mask_token": "[MASK]"},
        call_kind="int",
        inputs=[[0, 1, 2], [5, 7, 3]],
    )
    add("sl_one_hot", sl, kwargs={"vocabulary": STRING_VOCAB, "output_mode": "one_hot"}, inputs=[["fire"], ["air"]])
    add(
        "sl_one_hot_flat",
        sl,
        kwargs={"vocabulary": STRING_VOCAB, "output_mode": "one_hot"},
        inputs=["fire", "wind", "x"],
    )
    add("sl_multi_hot", sl, kwargs={"vocabulary": STRING_VOCAB, "output_mode": "multi_hot"}, inputs=STRING_QUERY)
    add("sl_count", sl, kwargs={"vocabulary": STRING_VOCAB, "output_mode": "count"}, inputs=[["fire", "fire", "x"]])
    add(
        "sl_tf_idf",
        sl,
        kwargs={"vocabulary": STRING_VOCAB, "output_mode": "tf_idf", "idf_weights": [0.1, 0.2, 0.3, 0.4]},
        inputs=[["fire", "fire", "x"], ["earth", "wind", "wind"]],
    )
    add(
        "sl_pad_max",
        sl,
        kwargs={"vocabulary": STRING_VOCAB, "output_mode": "count", "max_tokens": 8, "pad_to_max_tokens": True},
        inputs=STRING_QUERY,
    )
    add("sl_adapt", sl, adapt=WORDS, inputs=WORD_QUERIES)
    add("sl_adapt_max", sl, kwargs={"max_tokens": 4, "mask_token": ""}, adapt=WORDS, inputs=WORD_QUERIES)
    add(
        "sl_adapt_tf_idf",
        sl,
        kwargs={"output_mode": "tf_idf"},
        adapt=[["a", "b", "a"], ["b", "c", "c"], ["d", "a", "a"]],
        inputs=WORD_QUERIES,
    )
    add(
        "sl_adapt_batches_tf_idf",
        sl,
        kwargs={"output_mode": "tf_idf"},
        adapt_batches=[["a", "b", "a"], ["b", "c", "c"], ["d", "a", "e"]],
        inputs=WORD_QUERIES,
    )
    add("sl_file", sl, vocabulary_file=STRING_VOCAB, kwargs={"num_oov_indices": 2}, inputs=STRING_QUERY)
    add("sl_scalar", sl, kwargs={"vocabulary": STRING_VOCAB}, call_kind="list", inputs="wind")

    # IntegerLookup
    il = "IntegerLookup"
    add("il_vocab", il, kind="int", kwargs={"vocabulary": INT_VOCAB}, inputs=INT_QUERY)
    add("il_oov3_floormod", il, kind="int", kwargs={"vocabulary": INT_VOCAB, "num_oov_indices": 3}, inputs=INT_QUERY)
    add(
        "il_oov3_farmhash",
        il,
        kind="int",
        kwargs={"vocabulary": INT_VOCAB, "num_oov_indices": 3, "oov_method": "farmhash"},
        inputs=INT_QUERY,
    )
    add(
        "il_oov3_salt",
        il,
        kind="int",
        kwargs={"vocabulary": INT_VOCAB, "num_oov_indices": 3, "oov_method": "farmhash", "salt": [5, 9]},
        inputs=INT_QUERY,
    )
    add("il_mask", il, kind="int", kwargs={"vocabulary": INT_VOCAB, "mask_token": 0}, inputs=INT_QUERY)
    add("il_invert", il, kind="int", kwargs={"vocabulary": INT_VOCAB, "invert": True}, inputs=[[1, 4], [0, 9]])
    add(
        "il_invert_mask",
        il,
        kind="int",
        kwargs={"vocabulary": INT_VOCAB, "invert": True, "mask_token": 0},
        inputs=[[0, 2, 3], [1, 5, 8]],
    )
    add("il_multi_hot", il, kind="int", kwargs={"vocabulary": INT_VOCAB, "output_mode": "multi_hot"}, inputs=INT_QUERY)
    add(
        "il_count_mask",
        il,
        kind="int",
        kwargs={"vocabulary": INT_VOCAB, "output_mode": "count", "mask_token": 0},
        inputs=[[12, 12, 0, 5]],
    )
    add(
        "il_one_hot",
        il,
        kind="int",
        kwargs={"vocabulary": INT_VOCAB, "output_mode": "one_hot"},
        inputs=[[12], [5], [42]],
    )
    add("il_adapt", il, kind="int", adapt=INTS, inputs=INT_QUERIES)
    add("il_adapt_max", il, kind="int", kwargs={"max_tokens": 4}, adapt=INTS, inputs=INT_QUERIES)
    add(
        "il_adapt_tf_idf",
        il,
        kind="int",
        kwargs={"output_mode": "tf_idf"},
        adapt=[[5, 7, 7], [9, 5, 1], [1, 1, 1]],
        inputs=INT_QUERIES,
    )
    add("il_file", il, kind="int", vocabulary_file=INT_VOCAB, inputs=INT_QUERY)

    # Hashing
    words = [
        ["earth", "wind"],
        ["fire", "water"],
        ["", "a much longer string that spans more than sixty-four bytes in total!"],
    ]
    add("hash_str", "Hashing", kwargs={"num_bins": 7}, inputs=words)
    add("hash_str_big", "Hashing", kwargs={"num_bins": 1000003}, inputs=words)
    add("hash_str_salt", "Hashing", kwargs={"num_bins": 1000003, "salt": 133}, inputs=words)
    add("hash_str_salt_pair", "Hashing", kwargs={"num_bins": 97, "salt": [7, 11]}, inputs=words)
    add("hash_str_mask", "Hashing", kwargs={"num_bins": 5, "mask_value": ""}, inputs=words)
    add(
        "hash_int",
        "Hashing",
        kind="int",
        kwargs={"num_bins": 1000003},
        inputs=[[0, 1, -1], [123456789, -987654321, 42]],
    )
    add(
        "hash_int_mask",
        "Hashing",
        kind="int",
        kwargs={"num_bins": 11, "mask_value": 0},
        inputs=[[0, 1, -1], [5, 0, 42]],
    )
    add(
        "hash_int_salt",
        "Hashing",
        kind="int",
        kwargs={"num_bins": 1000003, "salt": [1, 2]},
        inputs=[[0, 1, -1], [7, 8, 9]],
    )
    add("hash_float", "Hashing", kind="float", kwargs={"num_bins": 101}, inputs=[[1.5, -2.7, 3.0]])
    add("hash_multi_hot", "Hashing", kwargs={"num_bins": 6, "output_mode": "multi_hot"}, inputs=words)
    add("hash_count", "Hashing", kwargs={"num_bins": 4, "output_mode": "count"}, inputs=[["a", "b", "a", "c"]])
    add("hash_one_hot", "Hashing", kwargs={"num_bins": 4, "output_mode": "one_hot"}, inputs=[["a"], ["b"], ["c"]])

    # HashedCrossing
    hc = "HashedCrossing"
    add(
        "cross_str_int",
        hc,
        kwargs={"num_bins": 1000003},
        kinds=["str", "int"],
        inputs=[["A", "B", "A", "café"], [101, 101, 102, -5]],
    )
    add("cross_int_int", hc, kwargs={"num_bins": 1000003}, kinds=["int", "int"], inputs=[[1, 2, 3], [4, 5, -6]])
    add(
        "cross_three", hc, kwargs={"num_bins": 97}, kinds=["str", "str", "int"], inputs=[["x", "y"], ["p", "q"], [1, 2]]
    )
    add("cross_column", hc, kwargs={"num_bins": 13}, kinds=["int", "str"], inputs=[[[3], [4]], [["a"], ["b"]]])
    add(
        "cross_one_hot",
        hc,
        kwargs={"num_bins": 5, "output_mode": "one_hot"},
        kinds=["str", "int"],
        inputs=[["A", "B"], [101, 102]],
    )

    # Discretization.adapt (Keras needs TensorFlow for it)
    disc = "Discretization"
    query = DISC_DATA[:4].tolist()
    add("disc_adapt", disc, kind="float", kwargs={"num_bins": 4}, adapt=DISC_DATA.tolist(), inputs=query)
    add(
        "disc_adapt_eps",
        disc,
        kind="float",
        kwargs={"num_bins": 5, "epsilon": 0.1},
        adapt=DISC_DATA.tolist(),
        inputs=query,
    )
    add(
        "disc_adapt_batches",
        disc,
        kind="float",
        kwargs={"num_bins": 3, "output_mode": "count"},
        adapt_batches=[DISC_DATA[:20].tolist(), DISC_DATA[20:50].tolist(), DISC_DATA[50:].tolist()],
        inputs=query,
    )
    return out


FS_ROWS = 40
FS_DATA = {
    "f_float": RNG.normal(size=FS_ROWS).round(2).tolist(),
    "f_norm": (RNG.normal(size=FS_ROWS) * 3 + 1).round(2).tolist(),
    "f_resc": RNG.uniform(0, 10, size=FS_ROWS).round(2).tolist(),
    "f_disc": RNG.normal(size=FS_ROWS).round(3).tolist(),
    "i_cat": RNG.integers(0, 6, size=FS_ROWS).tolist(),
    "s_cat": [["red", "green", "blue", "cyan"][i] for i in RNG.integers(0, 4, size=FS_ROWS)],
    "i_hash": RNG.integers(-50, 50, size=FS_ROWS).tolist(),
    "s_hash": [f"user{i}" for i in RNG.integers(0, 9, size=FS_ROWS)],
}
FS_QUERY = {k: v[:5] for k, v in FS_DATA.items()}
FS_QUERY["s_cat"] = ["red", "mauve", "blue", "cyan", "green"]


def feature_space_case(name, output_mode):
    fs = keras.utils.FeatureSpace
    features = {
        "f_float": "float",
        "f_norm": "float_normalized",
        "f_resc": fs.float_rescaled(scale=0.1, offset=-0.5),
        "f_disc": "float_discretized",
        "i_cat": "integer_categorical",
        "s_cat": fs.string_categorical(max_tokens=4),
        "i_hash": "integer_hashed",
        "s_hash": fs.string_hashed(num_bins=6),
    }
    space = fs(
        features,
        output_mode=output_mode,
        crosses=[("s_cat", "i_cat"), fs.cross(("i_hash", "s_hash"), crossing_dim=7)],
        crossing_dim=8,
        hashing_dim=5,
        num_discretization_bins=4,
    )
    space.adapt({k: np.array(v) for k, v in FS_DATA.items()})
    out = space({k: np.array(v) for k, v in FS_QUERY.items()})
    if output_mode == "dict":
        output = {k: to_json(np.asarray(v)) for k, v in out.items()}
    else:
        output = to_json(np.asarray(out))
    config = json.loads(json.dumps(space.get_config(), default=to_json))
    return {
        "name": name,
        "layer": "FeatureSpace",
        "output_mode": output_mode,
        "data": FS_DATA,
        "query": FS_QUERY,
        "output": output,
        "config": config,
    }


def main() -> None:
    results = []
    for case in cases():
        try:
            case.update(run_case(case))
        except Exception as error:  # recorded: kerax must raise as well
            case["error"] = f"{type(error).__name__}: {error}"[:300]
        if "kwargs" in case and isinstance(case["kwargs"].get("ngrams"), tuple):
            case["kwargs"]["ngrams"] = list(case["kwargs"]["ngrams"])
        results.append(case)
    results.append(feature_space_case("fs_concat", "concat"))
    results.append(feature_space_case("fs_dict", "dict"))
    payload = {
        "keras_version": keras.__version__,
        "tensorflow_version": tf.__version__,
        "cases": results,
    }
    target = os.path.join(HERE, "lookup_references.json")
    handle, tmp = tempfile.mkstemp(dir=HERE, suffix=".json.tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as f:
        json.dump(payload, f, indent=1, ensure_ascii=False)
        f.write("\n")
    os.chmod(tmp, 0o644)
    os.replace(tmp, target)
    errors = [c["name"] for c in results if "error" in c]
    print(f"wrote {len(results)} cases to {target}; cases where Keras raised: {errors}", file=sys.stderr)


if __name__ == "__main__":
    main()
