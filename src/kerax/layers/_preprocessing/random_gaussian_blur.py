"""``RandomGaussianBlur``: blur some images with a Gaussian of random width during training."""

from __future__ import annotations

import numbers
from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers._preprocessing._base_random import BaseRandomImageLayer, uniform
from kerax.layers._preprocessing._image_utils import check_range_factor, check_value_range, compiled, gaussian_blur


def _is_odd(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool) and value > 0 and value % 2 == 1


class RandomGaussianBlur(BaseRandomImageLayer):
    """In training, blur some images with a ``kernel_size`` Gaussian and clip them to ``value_range``.

    Each image draws a probability ``p`` from ``factor`` and is blurred with probability ``p`` (the default
    ``factor=1.0`` blurs half the images on average). One pair of widths ``(sigma_x, sigma_y)``, drawn from
    ``sigma``, serves the whole batch.

    Args:
        factor: a number ``f`` in [0, 1] (range ``[0, f]``) or a pair ``(lower, upper)`` within [0, 1].
        kernel_size: a positive odd integer, or a pair ``(x_size, y_size)`` of them (default 3).
        sigma: the range of the Gaussian's standard deviation: a number ``s`` in [0, 1] (range
            ``[0, s]``) or a pair within [0, 1] (default 1.0).
        value_range: the ``(min, max)`` range of the pixel values (default ``(0, 255)``).
        data_format: ``"channels_last"`` or ``None`` (default: ``kerax.config.image_data_format()``, which
            must then be channels-last); these layers are channels-last only.
        seed: an int, for a repeatable sequence of blurs in eager calls, or ``None`` (default).
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Raises:
        ValueError: for an even or non-integer ``kernel_size``, factors outside [0, 1] or a malformed
            ``value_range``.

    Input shape:
        ``(batch, H, W, C)`` or ``(H, W, C)``.

    Output shape:
        The same shape, in the layer's dtype.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.RandomGaussianBlur()(np.ones((2, 8, 8, 3))).shape
        (2, 8, 8, 3)
    """

    def __init__(
        self,
        factor: float | tuple[float, float] = 1.0,
        kernel_size: int | tuple[int, int] = 3,
        sigma: float | tuple[float, float] = 1.0,
        value_range: tuple[float, float] = (0, 255),
        data_format: str | None = None,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = check_range_factor(factor, "factor", (0, 1), self._who)
        pair = kernel_size if isinstance(kernel_size, list | tuple) else (kernel_size, kernel_size)
        if len(pair) != 2 or not all(_is_odd(v) for v in pair):
            raise ValueError(
                f"{self._who}: `kernel_size` must be a positive odd integer or a pair of them, "
                f"received kernel_size={kernel_size!r}."
            )
        self.kernel_size = tuple(pair)
        self.sigma = check_range_factor(sigma, "sigma", (0, 1), self._who)
        self.value_range = check_value_range(value_range, self._who, sort=False)

    @compiled
    def augment(self, images: jax.Array, key: jax.Array) -> jax.Array:
        batch = images.shape[0]
        p_key, u_key, sigma_key = jax.random.split(key, 3)
        probability = uniform(p_key, (batch,), self.factor[0], self.factor[1])
        chosen = uniform(u_key, (batch,), 0.0, 1.0) < probability
        sigma = uniform(sigma_key, (2,), self.sigma[0], self.sigma[1]) + 1e-6
        blurred = gaussian_blur(images, self.kernel_size, sigma.astype(images.dtype))
        out = jnp.where(chosen[:, None, None, None], blurred, images)
        return jnp.clip(out, self.value_range[0], self.value_range[1]).astype(images.dtype)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "factor": self.factor,
            "kernel_size": self.kernel_size,
            "sigma": self.sigma,
            "value_range": self.value_range,
            "seed": self.seed,
        }
