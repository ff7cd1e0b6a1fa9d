"""``RandomErasing``: overwrite a random rectangle of some images during training."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers._preprocessing._base_random import BaseRandomImageLayer, _is_number, uniform
from kerax.layers._preprocessing._image_utils import check_range_factor, check_value_range, compiled


def box_mask(key: jax.Array, height: int, width: int, ratio_x: jax.Array, ratio_y: jax.Array) -> jax.Array:
    """A ``(batch, H, W, 1)`` mask of one box per image, ``ratio`` of each side long, at a random place."""
    x_key, y_key = jax.random.split(key)

    def bounds(k: jax.Array, length: int, ratio: jax.Array) -> tuple[jax.Array, jax.Array]:
        size = ratio * length
        start = uniform(k, ratio.shape, 0.0, 1.0) * (length - size)
        return start[:, None, None, None], (start + size)[:, None, None, None]

    x0, x1 = bounds(x_key, width, ratio_x)
    y0, y1 = bounds(y_key, height, ratio_y)
    grid_y, grid_x = jnp.meshgrid(
        jnp.arange(height, dtype=jnp.float32), jnp.arange(width, dtype=jnp.float32), indexing="ij"
    )
    grid_y, grid_x = grid_y[None, :, :, None], grid_x[None, :, :, None]
    return (grid_x >= x0) & (grid_x < x1) & (grid_y >= y0) & (grid_y < y1)


class RandomErasing(BaseRandomImageLayer):
    """In training, fill one random rectangle of some images with noise or a constant.

    Each image draws a probability ``p`` from ``factor`` and is erased with probability ``p`` (the default
    ``factor=1.0`` erases half the images on average). The rectangle's width and height are
    ``sqrt(s)`` of the image's, ``s`` drawn per side from ``scale``. It is filled with ``fill_value``
    (a number or one per RGB channel) or, when that is ``None``, with Gaussian noise times
    ``value_range[1]``; either is clipped to ``value_range``.

    Args:
        factor: a number ``f`` in [0, 1] (range ``[0, f]``) or a pair ``(lower, upper)`` within [0, 1].
        scale: the range of the erased area's side fractions (squared), a number or a pair in [0, 1]
            (default ``(0.02, 0.33)``).
        fill_value: ``None`` (noise, default), a number, or a list of 3 numbers (one per channel).
        value_range: the ``(min, max)`` range of the pixel values (default ``(0, 255)``).
        seed: an int, for a repeatable sequence of rectangles in eager calls, or ``None`` (default).
        data_format: ``"channels_last"`` or ``None`` (default: ``kerax.config.image_data_format()``, which
            must then be channels-last); these layers are channels-last only.
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Raises:
        ValueError: for factors outside [0, 1], a malformed ``fill_value`` or ``value_range``.

    Input shape:
        ``(batch, H, W, C)`` or ``(H, W, C)``.

    Output shape:
        The same shape, in the layer's dtype.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.RandomErasing()(np.ones((2, 8, 8, 3))).shape
        (2, 8, 8, 3)
    """

    def __init__(
        self,
        factor: float | tuple[float, float] = 1.0,
        scale: float | tuple[float, float] = (0.02, 0.33),
        fill_value: float | list[float] | None = None,
        value_range: tuple[float, float] = (0, 255),
        seed: int | None = None,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = check_range_factor(factor, "factor", (0, 1), self._who)
        self.scale = check_range_factor(scale, "scale", (0, 1), self._who)
        if fill_value is not None and not _is_number(fill_value):
            if not isinstance(fill_value, list | tuple) or len(fill_value) != 3 or not all(map(_is_number, fill_value)):
                raise ValueError(
                    f"{self._who}: `fill_value` must be None, a number or a list of 3 numbers, "
                    f"received fill_value={fill_value!r}."
                )
        self.fill_value = fill_value
        self.value_range = check_value_range(value_range, self._who, sort=False)

    @compiled
    def augment(self, images: jax.Array, key: jax.Array) -> jax.Array:
        batch = images.shape[0]
        side_key, box_key, p_key, u_key, noise_key = jax.random.split(key, 5)
        sides = jnp.sqrt(uniform(side_key, (batch, 2), self.scale[0], self.scale[1]))
        mask = box_mask(box_key, images.shape[1], images.shape[2], sides[:, 0], sides[:, 1])
        probability = uniform(p_key, (batch,), self.factor[0], self.factor[1])
        chosen = uniform(u_key, (batch,), 0.0, 1.0) < probability
        if self.fill_value is None:
            fill = jax.random.normal(noise_key, images.shape, images.dtype) * self.value_range[1]
        else:
            fill = jnp.broadcast_to(jnp.asarray(self.fill_value, images.dtype), images.shape)
        fill = jnp.clip(fill, self.value_range[0], self.value_range[1]).astype(images.dtype)
        return jnp.where(mask & chosen[:, None, None, None], fill, images)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "factor": self.factor,
            "scale": self.scale,
            "fill_value": self.fill_value,
            "value_range": self.value_range,
            "seed": self.seed,
        }
