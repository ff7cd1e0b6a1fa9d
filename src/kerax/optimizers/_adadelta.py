"""``Adadelta``: step sizes from running averages of squared gradients and updates."""

from __future__ import annotations

from typing import Any

import optax

from kerax.optimizers._base import Optimizer, check_hyperparameter
from kerax.optimizers._transforms import scale_by_learning_rate


class Adadelta(Optimizer):
    """Adadelta: ``delta = g * sqrt(E[dx^2] + eps) / sqrt(E[g^2] + eps)``; ``var -= lr * delta``.

    Args:
        learning_rate: Float, schedule, or callable of the step. Defaults to ``0.001``.
        rho: Decay of the running averages. Defaults to ``0.95``.
        epsilon: Small constant added inside the square roots. Defaults to ``1e-07``.
        **kwargs: Common optimizer arguments (see ``Optimizer``).
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        rho: float = 0.95,
        epsilon: float = 1e-7,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.rho = check_hyperparameter("rho", rho, 0.0, 1.0)
        self.epsilon = check_hyperparameter("epsilon", epsilon, 0.0, float("inf"))

    def build_transform(self) -> optax.GradientTransformation:
        """Returns ``optax.scale_by_adadelta`` scaled by ``-lr``."""
        return optax.chain(optax.scale_by_adadelta(self.rho, self.epsilon), scale_by_learning_rate())

    def _keras_slot_layout(self) -> list:
        return [[((0, "e_g"), 1.0, "accumulated_grad"), ((0, "e_x"), 1.0, "accumulated_delta_var")]]

    def get_config(self) -> dict[str, Any]:
        """Returns the constructor arguments."""
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}
