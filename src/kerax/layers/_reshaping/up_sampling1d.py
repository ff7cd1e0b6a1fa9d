"""``UpSampling1D``: repeat each step of a sequence."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers._input_spec import InputSpec
from kerax.layers._layer import Layer
from kerax.layers._reshaping._spatial import positive_int


class UpSampling1D(Layer):
    """Repeat each step ``size`` times along the steps axis.

    Args:

        size: a positive int, the repetition factor (default ``2``).
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Input shape:
        ``(batch, steps, features)``.

    Output shape:
        ``(batch, steps * size, features)``.

    Example:
        >>> import numpy as np
        >>> import kerax

        >>> kerax.layers.UpSampling1D(2)(np.array([[[1.0], [2.0]]])).tolist()
        [[[1.0], [1.0], [2.0], [2.0]]]
    """

    def __init__(self, size: int = 2, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.size = positive_int(size, "size", f"UpSampling1D '{self.name}'")
        self.input_spec = InputSpec(ndim=3)

    def call(self, inputs: jax.Array) -> jax.Array:
        return jnp.repeat(inputs, self.size, axis=1)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "size": self.size}
