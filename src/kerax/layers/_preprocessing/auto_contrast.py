"""``AutoContrast``: stretch every channel of every image to the full value range."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers._preprocessing._base_random import BaseRandomImageLayer
from kerax.layers._preprocessing._image_utils import (
    check_image_rank,
    check_value_range,
    compiled,
    transform_value_range,
)


class AutoContrast(BaseRandomImageLayer):
    """Rescale each channel of each image linearly so that its minimum and maximum span ``value_range``.

    Unlike the random layers this one is deterministic and, as in Keras, applies in training and in
    inference alike. A constant channel (nothing to stretch) is returned unchanged.

    Args:
        value_range: the ``(min, max)`` range of the pixel values (default ``(0, 255)``).
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``, and ``data_format``
            (``"channels_last"`` or ``None``).

    Raises:
        ValueError: for a malformed ``value_range`` or inputs of rank other than 3 or 4.

    Input shape:
        ``(batch, H, W, C)`` or ``(H, W, C)``.

    Output shape:
        The same shape, in the layer's dtype.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.AutoContrast()(np.linspace(10.0, 20.0, 48).reshape(1, 4, 4, 3)).max()
        Array(255., dtype=float32)
    """

    def __init__(self, value_range: tuple[float, float] = (0, 255), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.value_range = check_value_range(value_range, self._who)

    def call(self, inputs: jax.Array, training: bool | None = True) -> jax.Array:
        check_image_rank(inputs, self._who)
        return self._augment_any(inputs.astype(self.compute_dtype), None)

    @compiled
    def augment(self, images: jax.Array, key: jax.Array | None) -> jax.Array:
        scaled = transform_value_range(images, self.value_range, (0, 255))
        low = jnp.min(scaled, axis=(1, 2), keepdims=True)
        high = jnp.max(scaled, axis=(1, 2), keepdims=True)
        gain = 255.0 / (high - low)
        out = jnp.clip(scaled * gain - low * gain, 0.0, 255.0)
        out = transform_value_range(out, (0, 255), self.value_range)
        return jnp.where(jnp.isnan(out), images, out).astype(images.dtype)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "value_range": self.value_range}
