"""Loading is bounded by the file: a config that asks for far more weights than the file holds is refused
before anything is allocated (the hostile-file probe's 9 KB file with ``units=10**7`` took 4.4 GB)."""

from __future__ import annotations

import json
import resource
import struct
import time
import zipfile

import numpy as np
import pytest

import kerax


def _rewrite_config(source: str, target: str, edit) -> None:
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "config.json":
                config = json.loads(data)
                edit(config)
                data = json.dumps(config).encode()
            zout.writestr(info.filename, data)


@pytest.mark.parametrize("suffix", [".keras", ".kerax"])
def test_a_config_asking_for_huge_weights_is_refused_before_allocating(tmp_path, suffix):
    model = kerax.Sequential([kerax.Input((8,)), kerax.layers.Dense(4, name="d")])
    small = str(tmp_path / f"small{suffix}")
    model.save(small)
    hostile = str(tmp_path / f"hostile{suffix}")

    def grow(config):
        layer = next(entry for entry in config["config"]["layers"] if entry["class_name"] == "Dense")
        layer["config"]["units"] = 10**7

    _rewrite_config(small, hostile, grow)
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    with pytest.raises(ValueError, match="config asks for weights of more than"):
        kerax.models.load_model(hostile)
    assert time.perf_counter() - start < 5.0
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before
    assert grown_kib < 200 * 1024  # far below the 320 MB the kernel alone would take


def test_a_model_whose_weights_fit_loads_as_before(tmp_path):
    model = kerax.Sequential([kerax.Input((8,)), kerax.layers.Dense(4), kerax.layers.BatchNormalization()])
    path = str(tmp_path / "ok.keras")
    model.save(path)
    x = np.ones((2, 8), "float32")
    np.testing.assert_allclose(kerax.models.load_model(path).predict(x, verbose=0), model.predict(x, verbose=0))


# -- amplification: what a file may declare is bounded by its size, and checked before allocating ---------
class _Grows:
    """Time and peak resident memory (``ru_maxrss``, KiB) grown over a block."""

    def __enter__(self):
        self.rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
        self.kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - self.rss


def _dense_model():
    return kerax.Sequential([kerax.Input((8,)), kerax.layers.Dense(4, name="d")])


def test_h5_with_compressed_datasets_declaring_far_more_than_the_file_is_refused(tmp_path):
    """The probe's "3 MB of chunked HDF5 cost 3.4 GB": compressed chunks that were never written read back as
    fill values, so a tiny file declares gigabytes; the budget for compressed datasets is now 8x the file."""
    import h5py

    path = tmp_path / "amplified.weights.h5"
    with h5py.File(path, "w") as f:
        f.create_dataset(
            "padding/data", data=np.frombuffer(np.random.default_rng(0).bytes(3 << 20), "u1")
        )  # 3 MB, unread
        vars_group = f.create_group("layers/dense/vars")
        vars_group.create_dataset("0", shape=(640 << 20,), dtype="float32", chunks=(1 << 20,), compression="gzip")
        vars_group.create_dataset("1", data=np.zeros(4, "float32"))
    assert path.stat().st_size < 4 << 20
    with (
        _Grows() as grew,
        pytest.raises(ValueError, match="amplified.weights.h5: .*declared size 2684354560 bytes exceeds the limit"),
    ):
        _dense_model().load_weights(path)
    assert grew.seconds < 5.0
    assert grew.kib < 100 * 1024  # 2.5 GB were declared


def test_safetensors_with_too_many_tensors_is_refused_before_loading(tmp_path):
    """The probe's "2.5 MB of safetensors with a million tensors cost 48 s and 2.6 GB"."""
    from kerax.saving import _weights

    count = _weights.MAX_TENSORS + 1
    entry = '{"dtype": "F32", "shape": [0], "data_offsets": [0, 0]}'
    raw = ("{" + ",".join(f'"t{i}": {entry}' for i in range(count)) + "}").encode()
    path = tmp_path / "many.weights.safetensors"
    path.write_bytes(struct.pack("<Q", len(raw)) + raw)
    with _Grows() as grew, pytest.raises(ValueError, match=f"more than {count - 1} tensors, over the limit"):
        _dense_model().load_weights(path)
    assert grew.seconds < 5.0
    assert grew.kib < 200 * 1024


def test_safetensors_tensors_sharing_bytes_are_refused(tmp_path):
    """Tensors whose data overlap would declare more bytes than the file holds (each one is materialised)."""
    blob = np.ones(32, "float32").tobytes()
    header = {f"layers/dense/vars/{i}": {"dtype": "F32", "shape": [32], "data_offsets": [0, 128]} for i in range(2)}
    raw = json.dumps(header).encode()
    path = tmp_path / "shared.weights.safetensors"
    path.write_bytes(struct.pack("<Q", len(raw)) + raw + blob)
    with pytest.raises(ValueError, match="overlaps another tensor's data"):
        _dense_model().load_weights(path)


def test_deflated_weights_member_inflating_past_the_bound_is_refused(tmp_path):
    """The probe's "17.7 MB of deflated weights cost 2.35 GB": a zip member may now inflate 8x, not 100x."""
    from kerax.saving import _zip

    model = _dense_model()
    good = tmp_path / "good.kerax"
    model.save(good)
    with zipfile.ZipFile(good) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["model.weights.safetensors"] = b"\0" * (64 << 20)  # inflates ~1000x
    hostile = tmp_path / "hostile.kerax"
    with zipfile.ZipFile(hostile, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    assert hostile.stat().st_size < 1 << 20
    with _Grows() as grew, pytest.raises(_zip.UnsafeArchiveError, match="over 8x"):
        kerax.models.load_model(hostile)
    assert grew.seconds < 5.0
    assert grew.kib < 32 * 1024


def _fresh_model():
    """A freshly initialised model of a few MB: random kernels, zero biases, BatchNormalization's constant
    statistics -- the most compressible weights a real file holds."""
    return kerax.Sequential(
        [
            kerax.Input((256,)),
            kerax.layers.Dense(1024),
            kerax.layers.BatchNormalization(),
            kerax.layers.Dense(512),
            kerax.layers.BatchNormalization(),
            kerax.layers.Dense(10),
        ]
    )


@pytest.mark.parametrize("suffix", [".kerax", ".keras"])
def test_real_models_deflated_are_within_the_bounds(tmp_path, suffix):
    """Recompressing a fresh model's archive with deflate (as `zip -r` would) stays far within the bounds."""
    model = _fresh_model()
    saved = tmp_path / f"saved{suffix}"
    model.save(saved)
    deflated = tmp_path / f"deflated{suffix}"
    with zipfile.ZipFile(saved) as zin, zipfile.ZipFile(deflated, "w", compression=zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info.filename))
        ratio = max(i.file_size / i.compress_size for i in zout.infolist() if i.file_size > 1 << 20)
    assert ratio < 2  # far below the bound of 8
    loaded = kerax.models.load_model(deflated)
    for mine, theirs in zip(model.weights, loaded.weights, strict=True):
        np.testing.assert_array_equal(np.asarray(mine.value), np.asarray(theirs.value))


def test_real_h5_weights_with_compressed_datasets_are_within_the_bounds(tmp_path):
    import h5py

    from kerax.saving._keras_paths import keras_h5_groups_of

    model = _fresh_model()
    path = tmp_path / "gzip.weights.h5"
    with h5py.File(path, "w") as f:
        for group, arrays in keras_h5_groups_of(model).items():
            g = f.require_group(group)
            for i, array in enumerate(arrays):
                g.create_dataset(str(i), data=np.asarray(array), compression="gzip", compression_opts=9)
    declared = sum(int(np.asarray(w.value).nbytes) for w in model.weights)
    assert declared / path.stat().st_size < 2
    other = _fresh_model()
    other.load_weights(path)
    for mine, theirs in zip(model.weights, other.weights, strict=True):
        np.testing.assert_array_equal(np.asarray(mine.value), np.asarray(theirs.value))
