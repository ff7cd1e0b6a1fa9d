"""The cache: KERAX_HOME, downloads against a loopback server, hash checks, safe tar extraction."""

from __future__ import annotations

import hashlib
import os
import stat
import tarfile
import zipfile
from pathlib import Path

import pytest
from kx_dataset_helpers import make_tar_gz, symlink_info

from kerax.datasets import DatasetIntegrityError, DatasetUnavailableError, UnsafeDatasetError, mnist
from kerax.datasets._archive import archive_format_of, extract_archive, extract_tar
from kerax.datasets._files import _ORIGIN_OVERRIDES, cache_dir, get_file, get_files, kerax_home

PAYLOAD = b"kerax dataset payload\n" * 1000
PAYLOAD_SHA256 = hashlib.sha256(PAYLOAD).hexdigest()
PAYLOAD_MD5 = hashlib.md5(PAYLOAD).hexdigest()


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_kerax_home_from_env(home: Path) -> None:
    assert kerax_home() == str(home.parent)
    assert cache_dir("datasets/fashion-mnist") == str(home / "fashion-mnist")


def test_kerax_home_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("KERAX_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert kerax_home() == str(tmp_path / ".kerax")


@pytest.mark.parametrize("bad", ["/abs", "../up", "datasets/../.."])
def test_cache_subdir_must_stay_inside(home: Path, bad: str) -> None:
    with pytest.raises(ValueError, match="relative folder"):
        cache_dir(bad)


@pytest.mark.parametrize("bad", ["", "..", "a/b", "a\\b"])
def test_fname_must_be_plain(home: Path, bad: str) -> None:
    with pytest.raises(ValueError, match="plain file name"):
        get_file(bad, "http://127.0.0.1/x")


@pytest.mark.parametrize("file_hash", [PAYLOAD_SHA256, PAYLOAD_MD5.upper(), None])
def test_download_good_file(home: Path, server, file_hash) -> None:
    server.routes["/good.bin"] = PAYLOAD
    path = get_file("good.bin", server.url("/good.bin"), file_hash)
    assert path == str(home / "good.bin")
    assert Path(path).read_bytes() == PAYLOAD
    assert leftovers(home) == ["good.bin"]
    # Second call: served from the cache, no request.
    assert get_file("good.bin", server.url("/good.bin"), file_hash) == path
    assert server.hits == ["/good.bin"]


def test_existing_file_is_not_hashed(home: Path, server) -> None:
    home.mkdir(parents=True)
    (home / "local.bin").write_bytes(b"a partial or locally built copy")
    assert get_file("local.bin", server.url("/local.bin"), PAYLOAD_SHA256) == str(home / "local.bin")
    assert server.hits == []


def test_download_corrupted_file(home: Path, server) -> None:
    server.routes["/bad.bin"] = PAYLOAD[:-1] + b"X"
    with pytest.raises(DatasetIntegrityError) as info:
        get_file("bad.bin", server.url("/bad.bin"), PAYLOAD_SHA256)
    message = str(info.value)
    assert f"expected {PAYLOAD_SHA256}" in message
    assert hashlib.sha256(PAYLOAD[:-1] + b"X").hexdigest() in message
    assert "nothing was written" in message
    assert str(home / "bad.bin") in message
    assert leftovers(home) == []  # no file, no partial download
    assert isinstance(info.value, OSError)


def test_download_shorter_than_announced(home: Path, server) -> None:
    server.routes["/short.bin"] = PAYLOAD
    server.lie_about_length = True
    with pytest.raises(DatasetUnavailableError):
        get_file("short.bin", server.url("/short.bin"), None)
    assert leftovers(home) == []


def test_download_404_gives_manual_instructions(home: Path, server) -> None:
    origin = server.url("/missing.npz")
    with pytest.raises(DatasetUnavailableError) as info:
        get_file("missing.npz", origin, PAYLOAD_SHA256)
    message = str(info.value)
    assert "HTTP 404" in message
    assert str(home / "missing.npz") in message and origin in message
    assert f"sha256 {PAYLOAD_SHA256}" in message
    assert "KERAX_HOME" in message
    assert info.value.missing == [(str(home / "missing.npz"), origin)]
    assert leftovers(home) == []


def test_connection_refused_gives_manual_instructions(home: Path, refused_url: str) -> None:
    with pytest.raises(DatasetUnavailableError) as info:
        get_file("file.bin", refused_url, PAYLOAD_SHA256)
    assert "refused" in str(info.value).lower()
    assert str(home / "file.bin") in str(info.value)
    assert leftovers(home) == []


def test_non_http_origin_refused(home: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_bytes(PAYLOAD)
    with pytest.raises(DatasetUnavailableError, match="not an http"):
        get_file("x.bin", secret.as_uri())


def test_loader_origin_override_and_offline_message(home: Path, server, monkeypatch: pytest.MonkeyPatch) -> None:
    origin = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
    monkeypatch.setitem(_ORIGIN_OVERRIDES, origin, server.url("/mnist.npz"))
    server.routes["/mnist.npz"] = b"not the real mnist"
    with pytest.raises(DatasetIntegrityError, match="731c5ac6"):
        mnist.load_data()
    assert server.hits == ["/mnist.npz"]
    assert leftovers(home) == []


def test_without_network_message_names_file_folder_and_origin(home: Path) -> None:
    with pytest.raises(DatasetUnavailableError) as info:
        mnist.load_data()
    message = str(info.value)
    assert str(home / "mnist.npz") in message
    assert "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz" in message
    assert "network disabled in tests" in message


def test_get_files_lists_every_missing_file(home: Path, server) -> None:
    server.routes["/a"] = b"A"
    (home / "sub").mkdir(parents=True)
    (home / "sub" / "c").write_bytes(b"C")
    with pytest.raises(DatasetUnavailableError) as info:
        get_files(["a", "b", "c", "d"], server.url("/"), "datasets/sub")
    message = str(info.value)
    assert str(home / "sub" / "b") in message and str(home / "sub" / "d") in message
    assert str(home / "sub" / "c") not in message and str(home / "sub" / "a") not in message
    assert server.hits == ["/a", "/b"]  # after the first failure no more downloads are tried
    assert (home / "sub" / "a").read_bytes() == b"A"


# --- archives ---------------------------------------------------------------------------------


def test_extract_download_and_layout(home: Path, server, tmp_path: Path) -> None:
    archive = tmp_path / "src.tar.gz"
    make_tar_gz(archive, {"inner/a.txt": b"a", "inner/sub/b.txt": b"b"})
    server.routes["/pub.tar.gz"] = archive.read_bytes()
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    folder = get_file("thing-target", server.url("/pub.tar.gz"), digest, extract=True)
    assert folder == str(home / "thing-target")
    assert (home / "thing-target" / "inner" / "sub" / "b.txt").read_bytes() == b"b"
    assert (home / "thing-target_archive").is_file()  # Keras 3's archive name
    assert sorted(leftovers(home)) == ["thing-target", "thing-target_archive"]


def test_extract_uses_archive_placed_by_hand(home: Path, server) -> None:
    make_tar_gz(home / "publisher-name.tar.gz", {"inner/a.txt": b"a"})
    folder = get_file(
        "x-target", server.url("/none"), "0" * 64, extract=True, alt_archive_names=["publisher-name.tar.gz"]
    )
    assert (Path(folder) / "inner" / "a.txt").read_bytes() == b"a"
    assert server.hits == []


@pytest.mark.parametrize("name", ["../evil", "inner/../../evil", "/tmp/evil_abs_kerax", "C:/evil", "inner\\..\\evil"])
def test_tar_path_traversal_refused(tmp_path: Path, name: str) -> None:
    archive = tmp_path / "bad.tar.gz"
    make_tar_gz(archive, {"inner/ok.txt": b"ok", name: b"pwned"})
    with pytest.raises(UnsafeDatasetError, match="Refusing"):
        extract_tar(str(archive), str(tmp_path / "out" / "target"))
    assert not (tmp_path / "evil").exists() and not Path("/tmp/evil_abs_kerax").exists()
    assert leftovers(tmp_path / "out") == []  # no partial extraction left


@pytest.mark.parametrize("kind", ["symlink", "hardlink", "fifo"])
def test_tar_links_and_special_files_refused(tmp_path: Path, kind: str) -> None:
    archive = tmp_path / "bad.tar.gz"
    if kind == "symlink":
        info = symlink_info("inner/link", "/etc/passwd")
    else:
        info = tarfile.TarInfo("inner/link")
        info.type = tarfile.LNKTYPE if kind == "hardlink" else tarfile.FIFOTYPE
        info.linkname = "inner/ok.txt"
    make_tar_gz(archive, {"inner/ok.txt": b"ok"}, extra=[info])
    with pytest.raises(UnsafeDatasetError, match="only plain files"):
        extract_tar(str(archive), str(tmp_path / "out" / "target"))
    assert leftovers(tmp_path / "out") == []


def test_tar_not_an_archive(tmp_path: Path) -> None:
    from kerax.datasets import DatasetFormatError

    bad = tmp_path / "junk.tar.gz"
    bad.write_bytes(b"junk" * 100)
    with pytest.raises(DatasetFormatError, match="not a readable tar"):
        extract_tar(str(bad), str(tmp_path / "out"))
    assert not (tmp_path / "out").exists()


def test_extracted_files_are_plain(tmp_path: Path) -> None:
    archive = tmp_path / "ok.tar.gz"
    make_tar_gz(archive, {"./inner/a.txt": b"a"})
    extract_tar(str(archive), str(tmp_path / "out"))
    assert (tmp_path / "out" / "inner" / "a.txt").read_bytes() == b"a"
    assert os.stat(tmp_path / "out" / "inner" / "a.txt").st_mode & 0o777 == 0o644


def write_zip(path: Path, files: dict[str, bytes], symlinks: dict[str, str] | None = None) -> None:
    with zipfile.ZipFile(path, "w") as zf:
        for name, content in files.items():
            zf.writestr(name, content)
        for name, target in (symlinks or {}).items():
            info = zipfile.ZipInfo(name)
            info.create_system = 3
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, target)


def test_zip_extraction_and_format_detection(tmp_path: Path) -> None:
    write_zip(tmp_path / "ok.zip", {"inner/a.txt": b"a", "inner/sub/": b"", "b.txt": b"b"})
    make_tar_gz(tmp_path / "ok.tar.gz", {"a.txt": b"a"})
    (tmp_path / "junk").write_bytes(b"junk" * 100)
    assert archive_format_of(str(tmp_path / "ok.zip")) == "zip"
    assert archive_format_of(str(tmp_path / "ok.tar.gz")) == "tar"
    assert archive_format_of(str(tmp_path / "ok.tar.gz"), ["zip"]) is None
    assert archive_format_of(str(tmp_path / "junk")) is None
    extract_archive(str(tmp_path / "ok.zip"), str(tmp_path / "out"), "zip")
    assert (tmp_path / "out" / "inner" / "a.txt").read_bytes() == b"a"
    assert (tmp_path / "out" / "inner" / "sub").is_dir()
    assert (tmp_path / "out" / "b.txt").read_bytes() == b"b"


@pytest.mark.parametrize(
    "files, symlinks, match",
    [
        ({"ok.txt": b"ok", "../evil": b"x"}, None, "'../evil' climbs out"),
        ({"ok.txt": b"ok", "/tmp/evil_abs_kerax": b"x"}, None, "absolute or unsafe path"),
        ({"ok.txt": b"ok"}, {"link": "ok.txt"}, "'link' is a link; only plain files"),
    ],
)
def test_zip_unsafe_members_refused(tmp_path: Path, files, symlinks, match: str) -> None:
    write_zip(tmp_path / "bad.zip", files, symlinks)
    with pytest.raises(UnsafeDatasetError, match=match):
        extract_archive(str(tmp_path / "bad.zip"), str(tmp_path / "out" / "target"), "zip")
    assert leftovers(tmp_path / "out") == []
    assert not (tmp_path / "evil").exists() and not Path("/tmp/evil_abs_kerax").exists()


def test_zip_not_an_archive(tmp_path: Path) -> None:
    from kerax.datasets import DatasetFormatError

    (tmp_path / "junk.zip").write_bytes(b"PK\x03\x04" + b"junk" * 100)
    with pytest.raises(DatasetFormatError, match="not a readable zip"):
        extract_archive(str(tmp_path / "junk.zip"), str(tmp_path / "out"), "zip")
    assert leftovers(tmp_path) == ["junk.zip"]


def test_existing_folder_kept_or_replaced(tmp_path: Path) -> None:
    make_tar_gz(tmp_path / "new.tar.gz", {"new.txt": b"new"})
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "old.txt").write_bytes(b"old")
    extract_archive(str(tmp_path / "new.tar.gz"), str(tmp_path / "out"), "tar")
    assert leftovers(tmp_path / "out") == ["old.txt"]  # kept (another process extracted it first)
    extract_archive(str(tmp_path / "new.tar.gz"), str(tmp_path / "out"), "tar", replace=True)
    assert leftovers(tmp_path / "out") == ["new.txt"]
    assert leftovers(tmp_path) == ["new.tar.gz", "out"]  # nothing left aside
