"""``RepeatVector``: repeat a vector ``n`` times, making a sequence."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers._input_spec import InputSpec
from kerax.layers._layer import Layer
from kerax.layers._reshaping._spatial import positive_int


class RepeatVector(Layer):
    """Repeat each sample's feature vector ``n`` times along a new axis 1.

    Args:

        n: a positive int, the number of repetitions.
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Input shape:
        ``(batch, features)``.

    Output shape:
        ``(batch, n, features)``.

    Example:
        >>> import numpy as np
        >>> import kerax

        >>> kerax.layers.RepeatVector(3)(np.array([[1.0, 2.0]])).tolist()
        [[[1.0, 2.0], [1.0, 2.0], [1.0, 2.0]]]
    """

    def __init__(self, n: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.n = positive_int(n, "n", f"RepeatVector '{self.name}'")
        self.input_spec = InputSpec(ndim=2)

    def call(self, inputs: jax.Array) -> jax.Array:
        return jnp.repeat(inputs[:, None, :], self.n, axis=1)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "n": self.n}
