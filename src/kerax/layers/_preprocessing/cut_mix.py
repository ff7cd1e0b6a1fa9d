"""``CutMix``: paste a random box of another image of the batch into each image, during training."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers._preprocessing._base_random import BaseRandomImageLayer, uniform
from kerax.layers._preprocessing._image_utils import check_image_rank, check_range_factor, compiled
from kerax.layers._preprocessing.mix_up import check_labels, mix_labels, split_images_and_labels


class CutMix(BaseRandomImageLayer):
    """In training, replace a random box of each image by the same box of another image of the batch.

    A concentration ``a`` is drawn per call from ``factor`` (plus 1e-6) and a weight ``w`` per image from
    Beta(``a``, ``a``); the box's sides are ``sqrt(1 - w)`` of the image's, at a random place, and the
    partners are a random permutation of the batch. With ``{"images": x, "labels": y}`` the labels are
    mixed by the kept area, ``w' * y + (1 - w') * y[partner]``. A single unbatched image is returned
    unchanged.

    Args:
        factor: a number ``f`` in [0, 1] (range ``[0, f]``) or a pair within [0, 1] (default 1.0).
        seed: an int, for a repeatable sequence of boxes in eager calls, or ``None`` (default).
        data_format: ``"channels_last"`` or ``None`` (default: ``kerax.config.image_data_format()``, which
            must then be channels-last); these layers are channels-last only.
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Raises:
        ValueError: for a factor outside [0, 1], or dict inputs with keys other than images and labels.

    Input shape:
        ``(batch, H, W, C)`` or ``(H, W, C)``.

    Output shape:
        The same shape, in the layer's dtype.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.CutMix()(np.ones((2, 8, 8, 3))).shape
        (2, 8, 8, 3)
    """

    def __init__(
        self,
        factor: float | tuple[float, float] = 1.0,
        seed: int | None = None,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = check_range_factor(factor, "factor", (0, 1), self._who)

    def _draw(self, images: jax.Array, key: jax.Array) -> tuple[jax.Array, jax.Array, jax.Array]:
        batch, height, width = images.shape[:3]
        alpha_key, weight_key, x_key, y_key, permutation_key = jax.random.split(key, 5)
        alpha = uniform(alpha_key, (), self.factor[0], self.factor[1]) + 1e-6
        ratio = jnp.sqrt(1.0 - jax.random.beta(weight_key, alpha, alpha, (batch,)))

        def bounds(k: jax.Array, length: int) -> tuple[jax.Array, jax.Array]:
            size = ratio * length
            start = uniform(k, (batch,), 0.0, 1.0) * (length - size)
            return start, start + size

        x0, x1 = bounds(x_key, width)
        y0, y1 = bounds(y_key, height)
        grid_y, grid_x = jnp.meshgrid(
            jnp.arange(height, dtype=jnp.float32), jnp.arange(width, dtype=jnp.float32), indexing="ij"
        )
        inside = (
            (grid_x[None] >= x0[:, None, None])
            & (grid_x[None] < x1[:, None, None])
            & (grid_y[None] >= y0[:, None, None])
            & (grid_y[None] < y1[:, None, None])
        )
        kept = 1.0 - (x1 - x0) * (y1 - y0) / (width * height)
        return inside[..., None], jax.random.permutation(permutation_key, batch), kept

    @compiled
    def augment(self, images: jax.Array, key: jax.Array) -> jax.Array:
        mask, permutation, _ = self._draw(images, key)
        return jnp.where(mask, images[permutation], images)

    def call(self, inputs: Any, training: bool | None = True) -> Any:
        images, labels = split_images_and_labels(inputs, self._who)
        check_image_rank(images, self._who)
        images = images.astype(self.compute_dtype)
        if not training or images.ndim == 3:
            return images if labels is None else {"images": images, "labels": labels}
        if labels is None:
            return self.augment(images, self._key())
        check_labels(labels, images.shape[0], self._who)
        return self._mix_with_labels(images, jnp.asarray(labels), self._key())

    @compiled
    def _mix_with_labels(self, images: jax.Array, labels: jax.Array, key: jax.Array) -> dict[str, jax.Array]:
        mask, permutation, kept = self._draw(images, key)
        mixed = jnp.where(mask, images[permutation], images)
        return {"images": mixed, "labels": mix_labels(labels, permutation, kept)}

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "factor": self.factor, "seed": self.seed}
