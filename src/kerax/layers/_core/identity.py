"""``Identity``: return the input unchanged."""

from __future__ import annotations

from typing import Any

from kerax.layers._layer import Layer


class Identity(Layer):
    """A placeholder layer that returns its input (any structure of arrays) as it is.

    Args:
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Input shape:
        Any shape, or any nested structure of arrays.

    Output shape:
        The same as the input.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.Identity()(np.ones((2, 3))).shape
        (2, 3)
    """

    supports_masking = True

    def call(self, inputs: Any) -> Any:
        return inputs
