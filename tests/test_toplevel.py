"""Keras 3's top-level names in kerax: Variable, scopes, device, remat, Function, version."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import keras
import numpy as np
import pytest

import kerax


def test_top_level_classes_are_kerax_classes() -> None:
    assert kerax.Layer is kerax.layers.Layer and kerax.Loss is kerax.losses.Loss
    assert kerax.Metric is kerax.metrics.Metric and kerax.Optimizer is kerax.optimizers.Optimizer
    assert kerax.Initializer is kerax.initializers.Initializer and kerax.Regularizer is kerax.regularizers.Regularizer
    assert kerax.InputSpec is kerax.layers.InputSpec and kerax.FloatDTypePolicy is kerax.DTypePolicy
    assert isinstance(kerax.layers.Dense(1), kerax.Operation)
    assert kerax.version() == kerax.__version__
    tensor = kerax.KerasTensor((None, 3), dtype="int32")
    assert tensor.shape == (None, 3) and tensor.dtype == jnp.int32


def test_variable_takes_keras_arguments() -> None:
    assert kerax.Variable(np.arange(3)).dtype == jnp.int32  # as Keras: the value's dtype
    assert kerax.Variable(1.0).dtype == jnp.float32
    ones = kerax.Variable("ones", shape=(2, 2), dtype="float16", trainable=False, aggregation="mean")
    np.testing.assert_array_equal(ones.numpy(), np.ones((2, 2)))
    assert ones.dtype == jnp.float16 and not ones.trainable and ones.aggregation == "mean"
    assert [kerax.Variable(0.0).name for _ in range(2)] == ["variable_3", "variable_4"]  # numbered, as in Keras
    with pytest.raises(ValueError, match="aggregation"):
        kerax.Variable(0.0, aggregation="max")
    with pytest.raises(ValueError, match="'/'"):
        kerax.Variable(0.0, name="a/b")


def test_name_scope_prefixes_variable_paths_as_keras_does() -> None:
    with kerax.name_scope("outer") as scope:
        assert scope.name == "outer"
        with kerax.name_scope("inner"):
            assert kerax.Variable(1.0, name="w").path == "outer/inner/w"
        dense = kerax.layers.Dense(2)
        dense.build((None, 3))
    assert dense.kernel.path == "outer/dense/kernel"
    assert kerax.Variable(1.0, name="w").path == "w"
    with keras.name_scope("outer"):
        assert keras.Variable(1.0, name="w").path == "outer/w"


class _Scaled(kerax.layers.Layer):
    def __init__(self) -> None:
        super().__init__()
        self.scale = kerax.Variable(np.ones((3,), "float32"), name="scale")
        self.offset = kerax.Variable(np.zeros((3,), "float32"), trainable=False, name="offset")

    def call(self, x: jax.Array) -> jax.Array:
        return x * self.scale + self.offset


def test_a_variable_set_as_a_layer_attribute_is_a_weight_and_trains() -> None:
    layer = _Scaled()
    assert [v.name for v in layer.trainable_weights] == ["scale"]
    assert [v.name for v in layer.non_trainable_weights] == ["offset"]
    layer.scale = layer.scale  # setting it again does not track it twice
    assert len(layer.weights) == 2
    model = kerax.Sequential([kerax.Input((3,)), layer])
    model.compile(optimizer=kerax.optimizers.SGD(0.1), loss="mse")
    model.fit(np.ones((8, 3), "float32"), np.full((8, 3), 2.0, "float32"), epochs=3, verbose=0)
    assert np.all(layer.scale.numpy() > 1.0)
    np.testing.assert_array_equal(layer.offset.numpy(), np.zeros(3))
    assert len(model.get_weights()) == 2


def test_stateless_scope_takes_keras_state_mapping() -> None:
    variable = kerax.Variable(np.zeros(2, "float32"))
    with kerax.StatelessScope(state_mapping=[(variable, jnp.ones(2))]) as scope:
        np.testing.assert_array_equal(variable.value, np.ones(2))
        variable.assign(jnp.full(2, 3.0))
        np.testing.assert_array_equal(scope.get_current_value(variable), np.full(2, 3.0))
    np.testing.assert_array_equal(variable.numpy(), np.zeros(2))


class _Probe(kerax.layers.Layer):
    seen: list[bool]

    def call(self, x: jax.Array) -> jax.Array:
        self.seen.append(kerax.backend._scope.in_symbolic_scope())
        return x


def test_symbolic_scope_marks_shape_inference() -> None:
    probe = _Probe()
    probe.seen = []
    probe(kerax.Input((2,)))
    probe(np.ones((1, 2), "float32"))
    assert probe.seen[-1] is False and probe.seen[:-1] and all(probe.seen[:-1])  # traced once or twice
    with kerax.SymbolicScope():
        assert kerax.backend._scope.in_symbolic_scope()
    assert not kerax.backend._scope.in_symbolic_scope()


def test_device_places_new_arrays() -> None:
    cpu = jax.devices("cpu")[0]
    with kerax.device("cpu:0"):
        assert jnp.ones(3).devices() == {cpu}
    with kerax.device(cpu):
        assert jnp.zeros(2).devices() == {cpu}
    with pytest.raises(ValueError):
        kerax.device("cpu:99")
    with pytest.raises(ValueError):
        kerax.device(3)


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


def test_function_replays_a_graph_on_arrays() -> None:
    a, b = kerax.KerasTensor((None, 3)), kerax.Input((3,))
    total = kerax.layers.Add()([a, b])
    fn = kerax.Function({"a": a, "b": b}, {"sum": total, "relu": kerax.activations.relu(total)}, name="adder")
    out = fn({"a": np.ones((2, 3), "float32"), "b": -3 * np.ones((2, 3), "float32")})
    np.testing.assert_array_equal(out["sum"], np.full((2, 3), -2.0))
    np.testing.assert_array_equal(out["relu"], np.zeros((2, 3)))
    assert fn.inputs == [a, b] and len(fn.outputs) == 2 and fn.name == "adder"
    symbolic = fn({"a": kerax.Input((3,)), "b": kerax.Input((3,))})
    assert symbolic["sum"].shape == (None, 3)
    with pytest.raises(ValueError):
        kerax.Function(kerax.Input((2,)), kerax.layers.Dense(1)(kerax.Input((2,))))
