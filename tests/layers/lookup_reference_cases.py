"""Run the Keras reference cases of ``reference/lookup_references.json`` on kerax's layers.

The file is written by ``reference/make_lookup_references.py`` (Keras + TensorFlow, in a separate
virtual environment); each case holds the layer, its arguments, the ``adapt`` data and call inputs, and
what Keras returned.
"""

from __future__ import annotations

import json
import os
from typing import Any

import numpy as np
import pytest

from kerax import layers

REFERENCE = os.path.join(os.path.dirname(__file__), "reference", "lookup_references.json")


def load_cases(prefixes: tuple[str, ...]) -> list[dict[str, Any]]:
    """The reference cases whose name starts with one of ``prefixes``."""
    with open(REFERENCE, encoding="utf-8") as f:
        cases = json.load(f)["cases"]
    return [c for c in cases if c["name"].startswith(prefixes)]


def _as_input(value: Any, kind: str) -> Any:
    if kind == "str":
        return np.array(value, dtype=object) if isinstance(value, list) else value
    if kind == "int":
        return np.array(value, dtype="int64")
    if kind == "float":
        return np.array(value, dtype="float32")
    return value  # "list": as given


def build_case(case: dict[str, Any], tmp_path: Any) -> tuple[Any, Any]:
    """The kerax layer of ``case``, adapted as Keras's was, and the call inputs."""
    cls = getattr(layers, case["layer"])
    kwargs = dict(case.get("kwargs", {}))
    if isinstance(kwargs.get("ngrams"), list):
        kwargs["ngrams"] = tuple(kwargs["ngrams"])
    if "vocabulary_file" in case:
        path = tmp_path / "vocabulary.txt"
        path.write_text("\n".join(str(v) for v in case["vocabulary_file"]) + "\n", encoding="utf-8")
        kwargs["vocabulary"] = str(path)
    layer = cls(**kwargs)
    kind = case.get("kind", "str")
    if "adapt" in case:
        layer.adapt(_as_input(case["adapt"], kind))
    if "adapt_batches" in case:
        layer.adapt(iter([_as_input(b, kind) for b in case["adapt_batches"]]))  # any iterable of batches
    if case["layer"] == "HashedCrossing":
        inputs = tuple(_as_input(x, k) for x, k in zip(case["inputs"], case["kinds"], strict=True))
    else:
        inputs = _as_input(case["inputs"], case.get("call_kind", kind))
    return layer, inputs


def check_case(case: dict[str, Any], tmp_path: Any) -> None:
    """Build, adapt and call the kerax layer of ``case``; compare everything Keras recorded."""
    layer, inputs = build_case(case, tmp_path)
    if "error" in case:
        with pytest.raises(ValueError, match="num_oov_indices"):
            layer(inputs)
        return
    out = np.asarray(layer(inputs))
    expected = case["output"]
    if case["output_kind"] == "str":
        assert out.dtype == object
        assert out.tolist() == expected
    elif case["output_kind"] == "int":
        assert out.dtype.kind in "iu", f"{case['name']}: Keras gives integers, kerax gave {out.dtype}"
        np.testing.assert_array_equal(out, np.asarray(expected), err_msg=case["name"])
    else:
        assert out.dtype.kind == "f", f"{case['name']}: Keras gives floats, kerax gave {out.dtype}"
        np.testing.assert_allclose(out, np.asarray(expected, "float32"), rtol=1e-6, atol=1e-6, err_msg=case["name"])
    check_config(case, layer)
    if "vocabulary" in case:
        assert layer.get_vocabulary() == case["vocabulary"], case["name"]
        assert layer.vocabulary_size() == case["vocabulary_size"]
    if "idf_weights" in case:
        lookup = getattr(layer, "_lookup_layer", layer)
        np.testing.assert_allclose(lookup._idf_weights, case["idf_weights"], rtol=1e-6, err_msg=case["name"])
    if "bin_boundaries" in case:
        np.testing.assert_allclose(layer.bin_boundaries, case["bin_boundaries"], rtol=1e-6, err_msg=case["name"])


def check_config(case: dict[str, Any], layer: Any) -> None:
    """kerax's config has Keras's keys and values; an adapted vocabulary (a Keras asset) may travel in it."""
    expected = case["config"]
    config = json.loads(json.dumps(layer.get_config()))
    carried = config.pop("has_input_vocabulary", None) is False
    assert set(config) == set(expected), f"{case['name']}: {sorted(set(config) ^ set(expected))}"
    for key, value in expected.items():
        if key == "name" or (carried and key in ("vocabulary", "idf_weights") and value is None):
            continue
        if key == "vocabulary" and "vocabulary_file" in case:
            continue  # read from a file: Keras keeps only the asset, kerax carries the list
        assert config[key] == value, f"{case['name']}: config[{key!r}] is {config[key]!r}, Keras has {value!r}"
