"""``ReLU``: the rectified linear unit as a layer, with Keras's cap, slope and threshold."""

from __future__ import annotations

import numbers
from typing import Any

import jax

from kerax import activations
from kerax.layers._layer import Layer


def _check_number(value: Any, name: str, who: str, allow_none: bool = False) -> None:
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or value < 0:
        raise ValueError(f"{who}: `{name}` must be a non-negative number, received {name}={value!r}.")


class ReLU(Layer):
    """``max(x, 0)``, or with the options: ``x`` above ``threshold`` (capped at ``max_value``), and
    ``negative_slope * (x - threshold)`` below it.

    Args:
        max_value: the largest output, a non-negative number, or ``None`` (default) for no cap.
        negative_slope: the slope below ``threshold``, a non-negative number (default 0).
        threshold: inputs at or below it are damped, a non-negative number (default 0).
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Input shape:
        Any shape.

    Output shape:
        The same shape as the input.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.ReLU(max_value=1.0)(np.array([-1.0, 0.5, 3.0]))
        Array([0. , 0.5, 1. ], dtype=float32)
    """

    supports_masking = True

    def __init__(
        self, max_value: float | None = None, negative_slope: float = 0.0, threshold: float = 0.0, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        who = f"ReLU '{self.name}'"
        _check_number(max_value, "max_value", who, allow_none=True)
        _check_number(negative_slope, "negative_slope", who)
        _check_number(threshold, "threshold", who)
        self.max_value = max_value
        self.negative_slope = negative_slope
        self.threshold = threshold

    def call(self, inputs: jax.Array) -> jax.Array:
        return activations.relu(
            inputs, negative_slope=self.negative_slope, max_value=self.max_value, threshold=self.threshold
        )

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "max_value": self.max_value,
            "negative_slope": self.negative_slope,
            "threshold": self.threshold,
        }
