"""Serialising the layer a wrapper holds, as a full Keras 3 entry (``module``, ``class_name``, ``config``)."""

from __future__ import annotations

from typing import Any

from kerax._serialization._serialize import deserialize_keras_object, serialize_keras_object
from kerax.layers._layer import Layer


def serialize_layer(layer: Layer) -> dict[str, Any]:
    entry = serialize_keras_object(layer)
    entry.pop("build_config", None)  # the wrapper builds its layer from its own input shape
    return entry


def deserialize_layer(config: Any) -> Layer:
    """A layer from its entry: kerax's own classes, registered ones and custom objects only."""
    if isinstance(config, Layer):
        return config
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Expected a layer or a dict with 'class_name' and 'config', received {config!r}.")
    entry = {"module": "kerax.layers", **config}
    layer = deserialize_keras_object(entry)
    if not isinstance(layer, Layer):
        raise ValueError(f"Expected the config of a layer, received one of {type(layer).__name__}.")
    return layer
