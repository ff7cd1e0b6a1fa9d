"""Keras 3 ``.weights.h5`` files load into kerax, and kerax's load into Keras (Keras is the oracle)."""

from __future__ import annotations

import io
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import h5py
import keras
import numpy as np
import pytest

import kerax
from kerax.saving._h5 import read_h5_weights, write_h5_weights
from kerax.saving._keras_paths import keras_h5_groups_of, keras_weight_groups, load_keras_h5_into


def random_weights(specs: list[tuple[str, tuple[int, ...], str]], seed: int) -> list[np.ndarray]:
    """Values for ``(name, shape, dtype)`` specs: small normals; variances positive; integer counts 7."""
    rng = np.random.default_rng(seed)
    out = []
    for name, shape, dtype in specs:
        if np.dtype(dtype).kind in "iu":
            out.append(np.full(shape, 7, dtype=dtype))
        elif "variance" in name:
            out.append(rng.uniform(0.5, 1.5, shape).astype(dtype))
        else:
            out.append((rng.standard_normal(shape) * 0.4).astype(dtype))
    return out


def randomize(model: Any, seed: int) -> None:
    """Give every weight of a Keras or kerax model a random value (works on both libraries)."""
    specs = [(w.name, tuple(w.shape), np.dtype(str(w.dtype)).name) for w in model.weights]
    model.set_weights(random_weights(specs, seed))
    for layer in model.layers:
        if hasattr(layer, "finalize_state"):  # Keras's Normalization derives its statistics from its weights
            layer.finalize_state()


# Zero initializers: the tests overwrite every weight, and Keras compiles each random initializer once per shape.
Z = {"kernel_initializer": "zeros"}
RNN = {"kernel_initializer": "zeros", "recurrent_initializer": "zeros"}
SEP = {"depthwise_initializer": "zeros", "pointwise_initializer": "zeros"}


def sequence_model(lib: ModuleType) -> Any:
    """RNNs, wrappers, attention, the normalization layers, PReLU and the 1D convolutions."""
    L = lib.layers
    x = lib.Input((6, 4))
    y = L.Bidirectional(L.LSTM(3, return_sequences=True, **RNN))(x)
    y = L.TimeDistributed(L.Dense(4, **Z))(y)
    y = L.MultiHeadAttention(2, 3, **Z)(y, y)
    y = L.GRU(3, return_sequences=True, **RNN)(y)
    y = L.SimpleRNN(4, return_sequences=True, **RNN)(y)
    y = L.BatchNormalization()(y)
    y = L.LayerNormalization()(y)
    y = L.GroupNormalization(groups=2)(y)
    y = L.PReLU()(y)
    y = L.Conv1D(3, 2, **Z)(y)
    y = L.SeparableConv1D(3, 2, **SEP)(y)
    y = L.DepthwiseConv1D(2, depthwise_initializer="zeros")(y)
    y = L.Conv1DTranspose(3, 2, **Z)(y)
    return lib.Model(x, y)


def image_model(lib: ModuleType) -> Any:
    """2D and 3D convolutions (plain, transposed, depthwise, separable) and a dense head."""
    L = lib.layers
    a = lib.Input((6, 6, 3))
    y = L.Conv2D(4, 3, padding="same", **Z)(a)
    y = L.DepthwiseConv2D(3, depthwise_initializer="zeros")(y)
    y = L.SeparableConv2D(4, 3, **SEP)(y)
    y = L.Conv2DTranspose(3, 3, **Z)(y)
    y = L.BatchNormalization()(y)
    y = L.GlobalAveragePooling2D()(y)
    b = lib.Input((4, 4, 4, 2))
    z = L.Conv3D(3, 2, **Z)(b)
    z = L.Conv3DTranspose(2, 2, **Z)(z)
    z = L.Flatten()(z)
    y = L.Concatenate()([y, z])
    return lib.Model([a, b], L.Dense(5, **Z)(y))


def token_model(lib: ModuleType) -> Any:
    """Embedding, gated multi-head attention with dropout, dot and additive attention, a dense head."""
    L = lib.layers
    x = lib.Input((5,), dtype="int32")
    e = L.Embedding(10, 4, embeddings_initializer="zeros")(x)
    y = L.MultiHeadAttention(2, 3, use_gate=True, dropout=0.1, **Z)(e, e)
    y = L.Attention(use_scale=True, score_mode="concat")([y, e])
    y = L.AdditiveAttention()([y, e])
    y = L.GlobalAveragePooling1D()(y)
    return lib.Model(x, L.Dense(2, **Z)(y))


def nested_model(lib: ModuleType) -> Any:
    """A shared layer, a nested Sequential, a nested Functional, Dropout between Dense layers."""
    L = lib.layers
    inner_seq = lib.Sequential([lib.Input((5,)), L.Dense(3, **Z), L.Dropout(0.5), L.Dense(3, **Z)])
    i = lib.Input((5,))
    inner_fn = lib.Model(i, L.Dense(2, **Z)(L.Dense(4, **Z)(i)))
    a, b = lib.Input((4,)), lib.Input((4,))
    shared = L.Dense(5, **Z)
    y = L.Concatenate()([inner_seq(shared(a)), inner_fn(shared(b))])
    return lib.Model([a, b], L.Dense(2, **Z)(y))


def sequential_model(lib: ModuleType) -> Any:
    """A Sequential root model holding a nested Sequential, and the Normalization preprocessing layer."""
    L = lib.layers
    inner = lib.Sequential([lib.Input((3,)), L.Dense(2, **Z), L.Dense(2, **Z)])
    return lib.Sequential([lib.Input((4,)), L.Normalization(), L.Dense(3, **Z), inner, L.Dense(1, **Z)])


def subclassed_model(lib: ModuleType) -> Any:
    """A subclassed model: attributes visited by sorted name (private last), a list of layers, a nested model."""
    L = lib.layers

    class Tower(lib.Model):
        def __init__(self) -> None:
            super().__init__()
            self.proj = L.Dense(4, **Z)
            self.blocks = [L.Dense(4, **Z), L.Dense(4, **Z), [L.Dense(4, **Z)]]
            self._head = L.Dense(2, **Z)
            self.inner = lib.Sequential([L.Dense(4, **Z)])

        def call(self, x: Any) -> Any:
            x = self.inner(self.proj(x))
            for block in [*self.blocks[:2], *self.blocks[2]]:
                x = block(x)
            return self._head(x)

    model = Tower()
    model(np.zeros((1, 4), "float32"))  # builds every sub-layer in both libraries
    return model


def inputs_for(name: str, seed: int = 1) -> Any:
    rng = np.random.default_rng(seed)
    if name == "sequence":
        return rng.standard_normal((2, 6, 4)).astype("float32")
    if name == "image":
        return [
            rng.standard_normal((2, 6, 6, 3)).astype("float32"),
            rng.standard_normal((2, 4, 4, 4, 2)).astype("float32"),
        ]
    if name == "token":
        return rng.integers(0, 10, (2, 5)).astype("int32")
    if name == "nested":
        return [rng.standard_normal((2, 4)).astype("float32"), rng.standard_normal((2, 4)).astype("float32")]
    return rng.standard_normal((2, 4)).astype("float32")


BUILDERS: dict[str, Callable[[ModuleType], Any]] = {
    "sequence": sequence_model,
    "image": image_model,
    "token": token_model,
    "nested": nested_model,
    "sequential": sequential_model,
    "subclassed": subclassed_model,
}


def predict(model: Any, x: Any) -> np.ndarray:
    return np.asarray(model.predict(x, verbose=0))


def _pair(name: str) -> tuple[keras.Model, kerax.Model]:
    keras.utils.clear_session()
    kerax.utils.clear_session()
    return BUILDERS[name](keras), BUILDERS[name](kerax)


def _shapes(groups: dict[str, list[np.ndarray]]) -> dict[str, list[tuple[int, ...]]]:
    return {path: [tuple(a.shape) for a in arrays] for path, arrays in groups.items() if arrays}


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_weights_files_load_both_ways(name: str, tmp_path: Path) -> None:
    keras_model, kerax_model = _pair(name)
    x = inputs_for(name)
    # Keras writes, kerax reads: kerax maps its model onto exactly the groups (and shapes) Keras wrote.
    randomize(keras_model, seed=3)
    keras_model.save_weights(tmp_path / "keras.weights.h5")
    groups = read_h5_weights(tmp_path / "keras.weights.h5")
    assert _shapes(keras_h5_groups_of(kerax_model)) == _shapes(groups)
    load_keras_h5_into(kerax_model, groups)
    np.testing.assert_allclose(predict(kerax_model, x), predict(keras_model, x), atol=1e-5, rtol=1e-5)
    # kerax writes, Keras reads.
    randomize(kerax_model, seed=4)
    write_h5_weights(tmp_path / "kerax.weights.h5", keras_h5_groups_of(kerax_model))
    keras_model.load_weights(tmp_path / "kerax.weights.h5")
    if any(isinstance(layer, keras.layers.Normalization) for layer in keras_model.layers):
        # Keras's compiled predict holds the statistics its Normalization derived at trace time: retrace it.
        keras_model.predict_function = None
    keras_model.save_weights(tmp_path / "again.weights.h5")
    again, ours = read_h5_weights(tmp_path / "again.weights.h5"), keras_h5_groups_of(kerax_model)
    assert _shapes(again) == _shapes(ours)
    for path, arrays in ours.items():
        for keras_array, kerax_array in zip(again.get(path, []), arrays, strict=True):
            np.testing.assert_array_equal(keras_array, kerax_array, err_msg=path)
    np.testing.assert_allclose(predict(keras_model, x), predict(kerax_model, x), atol=1e-5, rtol=1e-5)


def test_paths_follow_keras_naming() -> None:
    kerax_model = BUILDERS["sequence"](kerax)
    paths = {p: len(v) for p, v in keras_weight_groups(kerax_model).items()}
    assert paths["vars"] == 0
    assert paths["layers/input_layer/vars"] == 0
    assert paths["layers/bidirectional/forward_layer/cell/vars"] == 3
    assert paths["layers/bidirectional/backward_layer/vars"] == 0
    assert paths["layers/time_distributed/layer/vars"] == 2
    assert paths["layers/multi_head_attention/output_dense/vars"] == 2
    assert paths["layers/p_re_lu/vars"] == 1
    token = keras_weight_groups(BUILDERS["token"](kerax))
    assert [v.name for v in token["layers/multi_head_attention/_gate_dense/vars"]] == ["kernel", "bias"]
    sequential = keras_weight_groups(BUILDERS["sequential"](kerax))
    assert [v.name for v in sequential["layers/normalization/vars"]] == ["mean", "variance", "count"]
    assert "layers/input_layer/vars" not in sequential  # Sequential.layers leaves the input layer out
    assert len(sequential["layers/sequential/layers/dense_1/vars"]) == 2


def test_keras_archive_member_and_bytes_io(tmp_path: Path) -> None:
    keras_model, kerax_model = _pair("nested")
    randomize(keras_model, seed=5)
    keras_model.compile(optimizer="adam", loss="mse")
    x = inputs_for("nested")
    keras_model.optimizer.build(keras_model.trainable_variables)  # the archive then holds optimizer/vars too
    keras_model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        member = io.BytesIO(archive.read("model.weights.h5"))
    groups = read_h5_weights(member)
    assert "optimizer/vars" in groups
    load_keras_h5_into(kerax_model, groups)
    np.testing.assert_allclose(predict(kerax_model, x), predict(keras_model, x), atol=1e-5, rtol=1e-5)
    # Writing to a file object produces what Keras reads from a .keras archive.
    buffer = io.BytesIO()
    write_h5_weights(buffer, keras_h5_groups_of(kerax_model))
    assert _shapes(read_h5_weights(io.BytesIO(buffer.getvalue()))) == _shapes(keras_h5_groups_of(kerax_model))


def test_bfloat16_weights_round_trip(tmp_path: Path) -> None:
    keras.utils.clear_session()
    keras_model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, dtype="bfloat16")])
    kerax_model = kerax.Sequential([kerax.Input((4,)), kerax.layers.Dense(3, dtype="bfloat16")])
    randomize(keras_model, seed=6)
    keras_model.save_weights(tmp_path / "k.weights.h5")
    groups = read_h5_weights(tmp_path / "k.weights.h5")
    assert groups["layers/dense/vars"][0].dtype.name == "bfloat16"
    load_keras_h5_into(kerax_model, groups)
    np.testing.assert_array_equal(kerax_model.weights[0].numpy(), np.asarray(keras_model.weights[0]))
    write_h5_weights(tmp_path / "x.weights.h5", keras_h5_groups_of(kerax_model))
    with h5py.File(tmp_path / "x.weights.h5", "r") as f:
        assert f["layers/dense/vars/0"].attrs["dtype"] == "bfloat16"
    keras_model.load_weights(tmp_path / "x.weights.h5")
    np.testing.assert_array_equal(np.asarray(keras_model.weights[1]), kerax_model.weights[1].numpy())


def test_write_is_atomic_and_keeps_folder_clean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "m.weights.h5"
    write_h5_weights(target, {"layers/dense/vars": [np.ones((2, 2), "float32")]}, names={"layers/dense/vars": "d"})
    before = target.read_bytes()

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("kerax.saving._h5.os.replace", fail)
    with pytest.raises(OSError, match="disk full"):
        write_h5_weights(target, {"layers/dense/vars": [np.zeros((3,), "float32")]})
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["m.weights.h5"]
    with h5py.File(target, "r") as f:
        assert f["layers/dense/vars"].attrs["name"] == "d"


@pytest.mark.parametrize(
    ("groups", "match"),
    [
        ({"layers/dense": [np.ones(2)]}, "not a Keras `vars` path"),
        ({"layers//vars": [np.ones(2)]}, "not a Keras `vars` path"),
        ({"vars": [np.array(["a"], dtype=object)]}, "not a numeric weight dtype"),
    ],
)
def test_write_refuses_bad_groups(groups: dict, match: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=match):
        write_h5_weights(tmp_path / "m.weights.h5", groups)
    assert not list(tmp_path.iterdir())


def test_missing_h5py_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "h5py", None)
    with pytest.raises(ImportError, match="pip install h5py"):
        read_h5_weights(tmp_path / "m.weights.h5")


def test_unbuilt_model_is_refused() -> None:
    model = kerax.Sequential([kerax.layers.Dense(2)])
    with pytest.raises(ValueError, match="not built"):
        keras_weight_groups(model)
