import numpy as np
import pytest

import kerax
from kerax.callbacks import LambdaCallback, SwapEMAWeights


def _data():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(16, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]], "float32") + 0.25).astype("float32")
    return x, y


def _kerax_model(use_ema=True):
    model = kerax.Sequential([kerax.Input((3,)), kerax.layers.Dense(4, activation="tanh"), kerax.layers.Dense(1)])
    model.compile(optimizer=kerax.optimizers.SGD(0.1, use_ema=use_ema, ema_momentum=0.8), loss="mse")
    return model


def _ema_values(model):
    opt = model.optimizer
    return [np.asarray(opt.variables[k].value) for k in opt._layout.ema]


def test_swaps_in_and_out_around_evaluation_hooks():
    x, y = _data()
    model = _kerax_model()
    model.fit(x, y, batch_size=4, epochs=1, verbose=0, shuffle=False)
    # fit leaves the averages in the model: make the "trained" weights differ from them
    for v in model.trainable_variables:
        v.assign(v.value + 1.0)
    trained = [np.asarray(v.value) for v in model.trainable_variables]
    averages = _ema_values(model)
    cb = SwapEMAWeights()
    cb.set_model(model)
    cb.on_test_begin()
    for v, a in zip(model.trainable_variables, averages, strict=True):
        np.testing.assert_array_equal(np.asarray(v.value), a)
    cb.on_test_end()
    for v, t in zip(model.trainable_variables, trained, strict=True):
        np.testing.assert_array_equal(np.asarray(v.value), t)
    for a, b in zip(_ema_values(model), averages, strict=True):  # the averages are untouched
        np.testing.assert_array_equal(a, b)
    cb.on_predict_begin()
    cb.on_predict_end()
    for v, t in zip(model.trainable_variables, trained, strict=True):
        np.testing.assert_array_equal(np.asarray(v.value), t)


def test_evaluate_and_predict_with_swap_equal_the_same_with_ema_weights_set():
    x, y = _data()
    model = _kerax_model()
    model.fit(x, y, batch_size=4, epochs=1, verbose=0, shuffle=False)
    for v in model.trainable_variables:  # trained weights that differ from the averages
        v.assign(v.value * 1.5)
    trained = [np.asarray(v.value) for v in model.trainable_variables]
    averages = _ema_values(model)
    swapped = model.evaluate(x, y, verbose=0, callbacks=[SwapEMAWeights()])
    predicted = model.predict(x, verbose=0, callbacks=[SwapEMAWeights()])
    for v, t in zip(model.trainable_variables, trained, strict=True):
        np.testing.assert_array_equal(np.asarray(v.value), t)
    plain = model.evaluate(x, y, verbose=0)
    for v, a in zip(model.trainable_variables, averages, strict=True):
        v.assign(a)
    manual = model.evaluate(x, y, verbose=0)
    assert swapped != pytest.approx(plain)
    assert swapped == pytest.approx(manual, rel=1e-6)
    np.testing.assert_allclose(predicted, model.predict(x, verbose=0), rtol=1e-6)


def _keras_run(weights, x, y, epochs):
    import keras

    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="tanh"), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.1, use_ema=True, ema_momentum=0.8), loss="mse")
    model.set_weights(weights)
    seen = []
    record = keras.callbacks.LambdaCallback(on_epoch_end=lambda e, logs: seen.append(model.get_weights()))
    model.fit(
        x, y, batch_size=4, epochs=epochs, verbose=0, shuffle=False,
        callbacks=[keras.callbacks.SwapEMAWeights(swap_on_epoch=True), record],
    )  # fmt: skip
    return seen, model.get_weights()


def test_swap_on_epoch_parity_with_keras():
    pytest.importorskip("keras")
    x, y = _data()
    model = _kerax_model()
    model.build((None, 3))
    weights = model.get_weights()
    seen = []
    record = LambdaCallback(on_epoch_end=lambda e, logs: seen.append(model.get_weights()))
    model.fit(
        x, y, batch_size=4, epochs=2, verbose=0, shuffle=False, callbacks=[SwapEMAWeights(swap_on_epoch=True), record]
    )
    keras_seen, keras_final = _keras_run(weights, x, y, 2)
    assert len(seen) == len(keras_seen) == 2
    for ours, theirs in zip(seen, keras_seen, strict=True):
        for a, b in zip(ours, theirs, strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    for a, b in zip(model.get_weights(), keras_final, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    # the swapped-in weights are the averages, not the trained weights
    assert not np.allclose(seen[0][0], weights[0])


def test_requires_use_ema():
    x, y = _data()
    model = _kerax_model(use_ema=False)
    with pytest.raises(ValueError, match="use_ema=True"):
        model.fit(x, y, epochs=1, verbose=0, callbacks=[SwapEMAWeights()])
    with pytest.raises(TypeError, match="swap_on_epoch"):
        SwapEMAWeights(swap_on_epoch="yes")
