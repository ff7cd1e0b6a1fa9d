"""Regularizers and constraints against Keras 3, alone and inside training."""

from __future__ import annotations

import numpy as np
import pytest

import kerax
from kerax import constraints, layers, regularizers

keras = pytest.importorskip("keras")
W = np.random.default_rng(0).normal(size=(6, 4)).astype(np.float32)


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("L1", {"l1": 0.3}),
        ("L2", {"l2": 0.2}),
        ("L1L2", {"l1": 0.1, "l2": 0.05}),
        ("L2", {}),
        ("OrthogonalRegularizer", {"factor": 0.5}),
        ("OrthogonalRegularizer", {"mode": "columns"}),
    ],
)
def test_regularizers_match_keras(name: str, kwargs: dict) -> None:
    ours = getattr(regularizers, name)(**kwargs)
    theirs = getattr(keras.regularizers, name)(**kwargs)
    np.testing.assert_allclose(ours(W), np.asarray(theirs(keras.ops.convert_to_tensor(W))), rtol=1e-5)
    theirs_config = theirs.get_config()
    assert ours.get_config().keys() == theirs_config.keys()
    for key, value in ours.get_config().items():
        assert value == (pytest.approx(theirs_config[key]) if isinstance(value, float) else theirs_config[key])


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("MaxNorm", {"max_value": 1.0}),
        ("MaxNorm", {"max_value": 1.5, "axis": 1}),
        ("NonNeg", {}),
        ("UnitNorm", {}),
        ("UnitNorm", {"axis": [0, 1]}),
        ("MinMaxNorm", {"min_value": 0.5, "max_value": 1.0, "rate": 0.7}),
    ],
)
def test_constraints_match_keras(name: str, kwargs: dict) -> None:
    ours = getattr(constraints, name)(**kwargs)
    theirs = getattr(keras.constraints, name)(**kwargs)
    np.testing.assert_allclose(ours(W), np.asarray(theirs(W)), rtol=1e-5, atol=1e-7)


def test_lookup_by_name_and_errors() -> None:
    assert isinstance(regularizers.get("l2"), regularizers.L2)
    assert isinstance(regularizers.get("l1_l2"), regularizers.L1L2)
    assert isinstance(constraints.get("non_neg"), constraints.NonNeg)
    assert regularizers.get(None) is None
    with pytest.raises(ValueError, match="Unknown regularizer 'l3'"):
        regularizers.get("l3")
    with pytest.raises(ValueError, match="`l2` must be a non-negative number"):
        regularizers.L2(-1.0)


def _pair(seed: int = 0):
    def build(lib):
        return lib.Sequential(
            [
                lib.Input((5,)),
                lib.layers.Dense(
                    8,
                    activation="tanh",
                    kernel_regularizer=lib.regularizers.L2(0.05),
                    bias_regularizer=lib.regularizers.L1(0.01),
                    activity_regularizer=lib.regularizers.L1(0.02),
                    kernel_constraint=lib.constraints.MaxNorm(0.8),
                ),
                lib.layers.Dense(1, kernel_constraint=lib.constraints.NonNeg()),
            ]
        )

    ours, theirs = build(kerax), build(keras)
    rng = np.random.default_rng(seed)
    theirs.set_weights([rng.normal(size=w.shape).astype(np.float32) * 0.5 for w in theirs.get_weights()])
    ours.set_weights(theirs.get_weights())
    return ours, theirs


def test_training_with_regularizers_and_constraints_matches_keras() -> None:
    ours, theirs = _pair()
    x = np.random.default_rng(1).normal(size=(64, 5)).astype(np.float32)
    y = np.sin(x.sum(1, keepdims=True)).astype(np.float32)
    for model in (ours, theirs):
        model.compile(optimizer="sgd", loss="mse")
    h_ours = ours.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0).history
    h_theirs = theirs.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0).history
    np.testing.assert_allclose(h_ours["loss"], h_theirs["loss"], rtol=1e-5)
    for a, b in zip(ours.get_weights(), theirs.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert np.all(ours.layers[1].kernel.numpy() >= 0)
    assert np.linalg.norm(ours.layers[0].kernel.numpy(), axis=0).max() <= 0.8 + 1e-6


def test_model_losses_after_a_call_match_keras() -> None:
    ours, theirs = _pair()
    x = np.random.default_rng(2).normal(size=(10, 5)).astype(np.float32)
    ours(x)
    theirs(x)
    assert len(ours.losses) == len(theirs.losses) == 3
    np.testing.assert_allclose(
        sorted(float(v) for v in ours.losses), sorted(float(v) for v in theirs.losses), rtol=1e-5
    )
    ours(x[:4])  # a new outermost call replaces the activity loss rather than accumulating it
    assert len(ours.losses) == 3


def test_add_loss_in_a_subclassed_layer_reaches_the_training_loss() -> None:
    class Penalised(layers.Layer):
        def call(self, inputs):
            self.add_loss(100.0 * kerax.ops.mean(kerax.ops.square(inputs)))
            return inputs

    model = kerax.Sequential([kerax.Input((3,)), layers.Dense(3), Penalised(), layers.Dense(1)])
    model.compile("sgd", "mse")
    x = np.ones((8, 3), np.float32)
    plain = float(np.mean((model.predict(x, verbose=0) - 0.0) ** 2))
    logged = model.evaluate(x, np.zeros((8, 1), np.float32), verbose=0)
    assert logged > plain + 1.0


def test_regularizers_round_trip_through_config() -> None:
    layer = layers.Dense(3, kernel_regularizer="l2", kernel_constraint="non_neg", activity_regularizer="l1")
    config = layer.get_config()
    assert config["kernel_regularizer"]["class_name"] == "L2"
    assert config["kernel_constraint"]["class_name"] == "NonNeg"
    clone = layers.Dense.from_config({**config, "name": "clone"})
    assert isinstance(clone.kernel_regularizer, regularizers.L2)
    assert isinstance(clone.activity_regularizer, regularizers.L1)
