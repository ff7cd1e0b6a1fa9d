"""``Solarization``: invert the pixels above a random threshold during training."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers._preprocessing._base_random import BaseRandomImageLayer, _is_number, uniform
from kerax.layers._preprocessing._image_utils import check_value_range, compiled, transform_value_range


def _check_unit_factor(factor: Any, arg: str, who: str) -> tuple:
    """A number ``f`` in [0, 1] -> ``(0, f)``; a pair of numbers in [0, 1] -> sorted."""
    message = f"{who}: `{arg}` must be a number or a pair of numbers in [0, 1], received {arg}={factor!r}."
    if isinstance(factor, list | tuple):
        if len(factor) != 2 or not all(_is_number(v) and 0 <= v <= 1 for v in factor):
            raise ValueError(message)
        lower, upper = sorted(factor)
        return lower, upper
    if not _is_number(factor) or not 0 <= factor <= 1:
        raise ValueError(message)
    return 0, factor


class Solarization(BaseRandomImageLayer):
    """In training, add a random amount to each image, then invert (``255 - x``) the values at or above a
    random threshold (on the 0-255 scale).

    Per image, the addition is drawn from ``[lower, upper * 255]`` of ``addition_factor`` and the
    threshold from ``[lower, upper * 255]`` of ``threshold_factor`` (as in Keras, only the upper bound is
    scaled by 255). With both factors 0 (the defaults) every value is inverted.

    Args:
        addition_factor: a number ``f`` in [0, 1] (range ``[0, f]``) or a pair within [0, 1] (default 0).
        threshold_factor: the same for the threshold (default 0).
        value_range: the ``(min, max)`` range of the pixel values (default ``(0, 255)``).
        seed: an int, for a repeatable sequence of draws in eager calls, or ``None`` (default).
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``, and ``data_format`` (``"channels_last"``
            or ``None``).

    Raises:
        ValueError: for factors outside [0, 1] or a malformed ``value_range``.

    Input shape:
        ``(batch, H, W, C)`` or ``(H, W, C)``.

    Output shape:
        The same shape, in the layer's dtype.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.Solarization()(np.zeros((1, 2, 2, 3)))[0, 0, 0]
        Array([255., 255., 255.], dtype=float32)
    """

    def __init__(
        self,
        addition_factor: float | tuple[float, float] = 0.0,
        threshold_factor: float | tuple[float, float] = 0.0,
        value_range: tuple[float, float] = (0, 255),
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, **kwargs)
        self.addition_factor = _check_unit_factor(addition_factor, "addition_factor", self._who)
        self.threshold_factor = _check_unit_factor(threshold_factor, "threshold_factor", self._who)
        self.value_range = check_value_range(value_range, self._who)

    @compiled
    def augment(self, images: jax.Array, key: jax.Array) -> jax.Array:
        shape = (images.shape[0], 1, 1, 1)
        add_key, threshold_key = jax.random.split(key)
        additions = uniform(add_key, shape, self.addition_factor[0], self.addition_factor[1] * 255)
        thresholds = uniform(threshold_key, shape, self.threshold_factor[0], self.threshold_factor[1] * 255)
        scaled = transform_value_range(images, self.value_range, (0, 255))
        out = jnp.clip(scaled + additions.astype(images.dtype), 0, 255)
        out = jnp.where(out < thresholds.astype(images.dtype), out, 255 - out)
        return transform_value_range(out, (0, 255), self.value_range).astype(images.dtype)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "value_range": self.value_range,
            "addition_factor": self.addition_factor,
            "threshold_factor": self.threshold_factor,
            "seed": self.seed,
        }
