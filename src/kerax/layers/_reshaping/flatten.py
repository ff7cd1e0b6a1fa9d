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

        data_format: ``"channels_last"`` or ``"channels_first"``, or ``None`` (default) for
            ``kerax.config.image_data_format()``; with ``"channels_first"`` the channels axis is moved last
            before flattening, so that the order matches channels-last models.
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Input shape:
        ``(batch, d1, ..., dn)``.

    Output shape:
        ``(batch, d1 * ... * dn)``; ``(batch,)`` becomes ``(batch, 1)``.

    Example:
        >>> import numpy as np
        >>> import kerax

        >>> kerax.layers.Flatten()(np.ones((2, 3, 4))).shape
        (2, 12)
        >>> kerax.layers.Flatten()(np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(1, 2, 2)).tolist()
        [[1.0, 2.0, 3.0, 4.0]]
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
