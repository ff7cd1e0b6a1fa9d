"""``RandomGrayscale``: turn a random share of the images grey during training."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers._preprocessing._base_random import BaseRandomImageLayer, _is_number, uniform
from kerax.layers._preprocessing._image_utils import check_channels, compiled, rgb_to_grayscale


class RandomGrayscale(BaseRandomImageLayer):
    """In training, replace each image, with probability ``factor``, by its greyscale version.

    The grey value (ITU-R 601 luma) fills all three channels, so the shape is kept; one-channel images
    pass through unchanged.

    Args:
        factor: the probability of turning an image grey, in [0, 1] (default 0.5).
        data_format: ``"channels_last"`` or ``None`` (default: ``kerax.config.image_data_format()``, which
            must then be channels-last); these layers are channels-last only.
        seed: an int, for a repeatable sequence of choices in eager calls, or ``None`` (default).
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Raises:
        ValueError: for a factor outside [0, 1] or images with neither 1 nor 3 channels.

    Input shape:
        ``(batch, H, W, C)`` or ``(H, W, C)``.

    Output shape:
        The same shape, in the layer's dtype.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.RandomGrayscale(1.0)(np.ones((2, 8, 8, 3))).shape
        (2, 8, 8, 3)
    """

    def __init__(self, factor: float = 0.5, data_format: str | None = None, seed: int | None = None, **kwargs: Any):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        if not _is_number(factor) or not 0 <= factor <= 1:
            raise ValueError(f"{self._who}: `factor` must be a number in [0, 1], received factor={factor!r}.")
        self.factor = factor

    @compiled
    def augment(self, images: jax.Array, key: jax.Array) -> jax.Array:
        check_channels(images, self._who, allowed=(1, 3))
        if images.shape[-1] == 1:
            return images
        chosen = uniform(key, (images.shape[0], 1, 1, 1), 0.0, 1.0) < self.factor
        return jnp.where(chosen, rgb_to_grayscale(images), images)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "factor": self.factor}
