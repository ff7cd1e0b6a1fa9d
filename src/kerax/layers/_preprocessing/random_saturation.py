"""``RandomSaturation``: scale the saturation of images by a random amount during training."""

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
    hsv_to_rgb,
    rgb_to_hsv,
)

EPSILON = 1e-7  # Keras's default fuzz factor


class RandomSaturation(BaseRandomImageLayer):
    """In training, multiply each image's HSV saturation by ``f / (1 - f)``.

    ``f`` is drawn per image from the factor's range: ``f = 0.5`` keeps the image, ``f = 0`` makes it
    grey and values near 1 saturate it fully. As in Keras, the scaled saturation is clipped to
    ``value_range`` (so with the default ``(0, 255)`` a saturation above 1 is kept and can push colours
    out of range; use ``value_range=(0, 1)`` to cap it).

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
        >>> kerax.layers.RandomSaturation((0.2, 0.8))(np.ones((2, 8, 8, 3))).shape
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
        drawn = uniform(key, (images.shape[0],), self.factor[0], self.factor[1])
        scale = (drawn / (1.0 - drawn + EPSILON)).astype(images.dtype)
        hsv = rgb_to_hsv(images)
        saturation = jnp.clip(hsv[..., 1] * scale[:, None, None], self.value_range[0], self.value_range[1])
        return hsv_to_rgb(jnp.stack([hsv[..., 0], saturation, hsv[..., 2]], axis=-1)).astype(images.dtype)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range, "seed": self.seed}
