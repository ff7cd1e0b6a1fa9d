"""``Adam`` and ``AdamW``."""

from __future__ import annotations

from typing import Any

import optax

from kerax.optimizers._base import Optimizer, check_hyperparameter
from kerax.optimizers._transforms import (
    scale_by_keras_adam,
    scale_by_keras_amsgrad,
    scale_by_learning_rate,
)


class MomentsOptimizer(Optimizer):
    """The optimizers with Adam's two moment decays and epsilon (Adam, AdamW, Adamax, Nadam, Lamb)."""

    def _set_moments(self, beta_1: float, beta_2: float, epsilon: float) -> None:
        """Check and keep ``beta_1`` and ``beta_2`` (in ``[0, 1]``) and ``epsilon`` (``>= 0``)."""
        self.beta_1 = check_hyperparameter("beta_1", beta_1, 0.0, 1.0)
        self.beta_2 = check_hyperparameter("beta_2", beta_2, 0.0, 1.0)
        self.epsilon = check_hyperparameter("epsilon", epsilon, 0.0, float("inf"))

    def get_config(self) -> dict[str, Any]:
        """Returns the constructor arguments."""
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}


class Adam(MomentsOptimizer):
    """Adam: adaptive moment estimation, with Keras 3's epsilon placement.

    ``var -= lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + epsilon)``.

    Args:
        learning_rate: Float, schedule, or callable of the step. Defaults to ``0.001``.
        beta_1: Decay of the first-moment estimate. Defaults to ``0.9``.
        beta_2: Decay of the second-moment estimate. Defaults to ``0.999``.
        epsilon: Small constant added to ``sqrt(v)``. Defaults to ``1e-07``.
        amsgrad: Use the running maximum of ``v`` (AMSGrad). Defaults to ``False``.
        **kwargs: Common optimizer arguments (see ``Optimizer``).
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        amsgrad: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self._set_moments(beta_1, beta_2, epsilon)
        self.amsgrad = bool(amsgrad)

    def build_transform(self) -> optax.GradientTransformation:
        """Returns the Keras-flavoured Adam (or AMSGrad) direction scaled by ``-lr``."""
        scale = scale_by_keras_amsgrad if self.amsgrad else scale_by_keras_adam
        return optax.chain(scale(self.beta_1, self.beta_2, self.epsilon), scale_by_learning_rate())

    def _keras_slot_layout(self) -> list:
        groups = [[((0, "mu"), 1.0, "momentum"), ((0, "nu"), 1.0, "velocity")]]
        return groups + ([[((0, "nu_max"), 1.0, "velocity_hat")]] if self.amsgrad else [])

    def get_config(self) -> dict[str, Any]:
        """Returns the constructor arguments."""
        return {**super().get_config(), "amsgrad": self.amsgrad}


class AdamW(Adam):
    """Adam with decoupled weight decay (``var -= var * weight_decay * lr`` each step).

    Args:
        learning_rate: Float, schedule, or callable of the step. Defaults to ``0.001``.
        weight_decay: Decoupled weight-decay rate (required, default 0.004).
        beta_1: Decay of the first-moment estimate. Defaults to ``0.9``.
        beta_2: Decay of the second-moment estimate. Defaults to ``0.999``.
        epsilon: Small constant added to ``sqrt(v)``. Defaults to ``1e-07``.
        amsgrad: Use the running maximum of ``v`` (AMSGrad). Defaults to ``False``.
        **kwargs: Common optimizer arguments (see ``Optimizer``).
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        weight_decay: float = 0.004,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        amsgrad: bool = False,
        **kwargs: Any,
    ) -> None:
        if weight_decay is None:
            raise ValueError("Argument `weight_decay` of AdamW must be a float. Received: weight_decay=None")
        super().__init__(
            learning_rate=learning_rate,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            amsgrad=amsgrad,
            weight_decay=weight_decay,
            **kwargs,
        )
