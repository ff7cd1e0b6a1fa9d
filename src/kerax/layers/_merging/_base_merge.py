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

    supports_masking = True

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

    def call(self, inputs: Any, mask: Any = None) -> jax.Array:
        self._validate(self._shapes_of(inputs))
        rank = max(x.ndim for x in inputs)
        expanded = [
            jnp.reshape(x, (x.shape[0], *([1] * (rank - x.ndim)), *x.shape[1:])) if 0 < x.ndim < rank else x
            for x in inputs
        ]
        if mask is not None and any(m is not None for m in mask):
            masks = [
                None if m is None else jnp.broadcast_to(jnp.expand_dims(jnp.asarray(m).astype(bool), -1), x.shape)
                for x, m in zip(expanded, mask, strict=True)
            ]
            return self._merge_masked(expanded, masks)
        return self._merge_function(expanded)

    def _merge_masked(self, inputs: list[jax.Array], masks: list[jax.Array | None]) -> jax.Array:
        """Merge inputs with their masks widened to their shapes (``None``: unmasked); default: ignore them."""
        return self._merge_function(inputs)

    @staticmethod
    def _fold_with_masks(op: Any, inputs: list[jax.Array], masks: list[jax.Array | None]) -> jax.Array:
        """Fold ``op`` over the inputs where a masked position of one side takes the other side's value.

        This is how an operation without an identity element (maximum, minimum) ignores masked positions.
        """
        output, output_mask = inputs[0], masks[0]
        for x, m in zip(inputs[1:], masks[1:], strict=True):
            if m is not None:
                x = jnp.where(m, x, output)
            if output_mask is not None:
                output = jnp.where(output_mask, output, x)
            output_mask = output_mask | m if output_mask is not None and m is not None else None
            output = op(output, x)
        return output

    @staticmethod
    def _shapes_of(inputs: Any) -> Any:
        if isinstance(inputs, list | tuple):
            return [tuple(x.shape) for x in inputs]
        return tuple(inputs.shape)

    def _check_masks(self, inputs: Any, mask: Any) -> None:
        if not isinstance(mask, list | tuple) or not isinstance(inputs, list | tuple) or len(mask) != len(inputs):
            raise ValueError(f"{self._describe()}: `mask` must be a list with one mask per input, received {mask!r}.")

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        """The OR of the input masks when every input has one, else ``None``."""
        if mask is None:
            return None
        self._check_masks(inputs, mask)
        if any(m is None for m in mask):
            return None
        output = jnp.asarray(mask[0]).astype(bool)
        for m in mask[1:]:
            output = output | jnp.asarray(m).astype(bool)
        return output

    def _merge_function(self, inputs: list[jax.Array]) -> jax.Array:
        raise NotImplementedError(f"{type(self).__name__} must implement `_merge_function`.")
