"""``RandomShear``: shear images along x and y by random amounts during training."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers._preprocessing._base_random import AffineImageLayer, _is_number, uniform
from kerax.layers._preprocessing._image_utils import (
    compiled,
)


def check_shear_factor(factor: Any, arg: str, who: str) -> tuple:
    """A number ``f`` in [0, 1] -> ``(-f, f)``; a pair of numbers in [-1, 1] -> sorted.

    Keras allows pairs within [0, 1] only, which its own configs (``(-f, f)``) break; kerax reads them back.
    """
    message = f"{who}: `{arg}` must be a number in [0, 1] or a pair of numbers in [-1, 1], received {arg}={factor!r}."
    if isinstance(factor, list | tuple):
        if len(factor) != 2 or not all(_is_number(v) and -1 <= v <= 1 for v in factor):
            raise ValueError(message)
        lower, upper = sorted(factor)
        return lower, upper
    if not _is_number(factor) or not 0 <= factor <= 1:
        raise ValueError(message)
    return -abs(factor), abs(factor)


class RandomShear(AffineImageLayer):
    """In training, shear each image: the output pixel ``(x, y)`` samples ``(x + sx * y, sy * x + y)``.

    ``sx`` and ``sy`` are drawn per image from ``x_factor`` and ``y_factor``; one random sign per image
    flips both.

    Args:
        x_factor: a number ``f`` in [0, 1] (range ``[-f, f]``) or a pair ``(lower, upper)`` within
            [-1, 1]; 0 (default) leaves x alone.
        y_factor: the same for y.
        interpolation: ``"bilinear"`` (default) or ``"nearest"``.
        fill_mode: how points outside the image are filled: ``"reflect"`` (default), ``"wrap"``,
            ``"constant"`` (``fill_value``) or ``"nearest"``.
        fill_value: the value of outside points with ``fill_mode="constant"``.
        data_format: ``"channels_last"`` or ``None`` (default: ``kerax.config.image_data_format()``, which
            must then be channels-last); these layers are channels-last only.
        seed: an int, for a repeatable sequence of shears in eager calls, or ``None`` (default).
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
        >>> kerax.layers.RandomShear(0.2, 0.2)(np.ones((2, 8, 8, 3))).shape
        (2, 8, 8, 3)
    """

    def __init__(
        self,
        x_factor: float | tuple[float, float] = 0.0,
        y_factor: float | tuple[float, float] = 0.0,
        interpolation: str = "bilinear",
        fill_mode: str = "reflect",
        fill_value: float = 0.0,
        data_format: str | None = None,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.x_factor = check_shear_factor(x_factor, "x_factor", self._who)
        self.y_factor = check_shear_factor(y_factor, "y_factor", self._who)
        self._set_fill(fill_mode, interpolation, fill_value)

    @compiled
    def augment(self, images: jax.Array, key: jax.Array) -> jax.Array:
        batch = images.shape[0]
        sign_key, y_key, x_key = jax.random.split(key, 3)
        sign = jnp.where(uniform(sign_key, (batch,), 0.0, 1.0) > 0.5, -1.0, 1.0)
        shear_y = uniform(y_key, (batch,), self.y_factor[0], self.y_factor[1]) * sign
        shear_x = uniform(x_key, (batch,), self.x_factor[0], self.x_factor[1]) * sign
        one, zero = jnp.ones_like(shear_x), jnp.zeros_like(shear_x)
        transform = jnp.stack([one, shear_x, zero, shear_y, one, zero, zero, zero], axis=-1)
        return self._apply_affine(images, transform)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "x_factor": self.x_factor,
            "y_factor": self.y_factor,
        }
