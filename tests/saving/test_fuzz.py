"""Fuzzing ``load_model``: damaged archives and arbitrary configs may be refused, never crash, hang or balloon."""

from __future__ import annotations

import functools
import io
import json
import os
import tempfile
import time
import tracemalloc
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kerax

from . import zoo

FUZZ = settings(
    max_examples=40,
    deadline=None,  # timed below, per example, with the load only
    derandomize=True,  # the same examples on every run: CI cannot flake
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
MAX_SECONDS = 20.0


@functools.cache
def _good_archive() -> bytes:
    kerax.utils.clear_session()
    model = zoo.seed_003_inception(kerax)
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "good.kerax")
        model.save(path)
        with open(path, "rb") as f:
            return f.read()


def _load_bounded(data: bytes, tmp_path) -> None:
    """Load ``data`` as a model file: only a ValueError/TypeError may come out, quickly and in bounded memory."""
    path = tmp_path / "fuzzed.kerax"
    path.write_bytes(data)
    tracemalloc.start()
    start = time.perf_counter()
    try:
        kerax.models.load_model(path)
    except (ValueError, TypeError):
        pass
    finally:
        elapsed = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert elapsed < MAX_SECONDS
    assert peak < 50 * len(data) + (64 << 20), f"peak {peak} bytes for a {len(data)}-byte file"


@FUZZ
@given(st.data())
def test_damaged_bytes(tmp_path, data):
    blob = bytearray(_good_archive())
    kind = data.draw(st.sampled_from(["flip", "truncate", "splice"]))
    if kind == "flip":
        for _ in range(data.draw(st.integers(1, 16))):
            blob[data.draw(st.integers(0, len(blob) - 1))] = data.draw(st.integers(0, 255))
    elif kind == "truncate":
        blob = blob[: data.draw(st.integers(0, len(blob) - 1))]
    else:
        at = data.draw(st.integers(0, len(blob)))
        blob[at:at] = data.draw(st.binary(min_size=1, max_size=64))
    _load_bounded(bytes(blob), tmp_path)


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
        "Lambda",
        "Adam",
        "Model",
        "Bidirectional",
    ]
)


def _mutate(config, data):
    """Replace one value somewhere in ``config`` by an arbitrary (or plausible) JSON value."""
    if isinstance(config, dict) and config and data.draw(st.booleans()):
        key = data.draw(st.sampled_from(sorted(config)))
        config[key] = _mutate(config[key], data)
        return config
    if isinstance(config, list) and config and data.draw(st.booleans()):
        i = data.draw(st.integers(0, len(config) - 1))
        config[i] = _mutate(config[i], data)
        return config
    return data.draw(
        _json
        | st.fixed_dictionaries({"class_name": _class_names, "module": st.sampled_from(["keras", "kerax.layers"])})
        | st.dictionaries(_keys, _json, max_size=4)
    )


@FUZZ
@given(st.data())
def test_arbitrary_configs(tmp_path, data):
    with zipfile.ZipFile(io.BytesIO(_good_archive())) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    config = json.loads(members["config.json"])
    for _ in range(data.draw(st.integers(1, 3))):
        config = _mutate(config, data)
    members["config.json"] = json.dumps(config).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, blob in members.items():
            archive.writestr(name, blob)
    _load_bounded(out.getvalue(), tmp_path)
