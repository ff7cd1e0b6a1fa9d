"""Every function in kerax.activations against keras.activations, with their optional arguments."""

from __future__ import annotations

import numpy as np
import pytest

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
]


@pytest.fixture(scope="module")
def data():
    # Values around the interesting points (0, thresholds, saturation) on three axes.
    rng = np.random.default_rng(0)
    return (rng.standard_normal((3, 4, 5)) * 3).astype("float32")


def test_every_kerax_activation_exists_in_keras(keras):
    missing = [name for name in FUNCTIONS if not hasattr(keras.activations, name)]
    assert missing == []


@pytest.mark.parametrize("name", FUNCTIONS)
def test_default_arguments_match_keras(keras, data, name):
    got = np.asarray(getattr(activations, name)(data))
    expected = np.asarray(getattr(keras.activations, name)(data))
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
