"""``RandomFlip``: flip images horizontally and/or vertically at random during training."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers._preprocessing._base_random import BaseRandomImageLayer
from kerax.layers._preprocessing._image_utils import check_choice

MODES = ("horizontal", "vertical", "horizontal_and_vertical")


class RandomFlip(BaseRandomImageLayer):
    """In training, flip each image with probability 1/2; otherwise return the images unchanged.

    With ``"horizontal_and_vertical"`` an image picked for flipping is flipped along both axes (one draw
    per image, as in Keras).

    Args:
        mode: ``"horizontal"`` (left-right), ``"vertical"`` (up-down) or ``"horizontal_and_vertical"``.
        seed: an int, for a repeatable sequence of flips in eager calls, or ``None`` (default).
        data_format: ``"channels_last"`` or ``None`` (default: ``kerax.config.image_data_format()``, which
            must then be channels-last); these layers are channels-last only.
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Input shape:
        ``(batch, H, W, C)`` or ``(H, W, C)``.

    Output shape:
        The same shape, in the layer's dtype.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.RandomFlip("horizontal")(np.ones((2, 4, 4, 3)), training=True).shape
        (2, 4, 4, 3)
    """

    def __init__(
        self,
        mode: str = "horizontal_and_vertical",
        seed: int | None = None,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.mode = check_choice(mode, "mode", MODES, self._who)

    def augment(self, images: jax.Array, key: jax.Array) -> jax.Array:
        flips = jax.random.uniform(key, (images.shape[0], 1, 1, 1)) <= 0.5
        out = images
        if self.mode in ("horizontal", "horizontal_and_vertical"):
            out = jnp.where(flips, jnp.flip(out, axis=2), out)
        if self.mode in ("vertical", "horizontal_and_vertical"):
            out = jnp.where(flips, jnp.flip(out, axis=1), out)
        return out

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "seed": self.seed, "mode": self.mode}
