"""``kerax.layers.serialize`` and ``kerax.layers.deserialize``: a layer to and from its config dict."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kerax._serialization._serialize import deserialize_keras_object, serialize_keras_object
from kerax.layers._layer import Layer


def serialize(layer: Layer) -> dict[str, Any]:
    """The serialized form of a layer: ``{"module", "class_name", "config", "registered_name", ...}``.

    The same dict that ``kerax.saving.serialize_keras_object`` writes (and that a ``.keras`` file holds),
    with ``build_config`` when the layer is built.

    Args:
        layer: a ``kerax.layers.Layer`` (a model is a layer too).

    Returns:
        The layer's serialized config, a JSON-serialisable dict.

    Raises:
        TypeError: ``layer`` is not a layer.

    Example:
        >>> import kerax
        >>> config = kerax.layers.serialize(kerax.layers.Dense(4, activation="relu"))
        >>> config["class_name"], config["config"]["units"]
        ('Dense', 4)
    """
    if not isinstance(layer, Layer):
        raise TypeError(
            f"kerax.layers.serialize: `layer` must be a kerax.layers.Layer instance, received {layer!r} "
            f"of type {type(layer).__name__}."
        )
    return serialize_keras_object(layer)


def deserialize(config: Mapping[str, Any], custom_objects: Mapping[str, Any] | None = None) -> Layer:
    """Rebuild a layer from its serialized config (``serialize``'s output, or Keras's).

    Args:
        config: a dict with at least ``class_name`` and ``config``, as ``serialize`` returns it; Keras 3
            configs of built-in layers are read too.
        custom_objects: classes and functions, by name, that the config may name beside kerax's own
            (a custom layer class, a custom activation).

    Returns:
        A new, unbuilt layer (built if the config has a ``build_config``).

    Raises:
        ValueError: ``config`` is not a serialized object, or it describes something that is not a layer.

    Example:
        >>> import kerax
        >>> config = kerax.layers.serialize(kerax.layers.Dense(4, activation="relu"))
        >>> layer = kerax.layers.deserialize(config)
        >>> type(layer).__name__, layer.units, layer.built
        ('Dense', 4, False)
    """
    if not isinstance(config, Mapping) or "class_name" not in config:
        raise ValueError(
            "kerax.layers.deserialize: `config` must be a dict with 'class_name' and 'config' entries, as "
            f"kerax.layers.serialize returns it; received {config!r}."
        )
    if custom_objects is not None and not isinstance(custom_objects, Mapping):
        raise ValueError(
            "kerax.layers.deserialize: `custom_objects` must be a dict of names to classes or functions, "
            f"received {type(custom_objects).__name__}."
        )
    obj = deserialize_keras_object(dict(config), custom_objects=custom_objects)
    if not isinstance(obj, Layer):
        raise ValueError(
            "kerax.layers.deserialize: `config` does not describe a layer; it gave "
            f"{type(obj).__name__} from class_name={config.get('class_name')!r}."
        )
    return obj
