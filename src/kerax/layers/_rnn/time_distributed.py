"""``TimeDistributed``: apply a layer to every time step of a sequence."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers._core.wrapper import Wrapper
from kerax.layers._layer import Layer
from kerax.layers._nested import deserialize_layer


class TimeDistributed(Wrapper):
    """Apply ``layer`` to each slice ``inputs[:, t]`` of a ``(batch, time, ...)`` input, sharing its weights.

    Args:
        layer: the layer to apply (a ``Layer`` or its serialized config); its weights are this wrapper's weights.
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Call arguments:
        inputs: the sequences, ``(batch, time, ...)``.
        training: handed to the layer's call when it takes ``training``.
        mask: a ``(batch, time, ...)`` mask, or ``None``, given to each step's call of a layer that takes a
            mask; the mask passes through to the output.

    Input shape:
        ``(batch, time, *inner)``, at least 3-D.

    Output shape:
        ``(batch, time, *layer_output)``, where ``layer_output`` is the layer's output shape for
        ``(batch, *inner)``.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> layer = kerax.layers.TimeDistributed(kerax.layers.Dense(8))
        >>> layer(np.ones((2, 5, 3))).shape
        (2, 5, 8)
        >>> [tuple(weight.shape) for weight in layer.weights]  # one Dense, shared by the 5 steps
        [(3, 8), (8,)]
    """

    supports_masking = True

    def __init__(self, layer: Any, **kwargs: Any) -> None:
        layer = deserialize_layer(layer)
        if not isinstance(layer, Layer):
            raise ValueError(f"TimeDistributed: `layer` must be a Layer, received {layer!r}.")
        super().__init__(layer, **kwargs)

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        if len(input_shape) < 3:
            raise ValueError(
                f"TimeDistributed '{self.name}': the input must have at least 3 dimensions "
                f"(batch, time, ...), received shape {input_shape}."
            )
        if not self.layer.built:
            inner = (None, *input_shape[2:])
            self.layer.build(inner)
            self.layer._build_shapes = inner

    def call(self, inputs: jax.Array, training: bool | None = None, mask: Any = None) -> Any:
        if inputs.ndim < 3:
            raise ValueError(
                f"TimeDistributed '{self.name}': the input must have at least 3 dimensions "
                f"(batch, time, ...), received shape {tuple(inputs.shape)}."
            )
        batch, steps = inputs.shape[0], inputs.shape[1]
        flat = jnp.reshape(inputs, (batch * steps, *inputs.shape[2:]))
        kwargs: dict[str, Any] = {}
        if mask is not None and "mask" in self.layer._call_arg_names:
            mask = jnp.asarray(mask)
            if mask.ndim < 2 or tuple(mask.shape[:2]) != (batch, steps):
                raise ValueError(
                    f"TimeDistributed '{self.name}': the mask must start with the input's (batch, time) "
                    f"dimensions {(batch, steps)}, received shape {tuple(mask.shape)}."
                )
            kwargs["mask"] = jnp.reshape(mask, (batch * steps, *mask.shape[2:]))
        out = self.layer(flat, training=training, **kwargs)
        return jax.tree_util.tree_map(lambda y: jnp.reshape(y, (batch, steps, *y.shape[1:])), out)
