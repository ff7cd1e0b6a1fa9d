"""``Resizing``: resize images to a fixed ``height x width``."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers._conv_utils import normalize_data_format
from kerax.layers._layer import Layer
from kerax.layers._preprocessing._image_utils import (
    RESIZE_INTERPOLATIONS,
    check_choice,
    check_image_rank,
    check_positive_int,
    resize,
    saturate_cast,
)


class Resizing(Layer):
    """Resize channels-last images to ``height x width`` with ``jax.image.resize``, as Keras's JAX backend.

    Args:
        height: the output height, a positive int.
        width: the output width, a positive int.
        interpolation: ``"bilinear"`` (default), ``"nearest"``, ``"bicubic"``, ``"lanczos3"`` or ``"lanczos5"``.
        crop_to_aspect_ratio: first crop the largest centred window of the target's aspect ratio, so the
            image is not distorted.
        pad_to_aspect_ratio: first pad the image (with ``fill_value``) to the target's aspect ratio.
        fill_mode: only ``"constant"``, the padding of ``pad_to_aspect_ratio``.
        fill_value: the padding value.
        antialias: low-pass filter when downsampling. Off by default, as in Keras (``jax.image.resize``
            alone would antialias).
        data_format: ``"channels_last"`` or ``None`` (default: ``kerax.config.image_data_format()``, which
            must then be channels-last); these layers are channels-last only.
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Input shape:
        ``(batch, H, W, C)``, or one image ``(H, W, C)``.

    Output shape:
        ``(batch, height, width, C)`` (or ``(height, width, C)``). Float inputs come out in the layer's dtype;
        integer inputs are rounded back to their own dtype.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.Resizing(2, 3)(np.ones((1, 4, 6, 3))).shape
        (1, 2, 3, 3)
    """

    def __init__(
        self,
        height: int,
        width: int,
        interpolation: str = "bilinear",
        crop_to_aspect_ratio: bool = False,
        pad_to_aspect_ratio: bool = False,
        fill_mode: str = "constant",
        fill_value: float = 0.0,
        antialias: bool = False,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        who = f"Resizing '{self.name}'"
        self.height = check_positive_int(height, "height", who)
        self.width = check_positive_int(width, "width", who)
        self.interpolation = check_choice(interpolation, "interpolation", RESIZE_INTERPOLATIONS, who)
        if crop_to_aspect_ratio and pad_to_aspect_ratio:
            raise ValueError(f"{who}: only one of `crop_to_aspect_ratio` and `pad_to_aspect_ratio` can be True.")
        self.crop_to_aspect_ratio = bool(crop_to_aspect_ratio)
        self.pad_to_aspect_ratio = bool(pad_to_aspect_ratio)
        self.fill_mode = check_choice(fill_mode, "fill_mode", ("constant",), who)
        self.fill_value = fill_value
        self.antialias = bool(antialias)
        self.data_format = normalize_data_format(data_format, who, allowed=("channels_last",))

    def call(self, inputs: jax.Array) -> jax.Array:
        check_image_rank(inputs, f"Resizing '{self.name}'")
        resized = resize(
            inputs,
            self.height,
            self.width,
            self.interpolation,
            antialias=self.antialias,
            crop_to_aspect_ratio=self.crop_to_aspect_ratio,
            pad_to_aspect_ratio=self.pad_to_aspect_ratio,
            fill_value=self.fill_value,
        )
        if resized.dtype == inputs.dtype:
            return resized
        if jnp.issubdtype(inputs.dtype, jnp.integer):
            return saturate_cast(jnp.round(resized), inputs.dtype)
        return resized.astype(inputs.dtype)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "height": self.height,
            "width": self.width,
            "interpolation": self.interpolation,
            "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
            "pad_to_aspect_ratio": self.pad_to_aspect_ratio,
            "fill_mode": self.fill_mode,
            "fill_value": self.fill_value,
            "antialias": self.antialias,
            "data_format": self.data_format,
        }
