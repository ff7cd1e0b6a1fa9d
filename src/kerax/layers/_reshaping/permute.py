"""``Permute``: reorder the non-batch axes."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers._input_spec import InputSpec
from kerax.layers._layer import Layer


class Permute(Layer):
    """Permute the axes of each sample (the batch axis stays first).

    Args:

        dims: a permutation of ``1, ..., rank - 1`` (1-based: axis 0 is the batch); output axis ``i``
            is input axis ``dims[i - 1]``.
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Input shape:
        ``(batch, d1, ..., dn)``.

    Output shape:
        ``(batch, d[dims[0]], ..., d[dims[n - 1]])``.

    Example:
        >>> import numpy as np
        >>> import kerax

        >>> kerax.layers.Permute((2, 1))(np.ones((4, 10, 64))).shape
        (4, 64, 10)
    """

    def __init__(self, dims: Sequence[int], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        who = f"Permute '{self.name}'"
        valid = (
            isinstance(dims, Sequence)
            and not isinstance(dims, str)
            and all(isinstance(d, numbers.Integral) and not isinstance(d, bool) for d in dims)
            and sorted(dims) == list(range(1, len(dims) + 1))
        )
        if not valid:
            raise ValueError(
                f"{who}: `dims` must be a permutation of the consecutive axes 1, ..., n (axis 0 is the batch "
                f"and cannot move), received dims={dims!r}."
            )
        self.dims = tuple(int(d) for d in dims)
        self.input_spec = InputSpec(ndim=len(self.dims) + 1)

    def call(self, inputs: jax.Array) -> jax.Array:
        return jnp.transpose(inputs, (0, *self.dims))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "dims": self.dims}
