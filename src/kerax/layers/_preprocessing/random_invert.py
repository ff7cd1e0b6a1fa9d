"""``RandomInvert``: invert the colours of some images during training."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers._preprocessing._base_random import BaseRandomImageLayer, uniform
from kerax.layers._preprocessing._image_utils import check_range_factor, check_value_range, compiled


class RandomInvert(BaseRandomImageLayer):
    """In training, replace some images ``x`` by ``max - x`` (``max`` being ``value_range[1]``).

    Each image draws a probability ``p`` from the factor's range and is inverted with probability ``p``;
    the default ``factor=1.0`` (``p`` uniform in [0, 1]) inverts half the images on average.

    Args:
        factor: a number ``f`` in [0, 1] (range ``[0, f]``) or a pair ``(lower, upper)`` within [0, 1].
        value_range: the ``(min, max)`` range of the pixel values (default ``(0, 255)``).
        seed: an int, for a repeatable sequence of choices in eager calls, or ``None`` (default).
        data_format: ``"channels_last"`` or ``None`` (default: ``kerax.config.image_data_format()``, which
            must then be channels-last); these layers are channels-last only.
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Raises:
        ValueError: for a factor outside [0, 1] or a malformed ``value_range``.

    Input shape:
        ``(batch, H, W, C)`` or ``(H, W, C)``.

    Output shape:
        The same shape, in the layer's dtype.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.RandomInvert()(np.ones((2, 8, 8, 3))).shape
        (2, 8, 8, 3)
    """

    def __init__(
        self,
        factor: float | tuple[float, float] = 1.0,
        value_range: tuple[float, float] = (0, 255),
        seed: int | None = None,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = check_range_factor(factor, "factor", (0, 1), self._who)
        self.value_range = check_value_range(value_range, self._who, sort=False)

    @compiled
    def augment(self, images: jax.Array, key: jax.Array) -> jax.Array:
        batch = images.shape[0]
        p_key, u_key = jax.random.split(key)
        probability = uniform(p_key, (batch,), self.factor[0], self.factor[1])
        chosen = uniform(u_key, (batch,), 0.0, 1.0) < probability
        return jnp.where(chosen[:, None, None, None], self.value_range[1] - images, images).astype(images.dtype)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range, "seed": self.seed}
