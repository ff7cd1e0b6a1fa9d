"""``RandomPerspective``: move the corners of some images at random (a perspective warp) in training."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers._preprocessing._base_random import BaseRandomImageLayer, _is_number, uniform
from kerax.layers._preprocessing._image_utils import (
    AFFINE_INTERPOLATIONS,
    affine_transform,
    check_choice,
    check_range_factor,
    compiled,
)
from kerax.ops._image import homographies


class RandomPerspective(BaseRandomImageLayer):
    """In training, warp some images so that each corner ``c`` moves to ``c * (1 + d)``.

    ``d`` is drawn per corner and coordinate from ``[-scale / 2, scale / 2]`` (so the top-left corner
    stays put). Each image draws a probability ``p`` from ``factor`` and is warped with probability ``p``;
    points from outside the image take ``fill_value``.

    Args:
        factor: a number ``f`` in [0, 1] (range ``[0, f]``) or a pair ``(lower, upper)`` within [0, 1].
        scale: the strength of the corner moves, in [0, 1] (default 1.0).
        interpolation: ``"bilinear"`` (default) or ``"nearest"``.
        fill_value: the value of points from outside the image (default 0).
        seed: an int, for a repeatable sequence of warps in eager calls, or ``None`` (default).
        data_format: ``"channels_last"`` or ``None`` (default: ``kerax.config.image_data_format()``, which
            must then be channels-last); these layers are channels-last only.
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Raises:
        ValueError: for ``factor``/``scale`` outside [0, 1] or an unknown ``interpolation``.

    Input shape:
        ``(batch, H, W, C)`` or ``(H, W, C)``.

    Output shape:
        The same shape, in the layer's dtype.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.RandomPerspective(scale=0.3)(np.ones((2, 8, 8, 3))).shape
        (2, 8, 8, 3)
    """

    def __init__(
        self,
        factor: float | tuple[float, float] = 1.0,
        scale: float = 1.0,
        interpolation: str = "bilinear",
        fill_value: float = 0.0,
        seed: int | None = None,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = check_range_factor(factor, "factor", (0, 1), self._who)
        if not _is_number(scale) or not 0 <= scale <= 1:
            raise ValueError(f"{self._who}: `scale` must be a number in [0, 1], received scale={scale!r}.")
        self.scale = scale
        self.interpolation = check_choice(interpolation, "interpolation", AFFINE_INTERPOLATIONS, self._who)
        self.fill_value = fill_value

    @compiled
    def augment(self, images: jax.Array, key: jax.Array) -> jax.Array:
        batch, height, width = images.shape[:3]
        p_key, u_key, corner_key = jax.random.split(key, 3)
        probability = uniform(p_key, (batch,), self.factor[0], self.factor[1])
        chosen = uniform(u_key, (batch,), 0.0, 1.0) < probability
        moves = uniform(corner_key, (batch, 4, 2), -0.5 * self.scale, 0.5 * self.scale)
        corners = jnp.asarray([[0.0, 0.0], [width - 1, 0.0], [0.0, height - 1], [width - 1, height - 1]], jnp.float32)
        start = jnp.broadcast_to(corners, (batch, 4, 2))
        transform = homographies(start, start + start * moves)
        warped = affine_transform(images, transform, self.interpolation, "constant", self.fill_value)
        return jnp.where(chosen[:, None, None, None], warped, images)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "factor": self.factor,
            "scale": self.scale,
            "interpolation": self.interpolation,
            "fill_value": self.fill_value,
            "seed": self.seed,
        }
