"""``Wrapper``: the base class of layers that hold one other layer and change how it runs."""

from __future__ import annotations

from typing import Any

from kerax._serialization._registry import custom_object_scope
from kerax.layers._layer import Layer
from kerax.layers._nested import deserialize_layer, serialize_layer


class Wrapper(Layer):
    """Base class of the layers that wrap another layer (``SpectralNormalization``, for instance).

    The wrapped layer is ``self.layer``; its weights are the wrapper's weights. Subclasses implement
    ``call``; ``build`` builds the wrapped layer for the wrapper's input shape, and the config holds the
    wrapped layer's config under ``"layer"``.

    Args:
        layer: the layer to wrap (a ``Layer`` instance, or its serialized config).
        **kwargs: base layer keyword arguments such as ``name``, ``dtype`` and ``trainable``.

    Raises:
        ValueError: if ``layer`` is not a layer.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> class Doubled(kerax.layers.Wrapper):
        ...     def call(self, inputs):
        ...         return 2 * self.layer(inputs)
        >>> layer = Doubled(kerax.layers.Dense(3))
        >>> layer(np.ones((2, 4))).shape
        (2, 3)
        >>> len(layer.weights)
        2
    """

    def __init__(self, layer: Any, **kwargs: Any) -> None:
        if isinstance(layer, dict):
            layer = deserialize_layer(layer)
        if not isinstance(layer, Layer):
            raise ValueError(
                f"{type(self).__name__}: `layer` must be a kerax Layer instance, received {layer!r} "
                f"of type {type(layer).__name__}."
            )
        super().__init__(**kwargs)
        self.layer = layer

    def build(self, input_shape: Any = None) -> None:
        if not self.layer.built:
            self.layer.build(input_shape)
            self.layer.built = True
            self.layer._build_shapes = input_shape

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "layer": serialize_layer(self.layer)}

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: Any = None) -> Wrapper:
        """A wrapper from ``get_config()``'s result; the wrapped layer is rebuilt from its entry.

        Args:
            config: the wrapper's config.
            custom_objects: optional ``{name: class}`` for a custom wrapped layer.
        """
        config = dict(config)
        entry = config.pop("layer")
        if custom_objects:
            with custom_object_scope(custom_objects):
                layer = deserialize_layer(entry)
        else:
            layer = deserialize_layer(entry)
        return cls(layer, **config)
