"""``BaseCropping``: drop elements at both ends of each spatial axis, shared by ``Cropping{1,2,3}D``."""

from __future__ import annotations

from typing import Any

import jax

from kerax.layers import _conv_utils as cu
from kerax.layers._input_spec import InputSpec
from kerax.layers._layer import Layer
from kerax.layers._reshaping._spatial import check_cropping, normalize_pairs


class BaseCropping(Layer):
    """Crop ``rank`` spatial axes.

    Args:
        cropping: the subclass's ``cropping`` argument, normalised by ``_normalize`` to one
            ``(before, after)`` pair per spatial axis.
        rank: the number of spatial axes.
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.
    """

    def __init__(self, cropping: Any, rank: int, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._who = f"{type(self).__name__} '{self.name}'"
        self._rank = rank
        self._pairs = self._normalize(cropping, self._who)
        self.data_format = cu.normalize_data_format(data_format, self._who)
        self.input_spec = InputSpec(ndim=rank + 2)

    def _normalize(self, cropping: Any, who: str) -> tuple[tuple[int, int], ...]:
        return normalize_pairs(cropping, self._rank, "cropping", who)

    @property
    def cropping(self) -> Any:
        return self._pairs

    def _axes(self) -> tuple[int, ...]:
        return cu.spatial_axes(self._rank, self.data_format)

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        if len(input_shape) == self._rank + 2:
            check_cropping(self._who, input_shape, self._axes(), self._pairs)

    def call(self, inputs: jax.Array) -> jax.Array:
        check_cropping(self._who, inputs.shape, self._axes(), self._pairs)
        index = [slice(None)] * inputs.ndim
        for axis, (before, after) in zip(self._axes(), self._pairs, strict=True):
            index[axis] = slice(before, inputs.shape[axis] - after)
        return inputs[tuple(index)]

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "cropping": self.cropping, "data_format": self.data_format}
