"""``weights="imagenet"`` and ``decode_predictions`` download from Keras's addresses, redirected to a
local HTTP server on 127.0.0.1 that serves generated files under the published names."""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import h5py
import numpy as np
import pytest

import kerax
from kerax.applications import _weights, efficientnet, imagenet_utils, mobilenet_v2

MOBILENET_FILE = "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96_no_top.h5"


class Server:
    """Serves ``routes`` (path -> bytes) on 127.0.0.1; ``truncate`` announces more bytes than it sends."""

    def __init__(self) -> None:
        self.routes: dict[str, bytes] = {}
        self.hits: list[str] = []
        self.truncate = False
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                server.hits.append(self.path)
                body = server.routes.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body) + (1000 if server.truncate else 0)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = False
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05})
        self.thread.start()

    def serve(self, monkeypatch: pytest.MonkeyPatch, origin: str, body: bytes) -> None:
        path = "/" + origin.rsplit("/", 1)[1]
        self.routes[path] = body
        url = f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"
        monkeypatch.setitem(_weights._ORIGIN_OVERRIDES, origin, url)

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
    monkeypatch.setenv("KERAX_HOME", str(tmp_path / "kerax_home"))
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX", None)
    return tmp_path / "kerax_home"


def write_legacy(model: kerax.Model, path: Path) -> None:
    """Write ``model``'s weights in Keras's legacy layout, with TF-Keras 2 style weight names."""
    with h5py.File(path, "w") as f:
        f.attrs["layer_names"] = np.array([layer.name.encode() for layer in model.layers])
        for layer in model.layers:
            group = f.create_group(layer.name)
            variables = layer.trainable_weights + layer.non_trainable_weights
            names = [f"{layer.name}/{v.name}:0" for v in variables]
            group.attrs["weight_names"] = np.array([n.encode() for n in names])
            for name, variable in zip(names, variables, strict=True):
                group.create_dataset(name, data=np.asarray(variable.value))


def random_weights(model: kerax.Model, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    values = [rng.uniform(0.5, 1.5, v.shape).astype(np.asarray(v.value).dtype) for v in model.weights]
    model.set_weights(values)
    return values


def _cache_listing(home: Path) -> list[str]:
    folder = home / "models"
    return sorted(os.listdir(folder)) if folder.is_dir() else []


def test_imagenet_weights_download_once_and_load(
    server: Server, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = mobilenet_v2.MobileNetV2(alpha=0.35, input_shape=(96, 96, 3), include_top=False, weights=None)
    values = random_weights(source, seed=1)
    write_legacy(source, tmp_path / MOBILENET_FILE)
    server.serve(monkeypatch, mobilenet_v2.BASE_WEIGHT_PATH + MOBILENET_FILE, (tmp_path / MOBILENET_FILE).read_bytes())
    for _ in range(2):
        kerax.utils.clear_session(free_memory=False)
        model = kerax.applications.MobileNetV2(alpha=0.35, input_shape=(96, 96, 3), include_top=False)
        assert model.name == "mobilenetv2_0.35_96"
        for expected, got in zip(values, model.get_weights(), strict=True):
            np.testing.assert_array_equal(expected, got)
    assert server.hits == ["/" + MOBILENET_FILE]  # the second model used the cached file
    assert _cache_listing(home) == [MOBILENET_FILE]


def test_imagenet_weights_with_hash(
    server: Server, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shape = (32, 32, 3)
    source = efficientnet.EfficientNetB0(include_top=False, weights=None, input_shape=shape)
    values = random_weights(source, seed=2)
    path = tmp_path / "efficientnetb0_notop.h5"
    write_legacy(source, path)
    body = path.read_bytes()
    monkeypatch.setitem(efficientnet.WEIGHTS_HASHES, "b0", ("0" * 32, hashlib.md5(body).hexdigest()))
    server.serve(monkeypatch, efficientnet.BASE_WEIGHTS_PATH + "efficientnetb0_notop.h5", body)
    kerax.utils.clear_session(free_memory=False)
    model = kerax.applications.EfficientNetB0(include_top=False, input_shape=shape)
    # with ImageNet weights a per-channel Rescaling follows the Normalization layer, as in Keras
    assert [layer.name for layer in model.layers[:4]] == ["input_layer", "rescaling", "normalization", "rescaling_1"]
    for expected, got in zip(values, model.get_weights(), strict=True):
        np.testing.assert_array_equal(expected, got)
    assert _cache_listing(home) == ["efficientnetb0_notop.h5"]


def test_wrong_hash_is_refused_and_nothing_is_cached(
    server: Server, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.serve(monkeypatch, efficientnet.BASE_WEIGHTS_PATH + "efficientnetb0_notop.h5", b"not the weights" * 100)
    with pytest.raises(ValueError, match="does not match file_hash"):
        kerax.applications.EfficientNetB0(include_top=False, input_shape=(32, 32, 3))
    assert _cache_listing(home) == []


def test_interrupted_download_leaves_no_partial_file(
    server: Server, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.truncate = True
    server.serve(monkeypatch, mobilenet_v2.BASE_WEIGHT_PATH + MOBILENET_FILE, b"\x89HDF\r\n\x1a\n" + b"x" * 5000)
    with pytest.raises(OSError, match="closed after"):
        kerax.applications.MobileNetV2(alpha=0.35, input_shape=(96, 96, 3), include_top=False)
    assert _cache_listing(home) == []


def test_missing_file_on_server(server: Server, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(
        _weights._ORIGIN_OVERRIDES,
        mobilenet_v2.BASE_WEIGHT_PATH + MOBILENET_FILE,
        f"http://127.0.0.1:{server.httpd.server_address[1]}/nothing_here.h5",
    )
    with pytest.raises(OSError, match="404"):
        kerax.applications.MobileNetV2(alpha=0.35, input_shape=(96, 96, 3), include_top=False)
    assert _cache_listing(home) == []


def _class_index() -> dict[str, list[str]]:
    return {str(i): [f"n{i:08d}", f"label_{i}"] for i in range(1000)}


def test_decode_predictions_matches_keras(server: Server, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    keras_utils = pytest.importorskip("keras.src.applications.imagenet_utils")
    body = json.dumps(_class_index()).encode()
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX_HASH", hashlib.md5(body).hexdigest())
    server.serve(monkeypatch, imagenet_utils.CLASS_INDEX_PATH, body)
    preds = np.random.default_rng(0).random((3, 1000)).astype("float32")
    preds[1, 10] = preds[1, 11] = 2.0  # a tie
    got = kerax.applications.resnet50.decode_predictions(preds, top=4)
    monkeypatch.setattr(keras_utils, "CLASS_INDEX", _class_index())
    assert got == keras_utils.decode_predictions(preds, top=4)
    assert got[1][0][:2] == ("n00000011", "label_11") or got[1][0][:2] == ("n00000010", "label_10")
    assert _cache_listing(home) == ["imagenet_class_index.json"]
    kerax.applications.xception.decode_predictions(preds[:1])  # in memory now: no second download
    assert server.hits == ["/imagenet_class_index.json"]


def test_decode_predictions_refuses_bad_input_and_bad_index(
    server: Server, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ValueError, match=r"shape \(samples, 1000\)"):
        imagenet_utils.decode_predictions(np.zeros((2, 10)))
    with pytest.raises(ValueError, match="`top` must be a positive integer"):
        imagenet_utils.decode_predictions(np.zeros((2, 1000)), top=0)
    bad = json.dumps({"0": ["n0", "a"]}).encode()
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX_HASH", hashlib.md5(bad).hexdigest())
    server.serve(monkeypatch, imagenet_utils.CLASS_INDEX_PATH, bad)
    with pytest.raises(ValueError, match=r"entries \['1', '2'"):
        imagenet_utils.decode_predictions(np.zeros((1, 1000)))
    assert imagenet_utils.CLASS_INDEX is None
