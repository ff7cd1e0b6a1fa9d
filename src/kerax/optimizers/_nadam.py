"""``Nadam``: Adam with Nesterov momentum."""

from __future__ import annotations

from typing import Any

import optax

from kerax.optimizers._adam import MomentsOptimizer
from kerax.optimizers._transforms import scale_by_keras_nadam, scale_by_learning_rate


class Nadam(MomentsOptimizer):
    """Nadam: Adam with Nesterov momentum and Keras's momentum schedule.

    The momentum at step ``t`` is ``beta_1 * (1 - 0.5 * 0.96**t)`` (Dozat's
    schedule, as in Keras 3), not a constant.

    Args:
        learning_rate: Float, schedule, or callable of the step. Defaults to ``0.001``.
        beta_1: Decay of the first-moment estimate. Defaults to ``0.9``.
        beta_2: Decay of the second-moment estimate. Defaults to ``0.999``.
        epsilon: Small constant added to ``sqrt(v_hat)``. Defaults to ``1e-07``.
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
        """Returns the Keras-flavoured Nadam direction scaled by ``-lr``."""
        return optax.chain(scale_by_keras_nadam(self.beta_1, self.beta_2, self.epsilon), scale_by_learning_rate())

    def _keras_slot_layout(self) -> list:
        return [[((0, "mu"), 1.0, "momentum"), ((0, "nu"), 1.0, "velocity")]]

    def _keras_shared_slots(self) -> list:
        # Keras names this plain Variable "variable_<n>"; a stable name is clearer.
        return [((0, "u_product"), "u_product")]
