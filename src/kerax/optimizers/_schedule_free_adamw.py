"""``ScheduleFreeAdamW``: Adam steps on an auxiliary sequence, with interpolation and averaging."""

from __future__ import annotations

from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import optax

from kerax.optimizers._base import Optimizer, check_hyperparameter
from kerax.optimizers._transforms import required_params, step_inputs


class ScheduleFreeState(NamedTuple):
    """Per-variable state of ``scale_by_keras_schedule_free_adamw``.

    Attributes:
        count: int32 scalar, the steps applied so far.
        momentum: The sequence the Adam steps are applied to (``z`` in the
            paper), starting as a copy of the variable.
        velocity: Moving average of the squared gradients.
    """

    count: jax.Array
    momentum: jax.Array
    velocity: jax.Array


def scale_by_keras_schedule_free_adamw(
    beta_1: float, beta_2: float, epsilon: float, warmup_steps: int
) -> optax.GradientTransformationExtraArgs:
    """Schedule-free AdamW as Keras 3 computes it; returns the parameter delta.

    With ``t`` the 1-based step and ``lr`` warmed up linearly over
    ``warmup_steps``: ``v = b2 * v + (1 - b2) * g**2``;
    ``z -= lr * g / (sqrt(v / (1 - b2**t)) + epsilon)``; the averaged point
    ``x`` is recovered from the variable ``y`` as
    ``x = (y - (1 - b1) * z_old) / b1``, averaged with weight ``1 / t``
    (``x = (1 - 1/t) * x + z / t``) and the variable becomes
    ``y = (1 - b1) * z + b1 * x``. The variable *is* the training point ``y``;
    Keras keeps no separate ``x`` variable and has no train/eval swap, so
    neither does kerax. ``optax.contrib.schedule_free_adamw`` weights the
    average by ``lr**2``, keeps ``x`` as state and returns ``y`` from ``z``
    and ``x``, which gives different numbers, hence this transformation.
    The learning rate comes from the ``learning_rate`` extra argument.

    Args:
        beta_1: Interpolation between ``z`` and ``x``.
        beta_2: Decay of the second moment.
        epsilon: Added to the bias-corrected ``sqrt(v)``.
        warmup_steps: Steps of linear learning-rate warmup (0: none).
    """

    def init_fn(params: jax.Array) -> ScheduleFreeState:
        return ScheduleFreeState(jnp.zeros((), jnp.int32), jnp.array(params, copy=True), jnp.zeros_like(params))

    def update_fn(
        updates: jax.Array, state: ScheduleFreeState, params: jax.Array = None, *, learning_rate: Any, **extra: Any
    ) -> tuple[jax.Array, ScheduleFreeState]:
        del extra
        dtype = required_params(params, "ScheduleFreeAdamW").dtype
        g, lr, step = step_inputs(updates, state.count, learning_rate, dtype)
        b1, b2, eps = (jnp.asarray(x, dtype) for x in (beta_1, beta_2, epsilon))
        if warmup_steps > 0:
            lr = lr * jnp.minimum(step / jnp.asarray(warmup_steps, dtype), 1.0)
        z_old = state.momentum
        velocity = state.velocity + (jnp.square(g) - state.velocity) * (1 - b2)
        denom = jnp.sqrt(velocity / (1 - jnp.power(b2, step))) + eps
        z = z_old - lr * g / denom
        weight = 1.0 / step
        x_old = (params - (1 - b1) * z_old) / b1
        x = (1 - weight) * x_old + weight * z
        y = (1 - b1) * z + b1 * x
        return y - params, ScheduleFreeState(optax.safe_increment(state.count), z, velocity)

    return optax.GradientTransformationExtraArgs(init_fn, update_fn)


class ScheduleFreeAdamW(Optimizer):
    """Schedule-free AdamW (Defazio et al., 2024) with Keras 3's numbers and variables.

    Needs no learning-rate schedule: Adam steps go to an auxiliary sequence
    (the ``<var>_momentum`` variables, initialised to the model's weights)
    and the weights are an interpolation of it with a running average (see
    ``scale_by_keras_schedule_free_adamw``). Decoupled weight decay
    (``weight_decay``) applies to the weights before each step, as in Keras.

    Args:
        learning_rate: Float, schedule, or callable of the step. Defaults to ``0.0025``.
        beta_1: Decay of the first moment; also the interpolation weight. Defaults to ``0.9``.
        beta_2: Decay of the second-moment estimate. Defaults to ``0.999``.
        epsilon: Small constant added to the bias-corrected ``sqrt(v)``. Defaults to ``1e-08``.
        warmup_steps: Steps of linear learning-rate warmup from 0 (0: none). Defaults to ``0``.
        **kwargs: Common optimizer arguments (see ``Optimizer``).

    Raises:
        ValueError: If ``beta_1`` is not in ``(0, 1]``, ``beta_2`` not in
            ``[0, 1]``, ``epsilon`` negative or ``warmup_steps`` not an int >= 0.
    """

    def __init__(
        self,
        learning_rate: Any = 0.0025,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
        warmup_steps: int = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        # beta_1 = 0 would divide by zero when recovering the averaged point.
        self.beta_1 = check_hyperparameter("beta_1", beta_1, 0.0, 1.0, low_open=True)
        self.beta_2 = check_hyperparameter("beta_2", beta_2, 0.0, 1.0)
        self.epsilon = check_hyperparameter("epsilon", epsilon, 0.0, float("inf"))
        if isinstance(warmup_steps, bool) or not isinstance(warmup_steps, int) or warmup_steps < 0:
            raise ValueError(f"Argument `warmup_steps` must be an int >= 0. Received: warmup_steps={warmup_steps!r}")
        self.warmup_steps = warmup_steps

    def build_transform(self) -> optax.GradientTransformationExtraArgs:
        """Returns ``scale_by_keras_schedule_free_adamw`` with this optimizer's hyper-parameters."""
        return scale_by_keras_schedule_free_adamw(self.beta_1, self.beta_2, self.epsilon, self.warmup_steps)

    def _keras_slot_layout(self) -> list:
        return [[(("momentum",), 1.0, "momentum"), (("velocity",), 1.0, "velocity")]]

    def get_config(self) -> dict[str, Any]:
        """Returns the constructor arguments."""
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
            "warmup_steps": self.warmup_steps,
        }
