"""Fixtures for the dataset tests: a private KERAX_HOME, a loopback HTTP server, no real network."""

from __future__ import annotations

import http.server
import socket
import sys
import threading
import urllib.error
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from kerax.datasets import _files  # noqa: E402


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test: short timeouts, and any address other than loopback is refused before connecting."""
    monkeypatch.setattr(_files, "_TIMEOUT_S", 5.0)
    real_open = _files._open_url

    def loopback_only(url: str):
        if urllib.parse.urlsplit(url).hostname not in ("127.0.0.1", "localhost", "::1"):
            raise urllib.error.URLError(f"network disabled in tests (refused {url})")
        return real_open(url)

    monkeypatch.setattr(_files, "_open_url", loopback_only)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """KERAX_HOME pointed at a fresh folder; returns its ``datasets`` folder (not created)."""
    monkeypatch.setenv("KERAX_HOME", str(tmp_path / "kerax_home"))
    return tmp_path / "kerax_home" / "datasets"


class LocalServer:
    """Serves ``routes`` (path -> bytes, or an int HTTP status) on 127.0.0.1."""

    def __init__(self) -> None:
        self.routes: dict[str, bytes | int] = {}
        self.hits: list[str] = []
        self.lie_about_length = False
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                server.hits.append(self.path)
                body = server.routes.get(self.path, 404)
                if isinstance(body, int):
                    self.send_error(body)
                    return
                self.send_response(200)
                length = len(body) + (100 if server.lie_about_length else 0)
                self.send_header("Content-Length", str(length))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def server() -> Iterator[LocalServer]:
    srv = LocalServer()
    try:
        yield srv
    finally:
        srv.close()


@pytest.fixture
def refused_url() -> str:
    """An address on loopback where nothing listens (connection refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/file"
