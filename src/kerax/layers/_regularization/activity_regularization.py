"""``ActivityRegularization``: adds an L1/L2 penalty on its inputs to the training loss."""

from __future__ import annotations

from typing import Any

import jax

from kerax import regularizers
from kerax.layers._layer import Layer


class ActivityRegularization(Layer):
    """Passes its inputs through and adds ``l1 * sum|x| + l2 * sum x**2``, averaged over the batch, to the loss.

    Args:
        l1: the L1 factor, a non-negative float (default 0).
        l2: the L2 factor, a non-negative float (default 0).
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Input shape:
        Any shape.

    Output shape:
        The same shape as the input.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> layer = kerax.layers.ActivityRegularization(l2=0.01)
        >>> layer(np.ones((2, 3))).shape
        (2, 3)
        >>> [round(float(loss), 4) for loss in layer.losses]
        [0.03]
    """

    supports_masking = True

    def __init__(self, l1: float = 0.0, l2: float = 0.0, **kwargs: Any) -> None:
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.l1, self.l2 = float(l1), float(l2)

    def call(self, inputs: jax.Array) -> jax.Array:
        return inputs

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.pop("activity_regularizer", None)
        return {**config, "l1": self.l1, "l2": self.l2}
