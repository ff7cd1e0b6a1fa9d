"""Hostile HDF5 weights files are refused with a clear reason, and nothing reaches the model."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import h5py
import numpy as np
import pytest

import kerax
from kerax.saving import _h5
from kerax.saving._h5 import read_h5_weights, write_h5_weights
from kerax.saving._keras_paths import keras_h5_groups_of, load_keras_h5_into

KERNEL = np.arange(12, dtype="float32").reshape(4, 3)
BIAS = np.array([1.0, 2.0, 3.0], dtype="float32")


def _model() -> kerax.Model:
    return kerax.Sequential([kerax.Input((4,)), kerax.layers.Dense(3), kerax.layers.Dense(2)])


def _valid_first_layer(f: h5py.File) -> None:
    """Weights that fit the first Dense layer, so a loader that stopped late would already have assigned them."""
    f.create_dataset("layers/dense/vars/0", data=KERNEL)
    f.create_dataset("layers/dense/vars/1", data=BIAS)


def _external_link(f: h5py.File, tmp: Path) -> None:
    with h5py.File(tmp / "other.h5", "w") as other:
        other.create_dataset("data", data=np.ones((3, 2), "float32"))
    f.create_group("layers/dense_1/vars")
    f["layers/dense_1/vars/0"] = h5py.ExternalLink(str(tmp / "other.h5"), "/data")


def _soft_link(f: h5py.File, tmp: Path) -> None:
    f.create_group("layers/dense_1/vars")
    f["layers/dense_1/vars/0"] = h5py.SoftLink("/layers/dense/vars/0")


def _external_storage(f: h5py.File, tmp: Path) -> None:
    (tmp / "secret.bin").write_bytes(np.ones(6, "float32").tobytes())
    f.create_dataset(
        "layers/dense_1/vars/0", shape=(3, 2), dtype="float32", external=[(str(tmp / "secret.bin"), 0, 24)]
    )


def _virtual(f: h5py.File, tmp: Path) -> None:
    with h5py.File(tmp / "source.h5", "w") as source:
        source.create_dataset("data", data=np.ones((3, 2), "float32"))
    layout = h5py.VirtualLayout(shape=(3, 2), dtype="float32")
    layout[:] = h5py.VirtualSource(str(tmp / "source.h5"), "data", shape=(3, 2))
    f.create_group("layers/dense_1/vars").create_virtual_dataset("0", layout)


def _vlen_string(f: h5py.File, tmp: Path) -> None:
    f.create_dataset("layers/dense_1/vars/0", data=["a", "b"], dtype=h5py.string_dtype())


def _object_reference(f: h5py.File, tmp: Path) -> None:
    f.create_dataset("layers/dense_1/vars/0", data=[f["layers/dense"].ref], dtype=h5py.ref_dtype)


def _compound(f: h5py.File, tmp: Path) -> None:
    f.create_dataset("layers/dense_1/vars/0", data=np.zeros(2, dtype=[("a", "f4"), ("b", "i4")]))


def _huge_declared(f: h5py.File, tmp: Path) -> None:
    f.create_dataset("layers/dense_1/vars/0", shape=(10**9,), dtype="float32", chunks=(1024,), fillvalue=1.0)


def _huge_compressed(f: h5py.File, tmp: Path) -> None:
    f.create_dataset(
        "layers/dense_1/vars/0", shape=(10**9,), dtype="float32", chunks=(4096,), compression="gzip", fillvalue=1.0
    )


def _deep(f: h5py.File, tmp: Path) -> None:
    f.create_dataset("/".join(["g"] * 70) + "/vars/0", data=np.ones(2, "float32"))


def _cycle(f: h5py.File, tmp: Path) -> None:
    group = f.create_group("layers/dense_1")
    group["loop"] = f["layers"]


def _bad_names(f: h5py.File, tmp: Path) -> None:
    f.create_dataset("layers/dense_1/vars/0", data=np.ones((3, 2), "float32"))
    f.create_dataset("layers/dense_1/vars/2", data=np.ones(2, "float32"))


def _odd_name(f: h5py.File, tmp: Path) -> None:
    f.create_dataset("layers/dense_1/vars/0", data=np.ones((3, 2), "float32"))
    f.create_dataset("layers/dense_1/vars/no such;name", data=np.ones(2, "float32"))


HOSTILE: dict[str, tuple[Callable[[h5py.File, Path], None], str]] = {
    "external_link": (_external_link, r"layers/dense_1/vars/0'.*external link"),
    "soft_link": (_soft_link, r"layers/dense_1/vars/0'.*soft link"),
    "external_storage": (_external_storage, r"layers/dense_1/vars/0'.*external storage"),
    "virtual": (_virtual, r"layers/dense_1/vars/0'.*virtual dataset"),
    "vlen_string": (_vlen_string, r"layers/dense_1/vars/0'.*non-numeric dtype"),
    "reference": (_object_reference, r"layers/dense_1/vars/0'.*non-numeric dtype"),
    "compound": (_compound, r"layers/dense_1/vars/0'.*compound"),
    "huge_declared": (_huge_declared, r"layers/dense_1/vars/0'.*declared size 4000000000 bytes exceeds the limit"),
    "huge_compressed": (_huge_compressed, r"layers/dense_1/vars/0'.*declared size 4000000000 bytes exceeds the limit"),
    "deep": (_deep, r"nested deeper than 64 levels"),
    "cycle": (_cycle, r"layers/dense_1/loop'.*two paths"),
    "bad_names": (_bad_names, r"layers/dense_1/vars'.*must be 0\.\.1"),
    "odd_name": (_odd_name, r"layers/dense_1/vars'.*'no such;name' is not a number or a short identifier"),
}


def _weights(model: kerax.Model) -> list[np.ndarray]:
    return [w.numpy().copy() for w in model.weights]


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_file_is_refused_and_nothing_assigned(case: str, tmp_path: Path) -> None:
    build, reason = HOSTILE[case]
    path = tmp_path / "hostile.weights.h5"
    with h5py.File(path, "w") as f:
        _valid_first_layer(f)
        build(f, tmp_path)
    model = _model()
    before = _weights(model)
    with pytest.raises(ValueError, match=reason):
        load_keras_h5_into(model, read_h5_weights(path))
    for old, new in zip(before, _weights(model), strict=True):
        np.testing.assert_array_equal(old, new)
    # The same bytes from memory (as a .keras archive member arrives) are refused the same way.
    with pytest.raises(ValueError, match=reason):
        read_h5_weights(io.BytesIO(path.read_bytes()))


def _keras_file(tmp_path: Path) -> Path:
    path = tmp_path / "m.weights.h5"
    write_h5_weights(path, keras_h5_groups_of(_model()))
    return path


def test_truncated_file(tmp_path: Path) -> None:
    data = _keras_file(tmp_path).read_bytes()
    cut = tmp_path / "cut.weights.h5"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="[Tt]runcated"):
        read_h5_weights(cut)


@pytest.mark.parametrize(
    "content", [b"", b"PK\x03\x04 not hdf5", bytes(np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8))]
)
def test_not_an_hdf5_file(content: bytes, tmp_path: Path) -> None:
    path = tmp_path / "junk.weights.h5"
    path.write_bytes(content)
    with pytest.raises(ValueError, match="Not an HDF5 file"):
        read_h5_weights(path)
    with pytest.raises(ValueError, match="Not an HDF5 file"):
        read_h5_weights(io.BytesIO(content))


def test_corrupt_superblock(tmp_path: Path) -> None:
    path = tmp_path / "bad.weights.h5"
    path.write_bytes(b"\x89HDF\r\n\x1a\n" + bytes(4096))
    with pytest.raises(ValueError, match="(Corrupt|Truncated) HDF5 file"):
        read_h5_weights(path)


def test_max_bytes_bounds_each_dataset_and_the_total(tmp_path: Path) -> None:
    path = _keras_file(tmp_path)  # kernels 48 and 24 bytes, biases 12 and 8 bytes: 92 in total
    assert sum(a.nbytes for arrays in read_h5_weights(path, max_bytes=92).values() for a in arrays) == 92
    with pytest.raises(ValueError, match="declared size 48 bytes exceeds the limit of 40 bytes"):
        read_h5_weights(path, max_bytes=40)
    with pytest.raises(ValueError, match="declare 92 bytes in total, over the limit of 91 bytes"):
        read_h5_weights(path, max_bytes=91)


def test_too_many_objects(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _keras_file(tmp_path)
    monkeypatch.setattr(_h5, "MAX_OBJECTS", 5)
    with pytest.raises(ValueError, match="more than 5 objects"):
        read_h5_weights(path)


def test_compressed_dataset_larger_than_the_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "zipped.weights.h5"
    with h5py.File(path, "w") as f:
        f.create_dataset("layers/dense/vars/0", data=np.zeros((1024, 1024), "float32"), compression="gzip")
    assert path.stat().st_size * 4 + 2**20 < 1024 * 1024 * 4
    (kernel,) = read_h5_weights(path)["layers/dense/vars"]
    assert kernel.shape == (1024, 1024)
    assert not kernel.any()


def test_datasets_outside_vars_groups_are_not_read(tmp_path: Path) -> None:
    path = tmp_path / "extra.weights.h5"
    with h5py.File(path, "w") as f:
        _valid_first_layer(f)
        f.create_dataset("notes", data=["free text"], dtype=h5py.string_dtype())
    assert list(read_h5_weights(path)) == ["layers/dense/vars"]


def test_bool_int_and_half_datasets_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "dtypes.weights.h5"
    arrays = [np.array([True, False]), np.arange(3, dtype=">i8"), np.ones(2, "float16"), np.ones(2, "float64")]
    with h5py.File(path, "w") as f:
        for i, array in enumerate(arrays):
            f.create_dataset(f"vars/{i}", data=array)
    read = read_h5_weights(path)["vars"]
    assert [a.dtype.name for a in read] == ["bool", "int64", "float16", "float64"]
    np.testing.assert_array_equal(read[1], [0, 1, 2])


# -- loading into a model: validate everything, then assign ---------------------------------------------
def _groups_for(model: kerax.Model) -> dict[str, Any]:
    rng = np.random.default_rng(1)
    return {
        path: [rng.standard_normal(a.shape).astype(a.dtype) for a in arrays]
        for path, arrays in keras_h5_groups_of(model).items()
    }


def test_shape_mismatch_names_the_layer_and_assigns_nothing() -> None:
    model = _model()
    groups = _groups_for(model)
    groups["layers/dense_1/vars"][0] = np.ones((3, 5), "float32")
    before = _weights(model)
    with pytest.raises(
        ValueError, match=r"layer 'layers/dense_1'.*expected shapes \[\(3, 2\), \(2,\)\], received \[\(3, 5\), \(2,\)\]"
    ):
        load_keras_h5_into(model, groups)
    for old, new in zip(before, _weights(model), strict=True):
        np.testing.assert_array_equal(old, new)


def test_missing_and_unexpected_groups_are_listed() -> None:
    model = _model()
    groups = _groups_for(model)
    del groups["layers/dense_1/vars"]
    groups["layers/conv2d/vars"] = [np.ones(3, "float32")]
    groups["optimizer/vars"] = [np.ones(3, "float32")]  # the optimizer's state is not model weights: ignored
    with pytest.raises(ValueError) as info:
        load_keras_h5_into(model, groups)
    message = str(info.value)
    assert "missing from the file: 'layers/dense_1/vars'" in message
    assert "unexpected in the file: 'layers/conv2d/vars'" in message
    assert "optimizer" not in message


def test_skip_mismatch_warns_and_loads_the_matching_groups() -> None:
    model = _model()
    groups = _groups_for(model)
    groups["layers/dense_1/vars"] = [np.ones((3, 5), "float32"), np.ones(5, "float32")]
    second_before = [w.numpy().copy() for w in model.layers[1].weights]
    with pytest.warns(UserWarning, match="layers/dense_1"):
        load_keras_h5_into(model, groups, skip_mismatch=True)
    np.testing.assert_array_equal(model.layers[0].weights[0].numpy(), groups["layers/dense/vars"][0])
    for old, new in zip(second_before, model.layers[1].weights, strict=True):
        np.testing.assert_array_equal(old, new.numpy())
