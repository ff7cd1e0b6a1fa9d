"""``Concatenate``: join a list of inputs along one axis."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers._merging._base_merge import Merge


class Concatenate(Merge):
    """Concatenate a list of inputs along ``axis``; every other dimension must match.

    Args:
        axis: the concatenation axis (default -1, the features/channels axis).
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Input shape:
        A list of inputs ``[(batch, ..., d1), (batch, ..., d2), ...]`` (for ``axis=-1``).

    Output shape:
        ``(batch, ..., d1 + d2 + ...)`` (for ``axis=-1``).

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.Concatenate()([np.ones((2, 3)), np.ones((2, 5))]).shape
        (2, 8)
        >>> kerax.layers.Concatenate(axis=1)([np.ones((2, 3, 4)), np.ones((2, 1, 4))]).shape
        (2, 4, 4)
    """

    def __init__(self, axis: int = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(axis, bool) or not isinstance(axis, int):
            raise ValueError(f"Concatenate layer '{self.name}': `axis` must be an integer, received {axis!r}.")
        self.axis = axis

    def _validate(self, input_shape: Any) -> None:
        shapes = self._check_shapes(input_shape)
        ranks = {len(s) for s in shapes}
        if len(ranks) > 1:
            raise ValueError(f"{self._describe()} requires inputs of the same rank, but received shapes {shapes}.")
        (rank,) = ranks
        if not -rank <= self.axis < rank:
            raise ValueError(
                f"{self._describe()}: the concatenation axis {self.axis} is out of bounds for inputs of rank "
                f"{rank}, received shapes {shapes}."
            )
        axis = self.axis % rank
        for i in range(rank):
            known = {s[i] for s in shapes if s[i] is not None}
            if i != axis and len(known) > 1:
                raise ValueError(
                    f"{self._describe()} requires inputs with matching shapes except for the concatenation "
                    f"axis {self.axis}, but received shapes {shapes}."
                )

    def call(self, inputs: Any) -> jax.Array:
        self._validate(self._shapes_of(inputs))
        return jnp.concatenate(list(inputs), axis=self.axis)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        """Per position, whether any input is unmasked: unmasked inputs count as all ``True``.

        Each input's mask is widened to the input's shape, the masks are concatenated along ``axis``, and
        the last axis is reduced with ``any``.
        """
        if mask is None:
            return None
        self._check_masks(inputs, mask)
        if all(m is None for m in mask):
            return None
        full = []
        for x, m in zip(inputs, mask, strict=True):
            if m is None:
                full.append(jnp.ones(x.shape, bool))
                continue
            m = jnp.asarray(m).astype(bool)
            while m.ndim < x.ndim:
                m = jnp.expand_dims(m, -1)
            full.append(jnp.broadcast_to(m, x.shape))
        return jnp.any(jnp.concatenate(full, axis=self.axis), axis=-1)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axis": self.axis}


def concatenate(inputs: Sequence[Any], axis: int = -1, **kwargs: Any) -> Any:
    """Functional form of ``Concatenate``: ``concatenate([x, y], axis=-1)``.

    Args:
        inputs: a list of at least 2 inputs (arrays or symbolic tensors).
        axis: the concatenation axis (default -1).
        **kwargs: ``Concatenate`` keyword arguments such as ``name``.

    Returns:
        The concatenated tensor, symbolic when the inputs are.

    Example:
        >>> import kerax
        >>> x, y = kerax.Input(shape=(3,)), kerax.Input(shape=(5,))
        >>> kerax.layers.concatenate([x, y]).shape
        (None, 8)
    """
    return Concatenate(axis=axis, **kwargs)(inputs)
