"""A GAN-style custom step with two optimizers, written once against Keras 3's JAX API: kerax = Keras."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import kerax

keras = pytest.importorskip("keras")

LATENT, FEATURES, BATCH, STEPS = 3, 4, 8, 3


def _nets(lib: object) -> tuple:
    generator = lib.Sequential(
        [lib.Input((LATENT,)), lib.layers.Dense(8, activation="relu"), lib.layers.Dense(FEATURES)]
    )
    discriminator = lib.Sequential(
        [lib.Input((FEATURES,)), lib.layers.Dense(8, activation="leaky_relu"), lib.layers.Dense(1)]
    )
    return generator, discriminator


def _gan_step(lib: object, generator: object, discriminator: object, d_opt: object, g_opt: object) -> object:
    """The discriminator's step, then the generator's, each with its own optimizer: values in, values out."""
    bce = lib.losses.BinaryCrossentropy(from_logits=True)

    def d_loss(d_tv: list, d_ntv: list, g_tv: list, g_ntv: list, real: object, z: object) -> object:
        fake, _ = generator.stateless_call(g_tv, g_ntv, z, training=True)
        both = lib.ops.concatenate([real, fake], axis=0)
        logits, _ = discriminator.stateless_call(d_tv, d_ntv, both, training=True)
        labels = lib.ops.concatenate([lib.ops.ones((BATCH, 1)), lib.ops.zeros((BATCH, 1))], axis=0)
        return bce(labels, logits)

    def g_loss(g_tv: list, g_ntv: list, d_tv: list, d_ntv: list, z: object) -> object:
        fake, _ = generator.stateless_call(g_tv, g_ntv, z, training=True)
        logits, _ = discriminator.stateless_call(d_tv, d_ntv, fake, training=True)
        return bce(lib.ops.ones((BATCH, 1)), logits)

    @jax.jit
    def step(state: tuple, real: object, z: object) -> tuple:
        g_tv, g_ntv, d_tv, d_ntv, g_ov, d_ov = state
        d_value, d_grads = jax.value_and_grad(d_loss)(d_tv, d_ntv, g_tv, g_ntv, real, z)
        d_tv, d_ov = d_opt.stateless_apply(d_ov, d_grads, d_tv)
        g_value, g_grads = jax.value_and_grad(g_loss)(g_tv, g_ntv, d_tv, d_ntv, z)
        g_tv, g_ov = g_opt.stateless_apply(g_ov, g_grads, g_tv)
        return {"d_loss": d_value, "g_loss": g_value}, (g_tv, g_ntv, d_tv, d_ntv, g_ov, d_ov)

    return step


def _train(lib: object, weights: tuple | None) -> tuple:
    generator, discriminator = _nets(lib)
    if weights is not None:
        generator.set_weights(weights[0])
        discriminator.set_weights(weights[1])
    d_opt, g_opt = lib.optimizers.Adam(1e-2), lib.optimizers.Adam(2e-2, beta_1=0.5)
    d_opt.build(discriminator.trainable_variables)
    g_opt.build(generator.trainable_variables)
    values = lambda vs: [jnp.asarray(v.numpy()) for v in vs]  # noqa: E731
    state = (
        values(generator.trainable_variables),
        values(generator.non_trainable_variables),
        values(discriminator.trainable_variables),
        values(discriminator.non_trainable_variables),
        values(g_opt.variables),
        values(d_opt.variables),
    )
    step = _gan_step(lib, generator, discriminator, d_opt, g_opt)
    rng = np.random.default_rng(0)
    logs = []
    for _ in range(STEPS):
        real = jnp.asarray(rng.normal(size=(BATCH, FEATURES)).astype("float32") + 2.0)
        z = jnp.asarray(rng.normal(size=(BATCH, LATENT)).astype("float32"))
        out, state = step(state, real, z)
        logs.append({k: float(v) for k, v in out.items()})
    initial = (generator.get_weights(), discriminator.get_weights())
    return initial, logs, [np.asarray(v) for part in state for v in part]


def test_a_two_optimizer_gan_step_gives_kerax_the_same_weights_and_logs_as_keras() -> None:
    initial, keras_logs, keras_state = _train(keras, None)
    _, kerax_logs, kerax_state = _train(kerax, initial)
    assert len(kerax_state) == len(keras_state) == 2 * 4 + 2 * (2 + 2 * 4)  # weights, then 2 Adams' variables
    for got, want in zip(kerax_logs, keras_logs, strict=True):
        assert got == pytest.approx(want, rel=1e-5, abs=1e-6)
    assert keras_logs[0] != keras_logs[-1]  # it trained
    for got, want in zip(kerax_state, keras_state, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def _true_positives_metric(lib: object) -> object:
    class TruePositives(lib.metrics.Metric):
        def __init__(self, name: str = "true_positives", **kwargs: object) -> None:
            super().__init__(name=name, **kwargs)
            self.count = self.add_variable(shape=(), name="count", initializer="zeros")

        def update_state(self, y_true: object, y_pred: object, sample_weight: object = None) -> None:
            hits = lib.ops.cast(lib.ops.argmax(y_pred, axis=-1) == lib.ops.cast(y_true, "int32"), "float32")
            self.count.assign_add(lib.ops.sum(hits))

        def result(self) -> object:
            return self.count * 1.0  # a tensor: Keras 3.15 on JAX 0.10 fails on a Variable returned here

        def reset_state(self) -> None:
            self.count.assign(0.0)

    return TruePositives()


def test_fit_with_a_custom_metric_gives_kerax_the_same_logs_and_weights_as_keras() -> None:
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(48, 5)).astype("float32"), rng.integers(0, 3, 48)
    runs = {}
    weights = None
    for name, lib in (("keras", keras), ("kerax", kerax)):
        model = lib.Sequential([lib.Input((5,)), lib.layers.Dense(8, activation="tanh"), lib.layers.Dense(3)])
        if weights is None:
            weights = model.get_weights()
        model.set_weights(weights)
        model.compile(
            lib.optimizers.SGD(0.1, momentum=0.5),
            lib.losses.SparseCategoricalCrossentropy(from_logits=True),
            metrics=[_true_positives_metric(lib)],
        )
        history = model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0).history
        runs[name] = (history, model.get_weights())
    assert sorted(runs["kerax"][0]) == sorted(runs["keras"][0]) == ["loss", "true_positives"]
    for key, values in runs["keras"][0].items():
        np.testing.assert_allclose(runs["kerax"][0][key], values, rtol=1e-5, err_msg=key)
    for got, want in zip(runs["kerax"][1], runs["keras"][1], strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
