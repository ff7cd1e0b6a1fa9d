"""Activations with Keras's signatures; each also works on symbolic tensors through ``kerax.ops``."""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp

from kerax import ops
from kerax._serialization._registry import get_registered_object, registered_name_of, resolve_function
from kerax.backend._symbolic import any_symbolic
from kerax.backend._variables import Variable
from kerax.ops._registry import FunctionOperation


def linear(x: Any) -> Any:
    """The identity: ``x`` unchanged.

    Args:
        x: Input tensor.
    """
    return x


def relu(x: Any, negative_slope: float = 0.0, max_value: float | None = None, threshold: float = 0.0) -> Any:
    """Rectified linear unit, with Keras's optional slope below ``threshold`` and cap ``max_value``.

    Keras's order of operations: keep values above ``threshold`` (``max(x, 0)`` when it is 0), clip to
    ``[0, max_value]``, then subtract ``negative_slope * max(threshold - x, 0)``.

    Args:
        x: Input tensor.
        negative_slope: Slope below ``threshold`` (default 0.0).
        max_value: Largest output value; ``None`` (default) sets no cap.
        threshold: Values at or below it are zeroed (before the slope is applied; default 0.0).
    """
    if negative_slope == 0.0 and max_value is None and threshold == 0.0:
        return ops.relu(x)
    if max_value is None and threshold == 0.0:
        return ops.leaky_relu(x, negative_slope=negative_slope)
    kept = ops.where(ops.greater(x, threshold), x, 0.0) if threshold != 0.0 else ops.relu(x)
    if max_value is not None:
        kept = ops.clip(kept, 0.0, max_value)
    if negative_slope != 0.0:
        kept = ops.subtract(kept, ops.multiply(negative_slope, ops.relu(ops.subtract(threshold, x))))
    return kept


def relu6(x: Any) -> Any:
    """Rectified linear unit capped at 6: ``min(max(x, 0), 6)``.

    Args:
        x: Input tensor.
    """
    return ops.relu6(x)


def sigmoid(x: Any) -> Any:
    """Logistic sigmoid ``1 / (1 + exp(-x))``.

    Args:
        x: Input tensor.
    """
    return ops.sigmoid(x)


def tanh(x: Any) -> Any:
    """Hyperbolic tangent.

    Args:
        x: Input tensor.
    """
    return ops.tanh(x)


def softmax(x: Any, axis: int = -1) -> Any:
    """Softmax: ``exp(x)`` normalised to sum to 1 along ``axis``.

    Args:
        x: Input tensor.
        axis: The axis or axes to normalise over (default -1).
    """
    return ops.softmax(x, axis=axis)


def log_softmax(x: Any, axis: int = -1) -> Any:
    """Logarithm of the softmax along ``axis``, computed stably.

    Args:
        x: Input tensor.
        axis: The axis or axes to normalise over (default -1).
    """
    return ops.log_softmax(x, axis=axis)


def gelu(x: Any, approximate: bool = False) -> Any:
    """Gaussian error linear unit; exact by default, as ``keras.activations.gelu``.

    Args:
        x: Input tensor.
        approximate: Whether to use the tanh approximation (default ``False``: the exact erf form).
    """
    return ops.gelu(x, approximate=approximate)


def elu(x: Any, alpha: float = 1.0) -> Any:
    """Exponential linear unit: ``x`` above 0, ``alpha * (exp(x) - 1)`` below.

    Args:
        x: Input tensor.
        alpha: Scale of the negative part (default 1.0).
    """
    return ops.elu(x, alpha=alpha)


def selu(x: Any) -> Any:
    """Scaled exponential linear unit: ``scale * elu(x, alpha)`` with the fixed self-normalising constants.

    Args:
        x: Input tensor.
    """
    return ops.selu(x)


def softplus(x: Any) -> Any:
    """Softplus ``log(exp(x) + 1)``.

    Args:
        x: Input tensor.
    """
    return ops.softplus(x)


def softsign(x: Any) -> Any:
    """Softsign ``x / (abs(x) + 1)``.

    Args:
        x: Input tensor.
    """
    return ops.softsign(x)


def silu(x: Any) -> Any:
    """Sigmoid linear unit (swish) ``x * sigmoid(x)``.

    Args:
        x: Input tensor.
    """
    return ops.silu(x)


swish = silu
"""Alias of ``silu``."""


def leaky_relu(x: Any, negative_slope: float = 0.2) -> Any:
    """Leaky rectified linear unit: ``x`` above 0, ``negative_slope * x`` below.

    Args:
        x: Input tensor.
        negative_slope: Slope below zero (default 0.2).
    """
    return ops.leaky_relu(x, negative_slope=negative_slope)


def exponential(x: Any) -> Any:
    """Exponential ``exp(x)``.

    Args:
        x: Input tensor.
    """
    return ops.exp(x)


def hard_sigmoid(x: Any) -> Any:
    """Hard sigmoid ``relu6(x + 3) / 6``, a piecewise-linear sigmoid.

    Args:
        x: Input tensor.
    """
    return ops.hard_sigmoid(x)


def hard_silu(x: Any) -> Any:
    """Hard SiLU (hard swish) ``x * relu6(x + 3) / 6``.

    Args:
        x: Input tensor.
    """
    return ops.hard_silu(x)


hard_swish = hard_silu
"""Alias of ``hard_silu``."""


def mish(x: Any) -> Any:
    """Mish ``x * tanh(softplus(x))``.

    Args:
        x: Input tensor.
    """
    return ops.mish(x)


def _array_activation(class_name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """An activation written in JAX that also records a ``class_name`` graph node on symbolic tensors."""

    def wrap(impl: Callable[..., Any]) -> Callable[..., Any]:
        operation = type(class_name, (FunctionOperation,), {"impl": staticmethod(impl), "__module__": "kerax.ops"})

        @functools.wraps(impl)
        def public(x: Any, *args: Any, **kwargs: Any) -> Any:
            x = x.value if isinstance(x, Variable) else x
            if any_symbolic((x, args, kwargs)):
                return operation()(x, *args, **kwargs)
            return impl(jnp.asarray(x), *args, **kwargs)

        return public

    return wrap


@_array_activation("Celu")
def celu(x: Any, alpha: float = 1.0) -> Any:
    """Continuously differentiable ELU: ``x`` above 0, ``alpha * (exp(x / alpha) - 1)`` below.

    Args:
        x: Input tensor.
        alpha: Scale of the negative part (default 1.0).
    """
    return jax.nn.celu(x, alpha=alpha)


@_array_activation("Glu")
def glu(x: Any, axis: int = -1) -> Any:
    """Gated linear unit: the first half of ``axis`` times the sigmoid of the second half.

    Args:
        x: Input tensor.
        axis: The axis to split in halves; its size must be even (default -1).
    """
    return jax.nn.glu(x, axis=axis)


@_array_activation("HardTanh")
def hard_tanh(x: Any) -> Any:
    """``x`` clipped to ``[-1, 1]``.

    Args:
        x: Input tensor.
    """
    return jax.nn.hard_tanh(x)


@_array_activation("LogSigmoid")
def log_sigmoid(x: Any) -> Any:
    """``log(sigmoid(x))``, computed stably as ``-softplus(-x)``.

    Args:
        x: Input tensor.
    """
    return jax.nn.log_sigmoid(x)


@_array_activation("Sparsemax")
def sparsemax(x: Any, axis: int = -1) -> Any:
    """The Euclidean projection of ``x`` onto the probability simplex along ``axis`` (sparse softmax).

    Args:
        x: Input tensor.
        axis: The axis to normalise over (default -1).
    """
    ranked = -jnp.sort(-x, axis=axis)
    cumulative = jnp.cumsum(ranked, axis=axis)
    shape = [1] * x.ndim
    shape[axis] = -1
    k = jnp.arange(1, x.shape[axis] + 1).reshape(shape)
    in_support = ranked - (cumulative - 1) / k > 0
    size = jnp.sum(in_support, axis=axis, keepdims=True)
    tau = (jnp.sum(jnp.where(in_support, cumulative, 0.0), axis=axis, keepdims=True) - 1) / size
    return jnp.maximum(x - tau, 0.0)


@_array_activation("Squareplus")
def squareplus(x: Any, b: float = 4) -> Any:
    """``(x + sqrt(x**2 + b)) / 2``, a smooth ReLU.

    Args:
        x: Input tensor.
        b: Smoothness of the curve near 0, non-negative (default 4).
    """
    return jax.nn.squareplus(x, b=b)


@_array_activation("Threshold")
def threshold(x: Any, threshold: float, default_value: float) -> Any:
    """``x`` where it is above ``threshold``, else ``default_value``.

    Args:
        x: Input tensor.
        threshold: The threshold.
        default_value: The value for elements not above ``threshold``.
    """
    return jnp.where(x > threshold, x, default_value)


@_array_activation("SparsePlus")
def sparse_plus(x: Any) -> Any:
    """0 below -1, ``x`` above 1, ``(x + 1)**2 / 4`` between.

    Args:
        x: Input tensor.
    """
    return jax.nn.sparse_plus(x)


@_array_activation("SparseSigmoid")
def sparse_sigmoid(x: Any) -> Any:
    """0 below -1, 1 above 1, ``(x + 1) / 2`` between.

    Args:
        x: Input tensor.
    """
    return jax.nn.sparse_sigmoid(x)


@_array_activation("SoftShrink")
def soft_shrink(x: Any, threshold: float = 0.5) -> Any:
    """``x`` moved ``threshold`` towards 0, and 0 within ``[-threshold, threshold]``.

    Args:
        x: Input tensor.
        threshold: Half-width of the interval mapped to zero (default 0.5).
    """
    return jnp.where(x > threshold, x - threshold, jnp.where(x < -threshold, x + threshold, 0.0))


@_array_activation("HardShrink")
def hard_shrink(x: Any, threshold: float = 0.5) -> Any:
    """``x`` where ``|x| > threshold``, else 0.

    Args:
        x: Input tensor.
        threshold: Threshold below which (in absolute value) outputs are zero (default 0.5).
    """
    return jnp.where(jnp.abs(x) > threshold, x, 0.0)


@_array_activation("TanhShrink")
def tanh_shrink(x: Any) -> Any:
    """``x - tanh(x)``.

    Args:
        x: Input tensor.
    """
    return x - jnp.tanh(x)


_BY_NAME: dict[str, Callable[..., Any]] = {
    f.__name__: f
    for f in (
        linear,
        relu,
        relu6,
        sigmoid,
        tanh,
        softmax,
        log_softmax,
        gelu,
        elu,
        selu,
        softplus,
        softsign,
        silu,
        leaky_relu,
        exponential,
        hard_sigmoid,
        hard_silu,
        mish,
        celu,
        glu,
        hard_tanh,
        log_sigmoid,
        sparsemax,
        squareplus,
        threshold,
        sparse_plus,
        sparse_sigmoid,
        soft_shrink,
        hard_shrink,
        tanh_shrink,
    )
}
_BY_NAME.update({"swish": silu, "hard_swish": hard_silu})


def serialize(activation: Callable[..., Any]) -> str:
    """The name under which ``get`` finds ``activation`` (``"package>name"`` for a registered function).

    Args:
        activation: An activation function.
    """
    for name, fn in _BY_NAME.items():
        if fn is activation:
            return name

    registered = registered_name_of(activation)
    if registered is not None:
        return registered
    name = getattr(activation, "__name__", None)
    if name is None:
        raise ValueError(f"Cannot serialize activation {activation!r}: it has no name.")
    return name


def deserialize(name: str) -> Callable[..., Any]:
    """The activation function a serialized name stands for (as ``get``).

    Args:
        name: A name such as ``"relu"``, or a registered ``"package>name"``.
    """
    return get(name)


def get(identifier: Any) -> Callable[..., Any]:
    """An activation function from a name (``"relu"``), a function, or ``None`` (linear).

    Args:
        identifier: A name (``"relu"``), a serialized config dict, a callable (returned as is), or ``None``.
    """
    if identifier is None:
        return linear
    if isinstance(identifier, dict):
        return resolve_function(identifier)
    if isinstance(identifier, str):
        fn = _BY_NAME.get(identifier)
        if fn is None:
            fn = get_registered_object(identifier)
        if fn is None:
            close = difflib.get_close_matches(identifier, list(_BY_NAME), n=3)
            hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise ValueError(
                f"Unknown activation {identifier!r}.{hint} Known activations: {', '.join(sorted(_BY_NAME))}."
            )
        return fn
    if callable(identifier):
        return identifier
    raise TypeError(f"Could not interpret activation {identifier!r}: expected a name or a callable.")
