"""Serialising the layer a wrapper holds, as ``{"class_name": ..., "config": ...}``."""

from __future__ import annotations

import importlib
from typing import Any

from kerax.layers._layer import Layer


def serialize_layer(layer: Layer) -> dict[str, Any]:
    return {"class_name": type(layer).__name__, "config": layer.get_config()}


def deserialize_layer(config: Any) -> Layer:
    if isinstance(config, Layer):
        return config
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Expected a layer or a dict with 'class_name' and 'config', received {config!r}.")
    name = config["class_name"]
    for module_name in ("kerax.layers", "kerax.layers.rnn"):
        cls = getattr(importlib.import_module(module_name), name, None)
        if isinstance(cls, type) and issubclass(cls, Layer):
            return cls.from_config(dict(config.get("config", {})))
    raise ValueError(f"Unknown layer class {name!r}: it is neither in kerax.layers nor in kerax.layers.rnn.")
