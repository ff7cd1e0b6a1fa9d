"""Every function in kerax.activations against keras.activations, with their optional arguments."""

from __future__ import annotations

import numpy as np
import pytest

import kerax
from kerax import activations

NOT_FUNCTIONS = {"get", "serialize", "deserialize"}
FUNCTIONS = sorted(set(activations.__all__) - NOT_FUNCTIONS)

# Extra argument combinations, on top of each function's defaults.
VARIANTS = [
    ("relu", {"negative_slope": 0.1}),
    ("relu", {"max_value": 6.0}),
    ("relu", {"max_value": 1.5}),
    ("relu", {"threshold": 0.5}),
    ("relu", {"threshold": -0.5}),
    ("relu", {"negative_slope": 0.2, "max_value": 2.0, "threshold": 0.5}),
    ("relu", {"negative_slope": 0.2, "max_value": 2.0, "threshold": -0.5}),
    ("relu", {"negative_slope": 0.3, "max_value": 1.0}),
    ("gelu", {"approximate": False}),
    ("gelu", {"approximate": True}),
    ("leaky_relu", {"negative_slope": 0.05}),
    ("elu", {"alpha": 0.5}),
    ("softmax", {"axis": 1}),
    ("softmax", {"axis": 0}),
    ("log_softmax", {"axis": 1}),
    ("celu", {"alpha": 0.5}),
    ("glu", {"axis": 1}),
    ("sparsemax", {"axis": 0}),
    ("sparsemax", {"axis": 1}),
    ("squareplus", {"b": 1.0}),
    ("threshold", {"threshold": -0.5, "default_value": 2.0}),
    ("soft_shrink", {"threshold": 1.0}),
    ("hard_shrink", {"threshold": 1.0}),
]

# Arguments without defaults.
REQUIRED = {"threshold": {"threshold": 0.3, "default_value": -1.0}}


@pytest.fixture(scope="module")
def data():
    # Values around the interesting points (0, thresholds, saturation) on three axes.
    rng = np.random.default_rng(0)
    return (rng.standard_normal((3, 4, 6)) * 3).astype("float32")


def test_every_kerax_activation_exists_in_keras(keras):
    missing = [name for name in FUNCTIONS if not hasattr(keras.activations, name)]
    assert missing == []


@pytest.mark.parametrize("name", FUNCTIONS)
def test_default_arguments_match_keras(keras, data, name):
    required = REQUIRED.get(name, {})
    got = np.asarray(getattr(activations, name)(data, **required))
    expected = np.asarray(getattr(keras.activations, name)(data, **required))
    assert got.dtype == expected.dtype
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def _variant_id(variant) -> str:
    name, kwargs = variant.values if hasattr(variant, "values") else variant
    return f"{name}-" + "-".join(f"{k}={v}" for k, v in kwargs.items())


@pytest.mark.parametrize(("name", "kwargs"), VARIANTS, ids=[_variant_id(v) for v in VARIANTS])
def test_arguments_match_keras(keras, data, name, kwargs):
    got = np.asarray(getattr(activations, name)(data, **kwargs))
    expected = np.asarray(getattr(keras.activations, name)(data, **kwargs))
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_lookup_by_name_round_trips(name):
    fn = activations.get(name)
    assert activations.get(activations.serialize(fn)) is fn


@pytest.mark.parametrize("name", ["celu", "glu", "sparsemax", "tanh_shrink", "log_sigmoid"])
def test_new_activations_build_graphs_and_serve_activation_layers(keras, data, name):
    inputs = kerax.Input((4, 6))
    model = kerax.Model(inputs, [getattr(activations, name)(inputs), kerax.layers.Activation(name)(inputs)])
    direct, layered = model.predict(data, verbose=0)
    expected = np.asarray(getattr(keras.activations, name)(data))
    np.testing.assert_allclose(direct, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(layered, expected, rtol=1e-5, atol=1e-6)
