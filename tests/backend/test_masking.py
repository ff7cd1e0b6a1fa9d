"""Mask propagation (``Embedding(mask_zero=True)``, ``Masking``) through Functional, Sequential, subclassed
and eager calls, checked against Keras 3 with copied weights; the ``Masking`` layer; merged masks."""

from __future__ import annotations

import warnings

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import kerax
from kerax.backend._masking import get_keras_mask

TOL = 1e-5
VOCAB, STEPS = 12, 7


def _tokens(batch: int = 5, seed: int = 0) -> np.ndarray:
    """Token ids with padding (0) at the end, in the middle, at the start, nowhere, and almost everywhere."""
    x = np.random.default_rng(seed).integers(1, VOCAB, size=(batch, STEPS)).astype("int32")
    x[0, 4:] = 0
    x[1, 2:4] = 0
    x[2, 0] = 0
    x[4, 1:] = 0
    return x


def _features(batch: int = 5, seed: int = 1) -> np.ndarray:
    """Float steps, some entirely 0.0 (masked by ``Masking``)."""
    x = np.random.default_rng(seed).standard_normal((batch, STEPS, 3)).astype("float32")
    x[0, 5:] = 0.0
    x[1, 1:3] = 0.0
    x[3, 0] = 0.0
    x[4, 0, 0] = 0.0  # one zero feature does not mask the step
    return x


def _copy_weights(ours, theirs, seed: int = 3) -> None:
    rng = np.random.default_rng(seed)
    theirs.set_weights(
        [
            rng.uniform(0.5, 1.5, tuple(w.shape)).astype("float32")
            if "variance" in w.name
            else (0.5 * rng.standard_normal(tuple(w.shape))).astype("float32")
            for w in theirs.weights
        ]
    )
    ours.set_weights(theirs.get_weights())


# -- models built the same way in both libraries -------------------------------------------------------
def _embedding_lstm(lib, sequential):
    layers = [lib.layers.Embedding(VOCAB, 4, mask_zero=True), lib.layers.LSTM(3), lib.layers.Dense(2)]
    return _assemble(lib, sequential, (STEPS,), "int32", layers)


def _masking_gru(lib, sequential):
    layers = [lib.layers.Masking(0.0), lib.layers.GRU(4, return_sequences=True), lib.layers.GRU(3)]
    return _assemble(lib, sequential, (STEPS, 3), "float32", layers)


def _embedding_bidirectional(lib, sequential):
    layers = [
        lib.layers.Embedding(VOCAB, 4, mask_zero=True),
        lib.layers.Bidirectional(lib.layers.LSTM(3, return_sequences=True)),
        lib.layers.Bidirectional(lib.layers.LSTM(2), merge_mode="sum"),
    ]
    return _assemble(lib, sequential, (STEPS,), "int32", layers)


def _embedding_average(lib, sequential):
    layers = [
        lib.layers.Embedding(VOCAB, 4, mask_zero=True),
        lib.layers.Dense(5, activation="relu"),
        lib.layers.Dropout(0.3),
        lib.layers.GlobalAveragePooling1D(),
        lib.layers.Dense(2),
    ]
    return _assemble(lib, sequential, (STEPS,), "int32", layers)


def _embedding_time_distributed(lib, sequential):
    layers = [
        lib.layers.Embedding(VOCAB, 4, mask_zero=True),
        lib.layers.SimpleRNN(3, return_sequences=True),
        lib.layers.TimeDistributed(lib.layers.Dense(4)),
        lib.layers.LayerNormalization(),
        lib.layers.LSTM(2),
    ]
    return _assemble(lib, sequential, (STEPS,), "int32", layers)


def _assemble(lib, sequential, shape, dtype, layers):
    if sequential:
        return lib.Sequential([lib.Input(shape, dtype=dtype), *layers])
    inputs = lib.Input(shape, dtype=dtype)
    x = inputs
    for layer in layers:
        x = layer(x)
    return lib.Model(inputs, x)


def _embedding_self_attention(lib, sequential):
    inputs = lib.Input((STEPS,), dtype="int32")
    x = lib.layers.Embedding(VOCAB, 4, mask_zero=True)(inputs)
    x = lib.layers.MultiHeadAttention(2, 3)(x, x)
    return lib.Model(inputs, lib.layers.GlobalAveragePooling1D()(x))


def _merged_branches(lib, sequential):
    """Add of two masked branches (OR of the masks), concatenated with a third, then an RNN."""
    first, second = lib.Input((STEPS,), dtype="int32"), lib.Input((STEPS,), dtype="int32")
    a = lib.layers.Embedding(VOCAB, 3, mask_zero=True)(first)
    b = lib.layers.Embedding(VOCAB, 3, mask_zero=True)(second)
    added = lib.layers.Add()([a, b])
    again = lib.layers.Embedding(VOCAB, 2, mask_zero=True)(second)
    joined = lib.layers.Concatenate()([added, again])
    return lib.Model([first, second], lib.layers.LSTM(2)(joined))


def _masked_elementwise(lib, sequential):
    """Maximum, Minimum and Multiply read their inputs' masks (a masked position does not take part)."""
    first, second = lib.Input((STEPS,), dtype="int32"), lib.Input((STEPS,), dtype="int32")
    a = lib.layers.Embedding(VOCAB, 3, mask_zero=True)(first)
    b = lib.layers.Embedding(VOCAB, 3, mask_zero=True)(second)
    c = lib.layers.Embedding(VOCAB, 3)(second)
    merged = [
        lib.layers.Maximum()([a, b]),
        lib.layers.Minimum()([a, b]),
        lib.layers.Multiply()([a, b]),
        lib.layers.Maximum()([a, c]),
        lib.layers.Multiply()([c, a]),
    ]
    return lib.Model([first, second], merged)


def _dot_attention(lib, sequential):
    query_ids = lib.Input((STEPS,), dtype="int32")
    value_ids = lib.Input((STEPS,), dtype="int32")
    embed = lib.layers.Embedding(VOCAB, 4, mask_zero=True)
    q, v = embed(query_ids), embed(value_ids)
    attended = lib.layers.Attention()([q, v])
    additive = lib.layers.AdditiveAttention()([q, v])
    merged = lib.layers.Concatenate()([attended, additive])
    return lib.Model([query_ids, value_ids], lib.layers.GlobalAveragePooling1D()(merged))


CASES = [
    (_embedding_lstm, _tokens, True),
    (_masking_gru, _features, True),
    (_embedding_bidirectional, _tokens, True),
    (_embedding_average, _tokens, True),
    (_embedding_time_distributed, _tokens, True),
    (_embedding_self_attention, _tokens, False),
    (_merged_branches, lambda: [_tokens(), _tokens(seed=4)[:, ::-1].copy()], False),
    (_masked_elementwise, lambda: [_tokens(), _tokens(seed=4)[:, ::-1].copy()], False),
    (_dot_attention, lambda: [_tokens(), _tokens(seed=5)[::-1].copy()], False),
]


# Every case as a Functional model; the single-chain ones as a Sequential model too.
RUNS = [
    pytest.param(build, data, sequential, id=f"{build.__name__}-{'sequential' if sequential else 'functional'}")
    for build, data, has_sequential in CASES
    for sequential in ((False, True) if has_sequential else (False,))
]


@pytest.mark.parametrize(("build", "data", "sequential"), RUNS)
def test_masked_model_predictions_match_keras(keras, build, data, sequential):
    ours, theirs = build(kerax, sequential), build(keras, sequential)
    _copy_weights(ours, theirs)
    x = data()
    expected = theirs.predict(x, verbose=0)
    for got in (ours.predict(x, verbose=0), ours(x), ours(x, training=False)):  # batched, compiled, Python call
        _assert_close(got, expected)
    if build not in (_merged_branches, _masked_elementwise):  # (a step masked in one branch only still counts)
        # The padded steps are skipped: what the padding id embeds to does not matter.
        _move_padding_embeddings(ours)
        _assert_close(ours.predict(x, verbose=0), expected)


def _assert_close(got, expected) -> None:
    got, expected = jax.tree_util.tree_leaves(got), jax.tree_util.tree_leaves(expected)
    assert len(got) == len(expected)
    for g, e in zip(got, expected, strict=True):
        np.testing.assert_allclose(np.asarray(g), np.asarray(e), rtol=TOL, atol=TOL)


def _move_padding_embeddings(model) -> int:
    moved = 0
    for layer in model.layers:
        if isinstance(layer, kerax.layers.Embedding) and layer.mask_zero:
            layer.embeddings.assign(layer.embeddings.value.at[0].set(100.0))
            moved += 1
    return moved


def test_padding_embeddings_matter_without_a_mask():
    model = kerax.Sequential(
        [kerax.Input((STEPS,), dtype="int32"), kerax.layers.Embedding(VOCAB, 4), kerax.layers.LSTM(3)]
    )
    x = _tokens()
    before = np.asarray(model.predict(x, verbose=0))
    model.layers[0].embeddings.assign(model.layers[0].embeddings.value.at[0].set(100.0))
    assert not np.allclose(model.predict(x, verbose=0), before, atol=1e-3)


def test_masked_rnn_training_matches_keras(keras):
    def build(lib):
        # BatchNormalization takes its batch statistics over the unmasked steps only.
        layers = [
            lib.layers.Embedding(VOCAB, 4, mask_zero=True),
            lib.layers.BatchNormalization(),
            lib.layers.LSTM(3),
            lib.layers.Dense(2),
        ]
        model = _assemble(lib, True, (STEPS,), "int32", layers)
        model.compile(optimizer=lib.optimizers.SGD(0.02), loss="mse")
        return model

    ours, theirs = build(kerax), build(keras)
    _copy_weights(ours, theirs)
    x = np.concatenate([_tokens(seed=s) for s in range(4)])
    y = np.random.default_rng(9).standard_normal((len(x), 2)).astype("float32")
    h_ours = ours.fit(x, y, batch_size=5, epochs=2, shuffle=False, verbose=0).history["loss"]
    h_theirs = theirs.fit(x, y, batch_size=5, epochs=2, shuffle=False, verbose=0).history["loss"]
    assert np.all(np.isfinite(h_ours)) and h_ours[-1] < h_ours[0]
    np.testing.assert_allclose(h_ours, h_theirs, rtol=1e-5)
    for a, b in zip(ours.get_weights(), theirs.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)
    assert ours.evaluate(x, y, verbose=0) == pytest.approx(theirs.evaluate(x, y, verbose=0), rel=1e-5)


def test_gradient_skips_padded_steps():
    model = _embedding_lstm(kerax, False)
    x = _tokens()
    trainable, non_trainable = model.weight_lists()

    def loss(tv):
        out, _ = model.stateless_call(tv, [v.value for v in non_trainable], x)
        return jnp.sum(out**2)

    grads = jax.jit(jax.grad(loss))([v.value for v in trainable])
    # Row 0 of the embeddings (the padding id) never reaches the output.
    np.testing.assert_array_equal(np.asarray(grads[0])[0], 0.0)
    assert np.any(np.asarray(grads[0])[1:] != 0.0)


# -- eager and subclassed calls ------------------------------------------------------------------------
def test_eager_calls_carry_masks(keras):
    x = _tokens()
    embed = kerax.layers.Embedding(VOCAB, 4, mask_zero=True)
    lstm = kerax.layers.LSTM(3, return_sequences=True)
    y = embed(x)
    np.testing.assert_array_equal(get_keras_mask(y), x != 0)
    np.testing.assert_array_equal(np.asarray(y._keras_mask), x != 0)  # the attribute Keras uses
    z = lstm(y)
    np.testing.assert_array_equal(get_keras_mask(z), x != 0)  # return_sequences passes the mask on
    np.testing.assert_allclose(z, lstm(embed(x), mask=x != 0), rtol=TOL, atol=TOL)
    assert not np.allclose(z, lstm(jnp.asarray(np.asarray(y))), atol=TOL)  # a fresh array has no mask
    assert get_keras_mask(kerax.layers.LSTM(2)(y)) is None  # the last step has no mask

    theirs_embed = keras.layers.Embedding(VOCAB, 4, mask_zero=True)
    theirs_lstm = keras.layers.LSTM(3, return_sequences=True)
    theirs_embed(x)
    theirs_lstm(theirs_embed(x))
    theirs_embed.set_weights(embed.get_weights())
    theirs_lstm.set_weights(lstm.get_weights())
    expected = theirs_lstm(theirs_embed(x))
    np.testing.assert_allclose(z, expected, rtol=TOL, atol=TOL)
    np.testing.assert_array_equal(get_keras_mask(z), np.asarray(expected._keras_mask))


class _Classifier(kerax.Model):
    def __init__(self):
        super().__init__()
        self.embed = kerax.layers.Embedding(VOCAB, 4, mask_zero=True)
        self.lstm = kerax.layers.LSTM(3)
        self.head = kerax.layers.Dense(2)

    def call(self, inputs):
        return self.head(self.lstm(self.embed(inputs)))


def test_subclassed_model_masks_flow_under_jit():
    functional = _embedding_lstm(kerax, False)
    model = _Classifier()
    x = _tokens()
    model(x)
    model.set_weights(functional.get_weights())
    expected = np.asarray(functional.predict(x, verbose=0))
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=TOL, atol=TOL)
    model.compile("sgd", "mse")
    model.fit(x, np.zeros((len(x), 2), "float32"), epochs=1, verbose=0)
    functional.compile("sgd", "mse")
    functional.fit(x, np.zeros((len(x), 2), "float32"), epochs=1, verbose=0)
    for a, b in zip(model.get_weights(), functional.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=TOL, atol=TOL)


def test_nested_model_passes_masks_through(keras):
    inner_in = kerax.Input((STEPS,), dtype="int32")
    inner = kerax.Model(inner_in, kerax.layers.Embedding(VOCAB, 4, mask_zero=True)(inner_in))
    outer_in = kerax.Input((STEPS,), dtype="int32")
    embedded = inner(outer_in)
    assert get_keras_mask(embedded) is not None
    outer = kerax.Model(outer_in, kerax.layers.LSTM(3)(embedded))
    flat = _embedding_lstm(kerax, False)
    x = _tokens()
    outer.set_weights(flat.get_weights()[:-2])
    lstm_only = kerax.Model(flat.inputs, flat.layers[2].output)
    np.testing.assert_allclose(outer.predict(x, verbose=0), lstm_only.predict(x, verbose=0), rtol=TOL, atol=TOL)


def test_explicit_model_mask_argument():
    inputs = kerax.Input((STEPS, 3))
    model = kerax.Model(inputs, kerax.layers.LSTM(2)(inputs))
    x = _features()
    mask = np.any(x != 0, axis=-1)
    masked = kerax.Sequential([kerax.Input((STEPS, 3)), kerax.layers.Masking(), model.layers[1]])
    np.testing.assert_allclose(model(x, mask=mask), masked(x), rtol=TOL, atol=TOL)
    assert not np.allclose(model(x), masked(x), atol=TOL)


# -- layers --------------------------------------------------------------------------------------------
def test_masking_layer_matches_keras(keras):
    x = _features()
    ours, theirs = kerax.layers.Masking(), keras.layers.Masking()
    np.testing.assert_array_equal(ours(x), theirs(x))
    np.testing.assert_array_equal(ours.compute_mask(x), theirs.compute_mask(x))
    np.testing.assert_array_equal(get_keras_mask(ours(x)), theirs(x)._keras_mask)
    custom = kerax.layers.Masking(mask_value=-1.0, name="pad")
    config, expected = custom.get_config(), keras.layers.Masking(mask_value=-1.0, name="pad").get_config()
    assert {k: config[k] for k in ("name", "mask_value", "trainable")} == {
        k: expected[k] for k in ("name", "mask_value", "trainable")
    }
    clone = kerax.layers.Masking.from_config(custom.get_config())
    assert clone.mask_value == -1.0
    symbolic = kerax.layers.Masking()(kerax.Input((4, 2)))
    assert symbolic.shape == (None, 4, 2) and get_keras_mask(symbolic).shape == (None, 4)
    with pytest.raises(ValueError, match="mask_value"):
        kerax.layers.Masking("zero")


def test_merge_masks_match_keras(keras):
    rng = np.random.default_rng(0)
    x1, x2 = rng.standard_normal((2, 3, 4)).astype("float32"), rng.standard_normal((2, 3, 2)).astype("float32")
    m1 = np.array([[True, False, True], [False, False, True]])
    m2 = np.array([[False, False, True], [True, False, False]])
    for name, inputs in (("Add", [x1, x1]), ("Average", [x1, x1]), ("Concatenate", [x1, x2])):
        ours, theirs = getattr(kerax.layers, name)(), getattr(keras.layers, name)()
        for masks in ([m1, m2], [m1, None], [None, None]):
            got, expected = ours.compute_mask(inputs, masks), theirs.compute_mask(inputs, masks)
            if expected is None:
                assert got is None, (name, masks)
            else:
                np.testing.assert_array_equal(got, expected)
    assert kerax.layers.Dot(axes=-1).compute_mask([x1, x1], [m1, m2]) is None
    with pytest.raises(ValueError, match="one mask per input"):
        kerax.layers.Add().compute_mask([x1, x1], [m1])


def test_layers_that_drop_masks_warn_as_keras_does(keras):
    inputs = kerax.Input((STEPS,), dtype="int32")
    embedded = kerax.layers.Embedding(VOCAB, 4, mask_zero=True)(inputs)
    with pytest.warns(UserWarning, match="does not support masking"):
        flat = kerax.layers.GlobalMaxPooling1D()(embedded)
    assert get_keras_mask(flat) is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        kerax.layers.GlobalAveragePooling1D()(embedded)  # consumes the mask
        kerax.layers.Dense(2)(embedded)  # passes it through
    assert get_keras_mask(kerax.layers.Dense(2)(embedded)) is not None


def test_supports_masking_flags_match_keras(keras):
    for name in (
        "Dense",
        "Dropout",
        "Activation",
        "ReLU",
        "Softmax",
        "LayerNormalization",
        "BatchNormalization",
        "Masking",
        "Add",
        "Concatenate",
        "GlobalAveragePooling1D",
        "TimeDistributed",
        "LSTM",
        "Bidirectional",
        "MultiHeadAttention",
        "Attention",
        "Flatten",
        "GlobalMaxPooling1D",
        "Conv1D",
    ):
        args = {
            "Dense": (2,),
            "Dropout": (0.1,),
            "Activation": ("relu",),
            "LSTM": (2,),
            "Conv1D": (2, 3),
            "MultiHeadAttention": (2, 2),
        }.get(name, ())
        if name in ("TimeDistributed", "Bidirectional"):
            ours = getattr(kerax.layers, name)(kerax.layers.LSTM(2))
            theirs = getattr(keras.layers, name)(keras.layers.LSTM(2))
        else:
            ours, theirs = getattr(kerax.layers, name)(*args), getattr(keras.layers, name)(*args)
        assert ours.supports_masking == theirs.supports_masking, name


def test_time_distributed_hands_the_mask_to_each_step():
    x = _features()
    mask = np.any(x != 0, axis=-1)
    inner = kerax.layers.Softmax()
    wrapped = kerax.layers.TimeDistributed(inner)
    step_mask = np.broadcast_to(mask[..., None], x.shape)
    np.testing.assert_allclose(wrapped(x, mask=step_mask), inner(x, mask=step_mask), rtol=TOL, atol=TOL)
    with pytest.raises(ValueError, match="batch, time"):
        wrapped(x, mask=step_mask[:, :3])


# -- MultiHeadAttention regularizers -------------------------------------------------------------------
def test_mha_regularizers_train_like_keras(keras):
    def build(lib):
        inputs = lib.Input((5, 4))
        attention = lib.layers.MultiHeadAttention(
            2,
            3,
            kernel_regularizer=lib.regularizers.L2(0.05),
            bias_regularizer=lib.regularizers.L2(0.02),
            activity_regularizer=lib.regularizers.L1(0.01),
            kernel_constraint=lib.constraints.MaxNorm(1.5),
            bias_constraint=lib.constraints.NonNeg(),
        )
        outputs = lib.layers.Dense(1)(lib.layers.Flatten()(attention(inputs, inputs)))
        model = lib.Model(inputs, outputs)
        model.compile(optimizer=lib.optimizers.SGD(0.05), loss="mse")
        return model

    ours, theirs = build(kerax), build(keras)
    _copy_weights(ours, theirs)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((16, 5, 4)).astype("float32")
    y = rng.standard_normal((16, 1)).astype("float32")
    assert ours.evaluate(x, y, verbose=0) == pytest.approx(theirs.evaluate(x, y, verbose=0), rel=1e-5)
    h_ours = ours.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0).history["loss"]
    h_theirs = theirs.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0).history["loss"]
    np.testing.assert_allclose(h_ours, h_theirs, rtol=1e-4)
    for a, b in zip(ours.get_weights(), theirs.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    config = ours.layers[1].get_config()
    expected = theirs.layers[1].get_config()
    for key in (
        "kernel_regularizer",
        "bias_regularizer",
        "activity_regularizer",
        "kernel_constraint",
        "bias_constraint",
    ):
        assert config[key]["class_name"] == expected[key]["class_name"], key
        assert config[key]["config"] == pytest.approx(expected[key]["config"]), key
    clone = kerax.layers.MultiHeadAttention.from_config(config)
    assert clone.get_config() == config


def test_rnn_with_an_initial_state_gets_no_automatic_mask_as_in_keras(keras):
    """Two tensor arguments (sequences and initial_state) and no `sequences_mask` parameter: Keras fills no
    `mask`, and neither does kerax; an explicit mask still applies."""
    x = np.array([[1, 2, 0, 0]], "int32")
    state = np.full((1, 2), 0.1, "float32")
    results = []
    for lib in (keras, kerax):
        embed = lib.layers.Embedding(5, 3, mask_zero=True, embeddings_initializer="ones")
        small = lib.initializers.Constant(0.2)
        rnn = lib.layers.SimpleRNN(2, kernel_initializer=small, recurrent_initializer=small)
        embedded = embed(x)
        results.append([np.asarray(rnn(embedded, initial_state=[state], mask=m)) for m in (None, x != 0)])
    _assert_close(results[0], results[1])
    assert not np.allclose(results[1][0], results[1][1], atol=1e-3)


def test_graphs_without_masks_skip_the_mask_table():
    inputs = kerax.Input((STEPS,), dtype="int32")
    plain = kerax.Model(inputs, kerax.layers.LSTM(2)(kerax.layers.Embedding(VOCAB, 3)(inputs)))
    assert not plain._graph_has_masks
    assert _embedding_lstm(kerax, False)._graph_has_masks
