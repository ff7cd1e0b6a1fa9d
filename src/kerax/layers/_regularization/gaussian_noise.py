"""``GaussianNoise``: add zero-mean normal noise during training."""

from __future__ import annotations

from typing import Any

import jax

from kerax.layers._layer import Layer
from kerax.layers._regularization._noise import SeededNoiseMixin, check_fraction, check_seed


class GaussianNoise(SeededNoiseMixin, Layer):
    """Add normal noise of standard deviation ``stddev`` to the inputs, in training only.

    Args:
        stddev: the noise's standard deviation, in ``[0, 1]`` (as Keras requires).
        seed: an int for a repeatable sequence of noise in eager calls; inside a traced training step
            the noise comes from the step's key.

    Shapes:
        Any shape -> the same shape.

    Example:
        >>> GaussianNoise(0.1)(jnp.zeros((2, 3)), training=True).shape
        (2, 3)
    """

    supports_masking = True

    def __init__(self, stddev: float, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        who = f"GaussianNoise '{self.name}'"
        self.stddev = check_fraction(stddev, "stddev", who, upper_inclusive=True)
        check_seed(seed, who)
        self.seed = seed
        self._draws = 0

    def call(self, inputs: jax.Array, training: bool | None = None) -> jax.Array:
        if not training or self.stddev == 0:
            return inputs
        noise = jax.random.normal(self._key(), inputs.shape, inputs.dtype)
        return inputs + self.stddev * noise

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}
