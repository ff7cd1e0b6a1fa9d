"""``CenterCrop``: keep the central ``height x width`` window of images."""

from __future__ import annotations

from typing import Any

import jax

from kerax.layers._conv_utils import normalize_data_format
from kerax.layers._layer import Layer
from kerax.layers._preprocessing._image_utils import check_image_rank, check_positive_int, resize


class CenterCrop(Layer):
    """Crop the centre ``height x width`` of channels-last images (an odd margin leaves the extra row or
    column at the bottom or right).

    When the image is smaller than the target in either dimension, it is instead cropped to the target's
    aspect ratio and resized (bilinear) to ``height x width``, as Keras does.

    Args:
        height: the output height, a positive int.
        width: the output width, a positive int.
        data_format: ``"channels_last"`` or ``None`` (default: ``kerax.config.image_data_format()``, which
            must then be channels-last); these layers are channels-last only.
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Input shape:
        ``(batch, H, W, C)``, or one image ``(H, W, C)``.

    Output shape:
        ``(batch, height, width, C)`` (or ``(height, width, C)``), in the layer's dtype (floats).

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.CenterCrop(2, 2)(np.ones((1, 4, 4, 3))).shape
        (1, 2, 2, 3)
    """

    def __init__(self, height: int, width: int, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        who = f"CenterCrop '{self.name}'"
        self.height = check_positive_int(height, "height", who)
        self.width = check_positive_int(width, "width", who)
        self.data_format = normalize_data_format(data_format, who, allowed=("channels_last",))

    def call(self, inputs: jax.Array) -> jax.Array:
        check_image_rank(inputs, f"CenterCrop '{self.name}'")
        images = inputs.astype(self.compute_dtype)
        in_h, in_w = images.shape[-3], images.shape[-2]
        h_diff, w_diff = in_h - self.height, in_w - self.width
        if h_diff >= 0 and w_diff >= 0:
            top, left = h_diff // 2, w_diff // 2
            return images[..., top : top + self.height, left : left + self.width, :]
        return resize(images, self.height, self.width, "bilinear", crop_to_aspect_ratio=True)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "height": self.height, "width": self.width, "data_format": self.data_format}
