"""``BaseZeroPadding``: zeros added before and after each spatial axis, shared by ``ZeroPadding{1,2,3}D``."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers import _conv_utils as cu
from kerax.layers._input_spec import InputSpec
from kerax.layers._layer import Layer
from kerax.layers._reshaping._spatial import normalize_pairs


class BaseZeroPadding(Layer):
    """Pad ``rank`` spatial axes with zeros.

    Args:
        padding: the subclass's ``padding`` argument, normalised by ``_normalize`` to one
            ``(before, after)`` pair per spatial axis.
        rank: the number of spatial axes.
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.
    """

    def __init__(self, padding: Any, rank: int, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        who = f"{type(self).__name__} '{self.name}'"
        self._rank = rank
        self._pairs = self._normalize(padding, who)
        self.data_format = cu.normalize_data_format(data_format, who)
        self.input_spec = InputSpec(ndim=rank + 2)

    def _normalize(self, padding: Any, who: str) -> tuple[tuple[int, int], ...]:
        return normalize_pairs(padding, self._rank, "padding", who)

    @property
    def padding(self) -> Any:
        return self._pairs

    def call(self, inputs: jax.Array) -> jax.Array:
        widths = [(0, 0)] * inputs.ndim
        for axis, pair in zip(cu.spatial_axes(self._rank, self.data_format), self._pairs, strict=True):
            widths[axis] = pair
        return jnp.pad(inputs, widths)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "padding": self.padding, "data_format": self.data_format}
