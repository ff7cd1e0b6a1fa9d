"""``Subtract``: the element-wise difference of exactly two inputs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jax

from kerax.layers._merging._base_merge import Merge


class Subtract(Merge):
    """Subtract the second input from the first, element-wise.

    Inputs must have the same batch size; the other dimensions broadcast as in NumPy, right-aligned, after
    size-1 axes are inserted behind the batch axis of the lower-rank inputs. It takes exactly two inputs.

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
        >>> kerax.layers.Subtract()([x, y])
        Array([[2., 2., 2.],
               [2., 2., 2.]], dtype=float32)
    """

    _max_inputs = 2

    def _merge_function(self, inputs: list[jax.Array]) -> jax.Array:
        return inputs[0] - inputs[1]


def subtract(inputs: Sequence[Any], **kwargs: Any) -> Any:
    """Functional form of ``Subtract``: ``subtract([x, y])`` is ``Subtract()([x, y])``.

    Args:
        inputs: a list of 2 inputs (arrays or symbolic tensors).
        **kwargs: ``Subtract`` keyword arguments such as ``name``.

    Returns:
        The merged tensor, symbolic when the inputs are.

    Example:
        >>> import kerax
        >>> x, y = kerax.Input(shape=(3,)), kerax.Input(shape=(3,))
        >>> kerax.layers.subtract([x, y]).shape
        (None, 3)
    """
    return Subtract(**kwargs)(inputs)
