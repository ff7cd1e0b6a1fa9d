"""``Masking``: mark the time steps whose features all equal ``mask_value`` as padding."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers._layer import Layer


class Masking(Layer):
    """Mask every step whose features all equal ``mask_value``; those steps output zeros.

    The mask (``True`` = a real step) reaches the layers after it that consume masks (``LSTM``,
    ``GlobalAveragePooling1D``, ``MultiHeadAttention``...).

    Args:
        mask_value: the padding value (default ``0.0``).
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Input shape:
        ``(batch, steps, features)``.

    Output shape:
        The same as the input; the mask is ``(batch, steps)``.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> layer = kerax.layers.Masking(mask_value=-1.0)
        >>> inputs = np.array([[[1.0, 2.0], [-1.0, -1.0]]])
        >>> layer(inputs).tolist()
        [[[1.0, 2.0], [0.0, 0.0]]]
        >>> layer.compute_mask(inputs)
        Array([[ True, False]], dtype=bool)
    """

    supports_masking = True

    def __init__(self, mask_value: float = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(mask_value, bool) or not isinstance(mask_value, int | float):
            raise ValueError(f"Masking '{self.name}': `mask_value` must be a number, received {mask_value!r}.")
        self.mask_value = mask_value
        self.built = True

    def compute_mask(self, inputs: Any, mask: Any = None) -> jax.Array:
        """``True`` where some feature of the step differs from ``mask_value``."""
        return jnp.any(jnp.not_equal(inputs, self.mask_value), axis=-1)

    def call(self, inputs: jax.Array) -> jax.Array:
        keep = jnp.any(jnp.not_equal(inputs, self.mask_value), axis=-1, keepdims=True)
        return jnp.where(keep, inputs, jnp.zeros((), inputs.dtype))

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "mask_value": self.mask_value}
