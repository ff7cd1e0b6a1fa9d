"""``UpSampling3D``: enlarge volumes by repeating elements along each spatial axis."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers import _conv_utils as cu
from kerax.layers._input_spec import InputSpec
from kerax.layers._layer import Layer


class UpSampling3D(Layer):
    """Repeat each element ``size[i]`` times along spatial axis ``i``.

    Args:

        size: an int or a tuple of 3 positive ints (default ``(2, 2, 2)``).
        data_format: ``"channels_last"`` or ``"channels_first"``, or ``None`` (default) for
            ``kerax.config.image_data_format()``.
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Input shape:
        ``(batch, dim1, dim2, dim3, channels)``, or channels first ``(batch, channels, dim1, dim2, dim3)``.

    Output shape:
        ``(batch, dim1 * size[0], dim2 * size[1], dim3 * size[2], channels)``, or channels first likewise.

    Example:
        >>> import numpy as np
        >>> import kerax

        >>> kerax.layers.UpSampling3D(2)(np.ones((1, 2, 3, 4, 5))).shape
        (1, 4, 6, 8, 5)
    """

    def __init__(
        self, size: int | tuple[int, int, int] = (2, 2, 2), data_format: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        who = f"UpSampling3D '{self.name}'"
        self.data_format = cu.normalize_data_format(data_format, who)
        self.size = cu.normalize_tuple(size, 3, "size", who)
        self.input_spec = InputSpec(ndim=5)

    def call(self, inputs: jax.Array) -> jax.Array:
        for axis, factor in zip(cu.spatial_axes(3, self.data_format), self.size, strict=True):
            inputs = jnp.repeat(inputs, factor, axis=axis)
        return inputs

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "size": self.size, "data_format": self.data_format}
