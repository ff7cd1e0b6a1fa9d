"""``GaussianDropout``: multiply by mean-one normal noise during training."""

from __future__ import annotations

import math
from typing import Any

import jax

from kerax.layers._layer import Layer
from kerax.layers._regularization._noise import check_fraction
from kerax.layers._seeded import SeededKeys


class GaussianDropout(SeededKeys, Layer):
    """Multiply the inputs by normal noise of mean 1 and variance ``rate / (1 - rate)``, in training only.

    Args:
        rate: the drop probability that the noise imitates, in ``[0, 1)``.
        seed: an int for a repeatable sequence of noise draws in eager calls, or ``None`` (default); inside a
            traced training step the noise draws come from the step's key.
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Input shape:
        Any shape.

    Output shape:
        The same shape as the input.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> layer = kerax.layers.GaussianDropout(0.2, seed=1)
        >>> layer(np.ones((2, 3)), training=True).shape
        (2, 3)
        >>> layer(np.ones((1, 3))).tolist()  # the identity outside training
        [[1.0, 1.0, 1.0]]
    """

    supports_masking = True

    def __init__(self, rate: float, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        who = f"GaussianDropout '{self.name}'"
        self.rate = check_fraction(rate, "rate", who)
        self._keep_seed(seed)

    def call(self, inputs: jax.Array, training: bool | None = None) -> jax.Array:
        if not training or self.rate == 0:
            return inputs
        stddev = math.sqrt(self.rate / (1.0 - self.rate))
        noise = 1.0 + stddev * jax.random.normal(self._key(), inputs.shape, inputs.dtype)
        return inputs * noise

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}
