"""``Multiply``: the element-wise product of a list of inputs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers._merging._base_merge import Merge


class Multiply(Merge):
    """Multiply a list of inputs element-wise.

    Inputs must have the same batch size; other dimensions broadcast (see ``Merge``).

    Shapes:
        A list of inputs ``[(batch, ...), ...]`` -> their broadcast shape.

    Example:
        >>> Multiply()([jnp.full((2, 3), 4.0), jnp.full((2, 3), 2.0)])[0, 0]
        Array(8., dtype=float32)
    """

    def _merge_function(self, inputs: list[jax.Array]) -> jax.Array:
        out = inputs[0]
        for x in inputs[1:]:
            out = out * x
        return out

    def _merge_masked(self, inputs: list[jax.Array], masks: list[jax.Array | None]) -> jax.Array:
        # Masked positions count as 1 in the product; with every input masked, positions masked in all
        # of them output 0.
        output = None
        for x, m in zip(inputs, masks, strict=True):
            if m is not None:
                x = jnp.where(m, x, jnp.ones((), x.dtype))
            output = x if output is None else output * x
        if all(m is not None for m in masks):
            union = masks[0]
            for m in masks[1:]:
                union = union | m
            output = jnp.where(union, output, jnp.zeros((), output.dtype))
        return output


def multiply(inputs: Sequence[Any], **kwargs: Any) -> Any:
    """Functional form of ``Multiply``: ``multiply([x, y])`` is ``Multiply()([x, y])``.

    Args:
        inputs: a list of inputs (arrays or symbolic tensors).
        **kwargs: layer arguments such as ``name``.
    """
    return Multiply(**kwargs)(inputs)
