"""``to_categorical`` and ``normalize``: NumPy in, NumPy out (JAX arrays in, JAX arrays out), as in Keras."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from kerax.backend import _config


def to_categorical(x: Any, num_classes: int | None = None) -> Any:
    """One-hot rows for integer class labels; a trailing axis of size 1 is dropped first.

    NumPy-like input gives a float64 NumPy array (Keras's result); a JAX array gives a JAX array of ``floatx()``.
    ``num_classes`` defaults to ``max(x) + 1``.

    Args:
        x: Integer class labels (any shape).
        num_classes: Number of classes; ``None`` (default) means ``max(x) + 1``.
    """
    if isinstance(x, jax.Array):
        if x.ndim > 1 and x.shape[-1] == 1:
            x = x.reshape(x.shape[:-1])
        depth = int(jnp.max(x)) + 1 if not num_classes else int(num_classes)
        return jax.nn.one_hot(x, depth, dtype=_config.floatx())
    labels = np.array(x, dtype="int64")
    shape = labels.shape
    if len(shape) > 1 and shape[-1] == 1:
        shape = shape[:-1]
    labels = labels.reshape(-1)
    depth = int(np.max(labels)) + 1 if not num_classes else int(num_classes)
    out = np.zeros((labels.shape[0], depth))
    out[np.arange(labels.shape[0]), labels] = 1
    return out.reshape((*shape, depth))


def normalize(x: Any, axis: int = -1, order: int = 2) -> Any:
    """``x`` divided by its ``order``-norm along ``axis``; rows of norm 0 are left as they are.

    A NumPy array gives a NumPy array; anything else is computed with JAX (a norm below ``epsilon()``
    counts as ``epsilon()``), as ``keras.utils.normalize`` does.

    Args:
        x: Array to normalise.
        axis: The axis of the norm (default -1).
        order: Order of the norm (default 2: Euclidean).
    """
    if isinstance(x, np.ndarray):
        norm = np.atleast_1d(np.linalg.norm(x, order, axis))
        norm[norm == 0] = 1
        return x / np.expand_dims(norm, axis or -1)
    if not isinstance(order, int) or order < 1:
        raise ValueError(f"normalize: `order` must be an int >= 1, received {order!r}.")
    x = jnp.asarray(x)
    if x.ndim == 0:
        x = x[None]
    if not jnp.issubdtype(x.dtype, jnp.floating):
        x = x.astype(_config.floatx())
    eps = _config.epsilon()
    if order == 2:
        inverse = jax.lax.rsqrt(jnp.sum(jnp.square(x), axis=axis, keepdims=True))
        return x * jnp.minimum(inverse, 1.0 / eps)
    norm = jnp.linalg.norm(x, ord=order, axis=axis, keepdims=True)
    return x / jnp.maximum(norm, eps)
