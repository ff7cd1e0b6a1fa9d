"""JaxLayer and FlaxLayer: pure JAX functions and Flax Linen modules as kerax layers, against Keras 3's
own JaxLayer/FlaxLayer with the same weights (outputs, state updates, one training step), and through
summary, fit, get_weights and save/load."""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

import jax
import jax.numpy as jnp
import keras
import numpy as np
import pytest

import kerax
from kerax.layers import FlaxLayer, JaxLayer

nn = pytest.importorskip("flax.linen")

X = np.random.default_rng(0).standard_normal((4, 5)).astype("float32")
Y = np.random.default_rng(1).standard_normal((4, 3)).astype("float32")


@kerax.saving.register_keras_serializable(package="h11_jax")
def stateful_call(params, state, rng, inputs, training):
    y = inputs @ params["w"] + params["b"]
    if training:
        keep = jax.random.bernoulli(rng, 0.75, y.shape)
        y = jnp.where(keep, y / 0.75, 0.0)
        state = {"count": state["count"] + 1, "mean": 0.9 * state["mean"] + 0.1 * jnp.mean(y, 0)}
    return y - state["mean"], state


@kerax.saving.register_keras_serializable(package="h11_jax")
def stateful_init(rng, inputs, training):
    params = {"w": 0.3 * jax.random.normal(rng, (inputs.shape[-1], 3)), "b": jnp.zeros(3)}
    return params, {"count": jnp.zeros((), "int32"), "mean": jnp.zeros(3)}


@kerax.saving.register_keras_serializable(package="h11_jax")
def dense_call(params, inputs):
    return jnp.tanh(inputs @ params[0]) @ params[1]


@kerax.saving.register_keras_serializable(package="h11_jax")
def dense_init(rng, inputs):
    k1, k2 = jax.random.split(rng)
    return [0.5 * jax.random.normal(k1, (inputs.shape[-1], 6)), 0.5 * jax.random.normal(k2, (6, 3))]


@kerax.saving.register_keras_serializable(package="h11_jax")
class BatchNormMLP(nn.Module):
    features: int = 3

    @nn.compact
    def __call__(self, inputs, training):
        x = nn.Dense(6)(inputs)
        x = nn.BatchNorm(use_running_average=not training, momentum=0.8)(x)
        x = nn.relu(x)
        return nn.Dense(self.features)(x)

    def get_config(self):
        return {"features": self.features}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _keras_weights_from(ours, theirs):
    theirs.set_weights(ours.get_weights())
    return theirs


def test_flax_is_imported_lazily():
    assert "kerax.layers._core.jax_layer" in sys.modules
    source = Path(sys.modules["kerax.layers._core.jax_layer"].__file__).read_text()
    assert "\nimport flax" not in source and "\nfrom flax" not in source


def test_jax_layer_parity_with_keras_state_and_training_step():
    ours = JaxLayer(stateful_call, stateful_init, seed=3)
    ours(X)
    assert [v.name for v in ours.weights] == ["variable", "variable_1", "variable_2", "variable_3"]
    assert [v.trainable for v in ours.weights] == [True, True, False, False]
    assert ours.weights[2].dtype == jnp.int32
    params, state = stateful_init(jax.random.key(0), X, True)
    theirs = _keras_weights_from(ours, keras.layers.JaxLayer(stateful_call, params=params, state=state))
    np.testing.assert_allclose(ours(X), theirs(X), rtol=1e-6)
    # One SGD step through stateless_call in both: the same loss, gradients and new state with one key.
    key = jax.random.key(7)

    def step(layer, trainable, non_trainable):
        def loss(tv):
            out, new_ntv = layer.stateless_call(tv, non_trainable, X, training=True)
            return jnp.mean(jnp.square(out - Y)), new_ntv

        return jax.jit(jax.value_and_grad(loss, has_aux=True))(trainable)

    # Keras draws its key from its seed generator: hand both the same key through a fixed-key layer.
    fixed = JaxLayer(
        lambda params, state, inputs, training: stateful_call(params, state, key, inputs, training),
        params=params,
        state=state,
    )
    fixed_keras = keras.layers.JaxLayer(
        lambda params, state, inputs, training: stateful_call(params, state, key, inputs, training),
        params=params,
        state=state,
    )
    fixed.set_weights(ours.get_weights())
    fixed_keras.set_weights(ours.get_weights())
    fixed_keras.build(X.shape)  # Keras's stateless_call needs a built layer
    (lo, so), go = step(
        fixed, [v.value for v in fixed.trainable_weights], [v.value for v in fixed.non_trainable_weights]
    )
    (lk, sk), gk = step(
        fixed_keras,
        [v.value for v in fixed_keras.trainable_variables],
        [v.value for v in fixed_keras.non_trainable_variables],
    )
    np.testing.assert_allclose(lo, lk, rtol=1e-6)
    for a, b in zip(go, gk, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    for a, b in zip(so, sk, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    assert int(so[0]) == 1
    # An eager training call assigns the new state; inference leaves it.
    ours(X, training=True)
    assert int(ours.non_trainable_weights[0].value) == 1
    ours(X)
    assert int(ours.non_trainable_weights[0].value) == 1


def test_flax_layer_parity_with_keras_and_training_step():
    # Initialized under jit (one compilation rather than one per op); the init path runs in the fit test.
    variables = jax.jit(lambda key: BatchNormMLP().init(key, X, training=True))(jax.random.key(0))
    ours = FlaxLayer(BatchNormMLP(), variables=variables)
    theirs = keras.layers.FlaxLayer(BatchNormMLP(), variables=variables)
    theirs.build(X.shape)  # Keras's stateless_call needs a built layer
    assert len(ours.trainable_weights) == 6 and len(ours.non_trainable_weights) == 2
    assert [tuple(v.shape) for v in ours.weights] == [tuple(v.shape) for v in theirs.weights]

    def step(layer, trainable, non_trainable):
        def loss(tv):
            out, new_ntv = layer.stateless_call(tv, non_trainable, X, training=True)
            return jnp.mean(jnp.square(out - Y)), new_ntv

        return jax.jit(jax.value_and_grad(loss, has_aux=True))(trainable)

    ours_infer = jax.jit(lambda tv, ntv: ours.stateless_call(tv, ntv, X)[0])
    theirs_infer = jax.jit(lambda tv, ntv: theirs.stateless_call(tv, ntv, X)[0])
    np.testing.assert_allclose(
        ours_infer([v.value for v in ours.trainable_weights], [v.value for v in ours.non_trainable_weights]),
        theirs_infer([v.value for v in theirs.trainable_variables], [v.value for v in theirs.non_trainable_variables]),
        rtol=1e-5,
        atol=1e-6,
    )
    (lo, so), go = step(ours, [v.value for v in ours.trainable_weights], [v.value for v in ours.non_trainable_weights])
    (lk, sk), gk = step(
        theirs, [v.value for v in theirs.trainable_variables], [v.value for v in theirs.non_trainable_variables]
    )
    np.testing.assert_allclose(lo, lk, rtol=1e-5)
    keras_state = [v.path for v in theirs.non_trainable_variables]
    sk = [value for value, path in zip(sk, keras_state, strict=True) if "seed_generator" not in path]
    for a, b in zip(go + so, gk + sk, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)
    assert not np.allclose(so[0], ours.non_trainable_weights[0].value)  # the batch statistics moved


def test_flax_dropout_gets_a_key_in_training_only():
    dropout = FlaxLayer(_DropoutModule(), seed=1)
    out = np.asarray(dropout(np.ones((2, 50), "float32"), training=True))
    assert np.any(out == 0) and np.allclose(out[out != 0], 2.0)
    np.testing.assert_array_equal(dropout(np.ones((2, 50), "float32")), np.ones((2, 50)))


class _DropoutModule(nn.Module):
    @nn.compact
    def __call__(self, inputs, training):
        return nn.Dropout(0.5, deterministic=not training)(inputs)


def test_model_summary_fit_and_save_load(tmp_path):
    model = kerax.models.Sequential(
        [
            kerax.layers.Input((5,)),
            JaxLayer(dense_call, dense_init),
            FlaxLayer(BatchNormMLP(features=2)),
        ]
    )
    lines: list[str] = []
    model.summary(print_fn=lambda line, *a, **k: lines.append(str(line)))
    total = 5 * 6 + 6 * 3 + (3 * 6 + 6) + 12 + (6 * 2 + 2) + 12
    assert model.count_params() == total
    assert any("Total params" in line and f"{total}" in line for line in lines)
    model.compile(optimizer="sgd", loss="mse")
    before = model.get_weights()
    model.fit(X, Y[:, :2], epochs=2, batch_size=2, verbose=0)
    after = model.get_weights()
    assert all(not np.allclose(a, b) for a, b in zip(before[:2], after[:2], strict=True))
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = kerax.saving.load_model(path)
    for a, b in zip(model.get_weights(), loaded.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(loaded.predict(X, verbose=0), model.predict(X, verbose=0), rtol=1e-6)
    config = loaded.layers[1].get_config()
    assert config["module"]["config"] == {"features": 2} and config["method"] is None


def test_bound_method_is_saved_by_name():
    class Twice(nn.Module):
        @nn.compact
        def __call__(self, inputs):
            return nn.Dense(2)(inputs)

        def twice(self, inputs):
            return 2 * self(inputs)

        def get_config(self):
            return {}

    module = Twice()
    layer = FlaxLayer(module, method=module.twice)
    layer(X)
    assert layer.get_config()["method"] == "twice"
    plain = FlaxLayer(module)
    plain(X)
    plain.set_weights(layer.get_weights())
    np.testing.assert_allclose(layer(X), 2 * np.asarray(plain(X)), rtol=1e-6)


def test_errors():
    with pytest.raises(ValueError, match="`inputs`"):
        JaxLayer(lambda params, x: x, dense_init)
    with pytest.raises(ValueError, match="unsupported argument `extra`"):
        JaxLayer(lambda params, inputs, extra: inputs, dense_init)
    with pytest.raises(ValueError, match="cannot all be None"):
        JaxLayer(dense_call)
    with pytest.raises(TypeError, match="callable"):
        JaxLayer("not a function", dense_init)
    layer = JaxLayer(lambda params, state, inputs: (inputs, {"other": state["a"]}), params={}, state={"a": 1.0})
    with pytest.raises(ValueError, match="structure"):
        layer(X)
    unregistered = FlaxLayer(_DropoutModule())
    with pytest.raises(ValueError, match="get_config"):
        unregistered.get_config()


def test_params_given_build_at_init_and_non_array_leaves_kept():
    params = {"w": np.ones((5, 2), "float32"), "scale": 2.0, "name": "kept"}

    def call_fn(params, inputs):
        assert params["name"] == "kept"
        return params["scale"] * inputs @ params["w"]

    layer = JaxLayer(call_fn, params=params)
    assert layer.built and [tuple(v.shape) for v in layer.weights] == [(), (5, 2)]
    np.testing.assert_allclose(layer(X), 2 * X @ np.ones((5, 2)), rtol=1e-6)
    no_params = JaxLayer(lambda inputs: inputs * 2)
    np.testing.assert_allclose(no_params(X), 2 * X)
    assert no_params.weights == []


# -- EquinoxLayer (a kerax extension) -----------------------------------------------------------------
def test_equinox_layer_matches_the_module_and_trains():
    eqx = pytest.importorskip("equinox")
    from kerax.layers import EquinoxLayer

    mlp = eqx.nn.MLP(5, 3, 8, depth=1, key=jax.random.key(0))
    layer = EquinoxLayer(mlp)
    assert [tuple(v.shape) for v in layer.weights] == [(8, 5), (8,), (3, 8), (3,)]
    assert layer.weights[0].name == "variable" and all(v.trainable for v in layer.weights)
    np.testing.assert_allclose(layer(X), jax.vmap(mlp)(X), rtol=1e-6)
    model = kerax.models.Sequential([kerax.layers.Input((5,)), layer])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(X, Y, epochs=1, batch_size=4, verbose=0)
    trained = layer.current_module()
    assert not np.allclose(trained.layers[0].weight, mlp.layers[0].weight)
    np.testing.assert_allclose(model.predict(X, verbose=0), jax.vmap(trained)(X), rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="save_weights"):
        layer.get_config()
    with pytest.raises(TypeError, match="equinox.Module"):
        EquinoxLayer(lambda x: x)


def test_equinox_layer_key_and_inference_and_batched():
    eqx = pytest.importorskip("equinox")
    from kerax.layers import EquinoxLayer

    class _Noisy(eqx.Module):
        scale: jax.Array

        def __call__(self, x, inference=False, key=None):
            if inference or key is None:
                return x * self.scale
            return x * self.scale + jax.random.normal(key, x.shape)

    layer = EquinoxLayer(_Noisy(jnp.asarray(2.0)), seed=4)
    np.testing.assert_allclose(layer(X), 2 * X)
    noisy = np.asarray(layer(X, training=True))
    assert not np.allclose(noisy, 2 * X)
    assert not np.allclose(noisy[0] - 2 * X[0], noisy[1] - 2 * X[1])  # one key per example
    batched = EquinoxLayer(_Noisy(jnp.asarray(3.0)), batched=True)
    np.testing.assert_allclose(batched(X), 3 * X)


@pytest.mark.parametrize("name", ["JaxLayer", "FlaxLayer"])
def test_signature_matches_keras(name):
    """Keras's arguments, in Keras's order, with Keras's defaults."""
    ours = inspect.signature(getattr(kerax.layers, name)).parameters
    theirs = inspect.signature(getattr(keras.layers, name)).parameters
    assert list(ours) == list(theirs)
    for param in theirs.values():
        assert ours[param.name].default == param.default, param.name
        assert ours[param.name].kind == param.kind, param.name
