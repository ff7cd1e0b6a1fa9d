"""``Add``: the element-wise sum of a list of inputs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jax

from kerax.layers._merging._base_merge import Merge


class Add(Merge):
    """Add a list of inputs element-wise.

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
        >>> kerax.layers.Add()([x, y])
        Array([[6., 6., 6.],
               [6., 6., 6.]], dtype=float32)
    """

    def _merge_function(self, inputs: list[jax.Array]) -> jax.Array:
        return sum(inputs[1:], start=inputs[0])


def add(inputs: Sequence[Any], **kwargs: Any) -> Any:
    """Functional form of ``Add``: ``add([x, y])`` is ``Add()([x, y])``.

    Args:
        inputs: a list of at least 2 inputs (arrays or symbolic tensors).
        **kwargs: ``Add`` keyword arguments such as ``name``.

    Returns:
        The merged tensor, symbolic when the inputs are.

    Example:
        >>> import kerax
        >>> x, y = kerax.Input(shape=(3,)), kerax.Input(shape=(3,))
        >>> kerax.layers.add([x, y]).shape
        (None, 3)
    """
    return Add(**kwargs)(inputs)
