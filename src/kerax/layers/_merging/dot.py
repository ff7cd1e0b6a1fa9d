"""``Dot``: the per-sample dot product of two inputs along one axis each."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp

from kerax.backend import _config
from kerax.layers._merging._base_merge import Merge, Shape


def _l2_normalize(x: jax.Array, axis: int) -> jax.Array:
    # x / ||x||, with the inverse norm capped at 1 / epsilon so that an all-zero slice stays zero.
    inv_norm = jax.lax.rsqrt(jnp.sum(jnp.square(x), axis=axis, keepdims=True))
    return x * jnp.minimum(inv_norm, 1.0 / _config.epsilon())


class Dot(Merge):
    """The dot product, sample by sample, of two inputs along ``axes``.

    Args:
        axes: an int (the same axis of both inputs) or a pair ``(axis_of_first, axis_of_second)``; negative
            values count from the end; the batch axis 0 cannot be used. The two axes must have the same size.
        normalize: L2-normalise both inputs along their axis first, so that the result is the cosine
            similarity (default ``False``).
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Input shape:
        A list of 2 inputs ``[x, y]``, each at least 2-D.

    Output shape:
        ``x``'s shape without ``axes[0]``, followed by ``y``'s shape without its batch axis and ``axes[1]``;
        a result with only the batch axis gets a trailing axis of size 1.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.Dot(axes=1)([np.ones((2, 3)), np.ones((2, 3))])
        Array([[3.],
               [3.]], dtype=float32)
        >>> kerax.layers.Dot(axes=(2, 2))([np.ones((2, 4, 3)), np.ones((2, 5, 3))]).shape
        (2, 4, 5)
    """

    _min_inputs = 2
    _max_inputs = 2

    def __init__(self, axes: int | Sequence[int], normalize: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        who = f"Dot layer '{self.name}'"
        is_int = isinstance(axes, numbers.Integral) and not isinstance(axes, bool)
        if not is_int:
            if isinstance(axes, str) or not isinstance(axes, Sequence):
                raise TypeError(f"{who}: `axes` must be an int or a list of 2 ints, received axes={axes!r}.")
            if len(axes) != 2 or not all(isinstance(a, numbers.Integral) and not isinstance(a, bool) for a in axes):
                raise ValueError(f"{who}: `axes` must be an int or a list of 2 ints, received axes={axes!r}.")
        self.axes = int(axes) if is_int else axes
        self.normalize = bool(normalize)

    def _resolved_axes(self, shapes: list[Shape]) -> tuple[int, int]:
        pair = (self.axes, self.axes) if isinstance(self.axes, int) else tuple(self.axes)
        resolved = []
        for axis, shape in zip(pair, shapes, strict=True):
            rank = len(shape)
            if not -rank <= axis < rank or axis % rank == 0:
                raise ValueError(
                    f"{self._describe()}: axes={self.axes!r} must name a non-batch axis of each input, "
                    f"received shapes {shapes}."
                )
            resolved.append(axis % rank)
        return resolved[0], resolved[1]

    def _validate(self, input_shape: Any) -> None:
        shapes = self._check_shapes(input_shape)
        for shape in shapes:
            if len(shape) < 2:
                raise ValueError(f"{self._describe()} requires inputs of rank >= 2, received shapes {shapes}.")
        if None not in (shapes[0][0], shapes[1][0]) and shapes[0][0] != shapes[1][0]:
            raise ValueError(
                f"{self._describe()} cannot combine inputs with different batch sizes, received shapes {shapes}."
            )
        a0, a1 = self._resolved_axes(shapes)
        d0, d1 = shapes[0][a0], shapes[1][a1]
        if d0 is not None and d1 is not None and d0 != d1:
            raise ValueError(
                f"{self._describe()}: incompatible input shapes: axis {a0} of the first input has size {d0} but "
                f"axis {a1} of the second has size {d1}. Full input shapes: {shapes}."
            )

    def call(self, inputs: Any) -> jax.Array:
        shapes = self._shapes_of(inputs)
        self._validate(shapes)
        x, y = inputs
        a0, a1 = self._resolved_axes(shapes)
        if self.normalize:
            x, y = _l2_normalize(x, a0), _l2_normalize(y, a1)
        out = jax.lax.dot_general(x, y, (((a0,), (a1,)), ((0,), (0,))))
        return out[:, None] if out.ndim == 1 else out

    def compute_mask(self, inputs: Any, mask: Any = None) -> None:
        """A dot product has no mask."""
        return None

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axes": self.axes, "normalize": self.normalize}


def dot(inputs: Sequence[Any], axes: int | Sequence[int] = -1, normalize: bool = False, **kwargs: Any) -> Any:
    """Functional form of ``Dot``: ``dot([x, y], axes=1)`` is ``Dot(axes=1)([x, y])``.

    Args:
        inputs: a list of 2 inputs (arrays or symbolic tensors).
        axes: the axis of each input to contract, an int or a pair (default -1; see ``Dot``).
        normalize: L2-normalise both inputs first, for the cosine similarity (default ``False``).
        **kwargs: ``Dot`` keyword arguments such as ``name``.

    Returns:
        The dot products, symbolic when the inputs are.

    Example:
        >>> import kerax
        >>> x, y = kerax.Input(shape=(3,)), kerax.Input(shape=(3,))
        >>> kerax.layers.dot([x, y], axes=1, normalize=True).shape
        (None, 1)
    """
    return Dot(axes=axes, normalize=normalize, **kwargs)(inputs)
