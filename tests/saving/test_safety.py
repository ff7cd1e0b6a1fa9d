"""Hostile files, built from the published Keras advisories: each is refused clearly, with no side effect."""

from __future__ import annotations

import base64
import json
import marshal
import struct
import sys
import zipfile

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
    model = zoo.seed_001_sequential(kerax)
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
    with pytest.raises(UnsafeArchiveError, match="zip bomb"):
        kerax.models.load_model(path)


def test_overlapping_members_bomb_is_refused(tmp_path):
    """Two central-directory entries pointing at the same bytes (the non-recursive zip bomb trick)."""
    good = tmp_path / "good.kerax"
    zoo.seed_001_sequential(kerax).save(good)
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
    model = zoo.seed_001_sequential(kerax)
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

    model = zoo.seed_001_sequential(kerax)
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
