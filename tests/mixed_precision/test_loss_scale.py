"""LossScaleOptimizer: skipping and halving on non-finite gradients, growth, compile wrapping, Keras parity."""

from __future__ import annotations

import json
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import kerax
from kerax import layers, mixed_precision, optimizers
from kerax.optimizers import LossScaleOptimizer

INF, NAN = np.inf, np.nan
GRADS = [[1.0, INF, 1.0], [8.0, 8.0, 8.0], [8.0, -4.0, 8.0], [NAN, 1.0, 1.0], [2.0, 2.0, 2.0], [2.0, 2.0, 2.0]]


def _scale_state(opt: LossScaleOptimizer) -> tuple[int, float]:
    return opt.step_counter, opt.dynamic_scale


def test_pure_update_skips_and_halves_then_grows():
    opt = LossScaleOptimizer(optimizers.SGD(0.5), initial_scale=8.0, dynamic_growth_steps=2)
    params = [jnp.ones(3)]
    state = opt.init(params)
    update = jax.jit(opt.update)

    params, state = update([jnp.array([1.0, INF, 1.0])], state, params)
    np.testing.assert_array_equal(params[0], np.ones(3))  # skipped
    assert (int(state.step_counter), float(state.dynamic_scale)) == (0, 4.0)
    assert int(opt.iterations_from_state(state)) == 0

    params, state = update([jnp.full(3, 4.0)], state, params)
    np.testing.assert_allclose(params[0], np.full(3, 1.0 - 0.5 * 1.0))  # unscaled by 4
    assert (int(state.step_counter), float(state.dynamic_scale)) == (1, 4.0)

    params, state = update([jnp.full(3, 4.0)], state, params)
    np.testing.assert_allclose(params[0], np.full(3, 0.0))  # unscaled by the old scale, 4
    assert (int(state.step_counter), float(state.dynamic_scale)) == (0, 8.0)  # grown after 2 finite steps
    assert int(opt.iterations_from_state(state)) == 2
    assert float(opt.scale_loss(jnp.float32(1.5), state)) == 12.0


@pytest.mark.parametrize(
    ("inner", "keras_inner"),
    [
        (lambda: optimizers.SGD(0.1, momentum=0.9), lambda k: k.optimizers.SGD(0.1, momentum=0.9)),
        (lambda: optimizers.Adam(0.01), lambda k: k.optimizers.Adam(0.01)),
    ],
    ids=["SGD", "Adam"],
)
def test_steps_match_keras_stateless_apply(keras, inner, keras_inner):
    ours = LossScaleOptimizer(inner(), initial_scale=8.0, dynamic_growth_steps=2)
    theirs = keras.optimizers.LossScaleOptimizer(keras_inner(keras), initial_scale=8.0, dynamic_growth_steps=2)
    start = np.linspace(-1, 1, 3).astype("float32")
    variable = kerax.backend.Variable(start)
    theirs.build([keras.Variable(start)])
    ours.build([variable])
    keras_vars, keras_params = [v.value for v in theirs.variables], [jnp.asarray(start)]
    for grads in GRADS:
        keras_params, keras_vars = theirs.stateless_apply(keras_vars, [np.array(grads, "float32")], keras_params)
        ours.apply([np.array(grads, "float32")], [variable])
        np.testing.assert_allclose(variable.numpy(), np.asarray(keras_params[0]), rtol=1e-6, atol=1e-7)
        assert _scale_state(ours) == (int(keras_vars[2]), float(keras_vars[3]))
    assert len(ours.variables) == len(keras_vars)
    for mine, expected in zip(ours.variables, keras_vars, strict=True):
        np.testing.assert_allclose(np.asarray(mine), np.asarray(expected), rtol=1e-6, atol=1e-7)
    assert ours.iterations == int(keras_vars[4]) == 4  # the inner optimizer's count: skipped steps excluded


def test_set_weights_takes_keras_variables(keras):
    theirs = keras.optimizers.LossScaleOptimizer(keras.optimizers.SGD(0.1, momentum=0.9), initial_scale=4.0)
    theirs.build([keras.Variable(np.zeros(2, "float32"))])
    theirs.step_counter.assign(7)
    theirs.dynamic_scale.assign(64.0)
    ours = LossScaleOptimizer(optimizers.SGD(0.1, momentum=0.9))
    ours.build([kerax.backend.Variable(np.zeros(2, "float32"))])
    ours.set_weights([v.numpy() for v in theirs.variables])
    assert _scale_state(ours) == (7, 64.0)
    with pytest.raises(ValueError, match="received 2 weights"):
        ours.set_weights([0, 0.0])


def test_scale_loss_before_and_after_build():
    opt = LossScaleOptimizer(optimizers.SGD(), initial_scale=16.0)
    assert opt.scale_loss(2.0) == 32.0
    assert optimizers.SGD().scale_loss(2.0, None) == 2.0
    assert optimizers.SGD(loss_scale_factor=4.0).scale_loss(2.0, None) == 8.0


def test_learning_rate_and_config_delegate_to_the_inner_optimizer(keras):
    inner = optimizers.SGD(0.1, momentum=0.9, loss_scale_factor=4.0, name="sgd")
    opt = LossScaleOptimizer(inner, initial_scale=8.0, dynamic_growth_steps=2, name="lso")
    assert inner.loss_scale_factor is None  # the wrapper does the (un)scaling
    opt.learning_rate = 0.25
    assert opt.learning_rate == inner.learning_rate == 0.25
    theirs = keras.optimizers.LossScaleOptimizer(
        keras.optimizers.SGD(0.25, momentum=0.9, name="sgd"), initial_scale=8.0, dynamic_growth_steps=2, name="lso"
    )
    config = opt.get_config()
    assert config == theirs.get_config()
    again = optimizers.deserialize(json.loads(json.dumps(optimizers.serialize(opt))))
    assert isinstance(again, LossScaleOptimizer) and again.get_config() == config
    from_keras = optimizers.deserialize(keras.optimizers.serialize(theirs))
    assert isinstance(from_keras.inner_optimizer, optimizers.SGD) and from_keras.dynamic_growth_steps == 2


def test_argument_errors():
    with pytest.raises(TypeError, match="must be a kerax Optimizer"):
        LossScaleOptimizer("adam")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="`initial_scale` must be a positive float"):
        LossScaleOptimizer(optimizers.SGD(), initial_scale=0)
    with pytest.raises(ValueError, match="`dynamic_growth_steps` must be an int >= 1"):
        LossScaleOptimizer(optimizers.SGD(), dynamic_growth_steps=0)
    with pytest.raises(ValueError, match="dynamic=False"):
        LossScaleOptimizer(optimizers.SGD(), dynamic=False)
    with pytest.raises(ValueError, match=r"unsupported argument\(s\) \['clipnorm'\]"):
        LossScaleOptimizer(optimizers.SGD(), clipnorm=1.0)


def _mlp(lib: Any, final_float32: bool = True) -> Any:
    head = [lib.layers.Activation("softmax", dtype="float32")] if final_float32 else []
    return lib.Sequential([lib.Input((8,)), lib.layers.Dense(16, activation="relu"), lib.layers.Dense(3), *head])


def _classification(n: int = 64) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    x = rng.standard_normal((n, 8)).astype("float32")
    return x, (x[:, 0] > 0).astype("int32") + (x[:, 1] > 1).astype("int32")


def test_compile_wraps_the_optimizer_under_mixed_float16_only(keras):
    mixed_precision.set_global_policy("mixed_float16")
    model = _mlp(kerax)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    assert isinstance(model.optimizer, LossScaleOptimizer)
    assert isinstance(model.optimizer.inner_optimizer, optimizers.Adam)
    assert model.optimizer.name == "loss_scale_optimizer"
    wrapped = model.optimizer
    model.compile(optimizer=wrapped, loss="mse")
    assert model.optimizer is wrapped  # never wrapped twice
    model.compile(optimizer="adam", loss="mse", auto_scale_loss=False)
    assert isinstance(model.optimizer, optimizers.Adam)
    mixed_precision.set_global_policy("mixed_bfloat16")
    other = _mlp(kerax)
    other.compile(optimizer="adam", loss="mse")
    assert isinstance(other.optimizer, optimizers.Adam)


@pytest.mark.parametrize(("initial_scale", "growth"), [(2.0**40, 2000), (1.0, 2)], ids=["overflow", "growth"])
def test_mixed_float16_fit_scales_like_keras(keras, initial_scale, growth):
    """The same model fitted in both libraries skips the same steps and ends at the same scale."""
    mixed_precision.set_global_policy("mixed_float16")
    keras.config.set_dtype_policy("mixed_float16")
    x, y = _classification()
    ours, theirs = _mlp(kerax), _mlp(keras)
    ours.set_weights(theirs.get_weights())
    for model, lib in ((ours, kerax), (theirs, keras)):
        opt = lib.optimizers.LossScaleOptimizer(
            lib.optimizers.SGD(0.1), initial_scale=initial_scale, dynamic_growth_steps=growth
        )
        model.compile(optimizer=opt, loss="sparse_categorical_crossentropy")
    got = ours.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0).history["loss"]
    expected = theirs.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0).history["loss"]
    assert ours.optimizer.dynamic_scale == float(theirs.optimizer.dynamic_scale.numpy())
    assert ours.optimizer.step_counter == int(theirs.optimizer.step_counter.numpy())
    assert ours.optimizer.iterations == int(theirs.optimizer.iterations.numpy())
    if initial_scale > 2.0**20:
        assert ours.optimizer.dynamic_scale < initial_scale and ours.optimizer.iterations < 8  # steps were skipped
    else:
        assert ours.optimizer.dynamic_scale == 16.0 and ours.optimizer.iterations == 8  # grew every 2 steps
    np.testing.assert_allclose(got, expected, rtol=2e-3)
    for mine, theirs_w in zip(ours.get_weights(), theirs.get_weights(), strict=True):
        assert mine.dtype == np.float32
        np.testing.assert_allclose(mine, theirs_w, rtol=1e-2, atol=1e-3)


def test_default_loss_scaling_trains_a_mixed_float16_model():
    mixed_precision.set_global_policy("mixed_float16")
    x, y = _classification(128)
    model = _mlp(kerax)
    model.compile(optimizer=optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
    history = model.fit(x, y, batch_size=16, epochs=4, verbose=0).history["loss"]
    assert history[-1] < 0.8 * history[0]
    assert model.optimizer.dynamic_scale == 2.0**15 and model.optimizer.iterations == 32
    assert all(w.dtype == np.float32 for w in model.get_weights())
    assert model.layers[0](x).dtype == jnp.float16


def test_learning_rate_set_between_fits_reaches_the_inner_optimizer_state():
    mixed_precision.set_global_policy("mixed_float16")
    x, y = _classification()
    model = _mlp(kerax)
    model.compile(optimizer=optimizers.SGD(0.1), loss="sparse_categorical_crossentropy")
    model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    before = model.get_weights()
    model.optimizer.learning_rate = 0.0
    model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    for old, new in zip(before, model.get_weights(), strict=True):
        np.testing.assert_array_equal(old, new)  # the zero rate was used by the jitted steps
    assert model.optimizer.learning_rate == 0.0 and model.optimizer.iterations == 8
    assert len(model.optimizer.variables) == 4 + len(model.optimizer.inner_optimizer.variables)


def _fit_seed_mlp(policy: str) -> tuple[Any, dict[str, list[float]]]:
    mixed_precision.set_global_policy(policy)
    kerax.utils.set_random_seed(7)
    x, y = _classification(256)
    model = kerax.Sequential(
        [
            kerax.Input((8,)),
            layers.Dense(32, activation="relu"),
            layers.BatchNormalization(),
            layers.Dense(32, activation="relu"),
            layers.Dense(3),
            layers.Activation("softmax", dtype="float32"),
        ]
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model, model.fit(x, y, batch_size=32, epochs=5, verbose=0).history


def test_mixed_bfloat16_mlp_trains_like_float32_with_float32_weights():
    model, history = _fit_seed_mlp("mixed_bfloat16")
    assert isinstance(model.optimizer, optimizers.Adam)  # no loss scaling for bfloat16
    assert model.layers[0].compute_dtype == "bfloat16"
    assert history["loss"][-1] < 0.7 * history["loss"][0]
    assert all(w.dtype == jnp.float32 for w in model.weights)
    assert model.layers[1].moving_mean.value.dtype == jnp.float32
    assert model.predict(np.zeros((4, 8), "float32"), verbose=0).dtype == np.float32
    _, reference = _fit_seed_mlp("float32")
    np.testing.assert_allclose(history["loss"], reference["loss"], rtol=0.05)
    np.testing.assert_allclose(history["accuracy"], reference["accuracy"], atol=0.05)
