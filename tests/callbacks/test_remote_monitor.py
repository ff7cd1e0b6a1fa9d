import http.server
import json
import socket
import threading
import urllib.parse

import numpy as np
import pytest

from kerax.callbacks import RemoteMonitor


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append((self.path, dict(self.headers), body))
        status = 500 if self.path.startswith("/fail") else 200
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _Handler)
    httpd.received = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def _root(httpd):
    return f"http://127.0.0.1:{httpd.server_address[1]}"


def test_posts_form_field_per_epoch(server, model, fit):
    epochs = [{"loss": 0.5, "val_loss": np.float32(0.75)}, {"loss": 0.25, "val_loss": np.float64(0.5)}]
    fit([RemoteMonitor(root=_root(server), headers={"X-Run": "r1"})], model, epochs)
    assert len(server.received) == 2
    for epoch, (path, headers, body) in enumerate(server.received):
        assert path == "/publish/epoch/end/"
        assert headers["Content-Type"] == "application/x-www-form-urlencoded"
        assert headers["X-Run"] == "r1"
        form = urllib.parse.parse_qs(body.decode())
        assert list(form) == ["data"]
        assert json.loads(form["data"][0]) == {"epoch": epoch, **{k: float(v) for k, v in epochs[epoch].items()}}


def test_posts_json_body(server, model, fit):
    fit([RemoteMonitor(root=_root(server), path="/p", field="ignored", send_as_json=True)], model, [{"loss": 1.5}])
    ((path, headers, body),) = server.received
    assert path == "/p"
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body) == {"epoch": 0, "loss": 1.5}


def test_real_fit_posts_history(server):
    import kerax

    model = kerax.Sequential([kerax.Input((2,)), kerax.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.ones((8, 2), "float32")
    history = model.fit(
        x, x[:, :1], epochs=2, verbose=0, callbacks=[RemoteMonitor(root=_root(server), send_as_json=True)]
    )
    sent = [json.loads(body) for _, _, body in server.received]
    assert [s["epoch"] for s in sent] == [0, 1]
    np.testing.assert_allclose([s["loss"] for s in sent], history.history["loss"], rtol=1e-7)


def test_unreachable_server_warns_and_training_goes_on(model, fit):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.warns(UserWarning, match="Could not reach RemoteMonitor root server"):
        cbs = fit([RemoteMonitor(root=f"http://127.0.0.1:{port}")], model, [{"loss": 1.0}, {"loss": 0.5}])
    assert cbs.history.history["loss"] == [1.0, 0.5]


def test_http_error_warns(server, model, fit):
    with pytest.warns(UserWarning, match="HTTP 500"):
        fit([RemoteMonitor(root=_root(server), path="/fail")], model, [{"loss": 1.0}])
    assert len(server.received) == 1


def test_defaults_and_argument_errors():
    monitor = RemoteMonitor()
    assert (monitor.root, monitor.path, monitor.field, monitor.headers, monitor.send_as_json) == (
        "http://localhost:9000",
        "/publish/epoch/end/",
        "data",
        None,
        False,
    )
    with pytest.raises(ValueError, match="http"):
        RemoteMonitor(root="ftp://host")
    with pytest.raises(TypeError, match="headers"):
        RemoteMonitor(headers={"a": 1})
    with pytest.raises(TypeError, match="path"):
        RemoteMonitor(path=None)
