"""``Adafactor``: Adam-like steps with a factored (row x column) second moment."""

from __future__ import annotations

from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import optax

from kerax.optimizers import _keras_layout
from kerax.optimizers._base import Optimizer, _is_number, check_hyperparameter
from kerax.optimizers._transforms import required_params, step_inputs


class AdafactorState(NamedTuple):
    """Per-variable state of ``scale_by_keras_adafactor``.

    Attributes:
        count: int32 scalar, the steps applied so far.
        r: Row statistics (the gradient's shape without its last axis); an
            int32 scalar placeholder for variables with fewer than 2 axes, as
            Keras keeps.
        c: Column statistics (the shape without its second-to-last axis), or
            the same placeholder.
        v: The (reconstructed) second-moment estimate, the variable's shape.
    """

    count: jax.Array
    r: jax.Array
    c: jax.Array
    v: jax.Array


def _rms(x: jax.Array) -> jax.Array:
    return jnp.sqrt(jnp.mean(jnp.square(x)))


def scale_by_keras_adafactor(
    beta_2_decay: float, epsilon_1: float, epsilon_2: float, clip_threshold: float
) -> optax.GradientTransformationExtraArgs:
    """Adafactor as Keras 3 computes it; returns the parameter delta.

    With ``t`` the 1-based step: ``rho = min(lr, 1 / sqrt(t))``,
    ``alpha = max(epsilon_2, rms(var)) * rho``, ``beta = 1 - t**beta_2_decay``;
    the second moment of ``g**2 + epsilon_1`` is factored over the last two
    axes (always, whatever their sizes) or kept whole for fewer than 2 axes;
    ``u = g / sqrt(v)`` is clipped to RMS ``clip_threshold`` and
    ``var -= alpha * u``. This differs from ``optax.adafactor`` (which factors
    only axes of >= 128 entries, uses ``decay_rate=0.8``, ``epsilon`` inside
    the moments, no ``epsilon_2`` floor on the parameter scale and momentum
    options), so it is written out here. The learning rate comes from the
    ``learning_rate`` extra argument.

    Args:
        beta_2_decay: Exponent of the step in the second-moment decay.
        epsilon_1: Added to the squared gradient.
        epsilon_2: Lower bound of the parameter scale ``rms(var)``.
        clip_threshold: Largest RMS of the scaled update.
    """

    def init_fn(params: jax.Array) -> AdafactorState:
        if params.ndim < 2:
            r, c = jnp.zeros((), jnp.int32), jnp.zeros((), jnp.int32)
        else:
            r = jnp.zeros(params.shape[:-1], params.dtype)
            c = jnp.zeros(params.shape[:-2] + params.shape[-1:], params.dtype)
        return AdafactorState(jnp.zeros((), jnp.int32), r, c, jnp.zeros_like(params))

    def update_fn(
        updates: jax.Array, state: AdafactorState, params: jax.Array = None, *, learning_rate: Any, **extra: Any
    ) -> tuple[jax.Array, AdafactorState]:
        del extra
        dtype = required_params(params, "Adafactor").dtype
        g, lr, step = step_inputs(updates, state.count, learning_rate, dtype)
        rho = jnp.minimum(lr, 1 / jnp.sqrt(step))
        alpha = jnp.maximum(jnp.asarray(epsilon_2, dtype), _rms(params)) * rho
        grad_sq = jnp.square(g) + epsilon_1
        beta = 1 - jnp.power(step, beta_2_decay)
        r, c = state.r, state.c
        if params.ndim >= 2:
            r = beta * r + (1 - beta) * jnp.mean(grad_sq, axis=-1)
            c = beta * c + (1 - beta) * jnp.mean(grad_sq, axis=-2)
            v = jnp.expand_dims(r / jnp.mean(r, axis=-1, keepdims=True), -1) * jnp.expand_dims(c, -2)
        else:
            v = beta * state.v + (1 - beta) * grad_sq
        u = g / jnp.sqrt(v)
        u = u / jnp.maximum(jnp.asarray(1.0, dtype), _rms(u) / clip_threshold)
        return -(alpha * u), AdafactorState(optax.safe_increment(state.count), r, c, v)

    return optax.GradientTransformationExtraArgs(init_fn, update_fn)


class Adafactor(Optimizer):
    """Adafactor (Shazeer & Stern, 2018) with Keras 3's numbers and variables.

    Saves memory by keeping, for variables with 2 or more axes, row and
    column statistics of the squared gradient over the last two axes instead
    of a full second moment (see ``scale_by_keras_adafactor`` for the
    maths). Keras's variables per model variable are ``r``, ``c`` (int32
    scalar placeholders for variables with fewer than 2 axes) and
    ``<var>_velocity``.

    Args:
        learning_rate: Float, schedule, or callable of the step. The step size
            is ``min(learning_rate, 1 / sqrt(t))`` times the parameter scale. Defaults to ``0.001``.
        beta_2_decay: Exponent of the step in the second-moment decay
            ``1 - t**beta_2_decay``. Defaults to ``-0.8``.
        epsilon_1: Small offset added to the squared gradient. Defaults to ``1e-30``.
        epsilon_2: Lower bound of the parameter scale, so that steps from
            zero-initialised variables are not zero. Defaults to ``0.001``.
        clip_threshold: Clipping threshold of the update's RMS (independent
            of ``clipnorm``, ``clipvalue`` and ``global_clipnorm``). Defaults to ``1.0``.
        relative_step: Keras's flag for capping a constant learning rate at
            ``1 / sqrt(t)``. Kept and serialised; as in Keras 3 the step uses
            ``min(learning_rate, 1 / sqrt(t))`` whatever its value. Defaults to ``True``.
        **kwargs: Common optimizer arguments (see ``Optimizer``).

    Raises:
        ValueError: If a hyper-parameter is not a number or ``clip_threshold``
            is not positive.
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        beta_2_decay: float = -0.8,
        epsilon_1: float = 1e-30,
        epsilon_2: float = 1e-3,
        clip_threshold: float = 1.0,
        relative_step: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        if not _is_number(beta_2_decay):
            raise ValueError(f"Argument `beta_2_decay` must be a float. Received: beta_2_decay={beta_2_decay!r}")
        self.beta_2_decay = float(beta_2_decay)
        self.epsilon_1 = check_hyperparameter("epsilon_1", epsilon_1, 0.0, float("inf"))
        self.epsilon_2 = check_hyperparameter("epsilon_2", epsilon_2, 0.0, float("inf"))
        self.clip_threshold = check_hyperparameter("clip_threshold", clip_threshold, 0.0, float("inf"), low_open=True)
        self.relative_step = bool(relative_step)

    def build_transform(self) -> optax.GradientTransformationExtraArgs:
        """Returns ``scale_by_keras_adafactor`` with this optimizer's hyper-parameters."""
        return scale_by_keras_adafactor(self.beta_2_decay, self.epsilon_1, self.epsilon_2, self.clip_threshold)

    def _keras_slot_layout(self) -> list:
        return [[(("r",), 1.0, "r"), (("c",), 1.0, "c"), (("v",), 1.0, "velocity")]]

    def _make_layout(self, state: Any, ref_names: Any) -> _keras_layout.Layout:
        # Keras names the factored statistics (and the placeholders) after the variable's bare name.
        layout = super()._make_layout(state, ref_names)
        index = jax.tree.unflatten(layout.treedef, list(range(layout.treedef.num_leaves)))
        tracked = self._tracked if len(self._tracked) == len(ref_names) else [None] * len(ref_names)
        names = {}
        for slot, ref, var in zip(index.slots, ref_names, tracked, strict=True):
            bare = getattr(var, "name", None)
            names[slot.r] = names[slot.c] = bare if isinstance(bare, str) and bare else ref
        bindings = tuple(b._replace(name=names.get(b.leaves[0], b.name)) for b in layout.bindings)
        return layout._replace(bindings=bindings)

    def get_config(self) -> dict[str, Any]:
        """Returns the constructor arguments."""
        return {
            **super().get_config(),
            "beta_2_decay": self.beta_2_decay,
            "epsilon_1": self.epsilon_1,
            "epsilon_2": self.epsilon_2,
            "clip_threshold": self.clip_threshold,
            "relative_step": self.relative_step,
        }
