"""GroupQueryAttention: parity with Keras 3 (copied weights; outputs, scores, gradients, losses), masks,
symbolic shapes, configs, errors."""

from __future__ import annotations

import inspect
import json

import jax
import numpy as np
import pytest

import kerax
from kerax.layers import GroupedQueryAttention, GroupQueryAttention, Input

from ._keras_grads import assert_gradient_parity, assert_summary_counts

TOL = 1e-5
ZERO_INIT = {"kernel_initializer": "zeros", "bias_initializer": "zeros"}


def _pair(keras, kwargs, q, v, k=None):
    ours = GroupQueryAttention(**kwargs, **ZERO_INIT)
    theirs = keras.layers.GroupQueryAttention(**kwargs, **ZERO_INIT)
    theirs.build(q.shape, v.shape, None if k is None else k.shape)
    ours(q, v, k)
    assert [tuple(w.shape) for w in ours.get_weights()] == [tuple(w.shape) for w in theirs.get_weights()]
    rng = np.random.default_rng(7)
    theirs.set_weights([(0.5 * rng.standard_normal(tuple(w.shape))).astype("float32") for w in theirs.weights])
    ours.set_weights(theirs.get_weights())
    return ours, theirs


def _assert_close(a, b):
    for x, y in zip(jax.tree_util.tree_leaves(a), jax.tree_util.tree_leaves(b), strict=True):
        np.testing.assert_allclose(np.asarray(x), np.asarray(y), rtol=TOL, atol=TOL)


BASE = {"head_dim": 2, "num_query_heads": 4, "num_key_value_heads": 2}
CASES = [
    # (init kwargs, query shape, value shape, key shape or None, call kwargs); shared shapes keep the
    # number of compiled kernels down.
    (BASE, (2, 3, 5), (2, 4, 5), None, {}),
    (BASE, (2, 3, 5), (2, 4, 5), (2, 4, 6), {"return_attention_scores": True}),
    ({**BASE, "num_key_value_heads": 1, "use_bias": False}, (2, 3, 5), (2, 4, 5), None, {}),
    ({**BASE, "num_key_value_heads": 4, "use_gate": True}, (2, 3, 5), (2, 4, 5), None, {}),
    (BASE, (2, 4, 5), (2, 4, 5), None, {"use_causal_mask": True}),
    (BASE, (2, 3, 5), (2, 4, 5), None, {"attention_mask": "random", "return_attention_scores": True}),
    ({**BASE, "sliding_window": 2}, (2, 4, 5), (2, 4, 5), None, {"use_causal_mask": True}),
]


@pytest.mark.parametrize(("kwargs", "qs", "vs", "ks", "call_kwargs"), CASES, ids=[str(i) for i in range(len(CASES))])
def test_gqa_matches_keras(keras, kwargs, qs, vs, ks, call_kwargs):
    rng = np.random.default_rng(0)
    q = rng.standard_normal(qs).astype("float32")
    v = rng.standard_normal(vs).astype("float32")
    k = None if ks is None else rng.standard_normal(ks).astype("float32")
    call_kwargs = dict(call_kwargs)
    if call_kwargs.get("attention_mask") == "random":
        mask = rng.random((qs[0], qs[1], vs[1])) > 0.4
        mask[..., 0] = True  # every query may attend somewhere
        call_kwargs["attention_mask"] = mask
    ours, theirs = _pair(keras, kwargs, q, v, k)
    _assert_close(ours(q, v, k, **call_kwargs), theirs(q, v, k, **call_kwargs))
    assert [w.name for w in ours.weights] == [w.name for w in theirs.weights]
    if call_kwargs.get("return_attention_scores") or kwargs.get("use_gate"):
        # Gradients on a few cases only (each costs two traced backward passes); masks included.
        assert_gradient_parity(ours, theirs, (q, v, k), call_kwargs)


def test_gqa_masks_and_fully_masked_rows_match_keras(keras):
    rng = np.random.default_rng(1)
    q = rng.standard_normal((2, 3, 5)).astype("float32")
    v = rng.standard_normal((2, 4, 5)).astype("float32")
    ours, theirs = _pair(keras, BASE, q, v)
    value_mask = np.array([[1, 1, 0, 0], [1, 1, 1, 0]], bool)
    query_mask = np.array([[1, 0, 1], [1, 1, 1]], bool)
    fully = np.ones((2, 3, 4), bool)
    fully[0, 1] = False
    for scores in (False, True):
        _assert_close(
            ours(q, v, value_mask=value_mask, query_mask=query_mask, return_attention_scores=scores),
            theirs(q, v, value_mask=value_mask, query_mask=query_mask, return_attention_scores=scores),
        )
        _assert_close(
            ours(q, v, attention_mask=fully, return_attention_scores=scores),
            theirs(q, v, attention_mask=fully, return_attention_scores=scores),
        )


def test_gqa_regularizers_match_keras(keras):
    kwargs = {**BASE, "kernel_regularizer": "l2", "bias_regularizer": "l1", "activity_regularizer": "l2"}
    rng = np.random.default_rng(2)
    q = rng.standard_normal((2, 3, 5)).astype("float32")
    ours, theirs = _pair(keras, kwargs, q, q)
    _assert_close(ours(q, q), theirs(q, q))
    # Weight penalties on the 8 kernels and biases, activity penalties on the 4 projections and the output.
    assert len(ours.losses) == len(theirs.losses) == 13
    np.testing.assert_allclose(
        sorted(float(x) for x in ours.losses), sorted(float(x) for x in theirs.losses), rtol=1e-5, atol=1e-7
    )
    config = ours.get_config()
    assert config["kernel_regularizer"]["class_name"] == "L2"
    assert config["activity_regularizer"]["class_name"] == "L2"


def test_gqa_summary_and_symbolic_shapes(keras):
    layer = GroupQueryAttention(**BASE)
    q, v = Input(shape=(3, 5)), Input(shape=(4, 5))
    out, scores = layer(q, v, return_attention_scores=True)
    assert out.shape == (None, 3, 5) and scores.shape == (None, 4, 3, 4)
    assert layer.compute_output_shape((None, 3, 5), (None, 4, 5)) == (None, 3, 5)
    ours = kerax.Model([q, v], layer(q, v))
    kq, kv = keras.Input(shape=(3, 5)), keras.Input(shape=(4, 5))
    theirs = keras.Model([kq, kv], keras.layers.GroupQueryAttention(**BASE)(kq, kv))
    assert_summary_counts(ours, theirs)


def test_gqa_stateless_jit_and_dropout_in_training_only():
    layer = GroupQueryAttention(**BASE, dropout=0.5, seed=1)
    rng = np.random.default_rng(3)
    q = rng.standard_normal((2, 3, 5)).astype("float32")
    direct = np.asarray(layer(q, q))
    tv = [w.value for w in layer.trainable_weights]
    ntv = [w.value for w in layer.non_trainable_variables]
    run = jax.jit(lambda t, x, key: layer.stateless_call(t, ntv, x, x, training=True, rng=key)[0])
    np.testing.assert_allclose(layer.stateless_call(tv, ntv, q, q)[0], direct, rtol=TOL, atol=TOL)
    assert not np.allclose(run(tv, q, jax.random.key(0)), run(tv, q, jax.random.key(1)))
    grads = jax.grad(lambda t: run(t, q, jax.random.key(0)).sum())(tv)
    assert all(np.all(np.isfinite(g)) for g in grads)


def test_gqa_config_and_signature_match_keras(keras):
    ours_params = inspect.signature(GroupQueryAttention.__init__).parameters
    theirs_params = inspect.signature(keras.layers.GroupQueryAttention.__init__).parameters
    assert list(ours_params) == list(theirs_params)
    for name, param in theirs_params.items():
        if name not in ("self", "kwargs"):
            assert ours_params[name].default == param.default, name
    assert set(GroupQueryAttention(**BASE).get_config()) == set(keras.layers.GroupQueryAttention(**BASE).get_config())
    layer = GroupQueryAttention(**BASE, dropout=0.2, use_gate=True, sliding_window=3, seed=4)
    config = layer.get_config()
    json.dumps(config)
    clone = GroupQueryAttention.from_config(config)
    assert clone.get_config() == config
    x = np.random.default_rng(4).standard_normal((2, 3, 5)).astype("float32")
    layer(x, x)
    clone(x, x)
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(clone(x, x), layer(x, x), rtol=TOL, atol=TOL)
    # Keras's class is GroupedQueryAttention, exported as GroupQueryAttention (default names follow the class).
    assert GroupedQueryAttention is GroupQueryAttention
    assert GroupQueryAttention(**BASE).name.startswith("grouped_query_attention")


def test_gqa_loads_a_keras_config(keras):
    from kerax.saving import deserialize_keras_object

    entry = keras.saving.serialize_keras_object(keras.layers.GroupQueryAttention(**BASE, use_gate=True))
    layer = deserialize_keras_object(entry)
    assert isinstance(layer, GroupQueryAttention) and layer.use_gate and layer.num_key_value_heads == 2


def test_gqa_errors():
    with pytest.raises(ValueError, match="divisible"):
        GroupQueryAttention(2, 3, 2)
    with pytest.raises(ValueError, match="head_dim"):
        GroupQueryAttention(0, 2, 1)
    with pytest.raises(ValueError, match="sliding_window"):
        GroupQueryAttention(2, 2, 1, sliding_window=0)
    with pytest.raises(ValueError, match="dropout"):
        GroupQueryAttention(2, 2, 1, dropout=1.5)
    with pytest.raises(ValueError, match="flash attention"):
        GroupQueryAttention(2, 2, 1, dropout=0.1, flash_attention=True)
    with pytest.raises(ValueError, match="batch, length, features"):
        GroupQueryAttention(2, 2, 1)(np.ones((2, 3), "float32"), np.ones((2, 3), "float32"))
    with pytest.raises(ValueError, match="last dimensions"):
        GroupQueryAttention(2, 2, 1).compute_output_shape((None, 3, 5), (None, 4, 6))


def test_gqa_model_files_load_both_ways(keras, tmp_path):
    x = np.random.default_rng(8).standard_normal((2, 3, 5)).astype("float32")
    q = keras.Input((3, 5))
    theirs = keras.Model(q, keras.layers.GroupQueryAttention(**BASE, use_gate=True)(q, q))
    theirs.save(tmp_path / "keras.keras")
    ours = kerax.saving.load_model(tmp_path / "keras.keras")
    np.testing.assert_allclose(ours(x), theirs(x), rtol=TOL, atol=TOL)
    assert ours.layers[1].name == theirs.layers[1].name
    assert ours.layers[1].name.startswith("grouped_query_attention")
    ours.save(tmp_path / "kerax.keras")
    np.testing.assert_allclose(kerax.saving.load_model(tmp_path / "kerax.keras")(x), theirs(x), rtol=TOL, atol=TOL)
    np.testing.assert_allclose(keras.saving.load_model(tmp_path / "kerax.keras")(x), theirs(x), rtol=TOL, atol=TOL)
