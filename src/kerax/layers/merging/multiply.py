"""``Multiply``: the element-wise product of a list of inputs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jax

from kerax.layers.merging._base_merge import Merge


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


def multiply(inputs: Sequence[Any], **kwargs: Any) -> Any:
    """Functional form of ``Multiply``: ``multiply([x, y])`` is ``Multiply()([x, y])``.

    Args:
        inputs: a list of inputs (arrays or symbolic tensors).
        **kwargs: layer arguments such as ``name``.
    """
    return Multiply(**kwargs)(inputs)
