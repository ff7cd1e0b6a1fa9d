"""kerax.utils.get_file against a real HTTP server on loopback, and against Keras 3's get_file."""

from __future__ import annotations

import hashlib
import http.server
import io
import logging
import os
import socket
import stat
import tarfile
import tempfile
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import kerax
from kerax.datasets import _files
from kerax.utils import get_file

PAYLOAD = b"kerax get_file payload\n" * 500
SHA256 = hashlib.sha256(PAYLOAD).hexdigest()
MD5 = hashlib.md5(PAYLOAD).hexdigest()


class Server:
    """Serves ``routes`` (path -> bytes, or an int HTTP status) on 127.0.0.1 and records each request."""

    def __init__(self) -> None:
        self.routes: dict[str, bytes | int] = {}
        self.hits: list[str] = []
        self.truncate = False  # announce 100 more bytes than are sent, then close the connection
        self.no_length = False  # send no Content-Length (size unknown; the body ends when the connection closes)
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                server.hits.append(self.path)
                body = server.routes.get(self.path, 404)
                if isinstance(body, int):
                    self.send_error(body)
                    return
                self.send_response(200)
                if not server.no_length:
                    self.send_header("Content-Length", str(len(body) + (100 if server.truncate else 0)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = False  # server_close() then joins every request thread
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05})
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def server() -> Iterator[Server]:
    srv = Server()
    try:
        yield srv
    finally:
        srv.close()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """KERAX_HOME in a fresh folder (returned); short timeouts; no proxy for loopback (for Keras too)."""
    monkeypatch.setenv("KERAX_HOME", str(tmp_path / "kerax_home"))
    monkeypatch.setenv("no_proxy", "*")
    monkeypatch.setenv("NO_PROXY", "*")
    monkeypatch.setattr(_files, "_TIMEOUT_S", 5.0)
    return tmp_path / "kerax_home"


def listing(folder: Path) -> list[str]:
    """Every entry under ``folder`` (relative, sorted), hidden temporary files included."""
    if not folder.exists():
        return []
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def tree(folder: Path) -> dict[str, tuple[str, object]]:
    """The extracted tree: relative path -> ("dir", None) / ("file", bytes) / ("link", target)."""
    out: dict[str, tuple[str, object]] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            rel = str(path.relative_to(folder))
            if path.is_symlink():
                out[rel] = ("link", os.readlink(path))
            elif path.is_dir():
                out[rel] = ("dir", None)
            else:
                out[rel] = ("file", path.read_bytes())
    return out


def make_tar(files: dict[str, bytes], links: list[tarfile.TarInfo] = (), mode: str = "w:gz") -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode) as tar:
        for name, content in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            info.mode = 0o755 if name.endswith(".sh") else 0o644
            tar.addfile(info, io.BytesIO(content))
        for info in links:
            tar.addfile(info)
    return buf.getvalue()


def link(name: str, target: str, kind: bytes = tarfile.SYMTYPE) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = target
    return info


def make_zip(files: dict[str, bytes], symlinks: dict[str, str] | None = None, special: str | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in files.items():
            info = zipfile.ZipInfo(name)
            info.create_system = 3
            info.external_attr = (stat.S_IFREG | (0o755 if name.endswith(".sh") else 0o644)) << 16
            zf.writestr(info, content, zipfile.ZIP_DEFLATED)
        for name, target in (symlinks or {}).items():
            info = zipfile.ZipInfo(name)
            info.create_system = 3
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, target)
        if special:
            info = zipfile.ZipInfo(special)
            info.create_system = 3
            info.external_attr = (stat.S_IFCHR | 0o644) << 16
            zf.writestr(info, b"")
    return buf.getvalue()


FILES = {"pkg/a.txt": b"alpha", "pkg/sub/b.txt": b"beta" * 50, "pkg/run.sh": b"#!/bin/sh\n", "top.txt": b"top"}


# --- downloads --------------------------------------------------------------------------------


def test_download_then_cache_hit(home: Path, server: Server) -> None:
    server.routes["/data.bin"] = PAYLOAD
    path = get_file(origin=server.url("/data.bin"))
    assert path == str(home / "datasets" / "data.bin")
    assert Path(path).read_bytes() == PAYLOAD
    assert get_file("data.bin", server.url("/data.bin")) == path
    assert get_file(origin=server.url("/data.bin"), file_hash=SHA256) == path  # re-hashed, matches
    assert server.hits == ["/data.bin"]
    assert listing(home / "datasets") == ["data.bin"]
    assert kerax.utils.get_file is get_file


@pytest.mark.parametrize(
    "kwargs",
    [
        {"file_hash": SHA256},
        {"file_hash": SHA256.upper(), "hash_algorithm": "sha256"},
        {"file_hash": MD5},
        {"file_hash": MD5, "hash_algorithm": "md5"},
        {"md5_hash": MD5},
    ],
)
def test_hash_checked_download(home: Path, server: Server, kwargs: dict) -> None:
    server.routes["/h.bin"] = PAYLOAD
    path = get_file("h.bin", server.url("/h.bin"), **kwargs)
    assert Path(path).read_bytes() == PAYLOAD
    assert get_file("h.bin", server.url("/h.bin"), **kwargs) == path
    assert server.hits == ["/h.bin"]


@pytest.mark.parametrize("file_hash", [hashlib.sha256(b"other").hexdigest(), hashlib.md5(b"other").hexdigest()])
def test_wrong_hash_gives_both_hashes_and_writes_nothing(home: Path, server: Server, file_hash: str) -> None:
    server.routes["/w.bin"] = PAYLOAD
    with pytest.raises(ValueError, match="does not match file_hash") as info:
        get_file("w.bin", server.url("/w.bin"), file_hash=file_hash)
    actual = SHA256 if len(file_hash) == 64 else MD5
    assert file_hash in str(info.value) and actual in str(info.value)
    assert listing(home / "datasets") == []


def test_cached_file_with_wrong_hash_is_downloaded_again(
    home: Path, server: Server, capsys: pytest.CaptureFixture
) -> None:
    server.routes["/c.bin"] = PAYLOAD
    (home / "datasets").mkdir(parents=True)
    (home / "datasets" / "c.bin").write_bytes(b"stale partial copy")
    path = get_file("c.bin", server.url("/c.bin"), file_hash=SHA256)
    assert Path(path).read_bytes() == PAYLOAD
    assert server.hits == ["/c.bin"]
    assert "does not match" in capsys.readouterr().out
    # Without a hash the cached file is used as it is.
    (home / "datasets" / "c.bin").write_bytes(b"edited")
    assert Path(get_file("c.bin", server.url("/c.bin"))).read_bytes() == b"edited"
    assert server.hits == ["/c.bin"]


def test_force_download(home: Path, server: Server) -> None:
    server.routes["/f.bin"] = b"first"
    path = get_file("f.bin", server.url("/f.bin"))
    server.routes["/f.bin"] = b"second"
    assert Path(get_file("f.bin", server.url("/f.bin"))).read_bytes() == b"first"
    assert get_file("f.bin", server.url("/f.bin"), force_download=True) == path
    assert Path(path).read_bytes() == b"second"
    assert server.hits == ["/f.bin", "/f.bin"]


def test_interrupted_download_leaves_nothing(home: Path, server: Server) -> None:
    server.routes["/i.bin"] = PAYLOAD
    server.truncate = True
    with pytest.raises(OSError, match=f"closed after {len(PAYLOAD)} of {len(PAYLOAD) + 100} bytes"):
        get_file("i.bin", server.url("/i.bin"))
    assert listing(home / "datasets") == []
    # A forced re-download that is cut short keeps the cached copy intact.
    (home / "datasets" / "i.bin").write_bytes(b"good copy")
    with pytest.raises(OSError, match="closed after"):
        get_file("i.bin", server.url("/i.bin"), force_download=True)
    assert listing(home / "datasets") == ["i.bin"]
    assert (home / "datasets" / "i.bin").read_bytes() == b"good copy"


def test_http_404(home: Path, server: Server) -> None:
    origin = server.url("/missing.bin")
    with pytest.raises(OSError, match="HTTP 404") as info:
        get_file(origin=origin)
    assert origin in str(info.value)
    assert listing(home / "datasets") == []


def test_unreachable_host(home: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    origin = f"http://127.0.0.1:{port}/file.bin"
    with pytest.raises(OSError, match="refused") as info:
        get_file(origin=origin)
    assert origin in str(info.value)
    assert listing(home / "datasets") == []


def test_file_url_origin(home: Path, tmp_path: Path) -> None:
    source = tmp_path / "local.bin"
    source.write_bytes(PAYLOAD)
    path = get_file(origin=source.as_uri(), file_hash=SHA256)
    assert path == str(home / "datasets" / "local.bin")
    assert Path(path).read_bytes() == PAYLOAD


def test_unknown_size_download(home: Path, server: Server, capsys: pytest.CaptureFixture) -> None:
    server.routes["/u.bin"] = PAYLOAD
    server.no_length = True
    assert Path(get_file(origin=server.url("/u.bin"))).read_bytes() == PAYLOAD
    assert f"{len(PAYLOAD)}/Unknown" in capsys.readouterr().out


def test_progress_bar_follows_interactive_logging(
    home: Path, server: Server, capsys: pytest.CaptureFixture, caplog: pytest.LogCaptureFixture
) -> None:
    server.routes["/p.bin"] = PAYLOAD
    get_file(origin=server.url("/p.bin"))
    out = capsys.readouterr().out
    assert f"Downloading data from {server.url('/p.bin')}" in out
    assert f"{len(PAYLOAD)}/{len(PAYLOAD)} " in out
    kerax.utils.disable_interactive_logging()
    try:
        with caplog.at_level(logging.INFO, logger="kerax"):
            get_file(origin=server.url("/p.bin"), force_download=True)
    finally:
        kerax.utils.enable_interactive_logging()
    assert capsys.readouterr().out == ""
    assert any(f"{len(PAYLOAD)}/{len(PAYLOAD)} " in r.getMessage() for r in caplog.records)


def test_cache_dir_and_subdirs(home: Path, server: Server, tmp_path: Path) -> None:
    server.routes["/d.bin"] = PAYLOAD
    custom = tmp_path / "custom"
    assert get_file("d.bin", server.url("/d.bin"), cache_dir=custom) == str(custom / "datasets" / "d.bin")
    assert get_file("d.bin", server.url("/d.bin"), cache_dir=custom, cache_subdir="x/y") == str(
        custom / "x" / "y" / "d.bin"
    )
    absolute = tmp_path / "absolute"
    assert get_file("d.bin", server.url("/d.bin"), cache_subdir=absolute) == str(absolute / "d.bin")
    assert (absolute / "d.bin").read_bytes() == PAYLOAD


def test_unwritable_cache_dir_falls_back_to_temp(
    home: Path, server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.routes["/t.bin"] = PAYLOAD
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "temp"))
    blocker = tmp_path / "a_file"
    blocker.write_bytes(b"")
    with pytest.warns(UserWarning, match="not writable"):
        path = get_file("t.bin", server.url("/t.bin"), cache_dir=blocker / "cache")
    assert path == str(tmp_path / "temp" / ".kerax" / "datasets" / "t.bin")


def test_extraction_folder_taken_by_a_file(home: Path, server: Server) -> None:
    (home / "datasets").mkdir(parents=True)
    (home / "datasets" / "x").write_bytes(b"mine")
    with pytest.raises(ValueError, match="exists and is not a folder"):
        get_file("x", server.url("/x.tar.gz"), extract=True)
    assert (home / "datasets" / "x").read_bytes() == b"mine"
    assert server.hits == []


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"origin": None}, ValueError, "origin"),
        ({"origin": 3}, TypeError, "origin"),
        ({"origin": "ftp://127.0.0.1/x.bin"}, ValueError, "ftp"),
        ({"origin": "/just/a/path.bin"}, ValueError, "http"),
        ({"origin": "http://127.0.0.1:9/"}, ValueError, "cannot derive a file name"),
        ({"origin": "http://127.0.0.1:9/.."}, ValueError, "plain file name"),
        ({"fname": "a/b.bin"}, ValueError, "plain file name"),
        ({"fname": "a\\b.bin"}, ValueError, "plain file name"),
        ({"fname": ".."}, ValueError, "plain file name"),
        ({"fname": 5}, TypeError, "fname"),
        ({"hash_algorithm": "sha1"}, ValueError, "hash_algorithm"),
        ({"file_hash": "abc"}, ValueError, "32 hex digits for md5"),
        ({"file_hash": MD5, "hash_algorithm": "sha256"}, ValueError, "64 hex digits"),
        ({"file_hash": "z" * 64}, ValueError, "hex digits"),
        ({"archive_format": "rar"}, ValueError, "archive_format"),
        ({"archive_format": ["tar", "7z"]}, ValueError, "archive_format"),
        ({"cache_subdir": None}, TypeError, "cache_subdir"),
    ],
)
def test_argument_errors(home: Path, kwargs: dict, error: type, match: str) -> None:
    kwargs = {"origin": "http://127.0.0.1:9/x.bin", **kwargs}
    with pytest.raises(error, match=match):
        get_file(**kwargs)
    assert listing(home / "datasets") == []


# --- extraction -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fname, route, archive, folder",
    [
        ("thing.tar.gz", "/pub.tar.gz", "thing.tar.gz", "thing_extracted"),
        ("thing", "/pub.tar.gz", "thing_archive", "thing"),
        (None, "/pub.tar.gz", "pub.tar.gz_archive", "pub.tar.gz"),
        (None, "/pub.zip", "pub.zip_archive", "pub.zip"),
        ("thing.zip", "/pub.zip", "thing.zip", "thing_extracted"),
    ],
)
def test_extract_layout(home: Path, server: Server, fname, route: str, archive: str, folder: str) -> None:
    data = make_zip(FILES) if route.endswith(".zip") else make_tar(FILES)
    server.routes[route] = data
    path = get_file(fname, server.url(route), file_hash=hashlib.sha256(data).hexdigest(), extract=True)
    datadir = home / "datasets"
    assert path == str(datadir / folder)
    assert listing(datadir) == sorted([archive, folder, *(f"{folder}/{p}" for p in listing(datadir / folder))])
    assert tree(Path(path)) == tree_of(FILES)
    assert os.stat(datadir / folder / "pkg" / "run.sh").st_mode & 0o111  # executable bit kept
    assert get_file(fname, server.url(route), extract=True) == path
    assert server.hits == [route]


def tree_of(files: dict[str, bytes]) -> dict[str, tuple[str, object]]:
    out: dict[str, tuple[str, object]] = {}
    for name, content in files.items():
        parts = name.split("/")
        for i in range(1, len(parts)):
            out["/".join(parts[:i])] = ("dir", None)
        out[name] = ("file", content)
    return out


def test_untar_and_archive_format(home: Path, server: Server) -> None:
    server.routes["/a.tar"] = make_tar(FILES, mode="w")
    server.routes["/a.zip"] = make_zip(FILES)
    assert tree(Path(get_file("t", server.url("/a.tar"), untar=True))) == tree_of(FILES)
    with pytest.raises(ValueError, match=r"not an archive of the format\(s\) \['tar'\]"):
        get_file("z", server.url("/a.zip"), untar=True)
    with pytest.raises(ValueError, match=r"\['zip'\]"):
        get_file("t2", server.url("/a.tar"), extract=True, archive_format="zip")
    with pytest.raises(ValueError, match=r"format\(s\) \[\]"):
        get_file("t3", server.url("/a.tar"), extract=True, archive_format=None)
    server.routes["/plain.bin"] = PAYLOAD
    with pytest.raises(ValueError, match="plain.bin_archive"):
        get_file(origin=server.url("/plain.bin"), extract=True)
    # Each archive stays downloaded; no folder is left for the failed extractions.
    assert listing(home / "datasets") == sorted(
        ["t_archive", "z_archive", "t2_archive", "t3_archive", "plain.bin_archive", "t"]
        + [f"t/{p}" for p in listing(home / "datasets" / "t")]
    )


def test_extraction_redone_only_after_a_download(home: Path, server: Server) -> None:
    server.routes["/e.tar.gz"] = make_tar({"old.txt": b"old"})
    folder = Path(get_file("e", server.url("/e.tar.gz"), extract=True))
    (folder / "old.txt").write_bytes(b"edited")
    get_file("e", server.url("/e.tar.gz"), extract=True)
    assert (folder / "old.txt").read_bytes() == b"edited"  # cache hit: the folder is reused as it is
    server.routes["/e.tar.gz"] = make_tar({"new.txt": b"new"})
    get_file("e", server.url("/e.tar.gz"), extract=True, force_download=True)
    assert tree(folder) == {"new.txt": ("file", b"new")}  # replaced, not merged
    assert listing(home / "datasets") == ["e", "e/new.txt", "e_archive"]


HOSTILE = [
    ("tar", make_tar({"ok.txt": b"ok", "../evil.txt": b"x"}), "'../evil.txt'"),
    ("tar", make_tar({"ok.txt": b"ok", "/tmp/kerax_get_file_evil.txt": b"x"}), "kerax_get_file_evil"),
    ("tar", make_tar({"ok.txt": b"ok"}, [link("esc", "../../outside")]), "'esc'"),
    ("tar", make_tar({"ok.txt": b"ok"}, [link("abs", "/etc/passwd")]), "'abs'"),
    ("tar", make_tar({"ok.txt": b"ok"}, [link("hard", "../outside", tarfile.LNKTYPE)]), "'hard'"),
    ("tar", make_tar({"ok.txt": b"ok"}, [link("dev", "", tarfile.CHRTYPE)]), "'dev'"),
    # A link that points inside when written, redirected out by a later link.
    ("tar", make_tar({"sub/ok.txt": b"ok"}, [link("sub/e", "x/../.."), link("sub/x", "..")]), "'sub/e'"),
    ("zip", make_zip({"ok.txt": b"ok", "../evil.txt": b"x"}), "'../evil.txt'"),
    ("zip", make_zip({"ok.txt": b"ok", "/tmp/kerax_get_file_evil.txt": b"x"}), "kerax_get_file_evil"),
    ("zip", make_zip({"ok.txt": b"ok"}, symlinks={"esc": "../outside"}), "'esc'"),
    ("zip", make_zip({"ok.txt": b"ok"}, special="dev"), "'dev'"),
]


@pytest.mark.parametrize("kind, data, member", HOSTILE)
def test_hostile_archive_refused(home: Path, server: Server, tmp_path: Path, kind: str, data: bytes, member: str):
    server.routes["/bad"] = data
    with pytest.raises(ValueError, match="Refusing to extract") as info:
        get_file("bad", server.url("/bad"), extract=True)
    assert member in str(info.value)
    assert listing(home / "datasets") == ["bad_archive"]  # no folder, no partial extraction
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kerax_home"]
    assert not Path("/tmp/kerax_get_file_evil.txt").exists()


# --- the same paths and trees as Keras 3 ------------------------------------------------------

INSIDE_LINKS = [link("pkg/link.txt", "a.txt"), link("pkg/hard.txt", "pkg/a.txt", tarfile.LNKTYPE)]


@pytest.mark.parametrize(
    "kwargs, route, data",
    [
        ({}, "/plain.bin", PAYLOAD),
        ({"fname": "named.bin", "cache_subdir": "sub/dir", "file_hash": MD5}, "/plain.bin", PAYLOAD),
        ({"extract": True}, "/pub.tar.gz", make_tar(FILES, INSIDE_LINKS)),
        ({"fname": "thing", "extract": True}, "/pub.tar.gz", make_tar(FILES, INSIDE_LINKS)),
        ({"fname": "thing.tar.bz2", "untar": True}, "/pub.tar.bz2", make_tar(FILES, mode="w:bz2")),
        ({"fname": "pub.zip", "extract": True, "archive_format": "zip"}, "/pub.zip", make_zip(FILES)),
    ],
)
def test_same_result_as_keras(home: Path, server: Server, tmp_path: Path, kwargs: dict, route: str, data: bytes):
    import warnings

    from keras.utils import get_file as keras_get_file

    server.routes[route] = data
    ours = Path(get_file(origin=server.url(route), **kwargs))
    keras_root = tmp_path / "keras_cache"
    keras_root.mkdir()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Keras's deprecation notes on tar filters
        theirs = Path(keras_get_file(origin=server.url(route), cache_dir=str(keras_root), **kwargs))
    assert ours.relative_to(home) == theirs.relative_to(keras_root)
    assert listing(home) == listing(keras_root)
    if ours.is_dir():
        assert tree(ours) == tree(theirs)
    else:
        assert ours.read_bytes() == theirs.read_bytes() == data
