"""``RandomPosterization``: keep only the top bits of each pixel value during training."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers._preprocessing._base_random import BaseRandomImageLayer
from kerax.layers._preprocessing._image_utils import (
    check_range_factor,
    check_value_range,
    compiled,
    transform_value_range,
)


class RandomPosterization(BaseRandomImageLayer):
    """In training, reduce each image to ``bits`` bits per channel (on the 0-255 scale).

    ``bits`` is drawn per image from the integers in ``[lower, upper)`` (``lower`` alone when the range has
    zero width); pixel values are mapped from ``value_range`` to 0-255, truncated to 8-bit integers, their
    low ``8 - bits`` bits cleared, and mapped back.

    Args:
        factor: an integer ``f`` in [1, 8] (``bits`` in ``[1, f)``) or a pair ``(lower, upper)`` within
            [1, 8].
        value_range: the ``(min, max)`` range of the pixel values (default ``(0, 255)``).
        data_format: ``"channels_last"`` or ``None`` (default: ``kerax.config.image_data_format()``, which
            must then be channels-last); these layers are channels-last only.
        seed: an int, for a repeatable sequence of bit depths in eager calls, or ``None`` (default).
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Raises:
        ValueError: for a factor outside [1, 8] or a malformed ``value_range``.

    Input shape:
        ``(batch, H, W, C)`` or ``(H, W, C)``.

    Output shape:
        The same shape, in the layer's dtype.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.RandomPosterization(4)(np.ones((2, 8, 8, 3))).shape
        (2, 8, 8, 3)
    """

    def __init__(
        self,
        factor: int | tuple[int, int],
        value_range: tuple[float, float] = (0, 255),
        data_format: str | None = None,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = check_range_factor(factor, "factor", (1, 8), self._who)
        self.value_range = check_value_range(value_range, self._who)

    @compiled
    def augment(self, images: jax.Array, key: jax.Array) -> jax.Array:
        lower, upper = int(self.factor[0]), int(self.factor[1])
        shape = (images.shape[0], 1, 1, 1)
        if lower != upper:
            bits = jax.random.randint(key, shape, lower, upper, dtype=jnp.int32)
        else:
            bits = jnp.full(shape, lower, jnp.int32)
        shift = (8 - bits).astype(jnp.uint8)
        pixels = transform_value_range(images, self.value_range, (0, 255)).astype(jnp.uint8)
        pixels = jnp.left_shift(jnp.right_shift(pixels, shift), shift)
        return transform_value_range(pixels.astype(images.dtype), (0, 255), self.value_range)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range, "seed": self.seed}
