"""Training gives Keras's numbers: same model, same initial weights, same data, same optimizer.

Keras 3 (JAX backend) is the oracle. Weights are copied from the Keras model into the kerax one, both
train with ``shuffle=False`` and ``batch_size=16`` (64 samples: 4 steps per epoch) for 3 epochs, then
every epoch's loss and accuracy and every final weight are compared.
"""

from __future__ import annotations

import numpy as np
import pytest

import kerax
from models.kx_helpers import quiet

keras = pytest.importorskip("keras")
if keras.backend.backend() != "jax":  # pragma: no cover
    pytest.skip("Keras must run on the JAX backend to serve as the oracle", allow_module_level=True)

OPTIMIZERS = {
    "sgd": lambda lib: lib.optimizers.SGD(learning_rate=0.1),
    "sgd_nesterov": lambda lib: lib.optimizers.SGD(learning_rate=0.05, momentum=0.9, nesterov=True),
    "adam": lambda lib: lib.optimizers.Adam(learning_rate=0.01),
    "rmsprop": lambda lib: lib.optimizers.RMSprop(learning_rate=0.01),
}


def build(lib, with_batch_norm):
    L = lib.layers
    stack = [lib.Input((8,)), L.Dense(16, activation="relu")]
    if with_batch_norm:
        stack += [L.BatchNormalization(), L.Dropout(0.0)]
    stack.append(L.Dense(3, activation="softmax"))
    return lib.Sequential(stack)


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 8)).astype("float32")
    y = (x @ rng.normal(size=(8, 3))).argmax(-1).astype("int64")
    return x, y


def train_both(data, optimizer, with_batch_norm, epochs=3, **fit_kwargs):
    keras.backend.clear_session()
    kerax.utils.clear_session()
    keras.utils.set_random_seed(0)
    k_model = build(keras, with_batch_norm)
    x_model = build(kerax, with_batch_norm)
    x_model.set_weights(k_model.get_weights())
    histories = []
    for lib, model in ((keras, k_model), (kerax, x_model)):
        model.compile(
            optimizer=OPTIMIZERS[optimizer](lib), loss="sparse_categorical_crossentropy", metrics=["accuracy"]
        )
        with quiet():
            history = model.fit(*data, batch_size=16, epochs=epochs, shuffle=False, verbose=0, **fit_kwargs)
        histories.append(history.history)
    return (k_model, histories[0]), (x_model, histories[1])


def assert_same_training(keras_run, kerax_run):
    (k_model, k_hist), (x_model, x_hist) = keras_run, kerax_run
    assert set(x_hist) == set(k_hist)
    for key in k_hist:
        np.testing.assert_allclose(x_hist[key], k_hist[key], rtol=0, atol=1e-4, err_msg=key)
    k_weights, x_weights = k_model.get_weights(), x_model.get_weights()
    assert [w.shape for w in x_weights] == [w.shape for w in k_weights]
    for i, (got, want) in enumerate(zip(x_weights, k_weights, strict=True)):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5, err_msg=f"weight {i}")


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_mlp_training_matches_keras(data, optimizer):
    assert_same_training(*train_both(data, optimizer, with_batch_norm=False))


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_batch_norm_model_training_matches_keras(data, optimizer):
    keras_run, kerax_run = train_both(data, optimizer, with_batch_norm=True)
    assert_same_training(keras_run, kerax_run)
    # The moving statistics moved during training (so the comparison above covered them).
    moving_mean = kerax_run[0].layers[1].get_weights()[2]
    assert np.abs(moving_mean).max() > 1e-3


def test_sample_weight_matches_keras(data):
    sample_weight = np.linspace(0.2, 1.8, len(data[1])).astype("float32")
    assert_same_training(*train_both(data, "sgd", False, epochs=2, sample_weight=sample_weight))


def test_validation_and_evaluate_match_keras(data):
    x, y = data
    keras_run, kerax_run = train_both((x[:48], y[:48]), "adam", False, epochs=2, validation_data=(x[48:], y[48:]))
    assert_same_training(keras_run, kerax_run)
    k_eval = keras_run[0].evaluate(x, y, batch_size=16, verbose=0)
    x_eval = kerax_run[0].evaluate(x, y, batch_size=16, verbose=0)
    np.testing.assert_allclose(x_eval, k_eval, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(
        kerax_run[0].predict(x, verbose=0), keras_run[0].predict(x, verbose=0), rtol=1e-4, atol=1e-6
    )


def test_multi_output_history_keys_match_keras(data):
    x, y = data
    histories = []
    for lib in (keras, kerax):
        (keras.backend.clear_session if lib is keras else kerax.utils.clear_session)()
        inputs = lib.Input((8,))
        hidden = lib.layers.Dense(8, activation="relu")(inputs)
        outputs = [lib.layers.Dense(3, activation="softmax")(hidden), lib.layers.Dense(1)(hidden)]
        model = lib.Model(inputs, outputs)
        model.compile(
            optimizer="sgd",
            loss=["sparse_categorical_crossentropy", "mse"],
            metrics=[["accuracy"], [lib.metrics.MeanAbsoluteError()]],
        )
        with quiet():
            history = model.fit(x, [y, x[:, :1]], epochs=1, batch_size=16, verbose=0, validation_split=0.25)
        histories.append(history.history)
    assert sorted(histories[1]) == sorted(histories[0])
    assert "dense_1_loss" in histories[1] and "val_dense_2_loss" in histories[1]


def test_metric_names_given_as_strings_match_keras():
    x = np.ones((8, 3), "float32")
    y = np.ones((8, 1), "float32")
    keys = []
    for lib in (keras, kerax):
        model = lib.Sequential([lib.Input((3,)), lib.layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mse", metrics=["mae", "mse"])
        keys.append(sorted(model.fit(x, y, epochs=1, verbose=0).history))
    assert keys[1] == keys[0] == ["loss", "mae", "mse"]
