"""kerax.Variable: Keras's constructor arguments, and a Variable set on a layer is a weight that trains."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import kerax


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


def test_a_scalar_variable_converts_and_compares_like_keras() -> None:
    import keras

    for lib in (kerax, keras):
        count = lib.Variable(3, dtype="int32", name="count")
        assert int(count) == 3 and float(count) == 3.0
        assert bool(count == 3) and not bool(count != 3) and bool(count < 4)
        assert np.asarray(count % 2 == 1)
    ours = kerax.Variable(np.arange(3.0, dtype="float32"), name="v")
    np.testing.assert_array_equal(ours == np.array([0.0, 5.0, 2.0]), [True, False, True])
    np.testing.assert_array_equal(ours != np.zeros(3, "float32"), [False, True, True])
    with pytest.raises(TypeError, match="'v' of shape \\(3,\\) is not a scalar; it has no int value"):
        int(ours)
    with pytest.raises(TypeError, match="not a scalar; it has no truth value"):
        bool(ours)
    # Between Variables, == is identity (unlike Keras), so containers of Variables work; hashable by identity.
    twin = kerax.Variable(np.arange(3.0, dtype="float32"), name="v")
    assert ours != twin and ours == ours and [twin, ours].index(ours) == 1 and twin not in [ours]
    assert len({ours: 1, twin: 2}) == 2 and ours in {ours} and twin not in {ours}
    assert ours != "v" and ours is not None and ours not in [None, "v", kerax.layers.Dense(2)]
