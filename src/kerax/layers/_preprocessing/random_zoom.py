"""``RandomZoom``: zoom images in or out by a random amount during training."""

from __future__ import annotations

from typing import Any

import jax

from kerax.layers._preprocessing._base_random import AffineImageLayer, check_factor, uniform
from kerax.layers._preprocessing._image_utils import (
    zoom_transform,
)


class RandomZoom(AffineImageLayer):
    """In training, scale each image about its centre by a random zoom per axis.

    The output spans ``1 + z`` times the input along an axis, ``z`` drawn uniformly from the factor's
    range: positive values zoom out (the content shrinks), negative values zoom in.

    Args:
        height_factor: a number ``f`` (range ``[-f, f]``) or a pair ``(lower, upper)``, each in (-1, 1].
        width_factor: the same for the width; ``None`` (default) uses the height's zoom, which keeps the
            aspect ratio.
        fill_mode: ``"reflect"`` (default), ``"wrap"``, ``"constant"`` or ``"nearest"``.
        interpolation: ``"bilinear"`` or ``"nearest"``.
        seed: an int, for a repeatable sequence of zooms in eager calls, or ``None`` (default).
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
        >>> kerax.layers.RandomZoom(0.2)(np.ones((2, 8, 8, 3)), training=True).shape
        (2, 8, 8, 3)
    """

    def __init__(
        self,
        height_factor: float | tuple[float, float],
        width_factor: float | tuple[float, float] | None = None,
        fill_mode: str = "reflect",
        interpolation: str = "bilinear",
        seed: int | None = None,
        fill_value: float = 0.0,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        bounds = (-1.0, 1.0)
        self.height_lower, self.height_upper = check_factor(
            height_factor, "height_factor", bounds, self._who, open_lower=True
        )
        if width_factor is not None:
            self.width_lower, self.width_upper = check_factor(
                width_factor, "width_factor", bounds, self._who, open_lower=True
            )
        self.height_factor, self.width_factor = height_factor, width_factor
        self._set_fill(fill_mode, interpolation, fill_value)

    def augment(self, images: jax.Array, key: jax.Array) -> jax.Array:
        batch = images.shape[0]
        height_key, width_key = jax.random.split(key)
        height_zoom = uniform(height_key, (batch,), 1.0 + self.height_lower, 1.0 + self.height_upper)
        if self.width_factor is None:
            width_zoom = height_zoom
        else:
            width_zoom = uniform(width_key, (batch,), 1.0 + self.width_lower, 1.0 + self.width_upper)
        transform = zoom_transform(height_zoom, width_zoom, images.shape[1], images.shape[2])
        return self._apply_affine(images, transform)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "height_factor": self.height_factor,
            "width_factor": self.width_factor,
        }
