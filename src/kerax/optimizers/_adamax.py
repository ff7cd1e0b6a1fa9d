"""``Adamax``: Adam with the infinity norm."""

from __future__ import annotations

from typing import Any

import optax

from kerax.optimizers._adam import MomentsOptimizer
from kerax.optimizers._transforms import scale_by_keras_adamax, scale_by_learning_rate


class Adamax(MomentsOptimizer):
    """Adamax: ``var -= lr * m / ((1 - b1^t) * (u + epsilon))`` with ``u = max(b2 * u, |g|)``.

    Args:
        learning_rate: Float, schedule, or callable of the step. Defaults to ``0.001``.
        beta_1: Decay of the first-moment estimate. Defaults to ``0.9``.
        beta_2: Decay of the exponentially weighted infinity norm. Defaults to ``0.999``.
        epsilon: Small constant added to ``u``. Defaults to ``1e-07``.
        **kwargs: Common optimizer arguments (see ``Optimizer``).
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self._set_moments(beta_1, beta_2, epsilon)

    def build_transform(self) -> optax.GradientTransformation:
        """Returns the Keras-flavoured Adamax direction scaled by ``-lr``."""
        return optax.chain(scale_by_keras_adamax(self.beta_1, self.beta_2, self.epsilon), scale_by_learning_rate())

    def _keras_slot_layout(self) -> list:
        return [[((0, "mu"), 1.0, "momentum"), ((0, "nu"), 1.0, "norm")]]
