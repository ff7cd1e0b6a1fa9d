"""model(x) on arrays runs one cached jitted function of the current weights."""

from __future__ import annotations

import numpy as np

import kerax
from kerax import layers


def _model() -> kerax.Model:
    inputs = kerax.Input((5,))
    x = layers.Dense(8, activation="relu")(inputs)
    x = layers.BatchNormalization()(x)
    return kerax.Model(inputs, layers.Dense(2)(x))


def test_call_equals_predict_and_sees_weight_changes_without_retracing() -> None:
    model = _model()
    x = np.random.default_rng(0).normal(size=(3, 5)).astype(np.float32)
    np.testing.assert_allclose(model(x), model.predict(x, verbose=0), rtol=1e-6)
    traces = model._compiled_call._cache_size()
    model.set_weights([w * 0.5 for w in model.get_weights()])
    np.testing.assert_allclose(model(x), model.predict(x, verbose=0), rtol=1e-6)
    assert model._compiled_call._cache_size() == traces


def test_training_call_updates_moving_statistics() -> None:
    model = _model()
    bn = model.get_layer(index=2)
    before = bn.moving_mean.numpy().copy()
    model(np.random.default_rng(1).normal(size=(16, 5)).astype(np.float32) + 3.0, training=True)
    assert not np.allclose(bn.moving_mean.numpy(), before)


def test_weight_lists_follow_structure_changes() -> None:
    model = kerax.Sequential([kerax.Input((4,)), layers.Dense(3)])
    x = np.ones((1, 4), np.float32)
    assert model(x).shape == (1, 3)
    assert len(model.weight_lists()[0]) == 2
    model.add(layers.Dense(2))
    assert model(x).shape == (1, 2)
    assert len(model.weight_lists()[0]) == 4
    model.layers[0].trainable = False
    trainable, non_trainable = model.weight_lists()
    assert len(trainable) == 2 and len(non_trainable) == 2


def test_freezing_moves_weights_as_keras_does() -> None:
    model = _model()
    assert len(model.trainable_weights) == 6 and len(model.non_trainable_weights) == 2
    model.trainable = False
    assert model.trainable_weights == [] and len(model.non_trainable_weights) == 8
    model.trainable = True
    assert len(model.trainable_weights) == 6
    assert [w.path for w in model.weights][:2] == [w.path for w in model.layers[1].weights]


def test_outputs_carry_their_masks_as_an_eager_call() -> None:
    inputs = kerax.Input((None,), dtype="int32")
    x = layers.Embedding(10, 4, mask_zero=True)(inputs)
    model = kerax.Model(inputs, [layers.Dense(1)(x), layers.GlobalAveragePooling1D()(x)])
    tokens = np.array([[1, 2, 0], [3, 0, 0]])
    sequence, pooled = model(tokens)
    np.testing.assert_array_equal(sequence._keras_mask, tokens != 0)
    assert getattr(pooled, "_keras_mask", None) is None
    model.run_eagerly = True
    np.testing.assert_array_equal(model(tokens)[0]._keras_mask, sequence._keras_mask)
