"""Lambda and ActivityRegularization, against Keras 3."""

from __future__ import annotations

import keras
import numpy as np
import pytest

import kerax
from kerax import layers

from .harness import run_layer_test

X = np.random.default_rng(0).normal(size=(4, 5)).astype(np.float32)


def test_activity_regularization_matches_keras() -> None:
    ours = layers.ActivityRegularization(l1=0.01, l2=0.02)
    theirs = keras.layers.ActivityRegularization(l1=0.01, l2=0.02)
    np.testing.assert_array_equal(ours(X), X)
    theirs(X)
    np.testing.assert_allclose(float(ours.losses[0]), float(theirs.losses[0]), rtol=1e-6)
    config = ours.get_config()
    assert {k: config[k] for k in ("l1", "l2")} == {"l1": 0.01, "l2": 0.02}
    assert "activity_regularizer" not in config
    assert layers.ActivityRegularization.from_config(config).l2 == 0.02


def test_activity_regularization_trains_like_keras() -> None:
    def build(lib):
        return lib.Sequential(
            [lib.Input((5,)), lib.layers.Dense(3), lib.layers.ActivityRegularization(l2=0.1), lib.layers.Dense(1)]
        )

    ours, theirs = build(kerax), build(keras)
    ours.set_weights(theirs.get_weights())
    y = X.sum(1, keepdims=True)
    for model in (ours, theirs):
        model.compile("sgd", "mse")
    h_ours = ours.fit(X, y, batch_size=2, epochs=2, shuffle=False, verbose=0).history["loss"]
    h_theirs = theirs.fit(X, y, batch_size=2, epochs=2, shuffle=False, verbose=0).history["loss"]
    np.testing.assert_allclose(h_ours, h_theirs, rtol=1e-5)


def test_lambda_layer_in_models() -> None:
    run_layer_test(
        layers.Lambda,
        {"function": kerax.activations.tanh},
        input_shape=(3, 4),
        expected_output_shape=(3, 4),
        expected_num_trainable_weights=0,
        expected_num_non_trainable_weights=0,
        run_training_check=False,
    )
    inputs = kerax.Input((5,))
    scaled = layers.Lambda(lambda x, factor: kerax.ops.tanh(x) * factor, arguments={"factor": 3.0})(inputs)
    model = kerax.Model(inputs, layers.Dense(2)(scaled))
    assert scaled.shape == (None, 5)
    np.testing.assert_allclose(model.layers[1](X), np.tanh(X) * 3.0, rtol=1e-6)
    model.compile("adam", "mse")
    model.fit(X, np.zeros((4, 2), np.float32), verbose=0)


def test_lambda_config_names_the_function_and_never_carries_code() -> None:
    known = layers.Lambda(kerax.activations.relu)
    config = known.get_config()
    assert config["function"] == "kerax.activations.relu"
    restored = layers.Lambda.from_config(config)
    np.testing.assert_allclose(restored(X), np.maximum(X, 0))
    custom = layers.Lambda(lambda x: x + 1)
    config = custom.get_config()
    assert isinstance(config["function"], str) and "lambda" in config["function"]
    with pytest.raises(ValueError, match="never imports or runs code named by a file"):
        layers.Lambda.from_config(config)
    with pytest.raises(ValueError, match="never imports or runs code"):
        layers.Lambda.from_config({**known.get_config(), "function": "os.system"})


def _masked_lstm(lib, mask):
    tokens = lib.Input((5,), dtype="int32")
    hidden = lib.layers.Lambda(lambda x: x * 2.0, mask=mask)(lib.layers.Embedding(7, 3, mask_zero=True)(tokens))
    return lib.Model(tokens, lib.layers.LSTM(2)(hidden))


@pytest.mark.parametrize("passes_mask", [True, False], ids=["mask-function", "no-mask"])
def test_lambda_masks_match_keras(passes_mask):
    import warnings

    import keras

    mask = (lambda x, previous: previous) if passes_mask else None
    tokens = np.array([[1, 2, 3, 4, 0], [5, 6, 0, 0, 0]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Keras warns that a Lambda without `mask` drops the mask
        theirs = _masked_lstm(keras, mask)
        expected = theirs.predict(tokens, verbose=0)
    if passes_mask:
        ours = _masked_lstm(kerax, mask)
    else:
        with pytest.warns(UserWarning, match="does not support masking"):  # so does kerax
            ours = _masked_lstm(kerax, mask)
    ours.set_weights(theirs.get_weights())
    np.testing.assert_allclose(ours.predict(tokens, verbose=0), expected, atol=1e-5)


def test_lambda_fixed_mask_and_mask_argument():
    fixed = np.array([[True, True, False]])
    lam = layers.Lambda(lambda x, mask=None: x if mask is None else x * mask[..., None], mask=fixed)
    x = np.ones((1, 3, 2), "float32")
    assert lam.supports_masking
    np.testing.assert_array_equal(np.asarray(lam.compute_mask(x, None)), fixed)
    assert not layers.Lambda(lambda x: x).supports_masking
    rebuilt = layers.Lambda.from_config({**lam.get_config(), "function": "kerax.ops.relu"})
    np.testing.assert_array_equal(np.asarray(rebuilt.mask), fixed)
