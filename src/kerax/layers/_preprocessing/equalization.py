"""``Equalization``: histogram-equalise every channel of images during training."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers._preprocessing._base_random import BaseRandomImageLayer
from kerax.layers._preprocessing._image_utils import (
    check_positive_int,
    check_value_range,
    compiled,
    transform_value_range,
)


class Equalization(BaseRandomImageLayer):
    """In training, remap every channel through its cumulative histogram so that values spread evenly.

    Values are mapped from ``value_range`` to 0-255 and counted into ``bins`` equal bins; each value is
    replaced by its bin's normalised cumulative count (rounded, 0-255) and mapped back. As in Keras, the
    histogram of a channel is counted over the whole batch (a single image is equalised on its own), and
    a channel whose values fall into a single bin is left unchanged. Identity in inference.

    Args:
        value_range: the ``(min, max)`` range of the pixel values (default ``(0, 255)``).
        bins: the number of histogram bins (default 256).
        data_format: ``"channels_last"`` or ``None`` (default: ``kerax.config.image_data_format()``, which
            must then be channels-last); these layers are channels-last only.
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Raises:
        ValueError: for a malformed ``value_range`` or a non-positive ``bins``.

    Input shape:
        ``(batch, H, W, C)`` or ``(H, W, C)``.

    Output shape:
        The same shape, in the layer's dtype.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.Equalization()(np.ones((2, 8, 8, 3))).shape
        (2, 8, 8, 3)
    """

    def __init__(
        self,
        value_range: tuple[float, float] = (0, 255),
        bins: int = 256,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data_format=data_format, **kwargs)
        self.bins = check_positive_int(bins, "bins", self._who)
        self.value_range = check_value_range(value_range, self._who)

    def _equalize(self, channel: jax.Array) -> jax.Array:
        """Equalise one channel of the whole batch, ``(batch, H, W)``, given on the 0-255 scale."""
        bins = self.bins
        counted = jnp.clip((channel.astype(jnp.float32) * (bins - 1) / 255.0).astype(jnp.int32), 0, bins - 1)
        histogram = jnp.bincount(counted.reshape(-1), length=bins)
        cdf = jnp.cumsum(histogram)
        cdf_min = cdf[jnp.argmax(cdf > 0)]
        denominator = cdf[-1] - cdf_min
        denominator = jnp.where(denominator == 0, 1, denominator)
        table = jnp.clip(jnp.round((cdf - cdf_min) * 255 / denominator), 0, 255)
        index = jnp.clip(channel / 255.0 * (bins - 1), 0, bins - 1).astype(jnp.int32)
        equalized = table[index].astype(channel.dtype)
        return jnp.where(jnp.count_nonzero(histogram) <= 1, channel, equalized)

    @compiled
    def augment(self, images: jax.Array, key: jax.Array | None) -> jax.Array:
        scaled = transform_value_range(images, self.value_range, (0, 255))
        out = jnp.stack([self._equalize(scaled[..., c]) for c in range(images.shape[-1])], axis=-1)
        return transform_value_range(out, (0, 255), self.value_range).astype(images.dtype)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "bins": self.bins, "value_range": self.value_range}
