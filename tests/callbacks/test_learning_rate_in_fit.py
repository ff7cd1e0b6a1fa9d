"""Learning-rate callbacks change the rate the training step uses, as in Keras 3 (the oracle)."""

from __future__ import annotations

import keras
import numpy as np

import kerax

RNG = np.random.default_rng(0)
X = RNG.standard_normal((32, 4)).astype("float32")
Y = RNG.standard_normal((32, 2)).astype("float32")


def _schedule(epoch, lr):
    return 0.1 * 0.5**epoch if epoch < 2 else 0.0  # the third epoch must not move the weights


def test_learning_rate_scheduler_steers_fit_like_keras():
    ours = kerax.Sequential([kerax.Input((4,)), kerax.layers.Dense(2)])
    theirs = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    theirs.set_weights(ours.get_weights())
    ours.compile(optimizer=kerax.optimizers.SGD(0.1), loss="mse")
    theirs.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    seen = []
    probe = kerax.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(ours.get_weights()[0].copy()))
    ours.fit(
        X,
        Y,
        epochs=3,
        batch_size=8,
        shuffle=False,
        verbose=0,
        callbacks=[kerax.callbacks.LearningRateScheduler(_schedule), probe],
    )
    theirs.fit(
        X,
        Y,
        epochs=3,
        batch_size=8,
        shuffle=False,
        verbose=0,
        callbacks=[keras.callbacks.LearningRateScheduler(_schedule)],
    )
    np.testing.assert_array_equal(seen[1], seen[2])
    for a, b in zip(ours.get_weights(), theirs.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
