"""``Lion``: sign-of-momentum updates."""

from __future__ import annotations

from typing import Any

import optax

from kerax.optimizers._base import Optimizer, check_hyperparameter
from kerax.optimizers._transforms import scale_by_learning_rate


class Lion(Optimizer):
    """Lion: ``var -= lr * sign(b1 * m + (1 - b1) * g)``; ``m = b2 * m + (1 - b2) * g``.

    Args:
        learning_rate: Float, schedule, or callable of the step. Defaults to ``0.001``.
        beta_1: Interpolation between momentum and gradient for the update, in ``(0, 1]``. Defaults to ``0.9``.
        beta_2: Decay of the momentum. Defaults to ``0.99``.
        **kwargs: Common optimizer arguments (see ``Optimizer``).
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.99,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        # beta_1 = 0 would make Lion plain sign-SGD; Keras rejects it too.
        self.beta_1 = check_hyperparameter("beta_1", beta_1, 0.0, 1.0, low_open=True)
        self.beta_2 = check_hyperparameter("beta_2", beta_2, 0.0, 1.0)

    def build_transform(self) -> optax.GradientTransformation:
        """Returns ``optax.scale_by_lion`` scaled by ``-lr``."""
        return optax.chain(optax.scale_by_lion(self.beta_1, self.beta_2), scale_by_learning_rate())

    def _keras_slot_layout(self) -> list:
        return [[((0, "mu"), 1.0, "momentum")]]

    def get_config(self) -> dict[str, Any]:
        """Returns the constructor arguments."""
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2}
