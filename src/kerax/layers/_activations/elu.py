"""``ELU``: the exponential linear unit as a layer."""

from __future__ import annotations

import numbers
from typing import Any

import jax

from kerax import activations
from kerax.layers._layer import Layer


class ELU(Layer):
    """``x`` for positive inputs, ``alpha * (exp(x) - 1)`` otherwise.

    Args:
        alpha: the scale of the negative part, a number (default 1.0).
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Input shape:
        Any shape.

    Output shape:
        The same shape as the input.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> np.asarray(kerax.layers.ELU()(np.array([-1.0, 0.0, 2.0]))).round(3)
        array([-0.632,  0.   ,  2.   ], dtype=float32)
    """

    supports_masking = True

    def __init__(self, alpha: float = 1.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real):
            raise ValueError(f"ELU '{self.name}': `alpha` must be a number, received alpha={alpha!r}.")
        self.alpha = alpha

    def call(self, inputs: jax.Array) -> jax.Array:
        return activations.elu(inputs, alpha=self.alpha)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "alpha": self.alpha}
