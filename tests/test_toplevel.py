"""Keras 3's top-level names in kerax: the classes, KerasTensor, version, and Function."""

from __future__ import annotations

import jax.numpy as jnp
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
