"""``Dropout``: randomly zero a fraction of the inputs during training."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers._layer import Layer
from kerax.layers._seeded import SeededKeys


class Dropout(SeededKeys, Layer):
    """Set each input to 0 with probability ``rate`` during training, scaling the rest by ``1 / (1 - rate)``.

    Outside training (``training`` falsy, the default) the layer is the identity.

    Args:
        rate: the fraction of inputs to drop, in ``[0, 1)``.
        noise_shape: the shape of the keep/drop mask, broadcast against the input, or ``None`` (default)
            for the input's shape; ``None`` entries take the input's size (``(None, 1, None)`` drops the same
            features at every timestep).
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
        >>> layer = kerax.layers.Dropout(0.5, seed=1)
        >>> outputs = layer(np.ones((2, 4)), training=True)
        >>> set(np.asarray(outputs).ravel().tolist()) <= {0.0, 2.0}  # dropped, or scaled by 1 / (1 - rate)
        True
        >>> layer(np.ones((1, 4))).tolist()  # the identity outside training
        [[1.0, 1.0, 1.0, 1.0]]
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
        who = f"Dropout '{self.name}'"
        if isinstance(rate, bool) or not isinstance(rate, numbers.Real) or not 0 <= rate < 1:
            raise ValueError(f"{who}: `rate` must be a float in [0, 1), received rate={rate!r}.")
        self._keep_seed(seed)
        self.rate = float(rate)
        self.noise_shape = self._validate_noise_shape(noise_shape, who)

    @staticmethod
    def _validate_noise_shape(noise_shape: Any, who: str) -> tuple[int | None, ...] | None:
        if noise_shape is None:
            return None
        if isinstance(noise_shape, str) or not isinstance(noise_shape, Sequence):
            raise ValueError(f"{who}: `noise_shape` must be a tuple of ints or None, received {noise_shape!r}.")
        shape = tuple(noise_shape)
        for dim in shape:
            if dim is not None and (not isinstance(dim, int) or isinstance(dim, bool) or dim <= 0):
                raise ValueError(
                    f"{who}: every entry of `noise_shape` must be a positive int or None, received {noise_shape!r}."
                )
        return shape

    @staticmethod
    def _mask_shape(noise_shape: tuple[int | None, ...] | None, inputs: jax.Array, who: str) -> tuple[int, ...]:
        """The shape of the mask: the input's, or ``noise_shape`` with its ``None`` entries taken from the input."""
        if noise_shape is None:
            return tuple(inputs.shape)
        if len(noise_shape) != inputs.ndim:
            raise ValueError(
                f"{who}: `noise_shape` {noise_shape} must have one entry per input dimension, but the input has "
                f"shape {tuple(inputs.shape)}."
            )
        return tuple(n if d is None else d for d, n in zip(noise_shape, inputs.shape, strict=True))

    def call(self, inputs: jax.Array, training: bool | None = None) -> jax.Array:
        if not training or self.rate == 0:
            return inputs
        shape = self._mask_shape(self.noise_shape, inputs, f"Dropout '{self.name}'")
        keep = 1.0 - self.rate
        mask = jnp.broadcast_to(jax.random.bernoulli(self._key(), keep, shape), inputs.shape)
        return jnp.where(mask, inputs / jnp.asarray(keep, inputs.dtype), jnp.zeros_like(inputs))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "rate": self.rate, "seed": self.seed, "noise_shape": self.noise_shape}
