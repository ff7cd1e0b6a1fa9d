"""``RandomTranslation``: shift images by a random offset during training."""

from __future__ import annotations

from typing import Any

import jax

from kerax.layers._preprocessing._base_random import AffineImageLayer, check_factor, uniform
from kerax.layers._preprocessing._image_utils import (
    translation_transform,
)


class RandomTranslation(AffineImageLayer):
    """In training, shift each image by a random fraction of its height and width.

    Args:
        height_factor: a fraction of the height: a number ``f`` shifts by up to ``f * height`` pixels up
            or down; a pair ``(lower, upper)`` sets the range (negative values shift up). Within [-1, 1].
        width_factor: the same for the width (negative values shift left).
        fill_mode: ``"reflect"`` (default), ``"wrap"``, ``"constant"`` or ``"nearest"``.
        interpolation: ``"bilinear"`` or ``"nearest"``.
        seed: an int, for a repeatable sequence of shifts in eager calls, or ``None`` (default).
        fill_value: the value of outside points with ``fill_mode="constant"``.
        data_format: ``"channels_last"`` or ``None`` (default: ``kerax.config.image_data_format()``, which
            must then be channels-last); these layers are channels-last only.
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Input shape:
        ``(batch, H, W, C)`` or ``(H, W, C)``.

    Output shape:
        The same shape, in the layer's dtype.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.RandomTranslation(0.1, 0.1)(np.ones((2, 8, 8, 3)), training=True).shape
        (2, 8, 8, 3)
    """

    def __init__(
        self,
        height_factor: float | tuple[float, float],
        width_factor: float | tuple[float, float],
        fill_mode: str = "reflect",
        interpolation: str = "bilinear",
        seed: int | None = None,
        fill_value: float = 0.0,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        bounds = (-1.0, 1.0)
        self.height_lower, self.height_upper = check_factor(height_factor, "height_factor", bounds, self._who)
        self.width_lower, self.width_upper = check_factor(width_factor, "width_factor", bounds, self._who)
        self.height_factor, self.width_factor = height_factor, width_factor
        self._set_fill(fill_mode, interpolation, fill_value)

    def augment(self, images: jax.Array, key: jax.Array) -> jax.Array:
        batch, height, width = images.shape[:3]
        height_key, width_key = jax.random.split(key)
        dy = uniform(height_key, (batch,), self.height_lower, self.height_upper) * height
        dx = uniform(width_key, (batch,), self.width_lower, self.width_upper) * width
        transform = translation_transform(dy, dx)
        return self._apply_affine(images, transform)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "height_factor": self.height_factor,
            "width_factor": self.width_factor,
        }
