"""Fuzzing the loaders of all four formats: a damaged or crafted file is refused with a ValueError, quickly and
in bounded memory; nothing else (RecursionError, MemoryError, OverflowError, AttributeError, ...) escapes.

Covered: ``.kerax`` and ``.keras`` through ``load_model``, ``.weights.safetensors`` and ``.weights.h5`` through
``load_weights``. Mutations act on bytes (flips, truncation, splices) and on structure: config JSON values
replaced by wrong types, deep nesting, huge or negative numbers; safetensors headers with hostile shapes,
dtypes, offsets and metadata; HDF5 datasets with hostile dtypes, shapes, values and compression.
"""

from __future__ import annotations

import functools
import io
import json
import os
import resource
import struct
import tempfile
import time
import tracemalloc
import warnings
import zipfile

import h5py
import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import kerax

from . import zoo

FUZZ = settings(
    max_examples=int(os.environ.get("KERAX_FUZZ_EXAMPLES", "10")),  # raise it for a longer hunt
    deadline=None,  # timed below, per example, with the load only
    derandomize=True,  # the same examples on every run: CI cannot flake
    database=None,  # nothing is written into the repository
    phases=(Phase.explicit, Phase.generate),  # no shrinking: a failure is reported at once, as drawn
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
MAX_SECONDS = 20.0
MAX_RSS_GROWTH_KIB = 256 * 1024
FORMATS = [".kerax", ".keras", ".weights.safetensors", ".weights.h5"]


def _model(small: bool = False):
    """The inception blocks (ops nodes, BatchNormalization), or the small Fashion-MNIST classifier (fast to rebuild)."""
    model = zoo.fashion_classifier(kerax) if small else zoo.inception_model(kerax)
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    model.optimizer.build(model.trainable_weights)  # so that .kerax files carry the optimizer's state
    return model


@functools.cache
def _good(suffix: str, small: bool = False) -> bytes:
    """A valid file of each format, from the same compiled model (made once per session)."""
    model = _model(small)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, f"good{suffix}")
        if suffix.startswith(".weights"):
            model.save_weights(path)
        else:
            model.save(path)
        with open(path, "rb") as f:
            return f.read()


@functools.cache
def _target(small: bool = False):
    """The model that weights files are loaded into (its weights may change between examples: no matter)."""
    return _model(small)


def _members(blob: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, blob in members.items():
            archive.writestr(name, blob)
    return out.getvalue()


def _load_bounded(data: bytes, suffix: str, tmp_path, small: bool = False) -> None:
    """Load ``data`` as a ``suffix`` file: at most a ValueError comes out, quickly and in bounded memory."""
    path = tmp_path / f"fuzzed{suffix}"
    path.write_bytes(data)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # skipping optimizer state that does not fit is a warning
            if suffix.startswith(".weights"):
                _target(small).load_weights(path)
            else:
                kerax.models.load_model(path)
    except ValueError:
        pass  # the contract: a refusal is a ValueError (UnsafeArchiveError, UnsafeConfigError... included)
    finally:
        elapsed = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert elapsed < MAX_SECONDS
    assert peak < 50 * len(data) + (64 << 20), f"peak {peak} bytes for a {len(data)}-byte file"
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    assert grown < MAX_RSS_GROWTH_KIB, f"the process grew by {grown} KiB for a {len(data)}-byte file"


# -- bytes ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", FORMATS)
@FUZZ
@given(data=st.data())
def test_damaged_bytes(tmp_path, suffix, data):
    blob = bytearray(_good(suffix))
    kind = data.draw(st.sampled_from(["flip", "truncate", "splice"]))
    if kind == "flip":
        for _ in range(data.draw(st.integers(1, 16))):
            blob[data.draw(st.integers(0, len(blob) - 1))] = data.draw(st.integers(0, 255))
    elif kind == "truncate":
        blob = blob[: data.draw(st.integers(0, len(blob) - 1))]
    else:
        at = data.draw(st.integers(0, len(blob)))
        blob[at:at] = data.draw(st.binary(min_size=1, max_size=64))
    _load_bounded(bytes(blob), suffix, tmp_path)


# -- structure: hostile JSON values -----------------------------------------------------------------------
def _nested(depth: int, leaf, as_dict: bool):
    for _ in range(depth):
        leaf = {"class_name": None, "config": leaf} if as_dict else [leaf]
    return leaf


_hostile_numbers = st.sampled_from([2**62, -(2**62), 2**64, 10**30, -1, -(2**31), 0, 2**31, 1e308, -0.0, 1e-320])
_hostile = (
    _hostile_numbers
    | st.lists(_hostile_numbers, min_size=1, max_size=4)
    | st.builds(_nested, st.sampled_from([90, 101, 600]), _hostile_numbers, st.booleans())
)
_json = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20,
)
_keys = st.sampled_from(
    [
        "module",
        "class_name",
        "config",
        "registered_name",
        "build_config",
        "compile_config",
        "layers",
        "name",
        "inbound_nodes",
        "input_layers",
        "output_layers",
        "args",
        "kwargs",
        "keras_history",
        "units",
        "shape",
        "batch_shape",
        "input_shape",
        "filters",
        "kernel_size",
        "dtype",
    ]
)
_class_names = st.sampled_from(
    [
        "Sequential",
        "Functional",
        "Dense",
        "Conv2D",
        "InputLayer",
        "Relu",
        "function",
        "__keras_tensor__",
        "__numpy__",
        "__tuple__",
        "__slice__",
        "Lambda",
        "Adam",
        "Model",
        "Bidirectional",
        "DTypePolicy",
    ]
)


def _mutate(value, data):
    """Replace one value somewhere in ``value`` by a wrong-typed, huge, negative, deep or plausible one."""
    if isinstance(value, dict) and value and data.draw(st.booleans()):
        key = data.draw(st.sampled_from(sorted(value)))
        value[key] = _mutate(value[key], data)
        return value
    if isinstance(value, list) and value and data.draw(st.booleans()):
        i = data.draw(st.integers(0, len(value) - 1))
        value[i] = _mutate(value[i], data)
        return value
    return data.draw(
        _json
        | _hostile
        | st.fixed_dictionaries({"class_name": _class_names, "module": st.sampled_from(["keras", "kerax.layers"])})
        | st.dictionaries(_keys, _json | _hostile, max_size=4)
    )


@pytest.mark.parametrize("suffix", [".kerax", ".keras"])
@FUZZ
@given(data=st.data())
def test_arbitrary_configs(tmp_path, suffix, data):
    members = _members(_good(suffix))
    config = json.loads(members["config.json"])
    for _ in range(data.draw(st.integers(1, 3))):
        config = _mutate(config, data)
    members["config.json"] = json.dumps(config).encode()
    _load_bounded(_zip(members), suffix, tmp_path)


# -- structure: safetensors headers -----------------------------------------------------------------------
def _split_safetensors(blob: bytes) -> tuple[dict, bytes]:
    (size,) = struct.unpack("<Q", blob[:8])
    return json.loads(blob[8 : 8 + size]), blob[8 + size :]


def _join_safetensors(header: dict, body: bytes) -> bytes:
    raw = json.dumps(header).encode()
    return struct.pack("<Q", len(raw)) + raw + body


_entry_fields = st.sampled_from(["dtype", "shape", "data_offsets"])
_st_values = (
    _hostile
    | _json
    | st.sampled_from(["BOOL", "I64", "U64", "F64", "BF16", "F8_E4M3", "OBJECT"])
    | st.lists(st.integers(-(2**63), 2**64), min_size=0, max_size=3)
)


@pytest.mark.parametrize("suffix", [".weights.safetensors", ".kerax"])
@FUZZ
@given(data=st.data())
def test_safetensors_headers(tmp_path, suffix, data):
    good = _good(suffix, small=True)
    members = _members(good) if suffix == ".kerax" else None
    header, body = _split_safetensors(members["model.weights.safetensors"] if members else good)
    keys = sorted(k for k in header if k != "__metadata__")
    for _ in range(data.draw(st.integers(1, 3))):
        kind = data.draw(st.sampled_from(["field", "entry", "metadata", "extra", "body"]))
        key = data.draw(st.sampled_from(keys))
        if kind == "field":
            entry = header[key] if isinstance(header[key], dict) else {}
            entry[data.draw(_entry_fields)] = data.draw(_st_values)
            header[key] = entry
        elif kind == "entry":
            header[key] = data.draw(_st_values)
        elif kind == "metadata":
            field = data.draw(st.sampled_from(["layer_names", "bfloat16", "order", "training", "format"]))
            if data.draw(st.booleans()):
                if not isinstance(header.get("__metadata__"), dict):
                    header["__metadata__"] = {}
                header["__metadata__"][field] = json.dumps(data.draw(_json | _hostile))
            else:
                header["__metadata__"] = data.draw(_st_values)
        elif kind == "extra":
            name = data.draw(st.sampled_from(["optimizer/x", "optimizer/-1", "optimizer/99", "layers/x/vars/0"]))
            header[name] = header[key]
        else:
            body = body[: data.draw(st.integers(0, len(body)))]
    blob = _join_safetensors(header, body)
    if members is not None:
        members["model.weights.safetensors"] = blob
        blob = _zip(members)
    _load_bounded(blob, suffix, tmp_path, small=True)


# -- structure: HDF5 datasets ----------------------------------------------------------------------------
def _h5_items(blob: bytes) -> dict[str, np.ndarray]:
    items = {}
    with h5py.File(io.BytesIO(blob), "r") as f:
        f.visititems(lambda name, obj: items.__setitem__(name, obj[()]) if isinstance(obj, h5py.Dataset) else None)
    return items


_h5_values = st.sampled_from(
    [
        ("int64", 2**62 + 1),
        ("int64", -1),
        ("uint64", 2**64 - 1),
        ("bool", True),
        ("float64", 1e300),
        ("float16", 1.0),
        ("int8", 3),
        ("S4", b"abcd"),
    ]
)


@pytest.mark.parametrize("suffix", [".weights.h5", ".keras"])
@FUZZ
@given(data=st.data())
def test_h5_datasets(tmp_path, suffix, data):
    good = _good(suffix, small=True)
    members = _members(good) if suffix == ".keras" else None
    items = _h5_items(members["model.weights.h5"] if members else good)
    compressed: dict[str, tuple[int, ...]] = {}
    for _ in range(data.draw(st.integers(1, 3))):
        kind = data.draw(st.sampled_from(["dtype", "shape", "drop", "extra", "compressed"]))
        if not items:
            break
        name = data.draw(st.sampled_from(sorted(items)))
        if kind == "dtype":
            dtype, fill = data.draw(_h5_values)
            items[name] = np.full(np.shape(items[name]), fill, dtype=dtype)
        elif kind == "shape":
            shape = data.draw(st.lists(st.integers(0, 70), max_size=3))
            items[name] = np.zeros(shape, "float32")
        elif kind == "drop":
            items.pop(name, None)
        elif kind == "extra":
            items[name.rsplit("/", 1)[0] + "/" + data.draw(st.sampled_from(["9", "x", "01", "-1"]))] = np.ones(2)
        else:  # a gzip dataset of unallocated chunks: tiny on disk, declaring up to 2 GiB
            compressed[name] = (data.draw(st.sampled_from([1 << 10, 1 << 20, 1 << 29])),)
    out = io.BytesIO()
    with h5py.File(out, "w") as f:
        for name, array in items.items():
            if name in compressed:
                f.create_dataset(name, shape=compressed[name], dtype="float32", chunks=(1 << 10,), compression="gzip")
            elif name not in f:
                f.create_dataset(name, data=array)
    blob = out.getvalue()
    if members is not None:
        members["model.weights.h5"] = blob
        blob = _zip(members)
    _load_bounded(blob, suffix, tmp_path, small=True)
