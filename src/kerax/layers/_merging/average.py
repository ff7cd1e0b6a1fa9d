"""``Average``: the element-wise mean of a list of inputs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jax

from kerax.layers._merging._base_merge import Merge


class Average(Merge):
    """Average a list of inputs element-wise.

    Inputs must have the same batch size; other dimensions broadcast (see ``Merge``).

    Shapes:
        A list of inputs ``[(batch, ...), ...]`` -> their broadcast shape.

    Example:
        >>> Average()([jnp.full((2, 3), 4.0), jnp.full((2, 3), 2.0)])[0, 0]
        Array(3., dtype=float32)
    """

    def _merge_function(self, inputs: list[jax.Array]) -> jax.Array:
        return sum(inputs[1:], start=inputs[0]) / len(inputs)


def average(inputs: Sequence[Any], **kwargs: Any) -> Any:
    """Functional form of ``Average``: ``average([x, y])`` is ``Average()([x, y])``.

    Args:
        inputs: a list of inputs (arrays or symbolic tensors).
        **kwargs: layer arguments such as ``name``.
    """
    return Average(**kwargs)(inputs)
