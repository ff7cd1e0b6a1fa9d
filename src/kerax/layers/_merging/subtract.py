"""``Subtract``: the element-wise difference of exactly two inputs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jax

from kerax.layers._merging._base_merge import Merge


class Subtract(Merge):
    """Subtract the second input from the first, element-wise.

    Inputs must have the same batch size; other dimensions broadcast (see ``Merge``).
    It takes exactly two inputs.

    Shapes:
        A list of inputs ``[(batch, ...), ...]`` -> their broadcast shape.

    Example:
        >>> Subtract()([jnp.full((2, 3), 4.0), jnp.full((2, 3), 2.0)])[0, 0]
        Array(2., dtype=float32)
    """

    _max_inputs = 2

    def _merge_function(self, inputs: list[jax.Array]) -> jax.Array:
        return inputs[0] - inputs[1]


def subtract(inputs: Sequence[Any], **kwargs: Any) -> Any:
    """Functional form of ``Subtract``: ``subtract([x, y])`` is ``Subtract()([x, y])``.

    Args:
        inputs: a list of inputs (arrays or symbolic tensors).
        **kwargs: layer arguments such as ``name``.
    """
    return Subtract(**kwargs)(inputs)
