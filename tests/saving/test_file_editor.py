"""``saving.KerasFileEditor`` against Keras 3's on the same files: the same tree, edits and resaved weights."""

from __future__ import annotations

import keras
import numpy as np
import pytest

import kerax
from kerax.saving import KerasFileEditor


def _model(lib, second: int = 3):
    return lib.Sequential(
        [lib.Input((4,)), lib.layers.Dense(3, name="d1"), lib.layers.Dense(second, name="d2")], name="net"
    )


def _flatten(tree, prefix=""):
    out = {}
    for key, value in tree.items():
        path = f"{prefix}/{key}" if prefix else key
        if isinstance(value, dict):
            out.update(_flatten(value, path))
        else:
            out[path] = np.asarray(value)
    return out


@pytest.mark.parametrize("suffix", [".keras", ".weights.h5"])
def test_the_tree_equals_keras_editors(tmp_path, suffix):
    model = _model(keras)
    path = str(tmp_path / f"net{suffix}")
    model.save(path) if suffix == ".keras" else model.save_weights(path)
    ours, theirs = (
        _flatten(KerasFileEditor(path).weights_dict),
        _flatten(keras.saving.KerasFileEditor(path).weights_dict),
    )
    assert sorted(ours) == sorted(theirs)
    for key, value in ours.items():
        np.testing.assert_array_equal(value, theirs[key])


def test_compare_edit_and_resave_then_load(tmp_path):
    old = _model(kerax)
    path = str(tmp_path / "old.weights.h5")
    old.save_weights(path)
    new = _model(kerax, second=5)  # the architecture changed: d2 has 5 units now
    editor = KerasFileEditor(path)
    editor.summary()
    report = editor.compare(new)
    assert report == {"status": "error", "error_count": 2, "match_count": 2}  # d2's kernel and bias
    assert editor.compare(old)["status"] == "success"

    editor.delete_object("dense_1")  # objects are named by class, as Keras names them: d1 is dense, d2 dense_1
    editor.add_object("layers/dense_1", weights={"0": np.ones((3, 5), "float32"), "1": np.zeros((5,), "float32")})
    assert editor.compare(new) == {"status": "success", "error_count": 0, "match_count": 4}
    edited = str(tmp_path / "edited.weights.h5")
    editor.save(edited)
    new.load_weights(edited)
    np.testing.assert_array_equal(new.get_layer("d1").kernel.numpy(), old.get_layer("d1").kernel.numpy())
    np.testing.assert_array_equal(new.get_layer("d2").kernel.numpy(), np.ones((3, 5)))

    editor.rename_object("layers/dense", "first")
    editor.delete_weight("first", "1")
    editor.add_weights("first", {"1": np.full((3,), 2.0, "float32")})
    tree = editor.weights_dict["layers"]
    assert "first" in tree and "dense" not in tree
    np.testing.assert_array_equal(tree["first"]["1"], [2.0, 2.0, 2.0])


def test_mistakes_are_reported(tmp_path):
    model = _model(kerax)
    path = str(tmp_path / "m.weights.h5")
    model.save_weights(path)
    editor = KerasFileEditor(path)
    with pytest.raises(ValueError, match="not in the file"):
        editor.delete_object("nope")
    with pytest.raises(ValueError, match="not in the file"):
        editor.delete_object("layers/nope")
    with pytest.raises(ValueError, match="a name, not a path"):
        editor.rename_object("dense", "layers/x")
    with pytest.raises(ValueError, match="dict of weight names"):
        editor.add_object("layers/x", [np.ones(2)])
    with pytest.raises(ValueError, match="has no weight"):
        editor.delete_weight("dense", "7")
    with pytest.raises(ValueError, match=r"'\.weights\.h5'"):
        editor.save(str(tmp_path / "x.h5"))
    with pytest.raises(ValueError, match=r"'\.keras' or '\.weights\.h5'"):
        KerasFileEditor(str(tmp_path / "m.txt"))
