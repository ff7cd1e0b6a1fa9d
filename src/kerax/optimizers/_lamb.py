"""``Lamb``: Adam directions rescaled per variable by the trust ratio ``||w|| / ||update||``."""

from __future__ import annotations

from typing import Any

import optax

from kerax.optimizers._adam import MomentsOptimizer
from kerax.optimizers._transforms import scale_by_learning_rate


class Lamb(MomentsOptimizer):
    """Lamb (You et al., 2019) as Keras 3 computes it.

    ``u = m_hat / (sqrt(v_hat) + epsilon)`` (bias-corrected moments, epsilon
    outside the square root); ``var -= lr * r * u`` with the trust ratio
    ``r = ||var|| / ||u||`` (1 where either norm is 0). Decoupled weight decay
    (``weight_decay``) is applied to the variable first, as for every Keras
    optimizer, and is not part of ``u``: this is ``optax.scale_by_adam``
    followed by ``optax.scale_by_trust_ratio``, not ``optax.lamb`` (which adds
    the decay to ``u`` before the trust ratio).

    Args:
        learning_rate: Float, schedule, or callable of the step. Defaults to ``0.001``.
        beta_1: Decay of the first-moment estimate. Defaults to ``0.9``.
        beta_2: Decay of the second-moment estimate. Defaults to ``0.999``.
        epsilon: Small constant added to ``sqrt(v_hat)``. Defaults to ``1e-07``.
        **kwargs: Common optimizer arguments (see ``Optimizer``).

    Raises:
        ValueError: If a beta lies outside ``[0, 1]`` or ``epsilon`` is negative.
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
        """Returns Adam's direction, the trust ratio and ``-lr``, chained."""
        return optax.chain(
            optax.scale_by_adam(self.beta_1, self.beta_2, eps=self.epsilon),
            optax.scale_by_trust_ratio(),
            scale_by_learning_rate(),
        )

    def _keras_slot_layout(self) -> list:
        return [[((0, "mu"), 1.0, "momentum"), ((0, "nu"), 1.0, "velocity")]]
