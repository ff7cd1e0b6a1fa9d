"""Gradient parity with Keras 3: the gradients of the same scalar loss with respect to every trainable weight."""

from __future__ import annotations

import inspect
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np


def assert_gradient_parity(
    ours: Any, theirs: Any, inputs: tuple, call_kwargs: dict | None = None, rtol: float = 1e-4, atol: float = 1e-5
) -> None:
    """Both layers (built, same weights) give the same gradients of ``sum(outputs * probe)``.

    Args:
        ours: the kerax layer.
        theirs: the Keras layer with the same weights, in the same order.
        inputs: the positional inputs of the call.
        call_kwargs: keyword arguments of the call.
        rtol: relative tolerance.
        atol: absolute tolerance.
    """
    call_kwargs = dict(call_kwargs or {})
    assert [tuple(v.shape) for v in ours.trainable_weights] == [tuple(v.shape) for v in theirs.trainable_weights]

    def first(out: Any) -> Any:
        return out[0] if isinstance(out, tuple | list) else out

    # A stateless call: an eager training call could update the layer's state (SpectralNormalization).
    trainable = [v.value for v in ours.trainable_weights]
    non_trainable = [v.value for v in ours.non_trainable_variables]
    probe_shape = np.asarray(first(ours.stateless_call(trainable, non_trainable, *inputs, **call_kwargs)[0])).shape
    probe = jnp.asarray(np.random.default_rng(5).standard_normal(probe_shape).astype("float32"))

    def loss_ours(tv: list) -> jax.Array:
        ntv = [v.value for v in ours.non_trainable_variables]
        out = ours.stateless_call(tv, ntv, *inputs, **call_kwargs)[0]
        return jnp.sum(first(out) * probe)

    def loss_theirs(tv: list) -> jax.Array:
        ntv = [v.value for v in theirs.non_trainable_variables]
        out = theirs.stateless_call(tv, ntv, *inputs, **call_kwargs)[0]
        return jnp.sum(first(out) * probe)

    got = jax.jit(jax.grad(loss_ours))([v.value for v in ours.trainable_weights])
    expected = jax.jit(jax.grad(loss_theirs))([v.value for v in theirs.trainable_variables])
    for g, e, var in zip(got, expected, ours.trainable_weights, strict=True):
        np.testing.assert_allclose(np.asarray(g), np.asarray(e), rtol=rtol, atol=atol, err_msg=var.path)


def _param_lines(model: Any) -> list[str]:
    lines: list[str] = []
    model.summary(print_fn=lambda line, *args, **kwargs: lines.extend(str(line).splitlines()))
    wanted = ("Total params", "Trainable params", "Non-trainable params")
    return [" ".join(line.split()[:4]).strip("│ ") for line in lines if line.strip().startswith(wanted)]


def assert_summary_counts(ours: Any, theirs: Any) -> None:
    """``summary()`` of the two models reports the same total, trainable and non-trainable counts."""
    got, expected = _param_lines(ours), _param_lines(theirs)
    assert len(got) == 3, got
    assert got == expected


def assert_signature_matches(cls: Any, keras_cls: Any) -> None:
    """The constructor's and ``call``'s argument names, order and defaults are Keras's."""
    for method in ("__init__", "call"):
        ours = inspect.signature(getattr(cls, method)).parameters
        theirs = inspect.signature(getattr(keras_cls, method)).parameters
        assert list(ours) == list(theirs), (cls.__name__, method)
        for name, param in theirs.items():
            assert ours[name].default == param.default, (cls.__name__, method, name)
