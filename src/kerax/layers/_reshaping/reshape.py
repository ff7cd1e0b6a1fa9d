"""``Reshape``: give each sample a new shape."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers._layer import Layer


class Reshape(Layer):
    """Reshape each sample to ``target_shape`` (the batch axis is kept).

    Args:

        target_shape: the new shape of one sample, without the batch size; one entry may be ``-1``, which
            takes whatever size makes the number of values match.
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Input shape:
        ``(batch, *input_dims)``.

    Output shape:
        ``(batch, *target_shape)``, with the same number of values per sample.

    Example:
        >>> import numpy as np
        >>> import kerax

        >>> kerax.layers.Reshape((2, -1))(np.ones((4, 3, 2))).shape
        (4, 2, 3)
        >>> kerax.layers.Reshape((6,))(kerax.Input(shape=(3, 2))).shape
        (None, 6)
    """

    def __init__(self, target_shape: Sequence[int], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        who = f"Reshape '{self.name}'"
        if isinstance(target_shape, int) and not isinstance(target_shape, bool):
            target_shape = (target_shape,)
        if isinstance(target_shape, str) or not isinstance(target_shape, Sequence):
            raise ValueError(f"{who}: `target_shape` must be a tuple of integers, received {target_shape!r}.")
        target = tuple(target_shape)
        if not all(isinstance(d, int) and not isinstance(d, bool) and (d > 0 or d == -1) for d in target):
            raise ValueError(
                f"{who}: every entry of `target_shape` must be a positive integer or -1, received {target!r}."
            )
        if target.count(-1) > 1:
            raise ValueError(f"{who}: `target_shape` can contain at most one -1, received {target!r}.")
        self.target_shape = target

    def _resolve(self, sample_shape: tuple[int, ...]) -> tuple[int, ...]:
        size = math.prod(sample_shape)
        known = math.prod(d for d in self.target_shape if d != -1)
        if -1 in self.target_shape:
            if known == 0 or size % known:
                self._mismatch(sample_shape, size)
            return tuple(size // known if d == -1 else d for d in self.target_shape)
        if known != size:
            self._mismatch(sample_shape, size)
        return self.target_shape

    def _mismatch(self, sample_shape: tuple[int, ...], size: int) -> None:
        raise ValueError(
            f"Reshape '{self.name}': cannot reshape samples of shape {sample_shape} ({size} values) into "
            f"target_shape {self.target_shape} ({math.prod(d for d in self.target_shape if d != -1)} values"
            f"{' times the -1 entry' if -1 in self.target_shape else ''}). The number of values must match."
        )

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        sample = tuple(input_shape[1:])
        if None not in sample:
            self._resolve(sample)

    def call(self, inputs: jax.Array) -> jax.Array:
        return jnp.reshape(inputs, (inputs.shape[0], *self._resolve(tuple(inputs.shape[1:]))))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "target_shape": self.target_shape}
