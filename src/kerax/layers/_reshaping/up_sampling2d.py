"""``UpSampling2D``: enlarge images by integer factors, by repetition or interpolation."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers import _conv_utils as cu
from kerax.layers._input_spec import InputSpec
from kerax.layers._layer import Layer

INTERPOLATIONS = ("nearest", "bilinear", "bicubic", "lanczos3", "lanczos5")


class UpSampling2D(Layer):
    """Scale height and width by ``size``.

    Args:

        size: an int or a tuple ``(height_factor, width_factor)`` of positive ints (default ``(2, 2)``).
        data_format: ``"channels_last"`` or ``"channels_first"``, or ``None`` (default) for
            ``kerax.config.image_data_format()``.
        interpolation: ``"nearest"`` (default: repeat each row and column), or ``"bilinear"``,
            ``"bicubic"``, ``"lanczos3"``, ``"lanczos5"``: resampling as ``jax.image.resize`` does it
            (half-pixel centres, no antialiasing), like Keras on its JAX backend.
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Input shape:
        ``(batch, height, width, channels)``, or channels first ``(batch, channels, height, width)``.

    Output shape:
        ``(batch, height * size[0], width * size[1], channels)``, or channels first likewise.

    Example:
        >>> import numpy as np
        >>> import kerax

        >>> kerax.layers.UpSampling2D((2, 3), interpolation="bilinear")(np.ones((1, 4, 4, 2))).shape
        (1, 8, 12, 2)
    """

    def __init__(
        self,
        size: int | tuple[int, int] = (2, 2),
        data_format: str | None = None,
        interpolation: str = "nearest",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        who = f"UpSampling2D '{self.name}'"
        self.data_format = cu.normalize_data_format(data_format, who)
        self.size = cu.normalize_tuple(size, 2, "size", who)
        if not isinstance(interpolation, str) or interpolation.lower() not in INTERPOLATIONS:
            raise ValueError(
                f"{who}: `interpolation` must be one of {', '.join(repr(i) for i in INTERPOLATIONS)}, "
                f"received {interpolation!r}."
            )
        self.interpolation = interpolation.lower()
        self.input_spec = InputSpec(ndim=4)

    def call(self, inputs: jax.Array) -> jax.Array:
        h_axis, w_axis = cu.spatial_axes(2, self.data_format)
        if self.interpolation == "nearest":
            out = jnp.repeat(inputs, self.size[0], axis=h_axis)
            return jnp.repeat(out, self.size[1], axis=w_axis)
        shape = list(inputs.shape)
        shape[h_axis] *= self.size[0]
        shape[w_axis] *= self.size[1]
        out = jax.image.resize(inputs, tuple(shape), method=self.interpolation, antialias=False)
        return out.astype(inputs.dtype)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "size": self.size,
            "data_format": self.data_format,
            "interpolation": self.interpolation,
        }
