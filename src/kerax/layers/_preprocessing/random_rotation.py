"""``RandomRotation``: rotate images by a random angle during training."""

from __future__ import annotations

from typing import Any

import jax

from kerax.layers._preprocessing._base_random import AffineImageLayer, check_factor, uniform
from kerax.layers._preprocessing._image_utils import (
    rotation_transform,
)


class RandomRotation(AffineImageLayer):
    """In training, rotate each image about its centre by an angle drawn uniformly from ``factor`` turns.

    Args:
        factor: a fraction of a full turn: ``0.1`` draws angles in ``[-36, 36]`` degrees; a pair
            ``(lower, upper)`` sets the range (positive angles turn counter-clockwise). Within [-1, 1].
        fill_mode: how points outside the image are filled: ``"reflect"`` (default), ``"wrap"``,
            ``"constant"`` (``fill_value``) or ``"nearest"``.
        interpolation: ``"bilinear"`` or ``"nearest"``.
        seed: an int, for a repeatable sequence of rotations in eager calls, or ``None`` (default).
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
        >>> kerax.layers.RandomRotation(0.1)(np.ones((2, 8, 8, 3)), training=True).shape
        (2, 8, 8, 3)
    """

    def __init__(
        self,
        factor: float | tuple[float, float],
        fill_mode: str = "reflect",
        interpolation: str = "bilinear",
        seed: int | None = None,
        fill_value: float = 0.0,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = check_factor(factor, "factor", (-1.0, 1.0), self._who)
        self._set_fill(fill_mode, interpolation, fill_value)

    def augment(self, images: jax.Array, key: jax.Array) -> jax.Array:
        lower, upper = self.factor
        angle = uniform(key, (images.shape[0],), lower * 360.0, upper * 360.0)
        transform = rotation_transform(angle, images.shape[1], images.shape[2])
        return self._apply_affine(images, transform)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "factor": self.factor,
        }
