"""Activation functions by name and as functions (``"relu"``, ``kerax.activations.gelu``)."""

from kerax.activations._activations import (
    deserialize,
    elu,
    exponential,
    gelu,
    get,
    hard_sigmoid,
    hard_silu,
    hard_swish,
    leaky_relu,
    linear,
    log_softmax,
    mish,
    relu,
    relu6,
    selu,
    serialize,
    sigmoid,
    silu,
    softmax,
    softplus,
    softsign,
    swish,
    tanh,
)

__all__ = [
    "deserialize", "elu", "exponential", "gelu", "get", "hard_sigmoid", "hard_silu", "hard_swish",
    "leaky_relu", "linear", "log_softmax", "mish", "relu", "relu6", "selu", "serialize", "sigmoid", "silu",
    "softmax", "softplus", "softsign", "swish", "tanh",
]
