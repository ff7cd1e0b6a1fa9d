"""``RandomContrast``: scale each image's contrast by a random factor during training."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers._preprocessing._base_random import BaseRandomImageLayer, _is_number, uniform


class RandomContrast(BaseRandomImageLayer):
    """In training, compute ``(x - mean) * c + mean`` per image and channel, then clip to ``value_range``.

    ``mean`` is the image's mean over height and width; ``c`` is drawn uniformly from
    ``[1 - lower, 1 + upper]``. As in Keras 3, a single number ``factor`` gives ``lower = 0`` and
    ``upper = factor`` (contrast only increases); pass a pair to set both.

    Args:
        factor: a number in [0, 1], or a pair ``(lower, upper)``.
        value_range: the ``(min, max)`` range of the pixel values, to clip to (default ``(0, 255)``).
        seed: an int, for a repeatable sequence of factors in eager calls, or ``None`` (default).
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``, and ``data_format`` (``"channels_last"``
            or ``None``).

    Input shape:
        ``(batch, H, W, C)`` or ``(H, W, C)``.

    Output shape:
        The same shape, in the layer's dtype.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.RandomContrast(0.5)(np.ones((2, 8, 8, 3)), training=True).shape
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
        message = f"{self._who}: `factor` must be a number or a pair of numbers in [0, 1], received factor={factor!r}."
        if isinstance(factor, list | tuple):
            if len(factor) != 2 or not all(_is_number(v) for v in factor) or factor[0] > 1 or factor[1] < 0:
                raise ValueError(message)
            lower, upper = sorted(factor)
        elif _is_number(factor):
            if not 0 <= factor <= 1:
                raise ValueError(message)
            lower, upper = max(-abs(factor), 0), abs(factor)
        else:
            raise ValueError(message)
        self.factor = (lower, upper)
        if not isinstance(value_range, list | tuple) or len(value_range) != 2:
            raise ValueError(f"{self._who}: `value_range` must be a pair (min, max), received {value_range!r}.")
        self.value_range = tuple(value_range)

    def augment(self, images: jax.Array, key: jax.Array) -> jax.Array:
        lower, upper = self.factor
        factor = uniform(key, (images.shape[0], 1, 1, 1), 1.0 - lower, 1.0 + upper).astype(images.dtype)
        mean = jnp.mean(images, axis=(1, 2), keepdims=True)
        out = (images - mean) * factor + mean
        return jnp.clip(out, self.value_range[0], self.value_range[1]).astype(images.dtype)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range, "seed": self.seed}
