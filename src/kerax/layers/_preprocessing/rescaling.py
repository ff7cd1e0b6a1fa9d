"""``Rescaling``: multiply by ``scale`` and add ``offset`` (for instance ``[0, 255]`` pixels to ``[0, 1]``)."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers._layer import Layer
from kerax.layers._preprocessing._image_utils import to_list


class Rescaling(Layer):
    """Compute ``inputs * scale + offset`` in the layer's dtype, in training and at inference alike.

    Args:
        scale: a number, or an array broadcast against the inputs (per-channel scales, for instance).
        offset: a number or an array, added after scaling (default 0).
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Input shape:
        Any shape.

    Output shape:
        The same shape. Integer inputs (``uint8`` images) come out as floats.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.Rescaling(1 / 127.5, offset=-1)(np.array([0, 255], "uint8"))
        Array([-1.,  1.], dtype=float32)
    """

    supports_masking = True

    def __init__(self, scale: Any, offset: Any = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        for arg, value in (("scale", scale), ("offset", offset)):
            try:
                jnp.asarray(value, jnp.float32)
            except (TypeError, ValueError) as error:
                raise ValueError(
                    f"Rescaling '{self.name}': `{arg}` must be a number or an array of numbers, received {value!r}."
                ) from error
        self.scale = to_list(scale)
        self.offset = to_list(offset)

    def call(self, inputs: jax.Array) -> jax.Array:
        dtype = self.compute_dtype
        scale = jnp.asarray(self.scale, dtype)
        offset = jnp.asarray(self.offset, dtype)
        return inputs.astype(dtype) * scale + offset

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "scale": self.scale, "offset": self.offset}
