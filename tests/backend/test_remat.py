"""remat and RematScope: recomputation in the backward pass, with the same gradients and assignments."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import kerax


def _grads_and_jaxpr(layer: kerax.layers.Layer, x: jax.Array) -> tuple[list, str]:
    def loss(tv: list) -> jax.Array:
        out, _ = layer.stateless_call(tv, [v.value for v in layer.non_trainable_variables], x)
        return jnp.sum(out**2)

    tv = [v.value for v in layer.trainable_variables]
    return jax.grad(loss)(tv), str(jax.make_jaxpr(jax.grad(loss))(tv))


def test_remat_and_remat_scope_recompute_with_the_same_gradients() -> None:
    x = jnp.linspace(-1.0, 1.0, 12).reshape(3, 4)
    f = kerax.remat(lambda v: jnp.sin(v) * v)
    np.testing.assert_allclose(jax.grad(lambda v: f(v).sum())(x), jax.grad(lambda v: (jnp.sin(v) * v).sum())(x))

    def build(scope: kerax.RematScope | None, name: str = "dense") -> kerax.layers.Layer:
        kerax.utils.set_random_seed(0)
        if scope is None:
            layer = kerax.layers.Dense(5, activation="tanh", name=name)
        else:
            with scope:
                layer = kerax.layers.Dense(5, activation="tanh", name=name)
        layer.build((None, 4))
        return layer

    plain_grads, plain_jaxpr = _grads_and_jaxpr(build(None), x)
    assert "remat" not in plain_jaxpr and "checkpoint" not in plain_jaxpr
    for scope, name in [
        (kerax.RematScope("full"), "dense"),
        (kerax.RematScope("activations"), "dense"),
        (kerax.RematScope("list_of_layers", layer_names=["chosen"]), "chosen"),
        (kerax.RematScope("larger_than", output_size_threshold=10), "dense"),
    ]:
        grads, jaxpr = _grads_and_jaxpr(build(scope, name), x)
        assert "remat" in jaxpr or "checkpoint" in jaxpr, scope.mode
        for ours, expected in zip(grads, plain_grads, strict=True):
            np.testing.assert_allclose(ours, expected, rtol=1e-6)
    for scope in (kerax.RematScope("list_of_layers", layer_names=["other"]), kerax.RematScope("larger_than")):
        assert "remat" not in _grads_and_jaxpr(build(scope), x)[1]
    with pytest.raises(ValueError):
        kerax.RematScope("sometimes")


def test_remat_keeps_what_a_call_assigns() -> None:
    with kerax.RematScope("full"):
        model = kerax.Sequential([kerax.Input((3,)), kerax.layers.BatchNormalization(momentum=0.5)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.full((4, 3), 2.0, "float32"), np.zeros((4, 3), "float32"), batch_size=4, epochs=1, verbose=0)
    np.testing.assert_allclose(model.layers[0].moving_mean.numpy(), np.full(3, 1.0))
