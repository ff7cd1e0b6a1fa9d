"""Recurrent layers (LSTM, GRU, SimpleRNN) and the sequence wrappers (Bidirectional, TimeDistributed):
layer contract, parity with Keras 3 (masks, states, directions, merge modes), gradients, long sequences,
dropout, argument errors."""

from __future__ import annotations

import json

import jax
import jax.numpy as jnp
import keras
import numpy as np
import pytest

import kerax
from kerax.layers import Conv2D, Dense, Input
from kerax.layers import _rnn as rnn
from kerax.saving._keras_dialect import to_keras

from .harness import random_data, run_layer_test

TOL = 1e-5

# Constant initializers: every random initializer shape costs a compilation, and parity replaces the
# weights anyway.
ZEROS = {"kernel_initializer": "zeros", "recurrent_initializer": "zeros", "bias_initializer": "zeros"}
RNN_NAMES = ["LSTM", "GRU", "SimpleRNN"]


def _mask(batch: int = 3, steps: int = 6) -> np.ndarray:
    """Padding at the end (row 0), in the middle (row 1), at the start (row 2)."""
    mask = np.ones((batch, steps), bool)
    mask[0, steps - 2 :] = False
    mask[1, 2:4] = False
    mask[2, 0] = False
    return mask


def _as_list(x):
    return list(x) if isinstance(x, list | tuple) else [x]


def _random_weights(keras_layer, seed: int = 7) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [(0.5 * rng.standard_normal(tuple(w.shape))).astype("float32") for w in keras_layer.weights]


def _parity(kerax_layer, keras_layer, data, **call_kwargs):
    """Build both, copy random Keras weights into kerax, compare every output."""
    keras_layer(data)
    kerax_layer(data)
    assert [tuple(w.shape) for w in kerax_layer.get_weights()] == [tuple(w.shape) for w in keras_layer.get_weights()]
    keras_layer.set_weights(_random_weights(keras_layer))
    kerax_layer.set_weights(keras_layer.get_weights())
    expected = _as_list(keras_layer(data, **call_kwargs))
    got = _as_list(kerax_layer(data, **call_kwargs))
    assert len(got) == len(expected)
    for g, e in zip(got, expected, strict=True):
        assert g.shape == e.shape
        np.testing.assert_allclose(np.asarray(g), np.asarray(e), rtol=TOL, atol=TOL)
    return got


# -- layer contract ----------------------------------------------------------------------------------
CONTRACT_CASES = [
    # The LSTM case also runs the harness's training step through both dropouts.
    ("LSTM", {"units": 4, "dropout": 0.2, "recurrent_dropout": 0.2}, (2, 5, 3), (2, 4), [(3, 16), (4, 16), (16,)]),
    (
        "GRU",
        {"units": 4, "reset_after": False, "return_sequences": True, "go_backwards": True},
        (2, 5, 3),
        (2, 5, 4),
        [(3, 12), (4, 12), (12,)],
    ),
    ("SimpleRNN", {"units": 4, "use_bias": False}, (2, 5, 3), (2, 4), [(3, 4), (4, 4)]),
]


@pytest.mark.parametrize(("name", "kwargs", "in_shape", "out_shape", "weight_shapes"), CONTRACT_CASES)
def test_rnn_contract(name, kwargs, in_shape, out_shape, weight_shapes):
    run_layer_test(
        getattr(rnn, name),
        kwargs,
        in_shape,
        out_shape,
        expected_num_trainable_weights=len(weight_shapes),
        expected_weight_shapes=weight_shapes,
    )


def test_default_initializers_and_unit_forget_bias():
    layer = rnn.LSTM(3)
    layer(np.zeros((1, 2, 2), "float32"))
    kernel, recurrent, bias = layer.get_weights()
    np.testing.assert_allclose(bias, np.r_[np.zeros(3), np.ones(3), np.zeros(6)])
    np.testing.assert_allclose(recurrent @ recurrent.T, np.eye(3), atol=1e-5)  # orthonormal rows
    assert np.abs(kernel).max() <= np.sqrt(6 / (2 + 12)) + 1e-6  # glorot_uniform bound
    assert [w.name for w in layer.weights] == ["kernel", "recurrent_kernel", "bias"]
    assert not np.any(rnn.LSTM(3, unit_forget_bias=False, **ZEROS)(np.zeros((1, 2, 2), "float32")))
    gru = rnn.GRU(3)
    gru(np.zeros((1, 2, 2), "float32"))
    assert gru.bias.shape == (2, 9) and not np.any(gru.get_weights()[2])


# -- parity with Keras -------------------------------------------------------------------------------
# Every option, each at least once with a mask (padding at the end, in the middle and at the start).
PARITY_CASES = [
    ({}, False),
    ({"return_sequences": True}, True),
    ({"return_sequences": True, "go_backwards": True}, True),
    ({"return_state": True, "go_backwards": True}, True),
    ({"return_sequences": True, "use_bias": False, "activation": "relu", "unroll": True}, False),
]
# The full cross product (slow: each Keras call compiles its own scan).
OPTION_CASES = [
    {},
    {"return_sequences": True},
    {"go_backwards": True},
    {"return_sequences": True, "go_backwards": True},
    {"return_state": True},
    {"return_sequences": True, "return_state": True, "go_backwards": True},
    {"return_sequences": True, "use_bias": False},
    {"return_sequences": True, "activation": "relu", "unroll": True},
]


def _check_rnn_parity(name, options, masked):
    data = random_data((3, 6, 4))
    call_kwargs = {"mask": _mask()} if masked else {}
    got = _parity(
        getattr(rnn, name)(5, **ZEROS, **options),
        getattr(keras.layers, name)(5, **ZEROS, **options),
        data,
        **call_kwargs,
    )
    if options.get("return_state"):
        assert len(got) == (3 if name == "LSTM" else 2)


@pytest.mark.parametrize("name", RNN_NAMES)
@pytest.mark.parametrize(
    ("options", "masked"), PARITY_CASES, ids=lambda o: "-".join(sorted(o)) if isinstance(o, dict) else str(o)
)
def test_rnn_parity(name, options, masked):
    _check_rnn_parity(name, options, masked)


@pytest.mark.slow
@pytest.mark.parametrize("name", RNN_NAMES)
@pytest.mark.parametrize("options", OPTION_CASES, ids=lambda o: "-".join(sorted(o)) or "default")
@pytest.mark.parametrize("masked", [False, True], ids=["nomask", "mask"])
def test_rnn_parity_all_combinations(name, options, masked):
    _check_rnn_parity(name, options, masked)


def test_gru_reset_before_parity():
    call_kwargs = {"mask": _mask()}
    _parity(
        rnn.GRU(5, reset_after=False, return_sequences=True, **ZEROS),
        keras.layers.GRU(5, reset_after=False, return_sequences=True, **ZEROS),
        random_data((3, 6, 4)),
        **call_kwargs,
    )


@pytest.mark.parametrize(("name", "masked"), [("LSTM", True), ("GRU", False), ("SimpleRNN", True)])
def test_initial_state_parity(name, masked):
    n_states = 2 if name == "LSTM" else 1
    states = [random_data((3, 5), seed=10 + i) for i in range(n_states)]
    call_kwargs = {"initial_state": states}
    if masked:
        call_kwargs["mask"] = _mask()
    opts = {"return_sequences": True, "return_state": True, "go_backwards": masked, **ZEROS}
    _parity(
        getattr(rnn, name)(5, **opts), getattr(keras.layers, name)(5, **opts), random_data((3, 6, 4)), **call_kwargs
    )


def test_masking_semantics():
    """Masked steps repeat the last output and carry the state: the result equals the unpadded sequence."""
    layer = rnn.GRU(4, return_sequences=True, return_state=True)
    x = random_data((1, 6, 3))
    mask = np.array([[True, True, False, True, False, False]])
    seq, state = layer(x, mask=mask)
    seq2, state2 = layer(x[:, [0, 1, 3]])
    np.testing.assert_allclose(state, state2, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(seq[0, 2], seq[0, 1])
    np.testing.assert_allclose(seq[0, 5], seq2[0, 2], rtol=1e-6, atol=1e-6)


# -- Bidirectional -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("merge_mode", "masked"),
    [("concat", False), ("concat", True), ("sum", True), ("mul", True), ("ave", True), (None, True)],
)
def test_bidirectional_parity(merge_mode, masked):
    call_kwargs = {"mask": _mask()} if masked else {}
    _parity(
        rnn.Bidirectional(rnn.SimpleRNN(5, return_sequences=True, **ZEROS), merge_mode=merge_mode),
        keras.layers.Bidirectional(keras.layers.SimpleRNN(5, return_sequences=True, **ZEROS), merge_mode=merge_mode),
        random_data((3, 6, 4)),
        **call_kwargs,
    )


@pytest.mark.parametrize(("name", "merge_mode"), [("LSTM", "concat"), ("GRU", None), ("SimpleRNN", "ave")])
def test_bidirectional_return_state_parity(name, merge_mode):
    opts = {"return_state": True, **ZEROS}
    got = _parity(
        rnn.Bidirectional(getattr(rnn, name)(5, **opts), merge_mode=merge_mode),
        keras.layers.Bidirectional(getattr(keras.layers, name)(5, **opts), merge_mode=merge_mode),
        random_data((3, 6, 4)),
        mask=_mask(),
    )
    n_states = 2 if name == "LSTM" else 1
    assert len(got) == (1 if merge_mode else 2) + 2 * n_states


def test_bidirectional_initial_state_and_backward_layer():
    states = [random_data((3, 5), seed=20 + i) for i in range(2)]
    _parity(
        rnn.Bidirectional(rnn.GRU(5, return_sequences=True, **ZEROS)),
        keras.layers.Bidirectional(keras.layers.GRU(5, return_sequences=True, **ZEROS)),
        random_data((3, 6, 4)),
        initial_state=states,
        mask=_mask(),
    )
    _parity(
        rnn.Bidirectional(
            rnn.SimpleRNN(5, **ZEROS), backward_layer=rnn.SimpleRNN(3, go_backwards=True, **ZEROS), merge_mode="concat"
        ),
        keras.layers.Bidirectional(
            keras.layers.SimpleRNN(5, **ZEROS), backward_layer=keras.layers.SimpleRNN(3, go_backwards=True, **ZEROS)
        ),
        random_data((3, 6, 4)),
    )


def test_bidirectional_contract_and_weights():
    layer = run_layer_test(
        rnn.Bidirectional,
        {"layer": rnn.SimpleRNN(4, return_sequences=True)},
        (2, 5, 3),
        (2, 5, 8),
        expected_num_trainable_weights=6,
        expected_weight_shapes=[(3, 4), (4, 4), (4,)] * 2,
    )
    assert layer.forward_layer.name == "forward_simple_rnn" and layer.backward_layer.name == "backward_simple_rnn"
    assert layer.backward_layer.go_backwards and not layer.forward_layer.go_backwards
    lstm = rnn.Bidirectional(rnn.LSTM(3), merge_mode="sum")
    lstm(random_data((2, 4, 2)))
    assert [w.shape for w in lstm.weights] == [(2, 12), (3, 12), (12,)] * 2


def test_bidirectional_config_is_keras_s_both_ways():
    # Keras 3's Bidirectional is a plain Layer (not a Wrapper, no `.layer`): its config holds the forward and
    # the backward layer as built, and a saved "forward_"/"backward_" name does not get its prefix twice.
    def names(config):
        return config["layer"]["config"]["name"], config["backward_layer"]["config"]["name"]

    theirs = keras.layers.Bidirectional(keras.layers.GRU(3, name="gru"), merge_mode="ave", name="bi")
    assert not isinstance(theirs, keras.layers.Wrapper)
    config = json.loads(json.dumps(keras.saving.serialize_keras_object(theirs)))
    ours = kerax.saving.deserialize_keras_object(config)
    assert not isinstance(ours, kerax.layers.Wrapper)
    assert (ours.forward_layer.name, ours.backward_layer.name) == ("forward_gru", "backward_gru")
    assert names(ours.get_config()) == names(config["config"]) == ("forward_gru", "backward_gru")
    assert ours.backward_layer.go_backwards and not ours.forward_layer.go_backwards
    again = rnn.Bidirectional.from_config(ours.get_config())
    assert (again.forward_layer.name, again.backward_layer.name, again.merge_mode) == (
        "forward_gru",
        "backward_gru",
        "ave",
    )
    back = keras.saving.deserialize_keras_object(
        to_keras(json.loads(json.dumps(kerax.saving.serialize_keras_object(ours))))
    )
    assert (back.forward_layer.name, back.backward_layer.name) == ("forward_gru", "backward_gru")


# -- TimeDistributed ---------------------------------------------------------------------------------
def test_time_distributed_dense():
    run_layer_test(
        rnn.TimeDistributed, {"layer": Dense(6)}, (2, 5, 3), (2, 5, 6), 2, expected_weight_shapes=[(3, 6), (6,)]
    )
    _parity(
        rnn.TimeDistributed(Dense(6, kernel_initializer="zeros")),
        keras.layers.TimeDistributed(keras.layers.Dense(6, kernel_initializer="zeros")),
        random_data((2, 5, 3)),
    )


def test_time_distributed_conv2d():
    run_layer_test(
        rnn.TimeDistributed,
        {"layer": Conv2D(2, 3)},
        (2, 3, 6, 6, 2),
        (2, 3, 4, 4, 2),
        2,
        expected_weight_shapes=[(3, 3, 2, 2), (2,)],
    )
    _parity(
        rnn.TimeDistributed(Conv2D(4, 3, padding="same", kernel_initializer="zeros")),
        keras.layers.TimeDistributed(keras.layers.Conv2D(4, 3, padding="same", kernel_initializer="zeros")),
        random_data((2, 3, 6, 6, 2)),
    )


def test_time_distributed_over_rnn_output_symbolic():
    x = Input(shape=(7, 3))
    y = rnn.TimeDistributed(Dense(2))(rnn.LSTM(4, return_sequences=True)(x))
    assert y.shape == (None, 7, 2)


# -- gradients, long sequences, symbolic calls -------------------------------------------------------
@pytest.mark.parametrize("name", RNN_NAMES)
def test_gradient_with_mask_finite(name):
    layer = getattr(rnn, name)(4, return_sequences=True)
    x = random_data((3, 6, 4))
    layer(x)
    mask = _mask()

    def loss(weights, x):
        out, _ = layer.stateless_call(weights, [], x, mask=mask)
        return jnp.sum(out**2)

    grads = jax.jit(jax.grad(loss, argnums=(0, 1)))([v.value for v in layer.trainable_weights], x)
    for g in jax.tree_util.tree_leaves(grads):
        assert np.all(np.isfinite(g))
    assert np.all(np.asarray(grads[1])[1, 2:4] == 0)  # masked steps do not reach the output


def test_long_sequence_compiles_once_and_runs():
    layer = rnn.LSTM(8, return_sequences=True)
    x = random_data((2, 500, 4))
    layer(x[:, :2])
    fn = jax.jit(lambda w, x: layer.stateless_call(w, [], x)[0])
    lowered = fn.lower([v.value for v in layer.trainable_weights], x).as_text()
    assert "while" in lowered  # one scan loop, not 500 unrolled steps
    out = fn([v.value for v in layer.trainable_weights], x)
    assert out.shape == (2, 500, 8) and np.all(np.isfinite(out))
    keras_layer = keras.layers.SimpleRNN(3, return_sequences=True, **ZEROS)
    _parity(rnn.SimpleRNN(3, return_sequences=True, **ZEROS), keras_layer, random_data((2, 500, 4)) * 0.1)


def test_symbolic_return_state_and_mask():
    x = Input(shape=(6, 4))
    m = Input(shape=(6,), dtype="bool")
    out, h, c = rnn.LSTM(5, return_sequences=True, return_state=True)(x, mask=m)
    assert out.shape == (None, 6, 5) and h.shape == (None, 5) and c.shape == (None, 5)
    outs = rnn.Bidirectional(rnn.GRU(5, return_state=True), merge_mode=None)(x)
    assert [t.shape for t in outs] == [(None, 5)] * 4


# -- dropout -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", RNN_NAMES)
def test_dropout_training_only(name):
    layer = getattr(rnn, name)(4, dropout=0.5, recurrent_dropout=0.3, return_sequences=True)
    x = random_data((3, 6, 4))
    inference = np.asarray(layer(x))
    np.testing.assert_array_equal(inference, np.asarray(layer(x, training=False)))
    trained = np.asarray(layer(x, training=True))
    assert trained.shape == inference.shape and np.all(np.isfinite(trained))
    assert not np.allclose(trained, inference)


def test_dropout_zero_rate_matches_inference_and_keras_in_training():
    _parity(
        rnn.LSTM(5, dropout=0.0, **ZEROS),
        keras.layers.LSTM(5, dropout=0.0, **ZEROS),
        random_data((3, 6, 4)),
        training=True,
    )


def test_dropout_input_rate_one_drops_inputs():
    layer = rnn.SimpleRNN(4, dropout=1.0)
    x = random_data((2, 5, 3))
    np.testing.assert_allclose(layer(x, training=True), layer(np.zeros_like(x)), atol=1e-6)


# -- stateful ----------------------------------------------------------------------------------------
def test_stateful_parity_across_calls_and_reset():
    kerax_layer = rnn.LSTM(5, stateful=True, return_sequences=True, **ZEROS)
    keras_layer = keras.layers.LSTM(5, stateful=True, return_sequences=True, **ZEROS)
    first, second = random_data((3, 6, 4), seed=1), random_data((3, 6, 4), seed=2)
    _parity(kerax_layer, keras_layer, first)  # builds, copies weights, compares the first call
    assert [w.name for w in kerax_layer.weights] == ["kernel", "recurrent_kernel", "bias"]  # states are not weights
    for data in (second, first):  # the states carry over from call to call
        np.testing.assert_allclose(kerax_layer(data), keras_layer(data), rtol=TOL, atol=TOL)
    kerax_layer.reset_state()
    keras_layer.reset_state()
    assert not np.any(kerax_layer.states[0].value)
    np.testing.assert_allclose(kerax_layer(second), keras_layer(second), rtol=TOL, atol=TOL)


def test_stateful_needs_a_static_batch_and_jit_does_not_leak():
    with pytest.raises(ValueError, match="batch size"):
        rnn.GRU(3, stateful=True)(Input(shape=(4, 2)))
    out = rnn.GRU(3, stateful=True)(Input(batch_shape=(2, 4, 2)))
    assert out.shape == (2, 3)
    layer = rnn.GRU(3, stateful=True)
    x = random_data((2, 4, 2))
    layer(x)
    before = np.asarray(layer.states[0].value)
    jax.jit(lambda w, x: layer.stateless_call(w, [], x)[0])([v.value for v in layer.trainable_weights], x)
    np.testing.assert_array_equal(layer.states[0].value, before)
    with pytest.raises(ValueError, match="batch size"):
        layer(random_data((3, 4, 2)))


# -- errors ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs",
    [{"kernel_regularizer": "l2"}, {"recurrent_constraint": "non_neg"}, {"activity_regularizer": "l1"}],
)
def test_regularization_arguments_are_kept_and_reported(kwargs):
    layer = rnn.LSTM(3, **kwargs)
    layer(np.zeros((2, 4, 5), "float32"))
    ((name, value),) = kwargs.items()
    assert layer.get_config()[name]["class_name"] == {"l2": "L2", "l1": "L1", "non_neg": "NonNeg"}[value]
    if name == "kernel_regularizer":
        assert type(layer.kernel.regularizer).__name__ == "L2" and float(layer.losses[0]) > 0
    if name == "recurrent_constraint":
        assert type(layer.recurrent_kernel.constraint).__name__ == "NonNeg"


def test_lstm_with_regularizers_trains_like_keras():
    def build(lib):
        return lib.Sequential(
            [
                lib.Input((6, 3)),
                lib.layers.LSTM(
                    4, kernel_regularizer=lib.regularizers.L2(0.05), recurrent_constraint=lib.constraints.MaxNorm(0.9)
                ),
                lib.layers.Dense(1),
            ]
        )

    ours, theirs = build(kerax), build(keras)
    ours.set_weights(theirs.get_weights())
    x = np.random.default_rng(0).normal(size=(32, 6, 3)).astype("float32")
    y = x.sum((1, 2))[:, None].astype("float32")
    for model in (ours, theirs):
        model.compile("sgd", "mse")
    h_ours = ours.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history["loss"]
    h_theirs = theirs.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history["loss"]
    np.testing.assert_allclose(h_ours, h_theirs, rtol=1e-4)
    for a, b in zip(ours.get_weights(), theirs.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def test_argument_errors():
    with pytest.raises(ValueError, match="units"):
        rnn.GRU(0)
    with pytest.raises(ValueError, match="dropout"):
        rnn.LSTM(3, dropout=1.5)
    with pytest.raises(ValueError, match="merge_mode"):
        rnn.Bidirectional(rnn.LSTM(3), merge_mode="max")
    with pytest.raises(ValueError, match="recurrent layer"):
        rnn.Bidirectional(Dense(3))
    with pytest.raises(ValueError, match="go_backwards"):
        rnn.Bidirectional(rnn.LSTM(3), backward_layer=rnn.LSTM(3))
    with pytest.raises(ValueError, match="initial state"):
        rnn.LSTM(3)(random_data((2, 4, 2)), initial_state=[np.zeros((2, 3), "float32")])
    with pytest.raises(ValueError):
        rnn.LSTM(3)(random_data((2, 4)))
    with pytest.raises(ValueError, match="3 dimensions"):
        rnn.TimeDistributed(Dense(2))(random_data((2, 4)))
