"""``SGD``: gradient descent with optional (Nesterov) momentum."""

from __future__ import annotations

from typing import Any

import optax

from kerax.optimizers._base import Optimizer, check_hyperparameter
from kerax.optimizers._transforms import scale_by_learning_rate


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum.

    With momentum ``m``: ``v = m * v - lr * g``; ``var += v`` (or, with
    Nesterov, ``var += m * v - lr * g``), as in Keras 3.

    Args:
        learning_rate: Float, schedule, or callable of the step. Defaults to ``0.01``.
        momentum: Momentum in ``[0, 1]``; 0 disables it. Defaults to ``0.0``.
        nesterov: Use Nesterov momentum. Defaults to ``False``.
        **kwargs: Common optimizer arguments (see ``Optimizer``).
    """

    def __init__(
        self,
        learning_rate: Any = 0.01,
        momentum: float = 0.0,
        nesterov: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.momentum = check_hyperparameter("momentum", momentum, 0.0, 1.0)
        self.nesterov = bool(nesterov)

    def build_transform(self) -> optax.GradientTransformation:
        """Returns ``-lr * g`` followed by optax's momentum trace."""
        if self.momentum == 0:
            return scale_by_learning_rate()
        # Keras accumulates the learning-rate-scaled gradient, so lr comes first.
        return optax.chain(scale_by_learning_rate(), optax.trace(self.momentum, self.nesterov))

    def _keras_slot_layout(self) -> list:
        return [[((1, "trace"), 1.0, "momentum")]] if self.momentum != 0 else []

    def get_config(self) -> dict[str, Any]:
        """Returns the constructor arguments."""
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}
