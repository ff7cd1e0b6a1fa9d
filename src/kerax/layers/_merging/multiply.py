"""``Multiply``: the element-wise product of a list of inputs."""

from __future__ import annotations

import functools
import operator
from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers._merging._base_merge import Merge


class Multiply(Merge):
    """Multiply a list of inputs element-wise.

    Inputs must have the same batch size; the other dimensions broadcast as in NumPy, right-aligned, after
    size-1 axes are inserted behind the batch axis of the lower-rank inputs.

    Args:
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Input shape:
        A list of inputs ``[(batch, ...), (batch, ...), ...]``.

    Output shape:
        The inputs' broadcast shape.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> x, y = np.full((2, 3), 4.0), np.full((2, 3), 2.0)
        >>> kerax.layers.Multiply()([x, y])
        Array([[8., 8., 8.],
               [8., 8., 8.]], dtype=float32)
    """

    def _merge_function(self, inputs: list[jax.Array]) -> jax.Array:
        return functools.reduce(operator.mul, inputs)

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
        inputs: a list of at least 2 inputs (arrays or symbolic tensors).
        **kwargs: ``Multiply`` keyword arguments such as ``name``.

    Returns:
        The merged tensor, symbolic when the inputs are.

    Example:
        >>> import kerax
        >>> x, y = kerax.Input(shape=(3,)), kerax.Input(shape=(3,))
        >>> kerax.layers.multiply([x, y]).shape
        (None, 3)
    """
    return Multiply(**kwargs)(inputs)
