"""``Flatten``: collapse every axis but the batch axis."""

from __future__ import annotations

import math
from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers import _conv_utils as cu
from kerax.layers._input_spec import InputSpec
from kerax.layers._layer import Layer


class Flatten(Layer):
    """Flatten each sample into a vector (the batch axis is kept).

    Args:
        data_format: ``"channels_last"`` (default) or ``"channels_first"``; with ``"channels_first"`` the
            channels axis is moved last before flattening, so that the order matches channels-last models.

    Shapes:
        ``(batch, d1, ..., dn)`` -> ``(batch, d1 * ... * dn)``; ``(batch,)`` -> ``(batch, 1)``.

    Example:
        >>> Flatten()(jnp.ones((2, 3, 4))).shape
        (2, 12)
    """

    def __init__(self, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data_format = cu.normalize_data_format(data_format, f"Flatten '{self.name}'")
        self.input_spec = InputSpec(min_ndim=1)

    def call(self, inputs: jax.Array) -> jax.Array:
        if self.data_format == "channels_first" and inputs.ndim > 2:
            inputs = jnp.transpose(inputs, (0, *range(2, inputs.ndim), 1))
        return jnp.reshape(inputs, (inputs.shape[0], math.prod(inputs.shape[1:])))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "data_format": self.data_format}
