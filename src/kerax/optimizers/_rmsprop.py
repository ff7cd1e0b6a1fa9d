"""``RMSprop``: divide the gradient by a running RMS of its magnitude."""

from __future__ import annotations

from typing import Any

import optax

from kerax.optimizers._base import Optimizer, check_hyperparameter
from kerax.optimizers._transforms import scale_by_learning_rate


class RMSprop(Optimizer):
    """RMSprop: ``v = rho * v + (1 - rho) * g^2``; ``var -= lr * g / sqrt(v + epsilon)``.

    With ``centered``, ``v`` is replaced by the variance estimate
    ``v - mean(g)^2``. With ``momentum``, the step is accumulated in a momentum
    buffer (of learning-rate-scaled steps, as in Keras 3).

    Args:
        learning_rate: Float, schedule, or callable of the step. Defaults to ``0.001``.
        rho: Decay of the running averages. Defaults to ``0.9``.
        momentum: Momentum in ``[0, 1]``; 0 disables it. Defaults to ``0.0``.
        epsilon: Small constant added inside the square root. Defaults to ``1e-07``.
        centered: Normalise by the estimated variance instead of the second moment. Defaults to ``False``.
        **kwargs: Common optimizer arguments (see ``Optimizer``).
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        rho: float = 0.9,
        momentum: float = 0.0,
        epsilon: float = 1e-7,
        centered: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.rho = check_hyperparameter("rho", rho, 0.0, 1.0)
        self.momentum = check_hyperparameter("momentum", momentum, 0.0, 1.0)
        self.epsilon = check_hyperparameter("epsilon", epsilon, 0.0, float("inf"))
        self.centered = bool(centered)

    def build_transform(self) -> optax.GradientTransformation:
        """Returns optax's RMS (or std-dev) scaling, ``-lr``, then an optional momentum trace."""
        scale = optax.scale_by_stddev if self.centered else optax.scale_by_rms
        parts = [scale(decay=self.rho, eps=self.epsilon, initial_scale=0.0), scale_by_learning_rate()]
        if self.momentum > 0:
            parts.append(optax.trace(self.momentum))
        return optax.chain(*parts)

    def _keras_slot_layout(self) -> list:
        groups = [[((0, "nu"), 1.0, "velocity")]]
        if self.momentum > 0:
            # optax traces -lr * step; Keras's momentum holds +lr * step.
            groups.append([((2, "trace"), -1.0, "momentum")])
        if self.centered:
            groups.append([((0, "mu"), 1.0, "average_gradient")])
        return groups

    def get_config(self) -> dict[str, Any]:
        """Returns the constructor arguments."""
        return {
            **super().get_config(),
            "rho": self.rho,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "centered": self.centered,
        }
