"""``RandomSharpness``: sharpen or soften images by a random amount during training."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers._preprocessing._base_random import BaseRandomImageLayer, uniform
from kerax.layers._preprocessing._image_utils import check_range_factor, check_value_range, compiled, depthwise_filter

# The 3x3 smoothing filter: 5/13 at the centre, 1/13 around it.
_SMOOTH = ((1 / 13, 1 / 13, 1 / 13), (1 / 13, 5 / 13, 1 / 13), (1 / 13, 1 / 13, 1 / 13))


class RandomSharpness(BaseRandomImageLayer):
    """In training, blend each image with a smoothed copy: ``x + (1 - 2 f) * (smooth(x) - x)``.

    ``f`` is drawn per image from the factor's range: 0.5 keeps the image, 0 smooths it, 1 sharpens it.
    The result is clipped to ``value_range``.

    Args:
        factor: a number ``f`` in [0, 1] (range ``[0, f]``) or a pair ``(lower, upper)`` within [0, 1].
        value_range: the ``(min, max)`` range of the pixel values (default ``(0, 255)``).
        data_format: ``"channels_last"`` or ``None`` (default: ``kerax.config.image_data_format()``, which
            must then be channels-last); these layers are channels-last only.
        seed: an int, for a repeatable sequence of factors in eager calls, or ``None`` (default).
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
        >>> kerax.layers.RandomSharpness(0.5)(np.ones((2, 8, 8, 3))).shape
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
        self.value_range = check_value_range(value_range, self._who)

    @compiled
    def augment(self, images: jax.Array, key: jax.Array) -> jax.Array:
        factor = uniform(key, (images.shape[0], 1, 1, 1), self.factor[0], self.factor[1]) * 2.0
        smoothed = depthwise_filter(images, jnp.asarray(_SMOOTH, images.dtype))
        out = images + (1.0 - factor.astype(images.dtype)) * (smoothed - images)
        return jnp.clip(out, self.value_range[0], self.value_range[1]).astype(images.dtype)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range, "seed": self.seed}
