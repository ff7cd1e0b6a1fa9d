"""``AlphaDropout``: dropout that keeps the mean and variance of SELU activations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers._layer import Layer
from kerax.layers._regularization._noise import check_fraction
from kerax.layers._regularization.dropout import Dropout
from kerax.layers._seeded import SeededKeys

_ALPHA = 1.6732632423543772848170429916717
_SCALE = 1.0507009873554804934193349852946


class AlphaDropout(SeededKeys, Layer):
    """In training, set a fraction ``rate`` of the inputs to SELU's negative saturation value, then apply
    the affine map that restores the inputs' mean and variance (for standardised inputs).

    It keeps the self-normalising property of ``selu`` networks, where plain ``Dropout`` would not.
    Outside training the layer is the identity.

    Args:
        rate: the fraction of inputs to drop, in ``[0, 1)``.
        noise_shape: the shape of the keep/drop mask, broadcast against the input, or ``None`` (default)
            for the input's shape; ``None`` entries take the input's size.
        seed: an int for a repeatable sequence of masks in eager calls, or ``None`` (default); inside a
            traced training step the masks come from the step's key.
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Input shape:
        Any shape.

    Output shape:
        The same shape as the input.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> layer = kerax.layers.AlphaDropout(0.1, seed=1)
        >>> layer(np.zeros((2, 3)), training=True).shape
        (2, 3)
        >>> layer(np.zeros((2, 3))).tolist()  # the identity outside training
        [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    """

    supports_masking = True

    def __init__(
        self,
        rate: float,
        noise_shape: Sequence[int | None] | None = None,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        who = f"AlphaDropout '{self.name}'"
        self.rate = check_fraction(rate, "rate", who)
        self._keep_seed(seed)
        self.noise_shape = Dropout._validate_noise_shape(noise_shape, who)

    def call(self, inputs: jax.Array, training: bool | None = None) -> jax.Array:
        if not training or self.rate == 0:
            return inputs
        shape = Dropout._mask_shape(self.noise_shape, inputs, f"AlphaDropout '{self.name}'")
        rate = self.rate
        alpha_p = -_ALPHA * _SCALE
        kept = jax.random.uniform(self._key(), shape) >= rate
        a = ((1 - rate) * (1 + rate * alpha_p**2)) ** -0.5
        b = -a * alpha_p * rate
        dtype = inputs.dtype
        x = jnp.where(kept, inputs, jnp.asarray(alpha_p, dtype))
        return (jnp.asarray(a, dtype) * x + jnp.asarray(b, dtype)).astype(dtype)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "rate": self.rate, "seed": self.seed, "noise_shape": self.noise_shape}
