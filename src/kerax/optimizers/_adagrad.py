"""``Adagrad``: per-element learning rates from the sum of squared gradients."""

from __future__ import annotations

from typing import Any

import optax

from kerax.optimizers._base import Optimizer, check_hyperparameter
from kerax.optimizers._transforms import scale_by_learning_rate


class Adagrad(Optimizer):
    """Adagrad: ``acc += g^2``; ``var -= lr * g / sqrt(acc + epsilon)``.

    Args:
        learning_rate: Float, schedule, or callable of the step. Defaults to ``0.001``.
        initial_accumulator_value: Starting value of the accumulators. Defaults to ``0.1``.
        epsilon: Small constant added inside the square root. Defaults to ``1e-07``.
        **kwargs: Common optimizer arguments (see ``Optimizer``).
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        initial_accumulator_value: float = 0.1,
        epsilon: float = 1e-7,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.initial_accumulator_value = check_hyperparameter(
            "initial_accumulator_value", initial_accumulator_value, 0.0, float("inf")
        )
        self.epsilon = check_hyperparameter("epsilon", epsilon, 0.0, float("inf"))

    def build_transform(self) -> optax.GradientTransformation:
        """Returns ``optax.scale_by_rss`` scaled by ``-lr``."""
        return optax.chain(
            optax.scale_by_rss(self.initial_accumulator_value, self.epsilon),
            scale_by_learning_rate(),
        )

    def _keras_slot_layout(self) -> list:
        return [[((0, "sum_of_squares"), 1.0, "accumulator")]]

    def get_config(self) -> dict[str, Any]:
        """Returns the constructor arguments."""
        return {
            **super().get_config(),
            "initial_accumulator_value": self.initial_accumulator_value,
            "epsilon": self.epsilon,
        }
