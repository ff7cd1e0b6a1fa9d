"""``Maximum``: the element-wise maximum of a list of inputs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers._merging._base_merge import Merge


class Maximum(Merge):
    """The element-wise maximum of a list of inputs.

    Inputs must have the same batch size; other dimensions broadcast (see ``Merge``).

    Shapes:
        A list of inputs ``[(batch, ...), ...]`` -> their broadcast shape.

    Example:
        >>> Maximum()([jnp.full((2, 3), 4.0), jnp.full((2, 3), 2.0)])[0, 0]
        Array(4., dtype=float32)
    """

    def _merge_function(self, inputs: list[jax.Array]) -> jax.Array:
        out = inputs[0]
        for x in inputs[1:]:
            out = jnp.maximum(out, x)
        return out

    def _merge_masked(self, inputs: list[jax.Array], masks: list[jax.Array | None]) -> jax.Array:
        return self._fold_with_masks(jnp.maximum, inputs, masks)


def maximum(inputs: Sequence[Any], **kwargs: Any) -> Any:
    """Functional form of ``Maximum``: ``maximum([x, y])`` is ``Maximum()([x, y])``.

    Args:
        inputs: a list of inputs (arrays or symbolic tensors).
        **kwargs: layer arguments such as ``name``.
    """
    return Maximum(**kwargs)(inputs)
