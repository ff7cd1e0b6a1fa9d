"""Embedding and the attention layers: layer contract, parity with Keras 3 (copied weights), masks,
symbolic shapes, configs, gradients."""

from __future__ import annotations

import inspect
import json

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import kerax
from kerax.layers import Input
from kerax.layers._attention.additive_attention import AdditiveAttention
from kerax.layers._attention.attention import Attention
from kerax.layers._attention.multi_head_attention import MultiHeadAttention
from kerax.layers._core.embedding import Embedding

from .harness import random_data, run_layer_test

TOL = 1e-5


def _signature_matches(cls, keras_cls, skip=()):
    ours = [p for p in inspect.signature(cls.__init__).parameters if p not in skip]
    theirs = [p for p in inspect.signature(keras_cls.__init__).parameters if p not in skip]
    assert ours == theirs
    for name, param in inspect.signature(keras_cls.__init__).parameters.items():
        if name in ("self", "kwargs") or name in skip:
            continue
        assert inspect.signature(cls.__init__).parameters[name].default == param.default, name


# -- Embedding -----------------------------------------------------------------------------------------
def test_embedding_contract():
    run_layer_test(
        Embedding,
        {"input_dim": 10, "output_dim": 4},
        (2, 5),
        (2, 5, 4),
        expected_num_trainable_weights=1,
        expected_weight_shapes=[(10, 4)],
        input_dtype="int32",
        expected_output_dtype="float32",
    )


def test_embedding_matches_keras(keras):
    data = random_data((3, 6), "int32")
    ours, theirs = Embedding(10, 5), keras.layers.Embedding(10, 5)
    theirs(data)
    ours(data)
    ours.set_weights(theirs.get_weights())
    np.testing.assert_allclose(ours(data), theirs(data), rtol=TOL, atol=TOL)
    # Floats are truncated to int32, as Keras does.
    fdata = data.astype("float32") + 0.3
    np.testing.assert_allclose(ours(fdata), theirs(fdata), rtol=TOL, atol=TOL)
    assert jnp.asarray(ours(data)).dtype == jnp.float32


def test_embedding_keeps_integer_inputs_and_masks():
    layer = Embedding(5, 2, mask_zero=True, embeddings_initializer="ones")
    x = np.array([[0, 1, 4], [2, 0, 0]], dtype="int32")
    assert layer._convert_input(jnp.asarray(x)).dtype == jnp.int32
    np.testing.assert_array_equal(layer.compute_mask(x), x != 0)
    assert Embedding(5, 2).compute_mask(x) is None
    assert layer(x).shape == (2, 3, 2)


def test_embedding_symbolic_and_output_shape():
    layer = Embedding(7, 3)
    out = layer(Input(shape=(4,), dtype="int32"))
    assert out.shape == (None, 4, 3)
    assert layer.compute_output_shape((None, 4)) == (None, 4, 3)


def test_embedding_weights_argument_and_input_length():
    w = np.arange(6, dtype="float32").reshape(3, 2)
    layer = Embedding(3, 2, weights=w)
    assert layer.built
    np.testing.assert_array_equal(layer(np.array([2, 0])), w[[2, 0]])
    with pytest.warns(UserWarning):
        Embedding(3, 2, input_length=5)


def test_embedding_signature_and_config_match_keras(keras):
    _signature_matches(Embedding, keras.layers.Embedding)
    assert set(Embedding(3, 2).get_config()) == set(keras.layers.Embedding(3, 2).get_config())
    config = Embedding(3, 2, mask_zero=True).get_config()
    json.dumps(config)
    assert Embedding.from_config(config).get_config() == config


def test_embedding_errors():
    with pytest.raises(ValueError, match="input_dim"):
        Embedding(0, 2)
    with pytest.raises(ValueError, match="output_dim"):
        Embedding(3, 2.5)
    regularized = Embedding(3, 2, embeddings_regularizer="l2", embeddings_constraint="unit_norm")
    regularized(np.array([[0, 2]], "int32"))
    assert type(regularized.embeddings.regularizer).__name__ == "L2"
    assert regularized.get_config()["embeddings_constraint"]["class_name"] == "UnitNorm"


def test_embedding_trains_in_sequential():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 20, size=(64, 6)).astype("int32")
    y = (x.sum(axis=1, keepdims=True) > 57).astype("float32")
    model = kerax.Sequential(
        [
            Input(shape=(6,), dtype="int32"),
            Embedding(20, 4),
            kerax.layers.Flatten(),
            kerax.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="adam", loss="binary_crossentropy")
    before = np.array(model.layers[0].get_weights()[0])
    history = model.fit(x, y, epochs=3, batch_size=16, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    assert not np.allclose(before, model.layers[0].get_weights()[0])
    assert model.predict(x, verbose=0).shape == (64, 1)


# -- MultiHeadAttention --------------------------------------------------------------------------------

ZERO_INIT = {"kernel_initializer": "zeros", "bias_initializer": "zeros"}


def _keras_weights(keras_layer, seed=7):
    rng = np.random.default_rng(seed)
    return [(0.5 * rng.standard_normal(tuple(w.shape))).astype("float32") for w in keras_layer.weights]


def _mha_pair(keras, kwargs, q, v, k=None):
    ours = MultiHeadAttention(**kwargs, **ZERO_INIT)
    theirs = keras.layers.MultiHeadAttention(**kwargs, **ZERO_INIT)
    theirs.build(q.shape, v.shape, None if k is None else k.shape)
    ours(q, v, k)
    assert [tuple(w.shape) for w in ours.get_weights()] == [tuple(w.shape) for w in theirs.get_weights()]
    theirs.set_weights(_keras_weights(theirs))
    ours.set_weights(theirs.get_weights())
    return ours, theirs


def _assert_close(a, b):
    for x, y in zip(jax.tree_util.tree_leaves(a), jax.tree_util.tree_leaves(b), strict=True):
        np.testing.assert_allclose(np.asarray(x), np.asarray(y), rtol=TOL, atol=TOL)


MHA_CASES = [
    # (init kwargs, query shape, value shape, key shape or None, call kwargs)
    ({"num_heads": 2, "key_dim": 3}, (2, 4, 5), (2, 6, 5), None, {}),
    ({"num_heads": 2, "key_dim": 3}, (2, 4, 5), (2, 6, 5), None, {"return_attention_scores": True}),
    # (Keras's fused path fails when value_dim != key_dim: compare on the path that returns the scores.)
    (
        {"num_heads": 3, "key_dim": 2, "value_dim": 4},
        (2, 4, 5),
        (2, 6, 3),
        (2, 6, 7),
        {"return_attention_scores": True},
    ),
    ({"num_heads": 2, "key_dim": 3, "use_bias": False, "output_shape": 7}, (2, 4, 5), (2, 6, 5), None, {}),
    ({"num_heads": 2, "key_dim": 3}, (2, 5, 4), (2, 5, 4), None, {"use_causal_mask": True}),
    (
        {"num_heads": 2, "key_dim": 3},
        (2, 5, 4),
        (2, 5, 4),
        None,
        {"use_causal_mask": True, "return_attention_scores": True},
    ),
    ({"num_heads": 2, "key_dim": 3}, (2, 4, 5), (2, 6, 5), None, {"attention_mask": "random"}),
    (
        {"num_heads": 2, "key_dim": 3},
        (2, 4, 5),
        (2, 6, 5),
        None,
        {"attention_mask": "random", "return_attention_scores": True},
    ),
    ({"num_heads": 2, "key_dim": 3}, (2, 5, 5), (2, 5, 5), None, {"attention_mask": "random", "use_causal_mask": True}),
    ({"num_heads": 2, "key_dim": 2, "attention_axes": (2,)}, (2, 3, 4, 5), (2, 3, 4, 5), None, {}),
    (
        {"num_heads": 2, "key_dim": 2, "attention_axes": (1, 2)},
        (2, 3, 4, 5),
        (2, 3, 4, 5),
        None,
        {"return_attention_scores": True},
    ),
    ({"num_heads": 2, "key_dim": 2, "attention_axes": -2}, (1, 3, 4, 5), (1, 3, 4, 5), None, {}),
    ({"num_heads": 2, "key_dim": 3, "use_gate": True}, (2, 4, 5), (2, 6, 5), None, {}),
    ({"num_heads": 2, "key_dim": 3, "sliding_window": 2}, (2, 5, 4), (2, 5, 4), None, {"use_causal_mask": True}),
    ({"num_heads": 2, "key_dim": 3, "dropout": 0.5}, (2, 4, 5), (2, 6, 5), None, {}),
]


@pytest.mark.parametrize(
    ("kwargs", "qs", "vs", "ks", "call_kwargs"), MHA_CASES, ids=[str(i) for i in range(len(MHA_CASES))]
)
def test_mha_matches_keras(keras, kwargs, qs, vs, ks, call_kwargs):
    rng = np.random.default_rng(0)
    q = rng.standard_normal(qs).astype("float32")
    v = rng.standard_normal(vs).astype("float32")
    k = None if ks is None else rng.standard_normal(ks).astype("float32")
    call_kwargs = dict(call_kwargs)
    if call_kwargs.get("attention_mask") == "random":
        mask = rng.random((qs[0], qs[1], vs[1])) > 0.4
        mask[..., 0] = True  # every query may attend somewhere
        call_kwargs["attention_mask"] = mask
    ours, theirs = _mha_pair(keras, kwargs, q, v, k)
    _assert_close(ours(q, v, k, **call_kwargs), theirs(q, v, k, **call_kwargs))


def test_mha_masks_match_keras(keras):
    rng = np.random.default_rng(1)
    q = rng.standard_normal((2, 4, 5)).astype("float32")
    v = rng.standard_normal((2, 6, 5)).astype("float32")
    k = rng.standard_normal((2, 6, 5)).astype("float32")
    value_mask = np.array([[1, 1, 1, 0, 0, 0], [1, 1, 1, 1, 1, 0]], bool)
    key_mask = np.array([[1, 0, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1]], bool)
    ours, theirs = _mha_pair(keras, {"num_heads": 2, "key_dim": 3}, q, v, k)
    for scores in (False, True):
        _assert_close(
            ours(q, v, k, value_mask=value_mask, key_mask=key_mask, return_attention_scores=scores),
            theirs(q, v, k, value_mask=value_mask, key_mask=key_mask, return_attention_scores=scores),
        )
    # A query mask is an attention mask on rows.
    query_mask = np.array([[1, 1, 0, 1], [1, 0, 0, 0]], bool)
    _assert_close(
        ours(q, v, query_mask=query_mask, return_attention_scores=True),
        theirs(q, v, attention_mask=np.broadcast_to(query_mask[:, :, None], (2, 4, 6)), return_attention_scores=True),
    )


def test_mha_fully_masked_rows_follow_keras(keras):
    rng = np.random.default_rng(2)
    q = rng.standard_normal((1, 3, 4)).astype("float32")
    mask = np.ones((1, 3, 3), bool)
    mask[0, 1] = False
    ours, theirs = _mha_pair(keras, {"num_heads": 2, "key_dim": 2}, q, q)
    for scores in (False, True):
        _assert_close(
            ours(q, q, attention_mask=mask, return_attention_scores=scores),
            theirs(q, q, attention_mask=mask, return_attention_scores=scores),
        )


def test_mha_symbolic_shapes():
    layer = MultiHeadAttention(num_heads=2, key_dim=3)
    q, v = Input(shape=(4, 5)), Input(shape=(6, 7))
    out, scores = layer(q, v, return_attention_scores=True)
    assert out.shape == (None, 4, 5)
    assert scores.shape == (None, 2, 4, 6)
    assert layer.compute_output_shape((None, 4, 5), (None, 6, 7)) == (None, 4, 5)
    assert [tuple(w.shape) for w in layer.weights] == [
        (5, 2, 3),
        (2, 3),
        (7, 2, 3),
        (2, 3),
        (7, 2, 3),
        (2, 3),
        (2, 3, 5),
        (5,),
    ]
    other = MultiHeadAttention(num_heads=2, key_dim=3, output_shape=(2, 4))
    assert other(q, v, Input(shape=(6, 3))).shape == (None, 4, 2, 4)
    assert other.compute_output_shape((None, 4, 5), (None, 6, 7)) == (None, 4, 2, 4)
    with pytest.raises(ValueError, match="value"):
        MultiHeadAttention(2, 3)(Input(shape=(4, 5)), Input(shape=(6, 5)), Input(shape=(5, 5)))


def test_mha_in_functional_model_and_stateless_jit():
    q, v = Input(shape=(4, 5)), Input(shape=(6, 5))
    mask = Input(shape=(4, 6), dtype="bool")
    layer = MultiHeadAttention(2, 3, dropout=0.1)
    model = kerax.Model([q, v, mask], layer(q, v, attention_mask=mask))
    rng = np.random.default_rng(3)
    xq = rng.standard_normal((2, 4, 5)).astype("float32")
    xv = rng.standard_normal((2, 6, 5)).astype("float32")
    xm = rng.random((2, 4, 6)) > 0.3
    eager = np.asarray(model([xq, xv, xm]))
    direct = np.asarray(layer(xq, xv, attention_mask=xm))
    np.testing.assert_allclose(eager, direct, rtol=TOL, atol=TOL)
    tv = [w.value for w in layer.trainable_weights]
    out, _ = jax.jit(lambda t, a, b, m: layer.stateless_call(t, [], a, b, attention_mask=m))(tv, xq, xv, xm)
    np.testing.assert_allclose(out, direct, rtol=TOL, atol=TOL)

    def loss(t, a, key):
        out, _ = layer.stateless_call(t, [], a, xv, training=True, rng=key)
        return jnp.mean(out**2), out

    step = jax.jit(jax.value_and_grad(loss, argnums=(0, 1), has_aux=True))
    (value, first), grads = step(tv, xq, jax.random.key(0))
    assert np.isfinite(value)
    for g in jax.tree_util.tree_leaves(grads):
        assert np.all(np.isfinite(g))
    assert all(np.any(np.asarray(g) != 0) for g in grads[0])
    # Dropout acts in training only: another key, another output; inference matches the direct call.
    (_, second), _ = step(tv, xq, jax.random.key(1))
    assert not np.allclose(first, second)


def test_mha_config_and_signature_match_keras(keras):
    _signature_matches(MultiHeadAttention, keras.layers.MultiHeadAttention)
    assert set(MultiHeadAttention(2, 3).get_config()) == set(keras.layers.MultiHeadAttention(2, 3).get_config())
    layer = MultiHeadAttention(2, 3, value_dim=4, output_shape=[6], attention_axes=1, dropout=0.2, seed=3)
    config = layer.get_config()
    json.dumps(config)
    assert config["output_shape"] == (6,) and config["attention_axes"] == (1,)
    clone = MultiHeadAttention.from_config(config)
    assert clone.get_config() == config
    x = np.random.default_rng(4).standard_normal((2, 3, 5)).astype("float32")
    layer(x, x)
    clone(x, x)
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(clone(x, x), layer(x, x), rtol=TOL, atol=TOL)


def test_mha_errors():
    with pytest.raises(ValueError, match="num_heads"):
        MultiHeadAttention(0, 3)
    with pytest.raises(ValueError, match="key_dim"):
        MultiHeadAttention(2, None)


def test_mha_lazy_build_and_explicit_build():
    layer = MultiHeadAttention(2, 3)
    assert not layer.built and layer.weights == []
    layer.build((None, 4, 5), (None, 6, 7))
    assert layer.built
    assert layer.count_params() == sum(int(np.prod(w.shape)) for w in layer.weights)
    assert layer(np.zeros((1, 4, 5), "float32"), np.zeros((1, 6, 7), "float32")).shape == (1, 4, 5)


MHA_PENALTIES = {
    "kernel_regularizer": "l2",
    "bias_regularizer": {"class_name": "L1", "config": {"l1": 0.05}},
    "activity_regularizer": "l2",
    "kernel_constraint": "non_neg",
    "bias_constraint": {"class_name": "MaxNorm", "config": {"max_value": 0.5, "axis": 0}},
}


@pytest.mark.parametrize("use_gate", [False, True])
def test_mha_regularizers_and_constraints_match_keras(keras, use_gate):
    rng = np.random.default_rng(5)
    q = rng.standard_normal((2, 3, 5)).astype("float32")
    v = rng.standard_normal((2, 4, 5)).astype("float32")
    ours, theirs = _mha_pair(keras, {"num_heads": 2, "key_dim": 3, "use_gate": use_gate, **MHA_PENALTIES}, q, v)
    _assert_close(ours(q, v), theirs(q, v))
    # One penalty per kernel and bias, one activity penalty per projection output (not the layer output).
    n_projections = 5 if use_gate else 4
    assert len(ours.losses) == len(theirs.losses) == 3 * n_projections
    np.testing.assert_allclose(
        sorted(float(x) for x in ours.losses), sorted(float(x) for x in theirs.losses), rtol=1e-5, atol=1e-7
    )
    assert ours.activity_regularizer is None  # as in Keras, the layer's own output is not penalised
    assert [type(w.constraint).__name__ for w in ours.weights[:2]] == ["NonNeg", "MaxNorm"]
    config, theirs_config = ours.get_config(), theirs.get_config()
    for key in ("kernel_regularizer", "activity_regularizer", "kernel_constraint"):
        assert config[key]["class_name"] == theirs_config[key]["class_name"]
        assert config[key]["config"] == theirs_config[key]["config"]
    assert MultiHeadAttention.from_config(config).get_config() == config


def test_mha_penalties_and_constraints_act_in_training():
    q = Input(shape=(3, 4))
    layer = MultiHeadAttention(2, 2, kernel_regularizer="l2", kernel_constraint="non_neg", activity_regularizer="l1")
    model = kerax.Model(q, layer(q, q))
    model.compile(optimizer=kerax.optimizers.SGD(0.5), loss="mse")
    rng = np.random.default_rng(6)
    x = rng.standard_normal((4, 3, 4)).astype("float32")
    y = rng.standard_normal((4, 3, 4)).astype("float32")
    penalized = model.evaluate(x, y, verbose=0)
    plain = float(np.mean((np.asarray(model.predict(x, verbose=0)) - y) ** 2))
    assert penalized > plain + 1e-4  # the regularizers add to the loss
    model.fit(x, y, epochs=2, batch_size=4, verbose=0)
    for weight in layer.weights:
        if weight.name == "kernel":
            assert np.all(np.asarray(weight.value) >= 0), weight.path


# -- Attention and AdditiveAttention -------------------------------------------------------------------

ATTENTION_CASES = [
    # (init kwargs, input shapes, call kwargs)
    ({}, [(2, 3, 4), (2, 5, 4)], {}),
    ({"use_scale": True}, [(2, 3, 4), (2, 5, 4)], {}),
    ({"score_mode": "concat"}, [(2, 3, 4), (2, 5, 4)], {}),
    ({"score_mode": "concat", "use_scale": True}, [(2, 3, 4), (2, 5, 4), (2, 5, 4)], {}),
    ({"use_scale": True}, [(2, 3, 4), (2, 5, 6), (2, 5, 4)], {"return_attention_scores": True}),
    ({}, [(2, 4, 4), (2, 4, 4)], {"use_causal_mask": True, "return_attention_scores": True}),
    ({"score_mode": "concat"}, [(2, 4, 4), (2, 4, 4)], {"use_causal_mask": True, "mask": "random"}),
    ({}, [(2, 3, 4), (2, 5, 4)], {"mask": "random", "return_attention_scores": True}),
    ({"dropout": 0.5}, [(2, 3, 4), (2, 5, 4)], {}),
]


def _random_inputs(shapes, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s).astype("float32") for s in shapes]


def _random_masks(shapes, seed=1):
    rng = np.random.default_rng(seed)
    q_mask = rng.random(shapes[0][:2]) > 0.3
    v_mask = rng.random(shapes[1][:2]) > 0.4
    v_mask[:, 0] = True
    return [q_mask, v_mask]


def _attention_parity(keras, cls, keras_cls, kwargs, shapes, call_kwargs):
    inputs = _random_inputs(shapes)
    call_kwargs = dict(call_kwargs)
    if call_kwargs.get("mask") == "random":
        call_kwargs["mask"] = _random_masks(shapes)
    ours, theirs = cls(**kwargs), keras_cls(**kwargs)
    theirs(inputs)
    ours(inputs)
    assert [tuple(w.shape) for w in ours.get_weights()] == [tuple(w.shape) for w in theirs.get_weights()]
    if theirs.weights:
        theirs.set_weights(_keras_weights(theirs))
        ours.set_weights(theirs.get_weights())
    _assert_close(ours(inputs, **call_kwargs), theirs(inputs, **call_kwargs))


@pytest.mark.parametrize(
    ("kwargs", "shapes", "call_kwargs"), ATTENTION_CASES, ids=[str(i) for i in range(len(ATTENTION_CASES))]
)
def test_attention_matches_keras(keras, kwargs, shapes, call_kwargs):
    _attention_parity(keras, Attention, keras.layers.Attention, kwargs, shapes, call_kwargs)


@pytest.mark.parametrize(
    ("kwargs", "weight_shapes"),
    [({}, []), ({"use_scale": True, "score_mode": "concat"}, [(), ()])],
)
def test_attention_contract(kwargs, weight_shapes):
    run_layer_test(
        Attention,
        kwargs,
        [(2, 3, 4), (2, 5, 4)],
        (2, 3, 4),
        expected_num_trainable_weights=len(weight_shapes),
        expected_weight_shapes=weight_shapes,
    )


def test_attention_symbolic_scores_and_masks():
    q, v = Input(shape=(3, 4)), Input(shape=(5, 6))
    k = Input(shape=(5, 4))
    out, scores = Attention()([q, v, k], return_attention_scores=True)
    assert out.shape == (None, 3, 6) and scores.shape == (None, 3, 5)
    assert Attention().compute_output_shape([(None, 3, 4), (None, 5, 6)]) == (None, 3, 6)
    qm, vm = Input(shape=(3,), dtype="bool"), Input(shape=(5,), dtype="bool")
    layer = Attention()
    model = kerax.Model([q, v, k, qm, vm], layer([q, v, k], mask=[qm, vm]))
    data = _random_inputs([(2, 3, 4), (2, 5, 6), (2, 5, 4)])
    masks = _random_masks([(2, 3), (2, 5)])
    np.testing.assert_allclose(model([*data, *masks]), layer(data, mask=masks), rtol=TOL, atol=TOL)
    # Masked query steps output zeros; compute_mask passes the query mask through.
    out = np.asarray(layer(data, mask=masks))
    assert np.all(out[~masks[0]] == 0)
    np.testing.assert_array_equal(layer.compute_mask(data, masks), masks[0])
    assert layer.compute_mask(data, None) is None


def test_attention_config_and_signature_match_keras(keras):
    _signature_matches(Attention, keras.layers.Attention)
    assert set(Attention().get_config()) == set(keras.layers.Attention().get_config())
    config = Attention(use_scale=True, score_mode="concat", dropout=0.1, seed=2).get_config()
    json.dumps(config)
    assert Attention.from_config(config).get_config() == config


def test_attention_errors():
    with pytest.raises(ValueError, match="score_mode"):
        Attention(score_mode="add")
    with pytest.raises(ValueError, match="list"):
        Attention()(np.zeros((1, 2, 3), "float32"))
    with pytest.raises(ValueError, match="2 or 3"):
        Attention()([np.zeros((1, 2, 3), "float32")] * 4)
    x = np.zeros((1, 2, 3), "float32")
    with pytest.raises(ValueError, match="mask"):
        Attention()([x, x], mask=np.ones((1, 2), bool))


def test_attention_dropout_only_in_training():
    data = _random_inputs([(2, 3, 4), (2, 5, 4)])
    layer = Attention(dropout=0.5)
    np.testing.assert_allclose(layer(data), Attention()(data), rtol=TOL, atol=TOL)
    out, weights = layer(data, training=True, return_attention_scores=True)
    assert np.any(np.asarray(weights) == 0)


ADDITIVE_CASES = [
    ({}, [(2, 3, 4), (2, 5, 4)], {}),
    ({"use_scale": False}, [(2, 3, 4), (2, 5, 6), (2, 5, 4)], {"return_attention_scores": True}),
    ({}, [(2, 4, 4), (2, 4, 4)], {"use_causal_mask": True, "mask": "random", "return_attention_scores": True}),
    ({}, [(2, 3, 4), (2, 5, 4)], {"mask": "random"}),
]


@pytest.mark.parametrize(
    ("kwargs", "shapes", "call_kwargs"), ADDITIVE_CASES, ids=[str(i) for i in range(len(ADDITIVE_CASES))]
)
def test_additive_attention_matches_keras(keras, kwargs, shapes, call_kwargs):
    _attention_parity(keras, AdditiveAttention, keras.layers.AdditiveAttention, kwargs, shapes, call_kwargs)


def test_additive_attention_contract():
    run_layer_test(
        AdditiveAttention,
        {},
        [(2, 3, 4), (2, 5, 4), (2, 5, 4)],
        (2, 3, 4),
        expected_num_trainable_weights=1,
        expected_weight_shapes=[(4,)],
    )


def test_additive_attention_config_and_signature_match_keras(keras):
    _signature_matches(AdditiveAttention, keras.layers.AdditiveAttention)
    assert set(AdditiveAttention().get_config()) == set(keras.layers.AdditiveAttention().get_config())
    config = AdditiveAttention(use_scale=False, dropout=0.2, seed=1).get_config()
    assert "score_mode" not in config and config["seed"] == 1
    json.dumps(config)
    assert AdditiveAttention.from_config(config).get_config() == config
    out = AdditiveAttention()([Input(shape=(3, 4)), Input(shape=(5, 7)), Input(shape=(5, 4))])
    assert out.shape == (None, 3, 7)
