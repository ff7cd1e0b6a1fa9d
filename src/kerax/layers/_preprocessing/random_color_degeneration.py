"""``RandomColorDegeneration``: blend images towards their greyscale version during training."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers._preprocessing._base_random import BaseRandomImageLayer, uniform
from kerax.layers._preprocessing._image_utils import (
    check_channels,
    check_range_factor,
    check_value_range,
    compiled,
    rgb_to_grayscale,
)


class RandomColorDegeneration(BaseRandomImageLayer):
    """In training, compute ``x + f * (grey(x) - x)`` per image and clip to ``value_range``.

    ``f`` is drawn per image from the factor's range: 0 keeps the image, 1 makes it grey, negative values
    strengthen its colours.

    Args:
        factor: a number ``f`` in [-1, 1] (range ``[-|f|, |f|]``) or a pair ``(lower, upper)``.
        value_range: the ``(min, max)`` range of the pixel values (default ``(0, 255)``).
        data_format: ``"channels_last"`` or ``None`` (default: ``kerax.config.image_data_format()``, which
            must then be channels-last); these layers are channels-last only.
        seed: an int, for a repeatable sequence of factors in eager calls, or ``None`` (default).
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Raises:
        ValueError: for a factor outside [-1, 1], a malformed ``value_range`` or images without 3 channels.

    Input shape:
        ``(batch, H, W, 3)`` or ``(H, W, 3)``.

    Output shape:
        The same shape, in the layer's dtype.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.RandomColorDegeneration(0.5)(np.ones((2, 8, 8, 3))).shape
        (2, 8, 8, 3)
    """

    def __init__(
        self,
        factor: float | tuple[float, float],
        value_range: tuple[float, float] = (0, 255),
        data_format: str | None = None,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = check_range_factor(factor, "factor", (-1, 1), self._who)
        self.value_range = check_value_range(value_range, self._who)

    @compiled
    def augment(self, images: jax.Array, key: jax.Array) -> jax.Array:
        check_channels(images, self._who)
        factor = uniform(key, (images.shape[0], 1, 1, 1), self.factor[0], self.factor[1]).astype(images.dtype)
        out = images + factor * (rgb_to_grayscale(images) - images)
        return jnp.clip(out, self.value_range[0], self.value_range[1]).astype(images.dtype)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range, "seed": self.seed}
