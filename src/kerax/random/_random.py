"""Random draws with Keras's ``keras.random`` signatures, on ``jax.random``.

``seed`` is an int (the same numbers every call, as Keras's JAX backend draws them), a ``SeedGenerator``
(new numbers every call), a JAX key, or None: a fresh key from the training step's key inside ``fit``, else
from the global generator that ``kerax.utils.set_random_seed`` seeds.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from kerax.backend import _dtypes, _random, _scope
from kerax.backend._variables import Variable
from kerax.random._seed_generator import SeedGenerator

Shape = Sequence[int] | int


def draw_seed(seed: Any) -> jax.Array:
    """The PRNG key a draw uses for ``seed`` (an int, a ``SeedGenerator``, a JAX key or None)."""
    if isinstance(seed, SeedGenerator):
        return seed.next()
    if isinstance(seed, jax.Array):
        return seed
    if isinstance(seed, int | np.integer) and not isinstance(seed, bool):
        return jnp.array([int(seed) % 2**32, 0], jnp.uint32)
    if seed is None:
        key = _random.draw_key()
        if _scope.innermost_with_rng() is None and isinstance(key, jax.core.Tracer):
            raise ValueError(
                "kerax.random: an unseeded draw inside a traced function outside `fit` would give the same "
                "numbers on every call. Pass `seed=` a SeedGenerator set as an attribute of your layer, or a "
                "JAX key; inside `fit`, `evaluate` and `stateless_call(..., rng=key)` unseeded draws work."
            )
        return key
    raise ValueError(f"`seed` must be an int, a SeedGenerator, a JAX key or None, received {seed!r}.")


def _shape(shape: Shape) -> tuple[int, ...]:
    return (int(shape),) if isinstance(shape, int | np.integer) else tuple(int(d) for d in shape)


def _float_dtype(dtype: Any, who: str) -> str:
    name = _dtypes.standardize_dtype(dtype)
    if not _dtypes.is_float_dtype(name):
        raise ValueError(f"kerax.random.{who} requires a floating point `dtype`, received dtype={dtype!r}.")
    return name


def _array(x: Any) -> Any:
    return x.value if isinstance(x, Variable) else jnp.asarray(x)


def normal(shape: Shape, mean: float = 0.0, stddev: float = 1.0, dtype: Any = None, seed: Any = None) -> jax.Array:
    """Samples from a normal distribution with ``mean`` and ``stddev``; dtype default ``floatx()``.

    Args:
        shape: Shape of the result (a tuple of ints).
        mean: Mean of the distribution (default 0.0).
        stddev: Standard deviation of the distribution (default 1.0).
        dtype: Float data type of the result; ``None`` (default) means ``floatx()``.
        seed: An int (the same numbers on every call), a ``SeedGenerator`` (new numbers on every call), a JAX key, or
            ``None`` (default: the global generator that ``set_random_seed`` seeds).
    """
    dtype = _float_dtype(dtype, "normal")
    return jax.random.normal(draw_seed(seed), _shape(shape), dtype) * stddev + mean


def uniform(shape: Shape, minval: float = 0.0, maxval: float = 1.0, dtype: Any = None, seed: Any = None) -> jax.Array:
    """Samples from the uniform distribution on ``[minval, maxval)``; dtype default ``floatx()``.

    Args:
        shape: Shape of the result (a tuple of ints).
        minval: Lower bound (default 0.0).
        maxval: Upper bound, excluded (default 1.0).
        dtype: Float data type of the result; ``None`` (default) means ``floatx()``.
        seed: An int (the same numbers on every call), a ``SeedGenerator`` (new numbers on every call), a JAX key, or
            ``None`` (default: the global generator that ``set_random_seed`` seeds).
    """
    dtype = _float_dtype(dtype, "uniform")
    return jax.random.uniform(draw_seed(seed), _shape(shape), dtype, minval=minval, maxval=maxval)


def randint(shape: Shape, minval: int, maxval: int, dtype: Any = "int32", seed: Any = None) -> jax.Array:
    """Integers drawn uniformly from ``[minval, maxval)``.

    Args:
        shape: Shape of the result (a tuple of ints).
        minval: Lower bound (included).
        maxval: Upper bound (excluded).
        dtype: Integer data type of the result (default ``"int32"``).
        seed: An int (the same numbers on every call), a ``SeedGenerator`` (new numbers on every call), a JAX key, or
            ``None`` (default: the global generator that ``set_random_seed`` seeds).
    """
    name = _dtypes.standardize_dtype(dtype or "int32")
    if not _dtypes.is_int_dtype(name):
        raise ValueError(f"kerax.random.randint requires an integer `dtype`, received dtype={dtype!r}.")
    return jax.random.randint(draw_seed(seed), _shape(shape), minval, maxval, dtype=name)


def truncated_normal(
    shape: Shape, mean: float = 0.0, stddev: float = 1.0, dtype: Any = None, seed: Any = None
) -> jax.Array:
    """Samples from a normal distribution truncated at two standard deviations from ``mean``.

    Args:
        shape: Shape of the result (a tuple of ints).
        mean: Mean of the distribution (default 0.0).
        stddev: Standard deviation before truncation (default 1.0).
        dtype: Float data type of the result; ``None`` (default) means ``floatx()``.
        seed: An int (the same numbers on every call), a ``SeedGenerator`` (new numbers on every call), a JAX key, or
            ``None`` (default: the global generator that ``set_random_seed`` seeds).
    """
    dtype = _float_dtype(dtype, "truncated_normal")
    return jax.random.truncated_normal(draw_seed(seed), -2.0, 2.0, _shape(shape), dtype) * stddev + mean


def dropout(inputs: Any, rate: float, noise_shape: Sequence[int | None] | None = None, seed: Any = None) -> jax.Array:
    """Zero each entry with probability ``rate`` and scale the others by ``1 / (1 - rate)``.

    ``noise_shape`` (``None`` entries take the input's size) broadcasts one keep/drop mask over the inputs.

    Args:
        inputs: Input tensor.
        rate: Probability of dropping each entry, in ``[0, 1)``.
        noise_shape: Shape of the keep/drop mask, broadcast over ``inputs``; ``None`` entries (or ``None``, the default)
            take the input's sizes.
        seed: An int (the same numbers on every call), a ``SeedGenerator`` (new numbers on every call), a JAX key, or
            ``None`` (default: the global generator that ``set_random_seed`` seeds).
    """
    inputs = _array(inputs)
    if rate == 1.0:
        return jnp.zeros_like(inputs)
    if rate == 0.0:
        return inputs
    keep = 1.0 - rate
    mask_shape = (
        inputs.shape
        if noise_shape is None
        else tuple(size if d is None else int(d) for d, size in zip(noise_shape, inputs.shape, strict=True))
    )
    mask = jnp.broadcast_to(jax.random.bernoulli(draw_seed(seed), keep, mask_shape), inputs.shape)
    return jax.lax.select(mask, inputs / keep, jnp.zeros_like(inputs))


def shuffle(x: Any, axis: int = 0, seed: Any = None) -> jax.Array:
    """``x`` with its entries along ``axis`` in a random order.

    Args:
        x: Input tensor.
        axis: The axis to shuffle along (default 0).
        seed: An int (the same numbers on every call), a ``SeedGenerator`` (new numbers on every call), a JAX key, or
            ``None`` (default: the global generator that ``set_random_seed`` seeds).
    """
    return jax.random.permutation(draw_seed(seed), _array(x), axis, independent=True)


def categorical(logits: Any, num_samples: int, dtype: Any = "int32", seed: Any = None) -> jax.Array:
    """``num_samples`` class indices per row of 2-D ``logits`` (unnormalised log-probabilities).

    Args:
        logits: 2-D tensor ``(batch, num_classes)`` of unnormalised log-probabilities.
        num_samples: Number of samples per row.
        dtype: Integer data type of the result (default ``"int32"``).
        seed: An int (the same numbers on every call), a ``SeedGenerator`` (new numbers on every call), a JAX key, or
            ``None`` (default: the global generator that ``set_random_seed`` seeds).
    """
    logits = _array(logits)
    if logits.ndim != 2:
        raise ValueError(f"kerax.random.categorical: `logits` must be 2-D (batch, classes), received {logits.shape}.")
    shape = (logits.shape[0], int(num_samples))
    samples = jax.random.categorical(draw_seed(seed), logits[..., None], shape=shape, axis=1)
    return samples.astype(_dtypes.standardize_dtype(dtype))


def gamma(shape: Shape, alpha: Any, dtype: Any = None, seed: Any = None) -> jax.Array:
    """Samples from a gamma distribution of shape parameter ``alpha`` (scale 1).

    Args:
        shape: Shape of the result (a tuple of ints).
        alpha: Shape parameter of the distribution (positive).
        dtype: Float data type of the result; ``None`` (default) means ``floatx()``.
        seed: An int (the same numbers on every call), a ``SeedGenerator`` (new numbers on every call), a JAX key, or
            ``None`` (default: the global generator that ``set_random_seed`` seeds).
    """
    dtype = _dtypes.standardize_dtype(dtype)
    return jax.random.gamma(draw_seed(seed), alpha, _shape(shape), dtype)


def binomial(shape: Shape, counts: Any, probabilities: Any, dtype: Any = None, seed: Any = None) -> jax.Array:
    """Numbers of successes in ``counts`` trials of probability ``probabilities``; dtype default ``floatx()``.

    Args:
        shape: Shape of the result (a tuple of ints).
        counts: Number of trials (broadcast to ``shape``).
        probabilities: Probability of success of each trial (broadcast to ``shape``).
        dtype: Float data type of the result; ``None`` (default) means ``floatx()``.
        seed: An int (the same numbers on every call), a ``SeedGenerator`` (new numbers on every call), a JAX key, or
            ``None`` (default: the global generator that ``set_random_seed`` seeds).
    """
    dtype = _dtypes.standardize_dtype(dtype)
    return jax.random.binomial(draw_seed(seed), _array(counts), _array(probabilities), _shape(shape), dtype)


def beta(shape: Shape, alpha: Any, beta: Any, dtype: Any = None, seed: Any = None) -> jax.Array:
    """Samples from a beta distribution with parameters ``alpha`` and ``beta``; dtype default ``floatx()``.

    Args:
        shape: Shape of the result (a tuple of ints).
        alpha: First shape parameter (positive, broadcast to ``shape``).
        beta: Second shape parameter (positive, broadcast to ``shape``).
        dtype: Float data type of the result; ``None`` (default) means ``floatx()``.
        seed: An int (the same numbers on every call), a ``SeedGenerator`` (new numbers on every call), a JAX key, or
            ``None`` (default: the global generator that ``set_random_seed`` seeds).
    """
    dtype = _dtypes.standardize_dtype(dtype)
    return jax.random.beta(draw_seed(seed), _array(alpha), _array(beta), _shape(shape), dtype)


__all__ = [
    "beta",
    "binomial",
    "categorical",
    "draw_seed",
    "dropout",
    "gamma",
    "normal",
    "randint",
    "shuffle",
    "truncated_normal",
    "uniform",
]
