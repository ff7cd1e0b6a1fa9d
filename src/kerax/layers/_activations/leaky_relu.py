"""``LeakyReLU``: ``x`` for positive inputs, ``negative_slope * x`` otherwise."""

from __future__ import annotations

import warnings
from typing import Any

import jax

from kerax import activations
from kerax.layers._activations.relu import _check_number
from kerax.layers._layer import Layer


class LeakyReLU(Layer):
    """Leaky rectified linear unit: ``x if x >= 0 else negative_slope * x``.

    Args:
        negative_slope: the slope for negative inputs, non-negative (default 0.3). Keras's deprecated
            name ``alpha`` is accepted with a warning.
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Input shape:
        Any shape.

    Output shape:
        The same shape as the input.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.LeakyReLU(negative_slope=0.5)(np.array([-2.0, 2.0]))
        Array([-1.,  2.], dtype=float32)
    """

    supports_masking = True

    def __init__(self, negative_slope: float = 0.3, **kwargs: Any) -> None:
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
            warnings.warn("LeakyReLU: argument `alpha` is deprecated. Use `negative_slope` instead.", stacklevel=2)
        super().__init__(**kwargs)
        _check_number(negative_slope, "negative_slope", f"LeakyReLU '{self.name}'")
        self.negative_slope = negative_slope

    def call(self, inputs: jax.Array) -> jax.Array:
        return activations.leaky_relu(inputs, negative_slope=self.negative_slope)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "negative_slope": self.negative_slope}
