"""FeatureSpace against Keras (reference outputs computed with TensorFlow), and its kerax specifics."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from kerax.utils import FeatureSpace

from .lookup_reference_cases import load_cases

CASES = load_cases(("fs_",))


def make_space(output_mode):
    features = {
        "f_float": "float",
        "f_norm": "float_normalized",
        "f_resc": FeatureSpace.float_rescaled(scale=0.1, offset=-0.5),
        "f_disc": "float_discretized",
        "i_cat": "integer_categorical",
        "s_cat": FeatureSpace.string_categorical(max_tokens=4),
        "i_hash": "integer_hashed",
        "s_hash": FeatureSpace.string_hashed(num_bins=6),
    }
    return FeatureSpace(
        features,
        output_mode=output_mode,
        crosses=[("s_cat", "i_cat"), FeatureSpace.cross(("i_hash", "s_hash"), crossing_dim=7)],
        crossing_dim=8,
        hashing_dim=5,
        num_discretization_bins=4,
    )


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_matches_keras(case):
    space = make_space(case["output_mode"])
    space.adapt({k: np.array(v) for k, v in case["data"].items()})
    out = space({k: np.array(v) for k, v in case["query"].items()})
    if case["output_mode"] == "dict":
        assert list(out) == list(case["output"])
        for name, expected in case["output"].items():
            np.testing.assert_allclose(out[name], expected, rtol=1e-5, atol=1e-6, err_msg=name)
    else:
        np.testing.assert_allclose(out, case["output"], rtol=1e-5, atol=1e-6)
    config = json.loads(json.dumps(space.get_config()))
    expected = case["config"]
    assert set(config) == set(expected)
    for key in ("output_mode", "crossing_dim", "hashing_dim", "num_discretization_bins"):
        assert config[key] == expected[key]
    assert config["crosses"] == expected["crosses"]
    assert set(config["features"]) == set(expected["features"])
    for name, entry in expected["features"].items():
        ours = config["features"][name]
        assert ours["class_name"] == entry["class_name"] == "Feature"
        assert ours["config"]["dtype"] == entry["config"]["dtype"]
        assert ours["config"]["output_mode"] == entry["config"]["output_mode"]


def test_batches_single_samples_and_config_round_trip():
    import grain

    case = CASES[0]
    rows = [{k: v[i] for k, v in case["data"].items()} for i in range(len(case["data"]["f_float"]))]
    dataset = grain.MapDataset.source(rows).batch(32)  # dict batches: the same batching as a dict of columns
    space = make_space("concat")
    space.adapt(dataset)
    reference = make_space("concat")
    reference.adapt({k: np.array(v) for k, v in case["data"].items()})
    query = {k: np.array(v) for k, v in case["query"].items()}
    np.testing.assert_allclose(space(query), reference(query), rtol=1e-6)
    one = space({k: v[0] for k, v in case["query"].items()})  # one sample: one row, no batch axis
    np.testing.assert_allclose(one, space(query)[0], rtol=1e-6)
    clone = FeatureSpace.from_config(space.get_config())  # the lookups' vocabularies travel in the config
    clone.preprocessors["f_norm"].set_weights(space.preprocessors["f_norm"].get_weights())
    clone.build_from_config(space.get_build_config())
    np.testing.assert_allclose(clone(query), space(query), rtol=1e-6)


def test_errors():
    with pytest.raises(ValueError, match="non-empty dict"):
        FeatureSpace({})
    with pytest.raises(ValueError, match="output_mode"):
        FeatureSpace({"a": "float"}, output_mode="list")
    with pytest.raises(ValueError, match="one of"):
        FeatureSpace({"a": "floaty"})
    with pytest.raises(ValueError, match="unknown"):
        FeatureSpace({"a": "float"}, crosses=[("a", "b")])
    space = FeatureSpace({"a": "string_categorical"})
    with pytest.raises(ValueError, match="adapt"):
        space({"a": ["x"]})
    with pytest.raises(ValueError, match="no column"):
        space.adapt({"b": ["x"]})
    space.adapt({"a": ["x", "y"]})
    with pytest.raises(ValueError, match="dict"):
        space(["x"])
    with pytest.raises(ValueError, match="not encoded"):
        FeatureSpace({"a": FeatureSpace.string_categorical(output_mode="int")}).adapt({"a": ["x"]})


def test_encoded_features_build_a_trainable_model():
    import kerax
    from kerax.layers import Dense

    space = FeatureSpace(
        {"age": "float_normalized", "city": "string_categorical", "n": "integer_categorical"},
        crosses=[("city", "n")],
        crossing_dim=4,
    )
    data = {"age": np.array([20.0, 30, 40, 50]), "city": np.array(["a", "b", "a", "c"]), "n": np.array([1, 2, 3, 1])}
    space.adapt(data)
    encoded = space.get_encoded_features()
    assert encoded.shape == (None, 1 + 4 + 4 + 4)
    head = Dense(1)
    model = kerax.Model(space.get_inputs(), head(encoded))
    model.compile(optimizer="sgd", loss="mse")
    columns = {k: v[:, None] for k, v in data.items()}
    model.fit(columns, np.ones((4, 1)), verbose=0)
    np.testing.assert_allclose(model.predict(columns, verbose=0), head(space(data)), atol=1e-5)


KERAS_FILE = os.path.join(os.path.dirname(__file__), os.pardir, "saving", "data", "keras_feature_space.keras")


def _assert_case_output(out, case):
    if case["output_mode"] == "dict":
        assert list(out) == list(case["output"])
        for name, expected in case["output"].items():
            np.testing.assert_allclose(out[name], expected, rtol=1e-5, atol=1e-6, err_msg=name)
    else:
        np.testing.assert_allclose(out, case["output"], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("suffix", [".keras", ".kerax"])
@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_save_and_load_keep_the_adapted_state(case, suffix, tmp_path):
    import kerax

    space = make_space(case["output_mode"])
    space.adapt({k: np.array(v) for k, v in case["data"].items()})
    path = tmp_path / f"space{suffix}"
    space.save(path)
    loaded = kerax.models.load_model(path)  # nothing adapts it again: its state comes from the file
    assert isinstance(loaded, FeatureSpace) and loaded is not space
    assert loaded.preprocessors["s_cat"].get_vocabulary() == space.preprocessors["s_cat"].get_vocabulary()
    np.testing.assert_array_equal(
        loaded.preprocessors["f_norm"].get_weights()[0], space.preprocessors["f_norm"].get_weights()[0]
    )
    _assert_case_output(loaded({k: np.array(v) for k, v in case["query"].items()}), case)
    # Keras 3 + TensorFlow loads the .keras file and computes the same outputs (checked with
    # reference/feature_space_files.py check, which needs TensorFlow).


def test_loads_a_feature_space_keras_saved():
    import kerax

    case = next(c for c in CASES if c["name"] == "fs_concat")
    loaded = kerax.saving.load_model(KERAS_FILE)  # made by reference/feature_space_files.py make
    assert isinstance(loaded, FeatureSpace)
    # Keras keeps the adapted vocabularies as asset files and the normalisation statistics as weights.
    assert loaded.preprocessors["s_cat"].get_vocabulary() == ["[UNK]", "cyan", "green", "red"]
    assert float(loaded.preprocessors["f_norm"].get_weights()[0][0]) != 0.0
    _assert_case_output(loaded({k: np.array(v) for k, v in case["query"].items()}), case)


def test_save_refuses_a_space_that_is_not_adapted(tmp_path):
    space = FeatureSpace({"a": "float_normalized"})
    with pytest.raises(ValueError, match="not adapted"):
        space.save(tmp_path / "space.keras")
    assert not (tmp_path / "space.keras").exists()
    plain = FeatureSpace({"a": "float", "b": FeatureSpace.float_rescaled(scale=2.0)})  # nothing to adapt
    plain.save(tmp_path / "plain.kerax")
    import kerax

    np.testing.assert_allclose(kerax.models.load_model(tmp_path / "plain.kerax")({"a": [1.0], "b": [3.0]}), [[1, 6]])
