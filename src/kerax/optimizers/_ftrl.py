"""``Ftrl``: follow-the-regularized-leader, with Keras 3's online and shrinkage L2 terms."""

from __future__ import annotations

from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import optax

from kerax.optimizers._base import Optimizer, _is_number
from kerax.optimizers._transforms import required_params


class FtrlState(NamedTuple):
    """Per-variable state of ``scale_by_keras_ftrl``: ``n`` (``accumulator``) and ``z`` (``linear``)."""

    accumulator: jax.Array
    linear: jax.Array


def scale_by_keras_ftrl(
    learning_rate_power: float,
    initial_accumulator_value: float,
    l1: float,
    l2: float,
    l2_shrinkage: float,
    beta: float,
) -> optax.GradientTransformationExtraArgs:
    """FTRL-proximal as Keras 3 computes it; returns the parameter *delta* (the new value minus the old).

    FTRL sets each weight from its accumulators rather than stepping along a
    direction, so the learning rate (the ``learning_rate`` extra argument)
    enters the closed form and no ``scale_by_learning_rate`` follows.
    (optax has no FTRL.)

    Args:
        learning_rate_power: The power of ``n`` in the per-coordinate rate (<= 0).
        initial_accumulator_value: Starting value of ``n``.
        l1: L1 regularisation strength.
        l2: Online (stabilisation) L2 strength.
        l2_shrinkage: Shrinkage (magnitude) L2 strength, added to the gradient.
        beta: The paper's ``beta``, folded into the L2 term as ``beta / (2 * lr)``.
    """

    def init_fn(params: jax.Array) -> FtrlState:
        return FtrlState(jnp.full_like(params, initial_accumulator_value), jnp.zeros_like(params))

    def update_fn(
        updates: jax.Array, state: FtrlState, params: jax.Array = None, *, learning_rate: Any, **extra: Any
    ) -> tuple[jax.Array, FtrlState]:
        del extra
        g, w = updates, required_params(params, "Ftrl")
        lr = jnp.asarray(learning_rate).astype(w.dtype)
        l2_total = l2 + beta / (2.0 * lr)
        grad = g + (2 * l2_shrinkage) * w
        accum = state.accumulator
        new_accum = accum + jnp.square(g)
        sigma = (jnp.power(new_accum, -learning_rate_power) - jnp.power(accum, -learning_rate_power)) / lr
        linear = state.linear + (grad - sigma * w)
        quadratic = jnp.power(new_accum, -learning_rate_power) / lr + 2 * l2_total
        new_w = (jnp.clip(linear, -l1, l1) - linear) / quadratic
        return new_w - w, FtrlState(new_accum, linear)

    return optax.GradientTransformationExtraArgs(init_fn, update_fn)


def _non_negative(name: str, value: Any) -> float:
    if not _is_number(value) or value < 0:
        raise ValueError(f"`{name}` needs to be positive or zero. Received: {name}={value!r}")
    return float(value)


class Ftrl(Optimizer):
    """FTRL (McMahan et al., 2013), with online L2 and shrinkage L2 as in Keras 3.

    Per coordinate: ``n += g**2``; ``z += g_s - (n**-p - n_old**-p) / lr * w``
    (``g_s = g + 2 * l2_shrinkage * w``); then
    ``w = (clip(z, -l1, l1) - z) / (n**-p / lr + 2 * (l2 + beta / (2 * lr)))``.

    Args:
        learning_rate: Float, schedule, or callable of the step. Defaults to ``0.001``.
        learning_rate_power: Power ``p`` of the accumulator (<= 0; 0 gives a fixed rate). Defaults to ``-0.5``.
        initial_accumulator_value: Starting value of the accumulators (>= 0). Defaults to ``0.1``.
        l1_regularization_strength: L1 strength (>= 0). Defaults to ``0.0``.
        l2_regularization_strength: Online (stabilisation) L2 strength (>= 0). Defaults to ``0.0``.
        l2_shrinkage_regularization_strength: Shrinkage (magnitude) L2 strength (>= 0). Defaults to ``0.0``.
        beta: The ``beta`` of the paper. Defaults to ``0.0``.
        **kwargs: Common optimizer arguments (see ``Optimizer``).

    Raises:
        ValueError: If a strength or the accumulator value is negative, or
            ``learning_rate_power`` is positive.
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        learning_rate_power: float = -0.5,
        initial_accumulator_value: float = 0.1,
        l1_regularization_strength: float = 0.0,
        l2_regularization_strength: float = 0.0,
        l2_shrinkage_regularization_strength: float = 0.0,
        beta: float = 0.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.initial_accumulator_value = _non_negative("initial_accumulator_value", initial_accumulator_value)
        if not _is_number(learning_rate_power) or learning_rate_power > 0:
            raise ValueError(
                "`learning_rate_power` needs to be negative or zero. "
                f"Received: learning_rate_power={learning_rate_power!r}"
            )
        self.learning_rate_power = float(learning_rate_power)
        self.l1_regularization_strength = _non_negative("l1_regularization_strength", l1_regularization_strength)
        self.l2_regularization_strength = _non_negative("l2_regularization_strength", l2_regularization_strength)
        self.l2_shrinkage_regularization_strength = _non_negative(
            "l2_shrinkage_regularization_strength", l2_shrinkage_regularization_strength
        )
        if not _is_number(beta):
            raise ValueError(f"`beta` must be a float. Received: beta={beta!r}")
        self.beta = float(beta)

    def build_transform(self) -> optax.GradientTransformationExtraArgs:
        """Returns ``scale_by_keras_ftrl`` with this optimizer's hyper-parameters."""
        return scale_by_keras_ftrl(
            self.learning_rate_power,
            self.initial_accumulator_value,
            self.l1_regularization_strength,
            self.l2_regularization_strength,
            self.l2_shrinkage_regularization_strength,
            self.beta,
        )

    def _keras_slot_layout(self) -> list:
        return [[(("accumulator",), 1.0, "accumulator"), (("linear",), 1.0, "linear")]]

    def get_config(self) -> dict[str, Any]:
        """Returns the constructor arguments."""
        return {
            **super().get_config(),
            "learning_rate_power": self.learning_rate_power,
            "initial_accumulator_value": self.initial_accumulator_value,
            "l1_regularization_strength": self.l1_regularization_strength,
            "l2_regularization_strength": self.l2_regularization_strength,
            "l2_shrinkage_regularization_strength": self.l2_shrinkage_regularization_strength,
            "beta": self.beta,
        }
