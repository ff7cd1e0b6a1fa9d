"""`RemoteMonitor`: POST each epoch's results to an HTTP server."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
import warnings
from typing import Any

import numpy as np

from kerax.callbacks._callback import Callback

# Seconds to wait for the server before giving up on one epoch's message (training goes on).
_TIMEOUT_SECONDS = 10.0


def _json_value(value: Any) -> Any:
    """A log value as something `json.dumps` takes (NumPy and JAX scalars and arrays unwrapped)."""
    if isinstance(value, np.ndarray | np.generic) or hasattr(value, "__array__"):
        arr = np.asarray(value)
        return arr.item() if arr.ndim == 0 else arr.tolist()
    return value


class RemoteMonitor(Callback):
    """Send the results of every epoch to a server with an HTTP POST.

    The message is a dict holding `epoch` (0-based) and the epoch's logs. With `send_as_json=False`
    (the default) it is sent as a form (`application/x-www-form-urlencoded`) whose field `field`
    holds the JSON-encoded dict; with `send_as_json=True` the body is the JSON dict itself
    (`application/json`). The request is made with the standard library (`urllib`), with a timeout
    of 10 seconds. When the server cannot be reached, or answers with an HTTP error, a warning is
    issued and training goes on.

    Args:
        root: Root URL of the server, e.g. "http://localhost:9000". Defaults to `"http://localhost:9000"`.
        path: Path, relative to `root`, that the events are posted to. Defaults to `"/publish/epoch/end/"`.
        field: Name of the form field holding the JSON data (used only when `send_as_json=False`). Defaults to `"data"`.
        headers: Optional dict of extra HTTP headers. Defaults to `None`.
        send_as_json: Send the data as the JSON body (`application/json`) instead of within a form. Defaults to `False`.
    """

    def __init__(
        self,
        root: str = "http://localhost:9000",
        path: str = "/publish/epoch/end/",
        field: str = "data",
        headers: dict[str, str] | None = None,
        send_as_json: bool = False,
    ) -> None:
        super().__init__()
        for name, value in (("root", root), ("path", path), ("field", field)):
            if not isinstance(value, str):
                raise TypeError(f"RemoteMonitor: `{name}` must be a str, received {value!r}.")
        scheme = urllib.parse.urlsplit(root + path).scheme
        if scheme not in ("http", "https"):
            raise ValueError(
                "RemoteMonitor: `root` must be an http:// or https:// URL, received "
                f"root={root!r} (with path={path!r})."
            )
        if headers is not None and (
            not isinstance(headers, dict)
            or not all(isinstance(k, str) and isinstance(v, str) for k, v in headers.items())
        ):
            raise TypeError(f"RemoteMonitor: `headers` must be a dict of str to str or None, received {headers!r}.")
        self.root = root
        self.path = path
        self.field = field
        self.headers = headers
        self.send_as_json = bool(send_as_json)

    def _request(self, send: dict[str, Any]) -> urllib.request.Request:
        headers = dict(self.headers or {})
        if self.send_as_json:
            body = json.dumps(send).encode("utf-8")
            headers.setdefault("Content-Type", "application/json")
        else:
            body = urllib.parse.urlencode({self.field: json.dumps(send)}).encode("ascii")
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        return urllib.request.Request(self.root + self.path, data=body, headers=headers, method="POST")

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        """POST `{"epoch": epoch, **logs}` to `root + path`.

        Args:
            epoch: Index of the epoch (0-based).
            logs: The epoch's results.
        """
        send: dict[str, Any] = {"epoch": epoch}
        for key, value in (logs or {}).items():
            send[key] = _json_value(value)
        try:
            with urllib.request.urlopen(self._request(send), timeout=_TIMEOUT_SECONDS) as response:
                response.read()
        except urllib.error.HTTPError as error:
            warnings.warn(
                f"RemoteMonitor: the server at {self.root} answered the POST to {self.path} with HTTP "
                f"{error.code} ({error.reason}).",
                stacklevel=2,
            )
        except (urllib.error.URLError, OSError, ValueError):
            warnings.warn(f"Could not reach RemoteMonitor root server at {self.root}", stacklevel=2)
