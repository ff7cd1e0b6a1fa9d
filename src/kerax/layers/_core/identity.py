"""``Identity``: return the input unchanged."""

from __future__ import annotations

from typing import Any

from kerax.layers._layer import Layer


class Identity(Layer):
    """A placeholder layer that returns its input (any structure of arrays) as it is.

    Shapes:
        Any shape -> the same shape.

    Example:
        >>> Identity()(jnp.ones((2, 3))).shape
        (2, 3)
    """

    supports_masking = True

    def call(self, inputs: Any) -> Any:
        return inputs
