"""ConvLSTM1D/2D/3D: layer contract, parity with Keras 3 (outputs, states, gradients, weight paths),
masks, stateful calls, dropout and argument errors."""

from __future__ import annotations

import inspect
import json

import jax
import jax.numpy as jnp
import keras
import numpy as np
import pytest

import kerax
from kerax.layers import ConvLSTM1D, ConvLSTM2D, ConvLSTM3D

from ._keras_grads import assert_gradient_parity
from .harness import random_data, run_layer_test

ZEROS = {"kernel_initializer": "zeros", "recurrent_initializer": "zeros", "bias_initializer": "zeros"}


def _as_list(x):
    return list(x) if isinstance(x, list | tuple) else [x]


def _copy_random_weights(ours, theirs, data, seed=3):
    theirs(data)
    ours(data)
    assert [tuple(w.shape) for w in ours.get_weights()] == [tuple(w.shape) for w in theirs.get_weights()]
    rng = np.random.default_rng(seed)
    weights = [(0.4 * rng.standard_normal(tuple(w.shape))).astype("float32") for w in theirs.get_weights()]
    theirs.set_weights(weights)
    ours.set_weights(weights)


def test_conv_lstm2d_contract_with_dropout():
    run_layer_test(
        ConvLSTM2D,
        {"filters": 2, "kernel_size": 3, "padding": "same", "dropout": 0.2, "recurrent_dropout": 0.2, "seed": 1},
        (2, 3, 4, 4, 2),
        (2, 4, 4, 2),
        expected_num_trainable_weights=3,
        expected_weight_shapes=[(3, 3, 2, 8), (3, 3, 2, 8), (8,)],
    )


PARITY = [
    ("ConvLSTM2D", {"filters": 3, "kernel_size": 3}, (2, 4, 6, 6, 2)),
    (
        "ConvLSTM2D",
        {"filters": 3, "kernel_size": (3, 2), "padding": "same", "return_sequences": True, "return_state": True},
        (2, 4, 5, 4, 2),
    ),
    (
        "ConvLSTM1D",
        {"filters": 2, "kernel_size": 3, "strides": 2, "data_format": "channels_first", "go_backwards": True},
        (2, 4, 3, 9),
    ),
    (
        "ConvLSTM3D",
        {"filters": 2, "kernel_size": 2, "dilation_rate": 2, "use_bias": False, "activation": "relu"},
        (2, 3, 5, 5, 5, 1),
    ),
]


@pytest.mark.parametrize(("name", "kwargs", "shape"), PARITY, ids=lambda v: v if isinstance(v, str) else None)
def test_parity_with_keras(name, kwargs, shape):
    data = random_data(shape)
    ours = getattr(kerax.layers, name)(**kwargs, **ZEROS)
    theirs = getattr(keras.layers, name)(**kwargs, **ZEROS)
    _copy_random_weights(ours, theirs, data)
    got, expected = _as_list(ours(data)), _as_list(theirs(data))
    assert len(got) == len(expected)
    for g, e in zip(got, expected, strict=True):
        assert g.shape == tuple(e.shape)
        np.testing.assert_allclose(np.asarray(g), np.asarray(e), rtol=1e-5, atol=1e-5)
    assert [v.path.replace(ours.name, "layer") for v in ours.weights] == [
        v.path.replace(theirs.name, "layer") for v in theirs.weights
    ]
    assert ours.compute_output_shape((None, *shape[1:])) == theirs.compute_output_shape((None, *shape[1:]))


def test_gradient_parity():
    data = random_data((2, 3, 5, 5, 2))
    ours = ConvLSTM2D(2, 3, padding="same", return_sequences=True, **ZEROS)
    theirs = keras.layers.ConvLSTM2D(2, 3, padding="same", return_sequences=True, **ZEROS)
    _copy_random_weights(ours, theirs, data)
    assert_gradient_parity(ours, theirs, (data,))


def test_keras_defaults_and_weights():
    layer = ConvLSTM1D(3, 2)
    layer(np.zeros((1, 2, 5, 2), "float32"))
    kernel, recurrent, bias = layer.get_weights()
    assert kernel.shape == (2, 2, 12) and recurrent.shape == (2, 3, 12)
    np.testing.assert_allclose(bias, np.r_[np.zeros(3), np.ones(3), np.zeros(6)])
    assert [v.path for v in layer.weights] == [
        f"{layer.name}/conv_lstm_cell/{n}" for n in ("kernel", "recurrent_kernel", "bias")
    ]
    assert layer.filters == 3 and layer.kernel_size == (2,) and layer.padding == "valid"


def test_config_matches_keras_and_round_trips():
    kwargs = {"filters": 2, "kernel_size": (3, 3), "strides": 2, "padding": "same", "dropout": 0.1, "seed": 4}
    ours = ConvLSTM2D(**kwargs, return_sequences=True, activity_regularizer="l2")
    theirs = keras.layers.ConvLSTM2D(**kwargs, return_sequences=True, activity_regularizer="l2")
    config = json.loads(json.dumps(ours.get_config()))
    expected = json.loads(json.dumps(theirs.get_config()))
    assert set(config) == set(expected)
    plain = {k for k, v in expected.items() if not isinstance(v, dict) and k not in ("name", "dtype")}
    assert {k: config[k] for k in plain} == {k: expected[k] for k in plain}
    clone = ConvLSTM2D.from_config(ours.get_config())
    assert clone.get_config() == ours.get_config()


def test_mask_holds_the_states():
    """Masked trailing steps leave the final output at the last unmasked step's; the states stop too."""
    data = random_data((2, 5, 4, 4, 2))
    layer = ConvLSTM2D(3, 3, padding="same", return_state=True, kernel_initializer="glorot_uniform")
    mask = np.ones((2, 5), bool)
    mask[0, 3:] = False
    out, h, c = layer(data, mask=mask)
    short_out, short_h, short_c = layer(data[:1, :3])
    np.testing.assert_allclose(out[:1], short_out, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(c[:1], short_c, rtol=1e-5, atol=1e-6)
    full = layer(data[1:])
    np.testing.assert_allclose(out[1:], full[0], rtol=1e-5, atol=1e-6)
    seq = ConvLSTM2D(3, 3, padding="same", return_sequences=True)
    assert seq.compute_mask(data, jnp.asarray(mask)) is not None


def test_stateful_carries_states_and_initial_state():
    data = random_data((2, 4, 4, 3))
    whole = ConvLSTM1D(2, 3, padding="same", return_state=True)
    out, h, c = whole(data)
    stateful = ConvLSTM1D(2, 3, padding="same", stateful=True)
    stateful(data[:, :2])
    stateful.set_weights(whole.get_weights())
    stateful.reset_state()
    stateful(data[:, :2])
    np.testing.assert_allclose(stateful(data[:, 2:]), out, rtol=1e-5, atol=1e-6)
    # Resuming from explicit states gives the same as the stateful layer.
    first = ConvLSTM1D(2, 3, padding="same", return_state=True)
    first(data)
    first.set_weights(whole.get_weights())
    _, h2, c2 = first(data[:, :2])
    np.testing.assert_allclose(first(data[:, 2:], initial_state=[h2, c2])[0], out, rtol=1e-5, atol=1e-6)


def test_dropout_only_in_training_and_rate_one_is_off():
    data = random_data((2, 3, 4, 4, 2))
    layer = ConvLSTM2D(2, 3, dropout=0.5, recurrent_dropout=0.5, seed=2)
    inference = np.asarray(layer(data))
    np.testing.assert_array_equal(layer(data, training=False), inference)
    trained = np.asarray(layer(data, training=True))
    assert not np.allclose(trained, inference)
    off = ConvLSTM2D(2, 3, dropout=1.0)
    off(data)
    off.set_weights(layer.get_weights())
    np.testing.assert_allclose(off(data, training=True), inference, rtol=1e-6)


def test_jit_training_step_through_model():
    model = kerax.models.Sequential(
        [kerax.layers.Input((3, 4, 4, 1)), ConvLSTM2D(2, 3, padding="same"), kerax.layers.Flatten()]
    )
    model.compile(optimizer="sgd", loss="mse")
    x = random_data((4, 3, 4, 4, 1))
    y = np.zeros((4, 32), "float32")
    before = model.get_weights()
    model.fit(x, y, epochs=1, batch_size=2, verbose=0)
    assert any(not np.allclose(a, b) for a, b in zip(before, model.get_weights(), strict=True))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"filters": 0, "kernel_size": 3}, "filters"),
        ({"filters": 2, "kernel_size": (3, 3, 3)}, "kernel_size"),
        ({"filters": 2, "kernel_size": 3, "strides": 2, "dilation_rate": 2}, "dilation_rate"),
        ({"filters": 2, "kernel_size": 3, "padding": "causal"}, "padding"),
        ({"filters": 2, "kernel_size": 3, "dropout": 1.5}, "dropout"),
    ],
)
def test_argument_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ConvLSTM2D(**kwargs)


def test_input_errors():
    with pytest.raises(ValueError, match="dimensions"):
        ConvLSTM3D(2, 2)(np.zeros((1, 2, 4, 4, 1), "float32"))
    with pytest.raises(ValueError, match="static spatial"):
        ConvLSTM2D(2, 2)(kerax.layers.Input((3, None, 4, 1)))
    layer = ConvLSTM2D(2, 2)
    layer(np.zeros((1, 2, 4, 4, 1), "float32"))
    with pytest.raises(ValueError):
        layer(np.zeros((1, 2, 5, 4, 1), "float32"))


def test_input_projection_is_hoisted():
    """One input convolution over all steps before the scan: the scan body holds only the recurrent one."""
    layer = ConvLSTM2D(2, 3, padding="same")
    data = jnp.asarray(random_data((2, 5, 4, 4, 2)))
    layer(data)
    trainable = [v.value for v in layer.trainable_weights]
    jaxpr = jax.make_jaxpr(lambda tv, x: layer.stateless_call(tv, [], x)[0])(trainable, data).jaxpr

    def convs(jaxpr) -> int:
        return sum(eqn.primitive.name == "conv_general_dilated" for eqn in jaxpr.eqns)

    scans = [eqn for eqn in jaxpr.eqns if eqn.primitive.name == "scan"]
    assert len(scans) == 1
    assert convs(jaxpr) == 1  # the inputs' convolution, over all time steps at once
    assert convs(scans[0].params["jaxpr"].jaxpr) == 1  # the recurrent convolution, per step
    # On the CPU a short time loop of convolutions is unrolled (its gradient runs ~10x faster unrolled).
    assert scans[0].params["unroll"] == (5 if jax.default_backend() == "cpu" else 1)
    assert not layer.unroll  # the argument, and with it the masking rules, stay the user's


def test_keras_files_both_ways(tmp_path):
    """A kerax .keras file with a ConvLSTM2D loads in Keras with the same outputs, and back."""
    model = kerax.models.Sequential([kerax.layers.Input((3, 5, 5, 2)), ConvLSTM2D(2, 3, return_sequences=True)])
    data = random_data((2, 3, 5, 5, 2))
    model.save(tmp_path / "ours.keras")
    theirs = keras.saving.load_model(tmp_path / "ours.keras")
    expected = np.asarray(theirs(data))
    np.testing.assert_allclose(model(data), expected, rtol=1e-6, atol=1e-6)
    theirs.save(tmp_path / "theirs.keras")
    np.testing.assert_allclose(kerax.saving.load_model(tmp_path / "theirs.keras")(data), expected, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", ["ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D"])
def test_signature_matches_keras(name):
    """Keras's arguments, in Keras's order, with Keras's defaults."""
    ours = inspect.signature(getattr(kerax.layers, name)).parameters
    theirs = inspect.signature(getattr(keras.layers, name)).parameters
    assert list(ours) == list(theirs)
    for param in theirs.values():
        assert ours[param.name].default == param.default, param.name
        assert ours[param.name].kind == param.kind, param.name
