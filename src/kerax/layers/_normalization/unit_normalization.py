"""``UnitNormalization``: scale each sample to unit L2 norm along ``axis``."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers._layer import Layer
from kerax.layers._normalization._axes import resolve_axes, validate_axis

_EPSILON = 1e-12


class UnitNormalization(Layer):
    """Divide the inputs by their L2 norm over ``axis`` (an all-zero slice stays zero).

    Args:
        axis: the axis or list of axes whose norm becomes 1 (default -1).
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Input shape:
        Any shape.

    Output shape:
        The same shape as the input; the layer has no weights.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.UnitNormalization()(np.array([[3.0, 4.0]]))
        Array([[0.6, 0.8]], dtype=float32)
    """

    supports_masking = True

    def __init__(self, axis: int | list[int] = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = validate_axis(axis, f"UnitNormalization '{self.name}'")

    def call(self, inputs: jax.Array) -> jax.Array:
        axes = resolve_axes(self.axis, inputs.shape, f"UnitNormalization '{self.name}'")
        square_sum = jnp.sum(jnp.square(inputs), axis=tuple(axes), keepdims=True)
        # x * min(1/||x||, 1/eps): the same as x / max(||x||, eps), without dividing by zero.
        inv_norm = jnp.minimum(jax.lax.rsqrt(square_sum), jnp.asarray(1.0 / _EPSILON, square_sum.dtype))
        return inputs * inv_norm

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axis": self.axis}
