"""Layers under mixed policies: autocast inputs and weights, float32 normalization, Keras parity."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import kerax
from kerax import layers, mixed_precision

BF16_TOL = {"rtol": 2e-2, "atol": 2e-2}


def _data(shape: tuple[int, ...], seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape).astype("float32")


def _parity(ours: Any, theirs: Any, x: np.ndarray, **call_kwargs: Any) -> tuple[np.ndarray, np.ndarray]:
    """Build both layers, give kerax Keras's weights, call both; return float32 copies of the outputs."""
    theirs(x)
    ours(x)
    ours.set_weights(theirs.get_weights())
    expected, got = theirs(x, **call_kwargs), ours(x, **call_kwargs)
    assert str(got.dtype) == str(expected.dtype)
    return np.asarray(got, np.float32), np.asarray(expected, np.float32)


@pytest.mark.parametrize(
    ("make", "shape"),
    [
        (lambda lib: lib.layers.Dense(6, activation="relu"), (4, 5)),
        (lambda lib: lib.layers.Conv2D(3, 3, padding="same"), (2, 6, 6, 2)),
    ],
    ids=["Dense", "Conv2D"],
)
def test_mixed_bfloat16_computes_in_bfloat16_with_float32_weights(keras, make, shape):
    mixed_precision.set_global_policy("mixed_bfloat16")
    keras.config.set_dtype_policy("mixed_bfloat16")
    ours, theirs = make(kerax), make(keras)
    got, expected = _parity(ours, theirs, _data(shape))
    assert ours(_data(shape)).dtype == jnp.bfloat16
    assert [w.dtype for w in ours.weights] == [jnp.float32] * len(ours.weights)
    assert [str(w.dtype) for w in theirs.weights] == ["float32"] * len(ours.weights)
    np.testing.assert_allclose(got, expected, **BF16_TOL)


def test_float32_policy_adds_no_casts():
    """Under the default policy the traced call is exactly what it was: no convert_element_type at all."""

    def traced_ops(layer: Any) -> list[str]:
        layer.build((None, 5))
        jaxpr = jax.make_jaxpr(lambda tv, x: layer.stateless_call(tv, [], x)[0])(
            [v.value for v in layer.trainable_weights], jnp.ones((2, 5), jnp.float32)
        )
        return [eqn.primitive.name for eqn in jaxpr.jaxpr.eqns]

    assert "convert_element_type" not in traced_ops(layers.Dense(3))
    mixed_precision.set_global_policy("mixed_bfloat16")
    assert traced_ops(layers.Dense(3)).count("convert_element_type") == 3  # input, kernel, bias


def test_only_floating_inputs_are_cast():
    seen: dict[str, Any] = {}

    class Probe(layers.Layer):
        def call(self, inputs: Any) -> Any:
            seen["dtype"] = inputs.dtype
            return inputs

    mixed_precision.set_global_policy("mixed_float16")
    Probe()(np.arange(4, dtype="int32"))
    assert seen["dtype"] == jnp.int32
    Probe()(np.ones(4, "float32"))
    assert seen["dtype"] == jnp.float16
    Probe(autocast=False)(np.ones(4, "float32"))
    assert seen["dtype"] == jnp.float32


def test_weights_read_in_the_compute_dtype_only_inside_call():
    reads: list[Any] = []

    class Scale(layers.Layer):
        def build(self, input_shape: Any) -> None:
            self.w = self.add_weight((), "ones", name="w")
            self.stat = self.add_weight((), "ones", name="stat", autocast=False)
            self.count = self.add_weight((), "zeros", dtype="int32", trainable=False, name="count")

        def call(self, inputs: Any) -> Any:
            reads.append((self.w.value.dtype, self.w.dtype, self.stat.value.dtype, self.count.value.dtype))
            return inputs * self.w.value

    layer = Scale(dtype="mixed_bfloat16")
    assert layer(np.ones(3, "float32")).dtype == jnp.bfloat16
    assert reads[-1] == (jnp.bfloat16, jnp.bfloat16, jnp.float32, jnp.int32)
    assert (layer.w.value.dtype, layer.w.dtype) == (jnp.float32, jnp.float32)  # outside call: as stored


def test_nested_layers_follow_keras_autocast_rules(keras):
    """A float32 layer inside a mixed model reads float32 weights; a non-autocast layer reads stored ones."""
    mixed_precision.set_global_policy("mixed_bfloat16")
    keras.config.set_dtype_policy("mixed_bfloat16")

    def build(lib: Any) -> Any:
        inputs = lib.Input((4,))
        hidden = lib.layers.Dense(8, activation="tanh")(inputs)
        outputs = lib.layers.Dense(3, dtype="float32")(hidden)
        return lib.Model(inputs, outputs)

    ours, theirs = build(kerax), build(keras)
    ours.set_weights(theirs.get_weights())
    x = _data((5, 4))
    got, expected = ours(x), theirs(x)
    assert got.dtype == jnp.float32 and str(expected.dtype) == "float32"
    assert ours.layers[1](x).dtype == jnp.bfloat16
    np.testing.assert_allclose(np.asarray(got), np.asarray(expected), **BF16_TOL)


def test_final_float32_softmax_gives_float32_probabilities(keras):
    mixed_precision.set_global_policy("mixed_bfloat16")
    keras.config.set_dtype_policy("mixed_bfloat16")

    def build(lib: Any) -> Any:
        return lib.Sequential(
            [lib.Input((6,)), lib.layers.Dense(10), lib.layers.Activation("softmax", dtype="float32")]
        )

    ours, theirs = build(kerax), build(keras)
    ours.set_weights(theirs.get_weights())
    x = _data((4, 6))
    logits = ours.layers[0](x)
    probs, expected = ours(x), theirs(x)
    assert logits.dtype == jnp.bfloat16
    assert probs.dtype == jnp.float32 and str(expected.dtype) == "float32"
    assert ours.predict(x, verbose=0).dtype == np.float32
    np.testing.assert_allclose(np.asarray(probs).sum(axis=1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(probs), np.asarray(expected), **BF16_TOL)


def test_batch_normalization_keeps_float32_statistics(keras):
    ours = layers.BatchNormalization(momentum=0.5, dtype="mixed_bfloat16")
    theirs = keras.layers.BatchNormalization(momentum=0.5, dtype="mixed_bfloat16")
    x = _data((16, 3)) * 3 + 5
    got, expected = _parity(ours, theirs, x, training=True)
    assert ours(x).dtype == jnp.bfloat16
    assert [w.dtype for w in ours.weights] == [jnp.float32] * 4
    np.testing.assert_allclose(got, expected, **BF16_TOL)
    # The moving statistics are updated in float32 from the (bfloat16-rounded) batch, as in Keras.
    np.testing.assert_allclose(ours.moving_mean.numpy(), theirs.moving_mean.numpy(), rtol=1e-5)
    np.testing.assert_allclose(ours.moving_variance.numpy(), theirs.moving_variance.numpy(), rtol=1e-5)
    assert ours.moving_mean.numpy().dtype == np.float32


@pytest.mark.parametrize("name", ["LayerNormalization", "GroupNormalization"])
def test_other_normalizations_run_in_float32(keras, name):
    kwargs = {"groups": 2} if name == "GroupNormalization" else {}
    ours = getattr(layers, name)(dtype="mixed_bfloat16", **kwargs)
    theirs = getattr(keras.layers, name)(dtype="mixed_bfloat16", **kwargs)
    x = _data((4, 6)) * 100 + 1000  # large values: normalizing in bfloat16 would lose them
    got, expected = _parity(ours, theirs, x)
    assert ours.autocast is False
    np.testing.assert_allclose(got, expected, **BF16_TOL)
    assert all(not w.autocast for w in ours.weights)


def test_mixed_layer_gradients_reach_float32_weights():
    layer = layers.Dense(3, dtype="mixed_float16")
    layer.build((None, 4))
    x = jnp.asarray(_data((2, 4)))

    def loss(tv: list) -> Any:
        return jnp.sum(layer.stateless_call(tv, [], x)[0].astype(jnp.float32))

    grads = jax.grad(loss)([v.value for v in layer.trainable_weights])
    assert [g.dtype for g in grads] == [jnp.float32, jnp.float32]
    np.testing.assert_allclose(np.asarray(grads[1]), np.full(3, 2.0))


@pytest.mark.parametrize("kind", ["functional", "sequential"])
def test_models_cast_their_inputs_as_keras_does(keras, kind):
    """A mixed model casts floating inputs to its Input's dtype (float32), not to bfloat16, as Keras does."""
    mixed_precision.set_global_policy("mixed_bfloat16")
    keras.config.set_dtype_policy("mixed_bfloat16")

    def build(lib: Any) -> Any:
        first = lib.layers.Dense(2, dtype="float32", kernel_initializer="ones", use_bias=False)
        if kind == "sequential":
            return lib.Sequential([lib.Input((3,)), first])
        inputs = lib.Input((3,))
        return lib.Model(inputs, first(inputs))

    x = np.array([[1.0 + 2.0**-12, 0.0, 0.0]], "float32")  # not representable in bfloat16
    got, expected = np.asarray(build(kerax)(x)), np.asarray(build(keras)(x))
    np.testing.assert_array_equal(got, expected)
    assert got[0, 0] == np.float32(1.0 + 2.0**-12)  # the float32 first layer saw the exact input
