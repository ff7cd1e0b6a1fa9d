"""``PReLU``: a leaky ReLU whose negative slope is learned."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jax

from kerax import initializers
from kerax.layers._input_spec import InputSpec
from kerax.layers._layer import Layer


class PReLU(Layer):
    """Parametric ReLU: ``x`` for positive inputs, ``alpha * x`` otherwise, with ``alpha`` a weight.

    The weight ``alpha`` has the shape ``input_shape[1:]``, with 1 on the shared axes.

    Args:
        alpha_initializer: the initializer of ``alpha``, a name or an initializer (default ``"Zeros"``: a
            plain ReLU at first).
        alpha_regularizer: a regularizer applied to ``alpha``, or ``None`` (default).
        alpha_constraint: a constraint applied to ``alpha`` after each optimizer update, or ``None`` (default).
        shared_axes: axes (counting the batch as 0) along which one ``alpha`` is shared, an int or a list
            of ints, e.g. ``[1, 2]`` for one slope per channel of ``(batch, height, width, channels)``
            images; ``None`` (default) learns one slope per input element.
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Input shape:
        Any shape with a known size on every axis that is not shared.

    Output shape:
        The same shape as the input.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> layer = kerax.layers.PReLU(shared_axes=[1])
        >>> layer(np.ones((2, 3, 4))).shape
        (2, 3, 4)
        >>> layer.alpha.shape
        (1, 4)
    """

    supports_masking = True

    def __init__(
        self,
        alpha_initializer: Any = "Zeros",
        alpha_regularizer: Any = None,
        alpha_constraint: Any = None,
        shared_axes: int | Sequence[int] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._keep_regularization(alpha_regularizer=alpha_regularizer, alpha_constraint=alpha_constraint)
        self.alpha_initializer = initializers.get(alpha_initializer)
        if shared_axes is None:
            self.shared_axes = None
        else:
            axes = list(shared_axes) if isinstance(shared_axes, list | tuple) else [shared_axes]
            if not all(isinstance(a, int) and not isinstance(a, bool) and a != 0 for a in axes):
                raise ValueError(
                    f"PReLU '{self.name}': `shared_axes` must be non-batch axes (ints other than 0), "
                    f"received shared_axes={shared_axes!r}."
                )
            self.shared_axes = axes

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        ndim = len(input_shape)
        shared = set()
        for a in self.shared_axes or []:
            if not -ndim < a < ndim:
                raise ValueError(
                    f"PReLU '{self.name}': shared axis {a} is out of bounds for inputs of shape {tuple(input_shape)}."
                )
            shared.add(a % ndim)
        param_shape = []
        axes = {}
        for i in range(1, ndim):
            if i in shared:
                param_shape.append(1)
                continue
            if input_shape[i] is None:
                raise ValueError(
                    f"PReLU '{self.name}': the size of axis {i} must be known (or the axis shared through "
                    f"`shared_axes`), received input shape {tuple(input_shape)}."
                )
            param_shape.append(int(input_shape[i]))
            axes[i] = int(input_shape[i])
        self.alpha = self.add_weight(
            tuple(param_shape), self.alpha_initializer, name="alpha", **self._weight_penalties("alpha")
        )
        self.input_spec = InputSpec(ndim=ndim, axes=axes)

    def call(self, inputs: jax.Array) -> jax.Array:
        alpha = self.alpha.value.astype(inputs.dtype)
        return jax.nn.relu(inputs) - alpha * jax.nn.relu(-inputs)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            **self.regularization_config(),
            "alpha_initializer": initializers.serialize(self.alpha_initializer),
            "shared_axes": self.shared_axes,
        }
