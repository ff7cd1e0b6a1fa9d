"""``RandomHue``: rotate the hue of images by a random amount during training."""

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
    transform_value_range,
)


class RandomHue(BaseRandomImageLayer):
    """In training, shift each image's hue by ``±f / 2`` of a full turn (the sign drawn at random).

    ``f`` is drawn per image from the factor's range; ``factor=1`` can turn hues by up to half a turn.
    The image is scaled from ``value_range`` to [0, 1], shifted in HSV space, clipped and scaled back.

    Args:
        factor: a number ``f`` in [0, 1] (range ``[0, f]``) or a pair ``(lower, upper)`` within [0, 1].
        value_range: the ``(min, max)`` range of the pixel values (default ``(0, 255)``).
        data_format: ``"channels_last"`` or ``None`` (default: ``kerax.config.image_data_format()``, which
            must then be channels-last); these layers are channels-last only.
        seed: an int, for a repeatable sequence of shifts in eager calls, or ``None`` (default).
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Raises:
        ValueError: for a factor outside [0, 1], a malformed ``value_range`` or images without 3 channels.

    Input shape:
        ``(batch, H, W, 3)`` or ``(H, W, 3)``.

    Output shape:
        The same shape, in the layer's dtype.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.RandomHue(0.2)(np.ones((2, 8, 8, 3))).shape
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
        self.factor = check_range_factor(factor, "factor", (0, 1), self._who)
        self.value_range = check_value_range(value_range, self._who, sort=False)

    @compiled
    def augment(self, images: jax.Array, key: jax.Array) -> jax.Array:
        check_channels(images, self._who)
        sign_key, factor_key = jax.random.split(key)
        batch = images.shape[0]
        sign = jnp.where(uniform(sign_key, (batch,), 0.0, 1.0) > 0.5, -1.0, 1.0)
        shift = (sign * uniform(factor_key, (batch,), self.factor[0], self.factor[1]) * 0.5).astype(images.dtype)
        hsv = rgb_to_hsv(transform_value_range(images, self.value_range, (0, 1)))
        hue = hsv[..., 0] + shift[:, None, None]
        hue = jnp.where(hue > 1.0, hue - 1.0, hue)
        hue = jnp.where(hue < 0.0, hue + 1.0, hue)
        rgb = jnp.clip(hsv_to_rgb(jnp.stack([hue, hsv[..., 1], hsv[..., 2]], axis=-1)), 0, 1)
        return transform_value_range(rgb, (0, 1), self.value_range).astype(images.dtype)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range, "seed": self.seed}
