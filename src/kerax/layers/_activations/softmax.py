"""``Softmax``: the softmax activation as a layer, with an optional mask."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers._layer import Layer
from kerax.layers._normalization._axes import validate_axis


def _large_negative(dtype: Any) -> float:
    """What masked logits become: small enough to vanish in the softmax, finite in ``dtype``."""
    return -3e4 if jnp.dtype(dtype) == jnp.float16 else -1e9


class Softmax(Layer):
    """``exp(x) / sum(exp(x))`` along ``axis``.

    Args:
        axis: the axis, or list of axes, that each sum to 1 (default -1).
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Call arguments:
        inputs: the logits.
        mask: optional, broadcastable to ``inputs`` (each dimension 1 or equal to the input's); ``True``
            (or above 0.5 for numeric masks) keeps a position. Masked logits are replaced by a large
            negative number (-1e9, or -3e4 in float16) before the softmax, and masked outputs are 0.

    Input shape:
        Any shape.

    Output shape:
        The same shape as the input.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.Softmax()(np.zeros((1, 2)), mask=np.array([[True, False]]))
        Array([[1., 0.]], dtype=float32)
    """

    supports_masking = True

    def __init__(self, axis: int | list[int] = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = validate_axis(axis, f"Softmax '{self.name}'")

    def call(self, inputs: jax.Array, mask: Any = None) -> jax.Array:
        if mask is not None:
            mask = jnp.asarray(mask)
            if mask.ndim > inputs.ndim or any(
                m != 1 and m != i for m, i in zip(mask.shape[::-1], inputs.shape[::-1], strict=False)
            ):
                raise ValueError(
                    f"Softmax '{self.name}': the mask must be broadcastable to the inputs (no more dimensions, "
                    f"each 1 or equal to the input's), received inputs.shape={tuple(inputs.shape)}, "
                    f"mask.shape={tuple(mask.shape)}."
                )
            if mask.dtype != jnp.bool_:
                mask = mask > 0.5
            inputs = jnp.where(mask, inputs, jnp.asarray(_large_negative(inputs.dtype), inputs.dtype))
        if isinstance(self.axis, list) and len(self.axis) > 1:
            axes = tuple(self.axis)
            outputs = jnp.exp(inputs - jax.nn.logsumexp(inputs, axis=axes, keepdims=True))
        else:
            axis = self.axis[0] if isinstance(self.axis, list) else self.axis
            outputs = jax.nn.softmax(inputs, axis=axis)
        if mask is not None:
            outputs = jnp.where(mask, outputs, jnp.zeros((), outputs.dtype))
        return outputs

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axis": self.axis}
