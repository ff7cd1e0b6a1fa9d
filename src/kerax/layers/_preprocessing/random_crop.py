"""``RandomCrop``: crop a random ``height x width`` window of images during training."""

from __future__ import annotations

from typing import Any

import jax

from kerax.layers._preprocessing._base_random import BaseRandomImageLayer, uniform
from kerax.layers._preprocessing._image_utils import check_image_rank, check_positive_int, compiled, resize


class RandomCrop(BaseRandomImageLayer):
    """In training, crop every image of a batch at one random ``height x width`` window.

    All images of a batch share the window's position. At inference, and in training when the input is
    not larger than the target in both dimensions, the layer instead keeps the largest central window of
    the target's aspect ratio and resizes it (bilinear) to ``height x width``.

    Args:
        height: the output height, a positive integer.
        width: the output width, a positive integer.
        seed: an int, for a repeatable sequence of windows in eager calls, or ``None`` (default).
        data_format: ``"channels_last"`` or ``None`` (default: ``kerax.config.image_data_format()``, which
            must then be channels-last); these layers are channels-last only.
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Raises:
        ValueError: for a non-positive ``height``/``width``, a bad seed or inputs of rank other than 3 or 4.

    Input shape:
        ``(batch, H, W, C)``, or one image ``(H, W, C)``.

    Output shape:
        ``(batch, height, width, C)`` (or ``(height, width, C)``), in the layer's dtype.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.RandomCrop(4, 4)(np.ones((2, 8, 8, 3))).shape
        (2, 4, 4, 3)
    """

    def __init__(
        self, height: int, width: int, seed: int | None = None, data_format: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.height = check_positive_int(height, "height", self._who)
        self.width = check_positive_int(width, "width", self._who)

    def call(self, inputs: jax.Array, training: bool | None = True) -> jax.Array:
        check_image_rank(inputs, self._who)
        images = inputs.astype(self.compute_dtype)
        in_h, in_w = images.shape[-3], images.shape[-2]
        if not isinstance(in_h, int) or not isinstance(in_w, int):
            raise ValueError(
                f"{self._who}: the input's height and width must be known, received inputs of shape "
                f"{tuple(images.shape)}."
            )
        if training and in_h > self.height and in_w > self.width:
            return self._random_window(images, self._key())
        return resize(images, self.height, self.width, "bilinear", crop_to_aspect_ratio=True)

    @compiled
    def _random_window(self, images: jax.Array, key: jax.Array) -> jax.Array:
        in_h, in_w = images.shape[-3], images.shape[-2]
        top_key, left_key = jax.random.split(key)
        top = uniform(top_key, (), 0.0, float(in_h - self.height + 1)).astype("int32")
        left = uniform(left_key, (), 0.0, float(in_w - self.width + 1)).astype("int32")
        starts = [0] * images.ndim
        starts[-3], starts[-2] = top, left
        sizes = list(images.shape)
        sizes[-3], sizes[-2] = self.height, self.width
        return jax.lax.dynamic_slice(images, starts, sizes)

    def augment(self, images: jax.Array, key: jax.Array) -> jax.Array:
        if images.shape[1] > self.height and images.shape[2] > self.width:
            return self._random_window(images, key)
        return resize(images, self.height, self.width, "bilinear", crop_to_aspect_ratio=True)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "height": self.height, "width": self.width, "seed": self.seed}
