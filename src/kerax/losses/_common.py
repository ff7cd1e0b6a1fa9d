"""Shared helpers for losses and metrics: dtypes, rank matching, safe division."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

#: Fuzz factor used for clipping probabilities and guarding divisions, as Keras's default.
EPSILON = 1e-7

#: Default floating dtype of loss and metric computations.
DEFAULT_DTYPE = "float32"


def standardize_dtype(dtype: str | np.dtype | None) -> str:
    """Return the canonical name of a floating dtype, defaulting to float32.

    Args:
        dtype: A dtype name or object, or `None` for the default (`"float32"`).
    """
    if dtype is None:
        return DEFAULT_DTYPE
    try:
        canonical = jnp.dtype(dtype)
    except TypeError as exc:
        raise ValueError(f"Argument `dtype` must name a floating dtype. Received: dtype={dtype!r}") from exc
    if not jnp.issubdtype(canonical, jnp.floating):
        raise ValueError(f"Argument `dtype` must be a floating dtype. Received: dtype={dtype!r}")
    return canonical.name


def as_float(x: ArrayLike, dtype: str | None = None) -> jax.Array:
    """Convert `x` to a jax array of floating dtype (`dtype`, or float32 for non-floats).

    Args:
        x: Array-like input.
        dtype: Target dtype; when `None`, floating inputs keep their dtype.
    """
    x = jnp.asarray(x)
    if dtype is not None:
        return x.astype(dtype)
    if not jnp.issubdtype(x.dtype, jnp.floating):
        return x.astype(DEFAULT_DTYPE)
    return x


def match_rank(x1: jax.Array, x2: jax.Array, expand_rank_1: bool = True) -> tuple[jax.Array, jax.Array]:
    """Make two arrays the same rank when they differ by one trailing unit dimension.

    When one array has exactly one more dimension than the other and that extra last
    dimension has size 1, it is squeezed away; except that a rank-1 partner is expanded
    instead when `expand_rank_1` is true. Other shape pairs are returned unchanged.

    Args:
        x1: First array.
        x2: Second array.
        expand_rank_1: Whether to expand a rank-1 partner rather than squeeze.
    """
    r1, r2 = x1.ndim, x2.ndim
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = jnp.expand_dims(x2, -1)
        else:
            x1 = jnp.squeeze(x1, -1)
    elif r2 == r1 + 1 and x2.shape[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = jnp.expand_dims(x1, -1)
        else:
            x2 = jnp.squeeze(x2, -1)
    return x1, x2


def divide_no_nan(numerator: ArrayLike, denominator: ArrayLike) -> jax.Array:
    """Divide elementwise, returning 0 where the denominator is 0 (gradient-safe).

    Args:
        numerator: Dividend.
        denominator: Divisor.
    """
    numerator = jnp.asarray(numerator)
    denominator = jnp.asarray(denominator)
    is_zero = denominator == 0
    safe = jnp.where(is_zero, jnp.ones_like(denominator), denominator)
    return jnp.where(is_zero, jnp.zeros_like(numerator / safe), numerator / safe)
