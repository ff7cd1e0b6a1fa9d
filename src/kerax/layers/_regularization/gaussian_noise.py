"""``GaussianNoise``: add zero-mean normal noise during training."""

from __future__ import annotations

from typing import Any

import jax

from kerax.layers._layer import Layer
from kerax.layers._regularization._noise import check_fraction
from kerax.layers._seeded import SeededKeys


class GaussianNoise(SeededKeys, Layer):
    """Add normal noise of standard deviation ``stddev`` to the inputs, in training only.

    Args:
        stddev: the noise's standard deviation, in ``[0, 1]`` (as Keras requires).
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
        >>> layer = kerax.layers.GaussianNoise(0.1, seed=1)
        >>> layer(np.zeros((2, 3)), training=True).shape
        (2, 3)
        >>> layer(np.zeros((1, 3))).tolist()  # the identity outside training
        [[0.0, 0.0, 0.0]]
    """

    supports_masking = True

    def __init__(self, stddev: float, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        who = f"GaussianNoise '{self.name}'"
        self.stddev = check_fraction(stddev, "stddev", who, upper_inclusive=True)
        self._keep_seed(seed)

    def call(self, inputs: jax.Array, training: bool | None = None) -> jax.Array:
        if not training or self.stddev == 0:
            return inputs
        noise = jax.random.normal(self._key(), inputs.shape, inputs.dtype)
        return inputs + self.stddev * noise

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}
