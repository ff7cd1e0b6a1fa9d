"""``Pipeline``: a plain layer that applies a list of layers in order."""

from __future__ import annotations

from typing import Any

import jax

from kerax.backend._masking import get_keras_mask
from kerax.layers._layer import Layer
from kerax.layers._nested import deserialize_layer, serialize_layer


class Pipeline(Layer):
    """Apply ``layers`` one after the other, as a single layer (not a model): typically a data augmentation
    or preprocessing chain.

    Each layer receives the previous one's output; a layer whose ``call`` takes ``training`` receives the
    pipeline's (``True`` unless given, as in Keras, so that augmentation layers are active when the
    pipeline is called on its own), and one that takes ``mask`` receives the mask of the previous output.

    Args:
        layers: the list of layers (or their serialized configs).
        name: the layer's name, or ``None`` (default) for ``pipeline``, ``pipeline_1``...

    Raises:
        ValueError: if ``layers`` is not a list or tuple of layers.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> augment = kerax.layers.Pipeline(
        ...     [kerax.layers.Rescaling(1 / 255), kerax.layers.RandomFlip(seed=0)]
        ... )
        >>> augment(np.full((2, 8, 8, 3), 255.0)).shape
        (2, 8, 8, 3)
    """

    def __init__(self, layers: Any, name: str | None = None) -> None:
        super().__init__(name=name)
        if not isinstance(layers, list | tuple):
            raise ValueError(f"Pipeline '{self.name}': `layers` must be a list of layers, received {layers!r}.")
        resolved = [deserialize_layer(x) if isinstance(x, dict) else x for x in layers]
        for i, layer in enumerate(resolved):
            if not isinstance(layer, Layer):
                raise ValueError(
                    f"Pipeline '{self.name}': `layers[{i}]` must be a kerax Layer, received {layer!r} of type "
                    f"{type(layer).__name__}."
                )
        # Kept as `_layers` behind the `layers` property: the weights' paths in a `.keras` file are then
        # `<pipeline>/layers/<layer>/vars`, as Keras writes them.
        self._layers = resolved

    @property
    def layers(self) -> list[Layer]:
        """The layers, in the order they are applied."""
        return self._layers

    def _tracked_layers(self) -> list[Layer]:
        return list(self._layers)

    def build(self, input_shape: Any = None) -> None:
        # Each layer builds itself on the output of the previous one, at the first call.
        pass

    def call(self, inputs: Any, training: bool = True, mask: Any = None) -> Any:
        outputs = inputs
        for layer in self._layers:
            kwargs: dict[str, Any] = {}
            if mask is not None and "mask" in layer._call_arg_names:
                kwargs["mask"] = mask
            if layer._call_has_training and training is not None:
                kwargs["training"] = training
            outputs = layer(inputs, **kwargs)
            inputs = outputs
            masks = jax.tree_util.tree_map(get_keras_mask, outputs)
            mask = masks if jax.tree_util.tree_leaves(masks) else None
        return outputs

    def get_config(self) -> dict[str, Any]:
        return {"layers": [serialize_layer(layer) for layer in self._layers], "name": self.name}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Pipeline:
        """A pipeline from ``get_config()``'s result.

        Raises:
            ValueError: if the config has no ``layers`` list.
        """
        layers = config.get("layers")
        if not isinstance(layers, list | tuple):
            raise ValueError(
                "Pipeline.from_config: the config must hold a `layers` key with a list of serialized layers, "
                f"received layers={layers!r}."
            )
        return cls(**{**config, "layers": [deserialize_layer(x) for x in layers]})
