"""``RandomBrightness``: shift the brightness of images by a random amount during training."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers._preprocessing._base_random import BaseRandomImageLayer, uniform
from kerax.layers._preprocessing._image_utils import check_range_factor, check_value_range, compiled


class RandomBrightness(BaseRandomImageLayer):
    """In training, add ``delta * (max - min)`` to each image and clip to ``value_range``.

    ``delta`` is drawn per image, uniformly from the factor's range.

    Args:
        factor: a number ``f`` in [-1, 1] (``delta`` in ``[-|f|, |f|]``) or a pair ``(lower, upper)``.
        value_range: the ``(min, max)`` range of the pixel values (default ``(0, 255)``).
        seed: an int, for a repeatable sequence of shifts in eager calls, or ``None`` (default).
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``, and ``data_format`` (``"channels_last"``
            or ``None``).

    Raises:
        ValueError: for a factor outside [-1, 1] or a malformed ``value_range``.

    Input shape:
        ``(batch, H, W, C)`` or ``(H, W, C)``.

    Output shape:
        The same shape, in the layer's dtype.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.RandomBrightness(0.2)(np.full((2, 8, 8, 3), 100.0)).shape
        (2, 8, 8, 3)
    """

    def __init__(
        self,
        factor: float | tuple[float, float],
        value_range: tuple[float, float] = (0, 255),
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, **kwargs)
        self.factor = check_range_factor(factor, "factor", (-1, 1), self._who)
        self.value_range = check_value_range(value_range, self._who)

    @compiled
    def augment(self, images: jax.Array, key: jax.Array) -> jax.Array:
        low, high = self.value_range
        delta = uniform(key, (images.shape[0], 1, 1, 1), self.factor[0], self.factor[1]) * (high - low)
        return jnp.clip(images + delta.astype(images.dtype), low, high).astype(images.dtype)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range, "seed": self.seed}
