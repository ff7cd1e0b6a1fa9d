"""``BaseGlobalPooling``: a reduction over every spatial axis, shared by the ``Global*Pooling*D`` layers."""

from __future__ import annotations

from typing import Any

import jax

from kerax.layers import _conv_utils as cu
from kerax.layers._input_spec import InputSpec
from kerax.layers._layer import Layer


class BaseGlobalPooling(Layer):
    """Reduce all ``pool_dimensions`` spatial axes with ``_reduce`` (``jnp.mean``, ``jnp.max``).

    Args:
        pool_dimensions: the number of spatial dimensions.
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.
        keepdims: keep the spatial axes with size 1.
    """

    _reduce: Any = None

    def __init__(
        self, pool_dimensions: int, data_format: str | None = None, keepdims: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        who = f"{type(self).__name__} '{self.name}'"
        self.data_format = cu.normalize_data_format(data_format, who)
        self.keepdims = bool(keepdims)
        self._pool_dimensions = pool_dimensions
        self.input_spec = InputSpec(ndim=pool_dimensions + 2)

    def call(self, inputs: jax.Array) -> jax.Array:
        axes = cu.spatial_axes(self._pool_dimensions, self.data_format)
        return self._reduce(inputs, axis=axes, keepdims=self.keepdims)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "data_format": self.data_format, "keepdims": self.keepdims}
