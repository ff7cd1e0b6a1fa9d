"""``Activation``: apply an activation function as a layer."""

from __future__ import annotations

from typing import Any

import jax

from kerax import activations
from kerax.layers._layer import Layer


class Activation(Layer):
    """Apply an activation function element-wise (or along an axis, for ``softmax``).

    Args:
        activation: the activation, a name (``"relu"``, ``"softmax"``) or a callable.
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Input shape:
        Any shape.

    Output shape:
        The same shape as the input.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.Activation("relu")(np.array([[-1.0, 2.0]]))
        Array([[0., 2.]], dtype=float32)
    """

    supports_masking = True

    def __init__(self, activation: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def call(self, inputs: jax.Array) -> jax.Array:
        return self.activation(inputs)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "activation": activations.serialize(self.activation)}
