"""``RandomElasticTransform``: distort some images with a smooth random displacement field in training."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers._preprocessing._base_random import BaseRandomImageLayer, uniform
from kerax.layers._preprocessing._image_utils import (
    AFFINE_INTERPOLATIONS,
    check_choice,
    check_range_factor,
    compiled,
    gaussian_blur,
    sample_at,
)

ELASTIC_FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")


class RandomElasticTransform(BaseRandomImageLayer):
    """In training, move every pixel of some images by a smoothed random offset.

    One strength ``s`` per call is drawn from ``scale``; the offsets are Gaussian noise of standard
    deviation ``sigma = 0.05 * s * min(H, W)``, blurred by a Gaussian of the same ``sigma`` and scaled by
    ``alpha = 0.1 * s * max(H, W)``. Each image draws a probability ``p`` from ``factor`` and is distorted
    with probability ``p``; the result is clipped to ``value_range``.

    Args:
        factor: a number ``f`` in [0, 1] (range ``[0, f]``) or a pair ``(lower, upper)`` within [0, 1].
        scale: the strength range: a number in [0, 1] (range ``[0, s]``) or a pair within [0, 1].
        interpolation: ``"bilinear"`` (default) or ``"nearest"``.
        fill_mode: how points outside the image are filled: ``"reflect"`` (default), ``"mirror"``,
            ``"wrap"``, ``"constant"`` (``fill_value``) or ``"nearest"``.
        fill_value: the value of outside points with ``fill_mode="constant"``.
        value_range: the ``(min, max)`` range of the pixel values (default ``(0, 255)``).
        seed: an int, for a repeatable sequence of distortions in eager calls, or ``None`` (default).
        data_format: ``"channels_last"`` or ``None`` (default: ``kerax.config.image_data_format()``, which
            must then be channels-last); these layers are channels-last only.
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Raises:
        ValueError: for factors outside [0, 1] or an unknown ``interpolation``/``fill_mode``.

    Input shape:
        ``(batch, H, W, C)`` or ``(H, W, C)``.

    Output shape:
        The same shape, in the layer's dtype.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.RandomElasticTransform()(np.ones((2, 8, 8, 3))).shape
        (2, 8, 8, 3)
    """

    def __init__(
        self,
        factor: float | tuple[float, float] = 1.0,
        scale: float | tuple[float, float] = 1.0,
        interpolation: str = "bilinear",
        fill_mode: str = "reflect",
        fill_value: float = 0.0,
        value_range: tuple[float, float] = (0, 255),
        seed: int | None = None,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = check_range_factor(factor, "factor", (0, 1), self._who)
        self.scale = check_range_factor(scale, "scale", (0, 1), self._who)
        self.interpolation = check_choice(interpolation, "interpolation", AFFINE_INTERPOLATIONS, self._who)
        self.fill_mode = check_choice(fill_mode, "fill_mode", ELASTIC_FILL_MODES, self._who)
        self.fill_value = fill_value
        if not isinstance(value_range, list | tuple) or len(value_range) != 2:
            raise ValueError(f"{self._who}: `value_range` must be a pair (min, max), received {value_range!r}.")
        self.value_range = value_range

    @compiled
    def augment(self, images: jax.Array, key: jax.Array) -> jax.Array:
        if self.scale[1] == 0 or self.factor[1] == 0:
            return images
        batch, height, width = images.shape[:3]
        p_key, u_key, s_key, x_key, y_key = jax.random.split(key, 5)
        probability = uniform(p_key, (batch,), self.factor[0], self.factor[1])
        chosen = uniform(u_key, (batch,), 0.0, 1.0) < probability
        strength = uniform(s_key, (), self.scale[0], self.scale[1])
        alpha = max(height, width) * 0.1 * strength
        sigma = min(height, width) * 0.05 * strength
        # The kernel size must be static under jit: it is sized for the largest strength the range allows.
        size = int(6 * min(height, width) * 0.05 * self.scale[1]) | 1
        blur_sigma = jnp.maximum(sigma, 1e-6)  # a zero strength must not divide by zero in the kernel
        offsets = []
        for k in (x_key, y_key):
            noise = (jax.random.normal(k, (batch, height, width, 1), jnp.float32) * sigma).astype(images.dtype)
            offsets.append(
                gaussian_blur(noise, (size, size), jnp.stack([blur_sigma, blur_sigma]).astype(images.dtype))[..., 0]
            )
        grid_y, grid_x = jnp.meshgrid(
            jnp.arange(height, dtype=jnp.float32), jnp.arange(width, dtype=jnp.float32), indexing="ij"
        )
        xs = grid_x[None] + alpha * offsets[0]
        ys = grid_y[None] + alpha * offsets[1]
        warped = sample_at(images, ys, xs, self.interpolation, self.fill_mode, self.fill_value)
        out = jnp.where(chosen[:, None, None, None], warped, images)
        return jnp.clip(out, self.value_range[0], self.value_range[1]).astype(images.dtype)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "factor": self.factor,
            "scale": self.scale,
            "interpolation": self.interpolation,
            "fill_mode": self.fill_mode,
            "fill_value": self.fill_value,
            "value_range": self.value_range,
            "seed": self.seed,
        }
