"""Small optax transformations where Keras 3's formulas differ from optax's.

Each function returns an ``optax.GradientTransformation`` built from optax's
own pieces (``optax.scale_by_adam``, ``optax.tree.update_moment`` ...) with
only the Keras-specific part written out. All of them produce a *descent
direction*: the caller multiplies by ``-learning_rate`` afterwards (see
``scale_by_learning_rate``).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import optax

_F32 = jnp.float32


def _step(count: jax.Array) -> jax.Array:
    """Returns the 1-based float32 step for a 0-based optax ``count``."""
    return (count + 1).astype(_F32)


def required_params(params: jax.Array | None, who: str) -> jax.Array:
    """``params``, which optimizer ``who`` reads in its update; a ValueError when ``update`` was called without."""
    if params is None:
        raise ValueError(f"{who} needs the current parameters: call `update(grads, state, params)`.")
    return params


def step_inputs(
    updates: jax.Array, count: jax.Array, learning_rate: Any, dtype: Any
) -> tuple[jax.Array, jax.Array, jax.Array]:
    """The gradient, the learning rate and the 1-based step of one update, all in the variable's ``dtype``."""
    return updates.astype(dtype), jnp.asarray(learning_rate).astype(dtype), (count + 1).astype(dtype)


def scale_by_learning_rate() -> optax.GradientTransformationExtraArgs:
    """Multiplies updates by ``-learning_rate`` taken from the update's extra args.

    The learning rate is not part of this transformation's state: the kerax
    optimizer keeps it in its own state (so it can be changed without
    recompiling) and passes it as ``update(..., learning_rate=lr)``.
    """

    def update_fn(updates: Any, state: Any, params: Any = None, *, learning_rate: Any, **extra: Any) -> tuple[Any, Any]:
        del params, extra
        scaled = jax.tree.map(lambda u: u * jnp.asarray(-learning_rate, u.dtype), updates)
        return scaled, state

    return optax.GradientTransformationExtraArgs(lambda params: optax.EmptyState(), update_fn)


def scale_by_keras_adam(b1: float, b2: float, eps: float) -> optax.GradientTransformation:
    """``optax.scale_by_adam`` with Keras's epsilon placement.

    Keras adds ``eps`` to the *uncorrected* ``sqrt(v)``; that equals optax's
    bias-corrected form with the time-varying epsilon ``eps / sqrt(1 - b2**t)``.

    Args:
        b1: Decay of the first moment.
        b2: Decay of the second moment.
        eps: Keras epsilon.
    """

    def init_fn(params: Any) -> optax.ScaleByAdamState:
        return optax.scale_by_adam(b1, b2).init(params)

    def update_fn(updates: Any, state: Any, params: Any = None) -> tuple[Any, Any]:
        eps_t = eps / jnp.sqrt(1.0 - jnp.power(_F32(b2), _step(state.count)))
        return optax.scale_by_adam(b1, b2, eps=eps_t).update(updates, state, params)

    return optax.GradientTransformation(init_fn, update_fn)


class KerasAmsgradState(NamedTuple):
    """State of ``scale_by_keras_amsgrad``."""

    count: jax.Array
    mu: Any
    nu: Any
    nu_max: Any


def scale_by_keras_amsgrad(b1: float, b2: float, eps: float) -> optax.GradientTransformation:
    """Adam with AMSGrad as Keras does it: the running max is of the *raw* ``v``.

    (``optax.scale_by_amsgrad`` takes the max of the bias-corrected ``v``,
    which gives different numbers.)

    Args:
        b1: Decay of the first moment.
        b2: Decay of the second moment.
        eps: Keras epsilon.
    """

    def init_fn(params: Any) -> KerasAmsgradState:
        zeros = optax.tree.zeros_like(params)
        return KerasAmsgradState(jnp.zeros([], jnp.int32), zeros, zeros, zeros)

    def update_fn(updates: Any, state: Any, params: Any = None) -> tuple[Any, Any]:
        del params
        t = _step(state.count)
        mu = optax.tree.update_moment(updates, state.mu, b1, 1)
        nu = optax.tree.update_moment_per_elem_norm(updates, state.nu, b2, 2)
        nu_max = jax.tree.map(jnp.maximum, state.nu_max, nu)
        alpha = jnp.sqrt(1.0 - jnp.power(_F32(b2), t)) / (1.0 - jnp.power(_F32(b1), t))
        direction = jax.tree.map(lambda m, v: m * alpha.astype(m.dtype) / (jnp.sqrt(v) + eps), mu, nu_max)
        return direction, KerasAmsgradState(optax.safe_increment(state.count), mu, nu, nu_max)

    return optax.GradientTransformation(init_fn, update_fn)


def scale_by_keras_adamax(b1: float, b2: float, eps: float) -> optax.GradientTransformation:
    """Adamax with Keras's epsilon placement: ``m_hat / (u + eps)``.

    (``optax.scale_by_adamax`` folds ``eps`` into the running max instead.)

    Args:
        b1: Decay of the first moment.
        b2: Decay of the infinity norm.
        eps: Keras epsilon.
    """

    def init_fn(params: Any) -> optax.ScaleByAdamState:
        return optax.scale_by_adamax(b1, b2).init(params)

    def update_fn(updates: Any, state: Any, params: Any = None) -> tuple[Any, Any]:
        del params
        count = optax.safe_increment(state.count)
        mu = optax.tree.update_moment(updates, state.mu, b1, 1)
        u = optax.tree.update_infinity_moment(updates, state.nu, b2, 0.0)
        mu_hat = optax.tree.bias_correction(mu, b1, count)
        direction = jax.tree.map(lambda m, n: m / (n + eps), mu_hat, u)
        return direction, optax.ScaleByAdamState(count=count, mu=mu, nu=u)

    return optax.GradientTransformation(init_fn, update_fn)


class KerasNadamState(NamedTuple):
    """State of ``scale_by_keras_nadam``."""

    count: jax.Array
    mu: Any
    nu: Any
    u_product: jax.Array


def scale_by_keras_nadam(b1: float, b2: float, eps: float) -> optax.GradientTransformation:
    """Nadam with Keras's momentum schedule ``b1 * (1 - 0.5 * 0.96**t)``.

    (``optax.nadam`` uses a constant momentum, which gives different numbers.)

    Args:
        b1: Base decay of the first moment.
        b2: Decay of the second moment.
        eps: Keras epsilon.
    """

    def init_fn(params: Any) -> KerasNadamState:
        zeros = optax.tree.zeros_like(params)
        return KerasNadamState(jnp.zeros([], jnp.int32), zeros, zeros, jnp.ones([], _F32))

    def update_fn(updates: Any, state: Any, params: Any = None) -> tuple[Any, Any]:
        del params
        t = _step(state.count)
        decay = _F32(0.96)
        u_t = b1 * (1.0 - 0.5 * jnp.power(decay, t))
        u_next = b1 * (1.0 - 0.5 * jnp.power(decay, t + 1))
        u_product = state.u_product * u_t
        u_product_next = u_product * u_next
        # Keras's Nadam computes (1 - beta) in float32 (unlike its Adam); match it.
        mu = optax.tree.update_moment(updates, state.mu, _F32(b1), 1)
        nu = optax.tree.update_moment_per_elem_norm(updates, state.nu, _F32(b2), 2)
        nu_hat = optax.tree.bias_correction(nu, b2, optax.safe_increment(state.count))

        def direction(g: jax.Array, m: jax.Array, v_hat: jax.Array) -> jax.Array:
            m_hat = u_next * m / (1.0 - u_product_next) + (1.0 - u_t) * g / (1.0 - u_product)
            return m_hat.astype(g.dtype) / (jnp.sqrt(v_hat) + eps)

        out = jax.tree.map(direction, updates, mu, nu_hat)
        new_state = KerasNadamState(optax.safe_increment(state.count), mu, nu, u_product)
        return out, new_state

    return optax.GradientTransformation(init_fn, update_fn)


def clip_by_norm_per_variable(max_norm: float) -> optax.GradientTransformation:
    """Clips each leaf to L2 norm ``max_norm`` (Keras ``clipnorm``).

    Applies ``optax.clip_by_global_norm`` to every leaf on its own.

    Args:
        max_norm: Largest allowed L2 norm per leaf.
    """
    leaf_clip = optax.clip_by_global_norm(max_norm)

    def update_fn(updates: Any, state: Any, params: Any = None) -> tuple[Any, Any]:
        del params
        return jax.tree.map(lambda g: leaf_clip.update(g, state)[0], updates), state

    return optax.GradientTransformation(lambda params: optax.EmptyState(), update_fn)
