"""Hostile files, built from the published Keras advisories: each is refused clearly, with no side effect."""

from __future__ import annotations

import base64
import json
import marshal
import struct
import sys
import warnings
import zipfile

import numpy as np
import pytest

import kerax
from kerax.saving import UnsafeArchiveError, UnsafeConfigError

from . import zoo

SENTINEL = "kerax-safety-sentinel"


def _archive(path, members):
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data if isinstance(data, bytes) else json.dumps(data))
    return path


def _saved(tmp_path):
    model = zoo.fashion_classifier(kerax)
    path = tmp_path / "good.kerax"
    model.save(path)
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _with_config(tmp_path, config, name="evil.kerax"):
    members = _saved(tmp_path)
    members["config.json"] = json.dumps(config).encode()
    return _archive(tmp_path / name, members)


def _good_config(tmp_path):
    return json.loads(_saved(tmp_path)["config.json"])


# -- CVE-2025-1550: a config that names an arbitrary module or callable -----------------------------------
@pytest.mark.parametrize(
    "entry",
    [
        {"module": "os", "class_name": "system", "config": {"command": f"touch {SENTINEL}"}},
        {"module": "builtins", "class_name": "exec", "config": {}},
        {"module": "this", "class_name": "Anything", "config": {}},  # importing `this` prints; it must not be
        {"module": "subprocess", "class_name": "Popen", "config": {"args": ["touch", SENTINEL]}},
    ],
    ids=["os.system", "builtins.exec", "import-this", "subprocess"],
)
def test_config_naming_a_foreign_module_is_refused_without_importing_it(tmp_path, entry, monkeypatch):
    monkeypatch.chdir(tmp_path)
    imported = set(sys.modules)
    config = _good_config(tmp_path)
    config["config"]["layers"].insert(1, {**entry, "registered_name": None})
    path = _with_config(tmp_path, config)
    with pytest.raises(UnsafeConfigError, match="never imports"):
        kerax.models.load_model(path)
    assert not (tmp_path / SENTINEL).exists()
    assert entry["module"] not in set(sys.modules) - imported


def test_function_entries_resolve_only_to_kerax_functions(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = _good_config(tmp_path)
    dense = config["config"]["layers"][2]
    dense["config"]["activation"] = {"module": "os", "class_name": "function", "config": "system"}
    with pytest.raises(UnsafeConfigError, match="never imports or runs code"):
        kerax.models.load_model(_with_config(tmp_path, config))
    initializer = config["config"]["layers"][2]["config"]
    initializer["activation"] = "relu"
    initializer["kernel_initializer"] = {"module": "posix", "class_name": "system", "config": {}}
    with pytest.raises(ValueError, match="Unknown initializer class 'system'"):
        kerax.models.load_model(_with_config(tmp_path, config, "evil2.kerax"))


# -- a config that tries to turn unsafe loading on before the payload -----------------------------------
def test_config_turning_unsafe_mode_on_first_is_refused(tmp_path):
    config = _good_config(tmp_path)
    enable = {
        "module": "keras.config",
        "class_name": "function",
        "config": "enable_unsafe_deserialization",
        "registered_name": None,
    }
    config["config"]["layers"].insert(1, enable)
    with pytest.raises(UnsafeConfigError):
        kerax.models.load_model(_with_config(tmp_path, config))
    with pytest.raises(ValueError, match="no unsafe mode"):
        kerax.models.load_model(tmp_path / "good.kerax", safe_mode=False)


# -- CVE-2024-3660: a Lambda layer carrying marshalled bytecode -----------------------------------------
def test_lambda_with_bytecode_is_refused_and_never_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    def payload(x):
        open(SENTINEL, "w").close()  # noqa: SIM115 - the side effect the attack wants
        return x

    code = base64.b64encode(marshal.dumps(payload.__code__)).decode()
    lam = {
        "module": "keras.layers",
        "class_name": "Lambda",
        "config": {
            "name": "lambda",
            "trainable": True,
            "dtype": "float32",
            "function": {"class_name": "__lambda__", "config": {"code": code, "defaults": None, "closure": None}},
            "arguments": {},
        },
        "registered_name": None,
    }
    config = _good_config(tmp_path)
    config["config"]["layers"].insert(2, lam)
    with pytest.raises(ValueError, match="bytecode"):
        kerax.models.load_model(_with_config(tmp_path, config))
    assert not (tmp_path / SENTINEL).exists()


# -- archives: bombs and escaping paths ------------------------------------------------------------------
def test_zip_bomb_is_refused_before_inflating(tmp_path):
    path = tmp_path / "bomb.kerax"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("config.json", b"{" + b" " * (200 << 20) + b"}")
    assert path.stat().st_size < 1 << 20
    with pytest.raises(UnsafeArchiveError, match="over the limit of 16777216 for a JSON member"):
        kerax.models.load_model(path)


def test_overlapping_members_bomb_is_refused(tmp_path):
    """Two central-directory entries pointing at the same bytes (the non-recursive zip bomb trick)."""
    good = tmp_path / "good.kerax"
    zoo.fashion_classifier(kerax).save(good)
    data = bytearray(good.read_bytes())
    eocd = data.rindex(b"PK\x05\x06")
    entries, cd_size, cd_offset = struct.unpack("<HII", data[eocd + 10 : eocd + 20])
    first = data[cd_offset : cd_offset + 46]
    name_len, extra_len, comment_len = struct.unpack("<HHH", first[28:34])
    record = bytearray(data[cd_offset : cd_offset + 46 + name_len + extra_len + comment_len])
    record[46 : 46 + name_len] = b"x" * name_len  # same data, another name
    central = data[cd_offset : cd_offset + cd_size] + record
    tail = bytearray(data[eocd:])
    struct.pack_into("<HHII", tail, 8, entries + 1, entries + 1, cd_size + len(record), cd_offset)
    crafted = tmp_path / "overlap.kerax"
    crafted.write_bytes(bytes(data[:cd_offset]) + bytes(central) + bytes(tail))
    with pytest.raises(UnsafeArchiveError, match="share the same bytes"):
        kerax.models.load_model(crafted)


@pytest.mark.parametrize("name", ["../escape.json", "/etc/kerax.json", "assets/../../x", "C:evil", "a\\..\\b"])
def test_member_paths_escaping_the_folder_are_refused(tmp_path, name):
    members = _saved(tmp_path)
    members[name] = b"{}"
    with pytest.raises(UnsafeArchiveError, match="unsafe path|climbs out"):
        kerax.models.load_model(_archive(tmp_path / "escape.kerax", members))
    assert not (tmp_path.parent / "escape.json").exists()


def test_declared_tensor_shape_larger_than_its_data_is_refused(tmp_path):
    header = json.dumps({"layers/dense/vars/0": {"dtype": "F32", "shape": [100_000, 100_000], "data_offsets": [0, 16]}})
    blob = struct.pack("<Q", len(header)) + header.encode() + b"\x00" * 16
    members = _saved(tmp_path)
    members["model.weights.safetensors"] = blob
    with pytest.raises(ValueError, match="not a valid safetensors file"):
        kerax.models.load_model(_archive(tmp_path / "shape.kerax", members))
    (tmp_path / "w.weights.safetensors").write_bytes(blob)
    model = zoo.fashion_classifier(kerax)
    with pytest.raises(ValueError, match="not a valid safetensors file"):
        model.load_weights(tmp_path / "w.weights.safetensors")


def test_deeply_nested_config_is_a_clear_error(tmp_path):
    members = _saved(tmp_path)
    members["config.json"] = b"[" * 100_000 + b"]" * 100_000
    with pytest.raises(ValueError, match="not valid JSON|must hold an object"):
        kerax.models.load_model(_archive(tmp_path / "deep.kerax", members))


def test_header_declaring_more_than_the_file_is_refused():
    from kerax.saving import _weights

    with pytest.raises(ValueError, match="header declares"):
        _weights.decode(struct.pack("<Q", 1 << 40) + b"{}", "x")
    with pytest.raises(ValueError, match="points outside"):
        header = json.dumps({"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 1 << 30]}}).encode()
        _weights.decode(struct.pack("<Q", len(header)) + header + b"\x00" * 16, "x")
    with pytest.raises(ValueError, match="unsupported entry"):
        header = json.dumps({"a": {"dtype": "OBJECT", "shape": [1], "data_offsets": [0, 8]}}).encode()
        _weights.decode(struct.pack("<Q", len(header)) + header + b"\x00" * 8, "x")


def test_loading_has_no_side_effect_on_the_registry(tmp_path):
    before = dict(kerax.saving.get_custom_objects())
    config = _good_config(tmp_path)
    config["registered_name"] = "evil>Sequential"
    with pytest.raises(UnsafeConfigError, match="not registered"):
        kerax.models.load_model(_with_config(tmp_path, config))
    assert kerax.saving.get_custom_objects() == before


def test_keras_archive_with_a_hostile_h5_member_is_refused(tmp_path):
    """A .keras file whose weights dataset lives in an external file on the loading machine."""
    import h5py

    model = zoo.fashion_classifier(kerax)
    model.save(tmp_path / "good.keras")
    with zipfile.ZipFile(tmp_path / "good.keras") as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    secret = tmp_path / "secret.bin"
    secret.write_bytes(b"\x01" * 4096)
    with h5py.File(tmp_path / "evil.h5", "w") as f:
        group = f.create_group("layers/dense/vars")
        group.create_dataset("0", shape=(36, 16), dtype="float32", external=[(str(secret), 0, 36 * 16 * 4)])
    members["model.weights.h5"] = (tmp_path / "evil.h5").read_bytes()
    with pytest.raises(ValueError, match="external"):
        kerax.models.load_model(_archive(tmp_path / "evil.keras", members))


# -- one error contract: every refusal is a ValueError naming the file and what was wrong ----------------
def _nest(depth, as_dict):
    value = 1
    for _ in range(depth):
        value = {"class_name": None, "x": value} if as_dict else [value]
    return value


@pytest.mark.parametrize("suffix", [".kerax", ".keras"])
@pytest.mark.parametrize("as_dict", [False, True], ids=["lists", "dicts"])
def test_600_deep_config_is_a_value_error(tmp_path, suffix, as_dict):
    """600 levels parse as JSON, but walking them recursively would raise RecursionError."""
    model = zoo.fashion_classifier(kerax)
    model.save(tmp_path / f"good{suffix}")
    with zipfile.ZipFile(tmp_path / f"good{suffix}") as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    config = json.loads(members["config.json"])
    config["config"]["layers"][2]["config"]["kernel_initializer"] = _nest(600, as_dict)
    members["config.json"] = json.dumps(config).encode()
    with pytest.raises(ValueError, match=r"config\.json nests lists and dicts more than 100 levels deep"):
        kerax.models.load_model(_archive(tmp_path / f"deep{suffix}", members))


def test_deserialize_keras_object_refuses_deep_configs_and_overflows_directly():
    with pytest.raises(ValueError, match="more than 100 levels deep"):
        kerax.saving.deserialize_keras_object(_nest(600, False))
    with pytest.raises(ValueError, match="does not fit dtype int8"):
        kerax.saving.deserialize_keras_object({"class_name": "__numpy__", "config": {"value": 2**70, "dtype": "int8"}})
    with pytest.raises(ValueError, match="needs a 'config' with a 'value' list"):
        kerax.saving.deserialize_keras_object({"class_name": "__tuple__", "config": [1]})
    assert kerax.saving.deserialize_keras_object(_nest(50, False)) == _nest(50, False)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda c: c["config"]["layers"].__setitem__(2, [1, 2]), "must be a dict, received list"),
        (lambda c: c["config"]["layers"][2].__setitem__("config", [1]), "must be a dict, received list"),
        (lambda c: c["config"]["layers"][2]["config"].__setitem__("units", 2**62), "asks for weights of more than"),
        (lambda c: c["config"]["layers"][2]["config"].__setitem__("units", -3), "positive integer"),
        (lambda c: c["config"]["layers"][0]["config"].__setitem__("batch_shape", [2**62, 2**62]), "Flatten|dense"),
        (lambda c: c["config"]["layers"][0]["config"].__setitem__("batch_shape", [None, -5, 6]), "Could not rebuild"),
        (lambda c: c["config"]["layers"][2].__setitem__("build_config", [2**62]), "build_config"),
        (
            lambda c: c["config"]["layers"][2]["config"].__setitem__(
                "dtype", {"class_name": "DTypePolicy", "config": [1]}
            ),
            "dense",
        ),
        (lambda c: c.__setitem__("compile_config", [1]), "compile_config"),
    ],
    ids=[
        "list-entry",
        "list-config",
        "huge-units",
        "negative-units",
        "huge-shape",
        "negative-shape",
        "build-list",
        "dtype-list",
        "compile-list",
    ],
)
def test_wrong_types_and_sizes_in_a_config_are_value_errors(tmp_path, edit, message):
    model = zoo.fashion_classifier(kerax)
    model.compile(optimizer="adam", loss="mse")
    model.save(tmp_path / "good.kerax")
    with zipfile.ZipFile(tmp_path / "good.kerax") as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    config = json.loads(members["config.json"])
    edit(config)
    members["config.json"] = json.dumps(config).encode()
    with pytest.raises(ValueError, match=message):
        kerax.models.load_model(_archive(tmp_path / "edited.kerax", members))


def _safetensors(header, body=b""):
    raw = json.dumps(header).encode()
    return struct.pack("<Q", len(raw)) + raw + body


@pytest.mark.parametrize(
    ("header", "body", "message"),
    [
        ({"a": {"dtype": "F32", "shape": [2**62, 2**62], "data_offsets": [0, 16]}}, 16, "needs 85070591"),
        ({"a": {"dtype": "F32", "shape": [-4], "data_offsets": [0, 16]}}, 16, "non-negative integers"),
        ({"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, -16]}}, 16, "expected \\[start, end\\]"),
        ({"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 2**70]}}, 16, "points outside"),
        ({"a": {"dtype": "F32", "shape": "4", "data_offsets": [0, 16]}}, 16, "list of at most 64"),
        ({"a": {"dtype": "F32", "shape": [1] * 65, "data_offsets": [0, 4]}}, 4, "list of at most 64"),
        ({"a": [1, 2]}, 0, "unsupported entry"),
        ({"__metadata__": [1]}, 0, "'__metadata__' must map names to strings"),
        ({"__metadata__": {"layer_names": "[1]"}}, 0, "'layer_names' must hold a JSON object"),
        ({"__metadata__": {"layer_names": '{"a": 1}'}}, 0, "must hold strings"),
        ({"__metadata__": {"bfloat16": "[" * 5000 + "]" * 5000}}, 0, "'bfloat16' is not valid JSON"),
        ({"optimizer/x": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}, 4, "'optimizer/<index>'"),
        ({"a": {"dtype": "BOOL", "shape": [2], "data_offsets": [0, 2]}}, b"\x01\x07", "other than 0 and 1"),
        ({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}, 8, "4 data bytes belong to no tensor"),
    ],
    ids=[
        "overflowing-shape",
        "negative-size",
        "negative-offset",
        "huge-offset",
        "string-shape",
        "rank-65",
        "list-entry",
        "list-metadata",
        "list-layer-names",
        "int-layer-names",
        "deep-metadata",
        "optimizer-x",
        "bool-bytes",
        "gap",
    ],
)
def test_malformed_safetensors_headers_are_value_errors(tmp_path, header, body, message):
    from kerax.saving import _weights

    blob = _safetensors(header, body if isinstance(body, bytes) else b"\0" * body)
    with pytest.raises(ValueError, match=message):
        _weights.decode(blob, "x.safetensors")
    path = tmp_path / "w.weights.safetensors"
    path.write_bytes(blob)
    with pytest.raises(ValueError, match="w.weights.safetensors"):  # the error names the file
        zoo.fashion_classifier(kerax).load_weights(path)


def test_unknown_optimizer_key_in_a_kerax_file_is_a_clear_value_error(tmp_path):
    """An extra weights key ``optimizer/x`` used to fail with ``invalid literal for int()``."""
    from safetensors.numpy import load, save

    model = zoo.fashion_classifier(kerax)
    model.compile(optimizer="adam", loss="mse")
    model.optimizer.build(model.trainable_weights)
    model.save(tmp_path / "good.kerax")
    members = _saved_members(tmp_path / "good.kerax")
    arrays = load(members["model.weights.safetensors"])
    arrays["optimizer/x"] = np.zeros(2, "float32")
    members["model.weights.safetensors"] = save(arrays)
    with pytest.raises(ValueError, match=r"model\.weights\.safetensors: tensor 'optimizer/x'"):
        kerax.models.load_model(_archive(tmp_path / "extra.kerax", members))


def _saved_members(path):
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


# -- lossy changes of dtype -------------------------------------------------------------------------------
def _with_kernel(tmp_path, suffix, kernel):
    """A weights file of the Fashion-MNIST classifier whose first kernel is replaced by ``kernel``."""
    model = zoo.fashion_classifier(kerax)
    path = tmp_path / f"w{suffix}"
    model.save_weights(path)
    if suffix == ".weights.safetensors":
        from safetensors.numpy import load, save

        arrays = load(path.read_bytes())
        arrays["layers/dense/vars/0"] = kernel
        path.write_bytes(save(arrays, metadata={"format": "kerax.weights"}))
    else:
        import h5py

        with h5py.File(path, "r+") as f:
            del f["layers/dense/vars/0"]
            f["layers/dense/vars/0"] = kernel
    return model, path


@pytest.mark.parametrize("suffix", [".weights.safetensors", ".weights.h5"])
@pytest.mark.parametrize(
    ("kernel", "message"),
    [
        (
            np.full((36, 16), 2**62 + 1, np.int64),
            "int64 values that float32 cannot hold \\(the value 4611686018427387905",
        ),
        (np.full((36, 16), 2**24 + 1, np.int32), "the value 16777217"),
        (np.full((36, 16), 0.5, np.float32).astype(np.float64) * 1e300, "overflows"),
    ],
    ids=["int64-2**62+1", "int32-2**24+1", "float64-overflow"],
)
def test_lossy_dtype_changes_are_refused_naming_the_weight(tmp_path, suffix, kernel, message):
    model, path = _with_kernel(tmp_path, suffix, kernel)
    before = [np.asarray(w.value).copy() for w in model.weights]
    with pytest.raises(ValueError, match=message) as info:
        model.load_weights(path)
    assert "layers/dense/vars/0" in str(info.value) and "lossy" in str(info.value)
    for old, weight in zip(before, model.weights, strict=True):  # nothing was assigned
        np.testing.assert_array_equal(old, np.asarray(weight.value))


@pytest.mark.parametrize("suffix", [".weights.safetensors", ".weights.h5"])
@pytest.mark.parametrize(
    "kernel",
    [
        np.full((36, 16), 2**62, np.int64),  # a power of two: float32 holds it exactly
        np.arange(36 * 16, dtype=np.int32).reshape(36, 16),
        np.eye(36, 16, dtype=bool),
        np.linspace(-1, 1, 36 * 16).reshape(36, 16),  # float64 rounds to float32, as Keras does
        np.full((36, 16), 0.25, np.float16),
    ],
    ids=["int64-2**62", "int32-small", "bool", "float64", "float16"],
)
def test_exact_dtype_changes_load(tmp_path, suffix, kernel):
    model, path = _with_kernel(tmp_path, suffix, kernel)
    model.load_weights(path)
    np.testing.assert_array_equal(np.asarray(model.layers[1].kernel.value), kernel.astype(np.float32))


def test_float_into_an_integer_weight_is_refused():
    from kerax.saving._weights import lossless_cast

    with pytest.raises(ValueError, match="float32 values, but the weight is int32"):
        lossless_cast(np.array([1.0, 2.0], np.float32), "int32", "weight w")
    with pytest.raises(ValueError, match="the value 300 is outside uint8's range"):
        lossless_cast(np.array([300], np.int64), "uint8", "weight w")
    with pytest.raises(ValueError, match="the value 18446744073709551615 is outside int64's range"):
        lossless_cast(np.array([2**64 - 1], np.uint64), "int64", "weight w")  # same bits as -1: still refused
    with pytest.raises(ValueError, match="the value -1 is outside uint32's range"):
        lossless_cast(np.array([-1], np.int32), "uint32", "weight w")
    with pytest.raises(ValueError, match="is not 0 or 1"):
        lossless_cast(np.array([2], np.int64), "bool", "weight w")
    with pytest.raises(ValueError, match="the value 18446744073709551615"):
        lossless_cast(np.array([2**64 - 1], np.uint64), "float64", "weight w")
    np.testing.assert_array_equal(lossless_cast(np.array([7], np.int64), "int8", "w"), [7])
    np.testing.assert_array_equal(lossless_cast(np.array([1, 0], np.int8), "bool", "w"), [True, False])


@pytest.mark.parametrize("suffix", [".kerax", ".keras"])
def test_lossy_dtype_in_a_model_file_is_refused_naming_file_and_weight(tmp_path, suffix):
    model = zoo.fashion_classifier(kerax)
    model.save(tmp_path / f"good{suffix}")
    members = _saved_members(tmp_path / f"good{suffix}")
    kernel = np.full((36, 16), 2**53 + 1, np.int64)
    if suffix == ".kerax":
        from safetensors.numpy import load, save

        arrays = load(members["model.weights.safetensors"])
        arrays["layers/dense/vars/0"] = kernel
        members["model.weights.safetensors"] = save(arrays)
        member = "lossy.kerax"
    else:
        import io

        import h5py

        buffer = io.BytesIO(members["model.weights.h5"])
        with h5py.File(buffer, "r+") as f:
            del f["layers/dense/vars/0"]
            f["layers/dense/vars/0"] = kernel
        members["model.weights.h5"] = buffer.getvalue()
        member = "lossy.keras: model.weights.h5"
    with pytest.raises(ValueError, match=f"{member}.*layers/dense/vars/0.*the value 9007199254740993"):
        kerax.models.load_model(_archive(tmp_path / f"lossy{suffix}", members))


@pytest.mark.parametrize("suffix", [".weights.safetensors", ".weights.h5"])
def test_skip_mismatch_skips_a_lossy_weight_with_a_warning(tmp_path, suffix):
    model, path = _with_kernel(tmp_path, suffix, np.full((36, 16), 2**62 + 1, np.int64))
    kernel = np.asarray(model.layers[1].kernel.value).copy()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.load_weights(path, skip_mismatch=True)
    assert any("lossy change of dtype" in str(w.message) for w in caught)
    np.testing.assert_array_equal(np.asarray(model.layers[1].kernel.value), kernel)
