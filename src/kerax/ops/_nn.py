"""Neural-network ops with Keras's names and defaults."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax.ops._registry import op

__all__ = [
    "elu",
    "gelu",
    "hard_sigmoid",
    "hard_silu",
    "hard_swish",
    "leaky_relu",
    "log_softmax",
    "mish",
    "one_hot",
    "relu",
    "relu6",
    "selu",
    "sigmoid",
    "silu",
    "softmax",
    "softplus",
    "softsign",
    "swish",
    "tanh",
]


@op("Relu")
def relu(x: Any) -> jax.Array:
    return jax.nn.relu(x)


@op("Relu6")
def relu6(x: Any) -> jax.Array:
    return jax.nn.relu6(x)


@op("Sigmoid")
def sigmoid(x: Any) -> jax.Array:
    return jax.nn.sigmoid(x)


@op("Tanh")
def tanh(x: Any) -> jax.Array:
    return jnp.tanh(x)


@op("Softmax")
def softmax(x: Any, axis: int = -1) -> jax.Array:
    return jax.nn.softmax(x, axis=axis)


@op("LogSoftmax")
def log_softmax(x: Any, axis: int = -1) -> jax.Array:
    return jax.nn.log_softmax(x, axis=axis)


@op("Gelu")
def gelu(x: Any, approximate: bool = True) -> jax.Array:
    return jax.nn.gelu(x, approximate=approximate)


@op("Elu")
def elu(x: Any, alpha: float = 1.0) -> jax.Array:
    return jax.nn.elu(x, alpha=alpha)


@op("Selu")
def selu(x: Any) -> jax.Array:
    return jax.nn.selu(x)


@op("Softplus")
def softplus(x: Any) -> jax.Array:
    return jax.nn.softplus(x)


@op("Softsign")
def softsign(x: Any) -> jax.Array:
    return jax.nn.soft_sign(x)


@op("Silu")
def silu(x: Any) -> jax.Array:
    return jax.nn.silu(x)


swish = silu


@op("LeakyRelu")
def leaky_relu(x: Any, negative_slope: float = 0.2) -> jax.Array:
    return jax.nn.leaky_relu(x, negative_slope=negative_slope)


@op("HardSigmoid")
def hard_sigmoid(x: Any) -> jax.Array:
    return jax.nn.hard_sigmoid(x)


@op("HardSilu")
def hard_silu(x: Any) -> jax.Array:
    return jax.nn.hard_silu(x)


hard_swish = hard_silu


@op("Mish")
def mish(x: Any) -> jax.Array:
    return x * jnp.tanh(jax.nn.softplus(x))


@op("OneHot")
def one_hot(x: Any, num_classes: int, axis: int = -1, dtype: Any = "float32") -> jax.Array:
    return jax.nn.one_hot(x, num_classes, axis=axis, dtype=dtype)
