"""Learning-rate schedules against Keras 3's, at many steps, plus serialisation."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from kerax.optimizers import schedules

STEPS = [0, 1, 2, 3, 5, 7, 10, 11, 19, 20, 21, 33, 50, 99, 100, 101, 250, 999, 1000, 5000]

CASES = [
    ("ExponentialDecay", {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.9}),
    ("ExponentialDecay", {"initial_learning_rate": 0.5, "decay_steps": 7, "decay_rate": 0.5, "staircase": True}),
    ("PiecewiseConstantDecay", {"boundaries": [10, 20, 100], "values": [1.0, 0.5, 0.1, 0.01]}),
    ("PiecewiseConstantDecay", {"boundaries": [3], "values": [0.3, 0.03]}),
    ("PolynomialDecay", {"initial_learning_rate": 0.1, "decay_steps": 100}),
    (
        "PolynomialDecay",
        {"initial_learning_rate": 0.1, "decay_steps": 30, "end_learning_rate": 0.01, "power": 0.5, "cycle": True},
    ),
    ("InverseTimeDecay", {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.5}),
    ("InverseTimeDecay", {"initial_learning_rate": 0.1, "decay_steps": 7, "decay_rate": 2.0, "staircase": True}),
    ("CosineDecay", {"initial_learning_rate": 0.1, "decay_steps": 100}),
    ("CosineDecay", {"initial_learning_rate": 0.1, "decay_steps": 100, "alpha": 0.1}),
    (
        "CosineDecay",
        {"initial_learning_rate": 0.0, "decay_steps": 200, "alpha": 0.05, "warmup_target": 0.2, "warmup_steps": 50},
    ),
    ("CosineDecayRestarts", {"initial_learning_rate": 0.1, "first_decay_steps": 20}),
    (
        "CosineDecayRestarts",
        {"initial_learning_rate": 0.1, "first_decay_steps": 10, "t_mul": 1.0, "m_mul": 0.5, "alpha": 0.1},
    ),
    ("CosineDecayRestarts", {"initial_learning_rate": 0.1, "first_decay_steps": 15, "t_mul": 1.5, "m_mul": 0.8}),
]
IDS = [f"{name}-{i}" for i, (name, _) in enumerate(CASES)]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_matches_keras_at_many_steps(keras_module, case):
    name, kwargs = case
    ours = getattr(schedules, name)(**kwargs)
    theirs = getattr(keras_module.optimizers.schedules, name)(**kwargs)
    steps = jnp.asarray(STEPS, jnp.int32)
    # Both traced (vmapped, jitted) over int32 steps, as inside an optimizer update; tracing
    # Keras's schedules once is also far cheaper than calling them eagerly step by step.
    expected = np.asarray(jax.jit(jax.vmap(theirs))(steps))
    got = jax.jit(jax.vmap(ours))(steps)
    assert got.dtype == jnp.float32
    np.testing.assert_allclose(np.asarray(got), expected, rtol=1e-5, atol=1e-7)
    # Python ints work eagerly too.
    np.testing.assert_allclose(float(ours(STEPS[5])), expected[5], rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_config_round_trip_and_keras_format(keras_module, case):
    name, kwargs = case
    ours = getattr(schedules, name)(**kwargs)
    theirs = getattr(keras_module.optimizers.schedules, name)(**kwargs)
    assert ours.get_config() == theirs.get_config()
    assert schedules.serialize(ours) == keras_module.optimizers.schedules.serialize(theirs)
    clone = schedules.deserialize(keras_module.optimizers.schedules.serialize(theirs))
    assert type(clone) is type(ours) and clone.get_config() == ours.get_config()
    assert type(ours).from_config(ours.get_config()).get_config() == ours.get_config()


def test_invalid_arguments_raise():
    with pytest.raises(ValueError, match="decay_steps"):
        schedules.ExponentialDecay(0.1, 0, 0.5)
    with pytest.raises(ValueError, match="first_decay_steps"):
        schedules.CosineDecayRestarts(0.1, -1)
    with pytest.raises(ValueError, match="boundaries"):
        schedules.PiecewiseConstantDecay([1, 2], [0.1, 0.2])
    with pytest.raises(ValueError, match="Unknown learning rate schedule"):
        schedules.deserialize({"class_name": "Nope", "config": {}})


def test_custom_schedule_subclass_deserializes():
    class HalfEvery(schedules.LearningRateSchedule):
        def __init__(self, rate: float):
            self.rate = rate

        def __call__(self, step):
            return self.rate * 0.5 ** (jnp.asarray(step) // 2)

        def get_config(self):
            return {"rate": self.rate}

    config = schedules.serialize(HalfEvery(0.8))
    clone = schedules.deserialize(config, custom_objects={"HalfEvery": HalfEvery})
    assert float(clone(4)) == pytest.approx(0.2)
