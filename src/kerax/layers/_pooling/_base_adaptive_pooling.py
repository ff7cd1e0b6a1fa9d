"""``BaseAdaptivePooling``: pooling to a fixed output size, shared by the ``Adaptive*Pooling*D`` layers."""

from __future__ import annotations

from typing import Any

import jax

from kerax import ops
from kerax.layers import _conv_utils as cu
from kerax.layers._input_spec import InputSpec
from kerax.layers._layer import Layer


def normalize_output_size(output_size: Any, rank: int, who: str) -> tuple[int, ...]:
    """An int (repeated ``rank`` times) or a tuple/list of ``rank`` positive ints, as a tuple.

    Raises:
        TypeError: for anything else, as Keras (naming the layer and the value received).
    """
    if isinstance(output_size, int) and not isinstance(output_size, bool):
        sizes: tuple[Any, ...] = (output_size,) * rank
    elif isinstance(output_size, tuple | list) and len(output_size) == rank:
        sizes = tuple(output_size)
    else:
        names = {1: "an integer or a tuple of 1 integer", 2: "an integer or a (height, width) tuple"}
        expected = names.get(rank, "an integer or a (depth, height, width) tuple")
        raise TypeError(
            f"{who}: `output_size` must be {expected}, received {output_size!r} of type {type(output_size).__name__}."
        )
    if not all(isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in sizes):
        raise ValueError(f"{who}: `output_size` must hold positive integers, received {output_size!r}.")
    return sizes


class BaseAdaptivePooling(Layer):
    """Pool each spatial axis of length ``L`` into ``output_size`` bins; bin ``i`` covers inputs
    ``floor(i * L / n)`` to ``ceil((i + 1) * L / n)`` (exclusive), as Keras and PyTorch do.

    Args:
        output_size: an int, or a tuple with one int per spatial axis.
        data_format: ``"channels_last"`` (default: ``kerax.config.image_data_format()``) or
            ``"channels_first"``.
        pool_dimensions: the number of spatial axes (1, 2 or 3), set by the subclasses.
        **kwargs: base layer arguments (``name``, ``dtype``, ``trainable``).
    """

    _reduce: str = "mean"

    def __init__(
        self, output_size: Any, data_format: str | None = None, pool_dimensions: int = 2, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        who = f"{type(self).__name__} '{self.name}'"
        self.output_size = normalize_output_size(output_size, pool_dimensions, who)
        self.data_format = cu.normalize_data_format(data_format, who)
        self._pool_dimensions = pool_dimensions
        self.input_spec = InputSpec(ndim=pool_dimensions + 2)

    def call(self, inputs: jax.Array) -> jax.Array:
        pool = ops.adaptive_max_pool if self._reduce == "max" else ops.adaptive_average_pool
        return pool(inputs, output_size=self.output_size, data_format=self.data_format)

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        batch = input_shape[0]
        if self.data_format == "channels_last":
            return (batch, *self.output_size, input_shape[-1])
        return (batch, input_shape[1], *self.output_size)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "output_size": self.output_size, "data_format": self.data_format}
