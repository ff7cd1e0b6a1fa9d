"""``Merge``: the base of layers that combine a list of inputs element-wise (``Add``, ``Maximum``...)."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers._layer import Layer

Shape = tuple[int | None, ...]


def _is_shape(value: Any) -> bool:
    return isinstance(value, tuple) and all(d is None or isinstance(d, int) for d in value)


class Merge(Layer):
    """Combine a list of at least two inputs with ``_merge_function``.

    Inputs must share the batch size; the other dimensions broadcast as in NumPy, right-aligned (a
    ``(batch, 4)`` input merges with a ``(batch, 3, 4)`` one). Inputs of lower rank get size-1 axes
    inserted after the batch axis.
    """

    _min_inputs = 2
    _max_inputs: int | None = None

    def _describe(self) -> str:
        return f"{type(self).__name__} layer '{self.name}'"

    def _check_shapes(self, input_shape: Any) -> list[Shape]:
        """The list of input shapes, or a ValueError saying the layer wants a list of inputs."""
        if _is_shape(input_shape) or not isinstance(input_shape, list | tuple):
            raise ValueError(
                f"{self._describe()} should be called on a list of inputs, e.g. "
                f"`{type(self).__name__}()([x, y])`, "
                f"but received a single input of shape {input_shape}."
            )
        shapes = [tuple(s) for s in input_shape]
        wanted = self._min_inputs if self._max_inputs is None else self._max_inputs
        if len(shapes) < self._min_inputs or (self._max_inputs is not None and len(shapes) > self._max_inputs):
            exactly = "exactly" if self._max_inputs is not None else "at least"
            raise ValueError(
                f"{self._describe()} should be called on a list of {exactly} {wanted} inputs, but received "
                f"{len(shapes)} input(s) with shapes {shapes}."
            )
        return shapes

    def build(self, input_shape: Any) -> None:
        self._validate(input_shape)

    def _validate(self, input_shape: Any) -> None:
        """Shape checks, run at build time and again on every call (a built layer may see new shapes)."""
        shapes = self._check_shapes(input_shape)
        batch_sizes = {s[0] for s in shapes if s} - {None}
        if len(batch_sizes) > 1:
            raise ValueError(
                f"{self._describe()} cannot merge inputs with different batch sizes, received shapes {shapes}."
            )
        self._broadcast_shape(shapes)

    def _broadcast_shape(self, shapes: list[Shape]) -> Shape:
        """The merged non-batch shape, or a ValueError naming every received shape."""
        out: list[int | None] = []
        for shape in shapes:
            dims = list(shape[1:])
            if len(dims) > len(out):
                out = [1] * (len(dims) - len(out)) + out
            dims = [1] * (len(out) - len(dims)) + dims
            for i, (a, b) in enumerate(zip(out, dims, strict=True)):
                if a == 1 or (a is None and b not in (None, 1)):
                    out[i] = b
                elif b in (1, None) or a is None or a == b:
                    continue
                else:
                    raise ValueError(
                        f"{self._describe()} requires inputs whose shapes (after the batch axis) broadcast "
                        f"together, but received shapes {shapes}."
                    )
        return tuple(out)

    def call(self, inputs: Any) -> jax.Array:
        self._validate(self._shapes_of(inputs))
        rank = max(x.ndim for x in inputs)
        expanded = [
            jnp.reshape(x, (x.shape[0], *([1] * (rank - x.ndim)), *x.shape[1:])) if 0 < x.ndim < rank else x
            for x in inputs
        ]
        return self._merge_function(expanded)

    @staticmethod
    def _shapes_of(inputs: Any) -> Any:
        if isinstance(inputs, list | tuple):
            return [tuple(x.shape) for x in inputs]
        return tuple(inputs.shape)

    def _merge_function(self, inputs: list[jax.Array]) -> jax.Array:
        raise NotImplementedError(f"{type(self).__name__} must implement `_merge_function`.")
