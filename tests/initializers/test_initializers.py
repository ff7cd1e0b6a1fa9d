"""Initializers: Keras's names, bounds and variances; repeatable under set_random_seed."""

from __future__ import annotations

import math

import numpy as np
import pytest

import kerax
from kerax import initializers

SHAPE = (300, 200)


@pytest.mark.parametrize(
    ("name", "expected_std"),
    [
        ("glorot_uniform", math.sqrt(2.0 / (300 + 200))),
        ("glorot_normal", math.sqrt(2.0 / (300 + 200))),
        ("he_uniform", math.sqrt(2.0 / 300)),
        ("he_normal", math.sqrt(2.0 / 300)),
        ("lecun_uniform", math.sqrt(1.0 / 300)),
        ("lecun_normal", math.sqrt(1.0 / 300)),
        ("random_normal", 0.05),
        ("truncated_normal", 0.05 * 0.8796),
        ("random_uniform", 0.1 / math.sqrt(12)),
    ],
)
def test_variance_scaling_family_has_keras_standard_deviation(name: str, expected_std: float) -> None:
    values = np.asarray(initializers.get(name)(SHAPE))
    assert values.shape == SHAPE and values.dtype == np.float32
    assert abs(values.mean()) < 0.05 * expected_std + 1e-4
    assert values.std() == pytest.approx(expected_std, rel=0.03)


def test_uniform_limits_are_keras_limits() -> None:
    limit = math.sqrt(6.0 / (300 + 200))
    values = np.asarray(initializers.GlorotUniform()(SHAPE))
    assert values.max() <= limit and values.min() >= -limit
    assert values.max() > 0.99 * limit


def test_truncated_normal_stays_within_two_standard_deviations() -> None:
    values = np.asarray(initializers.TruncatedNormal(stddev=1.0)((100_000,)))
    assert np.abs(values).max() <= 2.0


def test_fans_match_keras() -> None:
    keras_init = pytest.importorskip("keras.src.initializers.random_initializers")
    for shape in [(5,), (3, 4), (3, 3, 8, 16), (2, 3, 3, 4, 6)]:
        assert initializers._initializers.compute_fans(shape) == tuple(int(f) for f in keras_init.compute_fans(shape))


def test_orthogonal_is_orthogonal() -> None:
    q = np.asarray(initializers.Orthogonal(gain=2.0)((8, 5)), np.float64)
    np.testing.assert_allclose(q.T @ q, 4.0 * np.eye(5), atol=1e-5)
    wide = np.asarray(initializers.Orthogonal()((3, 7)), np.float64)
    np.testing.assert_allclose(wide @ wide.T, np.eye(3), atol=1e-5)


def test_constants_and_identity() -> None:
    np.testing.assert_array_equal(initializers.get("zeros")((2, 3)), np.zeros((2, 3)))
    np.testing.assert_array_equal(initializers.get("ones")((2,)), np.ones(2))
    np.testing.assert_array_equal(initializers.Constant(3.5)((2,)), np.full(2, 3.5))
    np.testing.assert_array_equal(initializers.Identity(2.0)((2, 2)), 2.0 * np.eye(2))


def test_set_random_seed_makes_weights_repeatable() -> None:
    def build() -> list[np.ndarray]:
        kerax.utils.set_random_seed(7)
        model = kerax.Sequential([kerax.Input((4,)), kerax.layers.Dense(3), kerax.layers.Dense(2)])
        return model.get_weights()

    first, second = build(), build()
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)
    kerax.utils.set_random_seed(8)
    other = kerax.Sequential([kerax.Input((4,)), kerax.layers.Dense(3)]).get_weights()
    assert not np.array_equal(other[0], first[0])


def test_an_explicit_seed_gives_the_same_values_every_call() -> None:
    init = initializers.HeNormal(seed=3)
    np.testing.assert_array_equal(init((4, 4)), init((4, 4)))


def test_get_by_name_class_config_and_errors() -> None:
    assert isinstance(initializers.get("HeNormal"), initializers.HeNormal)
    assert isinstance(initializers.get("he_normal"), initializers.HeNormal)
    config = initializers.serialize(initializers.VarianceScaling(2.0, "fan_out", "uniform", seed=1))
    restored = initializers.deserialize(config)
    np.testing.assert_array_equal(
        restored((3, 3)), initializers.VarianceScaling(2.0, "fan_out", "uniform", seed=1)((3, 3))
    )
    with pytest.raises(ValueError, match="Unknown initializer 'glorot_unifrom'. Did you mean 'glorot_uniform'"):
        initializers.get("glorot_unifrom")
    with pytest.raises(ValueError, match="mode"):
        initializers.VarianceScaling(mode="fan_middle")
