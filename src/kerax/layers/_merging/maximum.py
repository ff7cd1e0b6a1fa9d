"""``Maximum``: the element-wise maximum of a list of inputs."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers._merging._base_merge import Merge


class Maximum(Merge):
    """The element-wise maximum of a list of inputs.

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
        >>> kerax.layers.Maximum()([x, y])
        Array([[4., 4., 4.],
               [4., 4., 4.]], dtype=float32)
    """

    def _merge_function(self, inputs: list[jax.Array]) -> jax.Array:
        return functools.reduce(jnp.maximum, inputs)

    def _merge_masked(self, inputs: list[jax.Array], masks: list[jax.Array | None]) -> jax.Array:
        return self._fold_with_masks(jnp.maximum, inputs, masks)


def maximum(inputs: Sequence[Any], **kwargs: Any) -> Any:
    """Functional form of ``Maximum``: ``maximum([x, y])`` is ``Maximum()([x, y])``.

    Args:
        inputs: a list of at least 2 inputs (arrays or symbolic tensors).
        **kwargs: ``Maximum`` keyword arguments such as ``name``.

    Returns:
        The merged tensor, symbolic when the inputs are.

    Example:
        >>> import kerax
        >>> x, y = kerax.Input(shape=(3,)), kerax.Input(shape=(3,))
        >>> kerax.layers.maximum([x, y]).shape
        (None, 3)
    """
    return Maximum(**kwargs)(inputs)
