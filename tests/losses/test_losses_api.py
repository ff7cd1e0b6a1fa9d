"""kerax.losses API: get/serialize/config round trips, jit, masks, errors and properties."""

from __future__ import annotations

import functools
import json

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from losses_data import CLASS_CASES, B, C, case_id, make, sample_weight

import kerax.losses as kl

keras = pytest.importorskip("keras")

# --------------------------------------------------------------------------------------- jit


# One class per family of implementation (each whole-program compilation is costly on CPU).
JIT_CASES = [
    case
    for case in CLASS_CASES
    if case[0] in {"Huber", "Hinge", "CosineSimilarity", "BinaryFocalCrossentropy", "CategoricalCrossentropy"}
    or case == ("SparseCategoricalCrossentropy", {"ignore_class": 1}, "sparse")
]


@pytest.mark.parametrize("case", JIT_CASES, ids=case_id)
def test_class_is_jit_traceable(case):
    cls_name, kwargs, kind = case
    loss = getattr(kl, cls_name)(**kwargs)
    y_true, y_pred = make(kind, seed=11)
    sw = sample_weight("per_sample")
    eager = loss(y_true, y_pred, sample_weight=sw)
    jitted = jax.jit(loss)(y_true, y_pred, sw)
    np.testing.assert_allclose(jitted, eager, rtol=1e-6, atol=1e-7)


def test_loss_is_differentiable_under_jit():
    y_true, y_pred = make("categorical_logits")
    grad = jax.jit(jax.grad(lambda p: kl.CategoricalCrossentropy(from_logits=True)(y_true, p)))(y_pred)
    probs = jax.nn.softmax(y_pred, axis=-1)
    np.testing.assert_allclose(grad, (probs - y_true) / B, rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------------------- config, serialize


@pytest.mark.parametrize("case", CLASS_CASES, ids=case_id)
def test_config_round_trip_gives_same_loss(case):
    cls_name, kwargs, kind = case
    loss = getattr(kl, cls_name)(reduction="sum", name="custom_name", **kwargs)
    config = loss.get_config()
    json.dumps(config)
    clone = type(loss).from_config(config)
    assert clone.get_config() == config
    assert clone.name == "custom_name" and clone.reduction == "sum"
    restored = kl.deserialize(kl.serialize(loss))
    assert type(restored) is type(loss) and restored.get_config() == config
    y_true, y_pred = make(kind, seed=2)
    expected = loss(y_true, y_pred)
    np.testing.assert_array_equal(clone(y_true, y_pred), expected)
    np.testing.assert_array_equal(restored(y_true, y_pred), expected)


@pytest.mark.parametrize("case", CLASS_CASES, ids=case_id)
def test_config_has_keras_keys_and_default_name(case):
    cls_name, kwargs, _ = case
    ours, theirs = getattr(kl, cls_name)(**kwargs), getattr(keras.losses, cls_name)(**kwargs)
    assert ours.name == theirs.name
    assert set(theirs.get_config()) <= set(ours.get_config())
    assert ours.reduction == "sum_over_batch_size" and ours.dtype == "float32"


def test_serialize_matches_keras_layout():
    assert kl.serialize(kl.MeanSquaredError()) == keras.losses.serialize(keras.losses.MeanSquaredError())
    assert kl.serialize(kl.mean_squared_error) == keras.losses.serialize(keras.losses.mean_squared_error)
    assert kl.deserialize(kl.serialize(kl.huber)) is kl.huber


def test_loss_function_wrapper_round_trip():
    loss = kl.LossFunctionWrapper(kl.huber, name="h", reduction="sum", delta=0.3)
    config = loss.get_config()
    clone = kl.LossFunctionWrapper.from_config(json.loads(json.dumps(config)))
    y_true, y_pred = make("real")
    np.testing.assert_allclose(clone(y_true, y_pred), loss(y_true, y_pred))
    np.testing.assert_allclose(loss(y_true, y_pred), np.sum(kl.huber(y_true, y_pred, delta=0.3)), rtol=1e-6)


# ------------------------------------------------------------------------------------------ get


# Keras 3.15 leaves the generalised crossentropy out of `keras.losses.get`'s table; kerax registers it.
NOT_IN_KERAS_GET = {"CategoricalGeneralizedCrossEntropy", "categorical_generalized_cross_entropy"}


@pytest.mark.parametrize(
    "name", sorted(n for n in kl.ALL_OBJECTS if n not in {"Loss", "LossFunctionWrapper"} | NOT_IN_KERAS_GET)
)
def test_get_by_name_matches_keras_kind(name):
    ours, theirs = kl.get(name), keras.losses.get(name)
    if isinstance(theirs, keras.losses.Loss):
        assert type(ours).__name__ == type(theirs).__name__
    else:
        assert ours.__name__ == theirs.__name__ and callable(ours)


def test_get_knows_the_generalized_crossentropy_that_keras_get_lacks():
    for name in NOT_IN_KERAS_GET:
        with pytest.raises(ValueError):
            keras.losses.get(name)
    assert isinstance(kl.get("CategoricalGeneralizedCrossEntropy"), kl.CategoricalGeneralizedCrossEntropy)
    assert kl.get("categorical_generalized_cross_entropy") is kl.categorical_generalized_cross_entropy


def test_get_passes_through_instances_callables_dicts_and_none():
    loss = kl.Huber(delta=2.0)
    assert kl.get(loss) is loss
    assert kl.get(kl.poisson) is kl.poisson
    assert kl.get(None) is None
    assert isinstance(kl.get(kl.Poisson), kl.Poisson)
    from_dict = kl.get({"class_name": "Huber", "config": {"delta": 2.0}})
    assert isinstance(from_dict, kl.Huber) and from_dict.delta == 2.0
    assert kl.get("mse") is kl.mean_squared_error is kl.mse


def test_get_unknown_name_suggests_close_matches():
    with pytest.raises(ValueError, match=r"'mean_sqared_error'.*Did you mean.*'mean_squared_error'"):
        kl.get("mean_sqared_error")
    with pytest.raises(ValueError, match="Valid names are"):
        kl.get("definitely_not_a_loss")
    with pytest.raises(ValueError, match="Could not interpret loss identifier"):
        kl.get(42)


def test_deserialize_uses_custom_objects():
    def my_loss(y_true, y_pred):
        return jnp.mean(y_pred - y_true, axis=-1)

    assert kl.deserialize("my_loss", custom_objects={"my_loss": my_loss}) is my_loss
    assert kl.deserialize(kl.serialize(my_loss), custom_objects={"my_loss": my_loss}) is my_loss


# --------------------------------------------------------------------------------------- errors


def test_invalid_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="reduction"):
        kl.MeanSquaredError(reduction="average")
    with pytest.raises(ValueError, match="y_true.shape=.*y_pred.shape="):
        kl.binary_crossentropy(np.zeros((4, 1)), np.zeros((4,)))
    with pytest.raises(ValueError, match="axis"):
        kl.categorical_crossentropy(np.zeros((2, 3)), np.ones((2, 3)), axis=True)
    with pytest.raises(ValueError, match=r"y_true.shape=\(4, 2\)"):
        kl.sparse_categorical_crossentropy(np.zeros((4, 2)), np.ones((4, 3)))
    with pytest.raises(TypeError, match="fn"):
        kl.LossFunctionWrapper("mse")
    with pytest.raises(ValueError, match="dtype"):
        kl.MeanSquaredError(dtype="int32")


def test_categorical_crossentropy_warns_on_single_class():
    with pytest.warns(UserWarning, match="binary_crossentropy"):
        kl.categorical_crossentropy(np.ones((3, 1)), np.ones((3, 1)))


# ---------------------------------------------------------------------------------------- masks


def test_mask_argument_averages_over_valid_entries():
    y_true, y_pred = make("real", seed=4)
    mask = np.array([True, False, True, True, False, True])
    per_sample = np.asarray(kl.mean_squared_error(y_true, y_pred))
    loss = kl.MeanSquaredError()
    np.testing.assert_allclose(loss(y_true, y_pred, mask=mask), per_sample[mask].mean(), rtol=1e-6)
    np.testing.assert_allclose(loss(y_true, y_pred, mask=np.ones(B, bool)), loss(y_true, y_pred), rtol=1e-6)
    total = kl.MeanSquaredError(reduction="sum")(y_true, y_pred, mask=mask)
    np.testing.assert_allclose(total, per_sample[mask].sum(), rtol=1e-6)


def test_loss_dtype_sets_the_computation_dtype():
    y_true, y_pred = make("real")
    out = kl.MeanAbsoluteError(dtype="float16")(y_true, y_pred)
    assert out.dtype == jnp.float16
    np.testing.assert_allclose(out, kl.MeanAbsoluteError()(y_true, y_pred), rtol=1e-2)


# ----------------------------------------------------------------------------------- properties


@functools.partial(jax.jit, static_argnames="from_logits")
def _sparse_and_dense(labels, y_pred, from_logits):
    sparse = kl.sparse_categorical_crossentropy(labels, y_pred, from_logits=from_logits)
    dense = kl.categorical_crossentropy(jax.nn.one_hot(labels, y_pred.shape[-1]), y_pred, from_logits=from_logits)
    return sparse, dense


@settings(max_examples=15, deadline=None)
@given(
    shape=st.tuples(st.just(3), st.just(2), st.sampled_from([2, 5])),
    seed=st.integers(0, 2**16),
    from_logits=st.booleans(),
)
def test_sparse_equals_categorical_on_one_hot_labels(shape, seed, from_logits):
    batch, steps, classes = shape
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, classes, (batch, steps))
    logits = rng.normal(size=(batch, steps, classes)).astype(np.float32)
    probs = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    y_pred = logits if from_logits else probs
    sparse, dense = _sparse_and_dense(labels, y_pred, from_logits)
    assert sparse.shape == (batch, steps)
    np.testing.assert_allclose(sparse, dense, rtol=1e-5, atol=1e-6)


@settings(max_examples=15, deadline=None)
@given(
    reduction=st.sampled_from(["sum_over_batch_size", "sum", "none"]),
    dtype=st.sampled_from([np.float16, np.float32, np.int32]),
    seed=st.integers(0, 2**16),
)
def test_reduction_shape_and_dtype(reduction, dtype, seed):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, 3, (B, C)).astype(dtype)
    y_pred = rng.integers(0, 3, (B, C)).astype(dtype)
    out = kl.MeanAbsoluteError(reduction=reduction)(y_true, y_pred)
    assert out.dtype == jnp.float32
    assert out.shape == ((B,) if reduction == "none" else ())
    per_sample = np.abs(y_true.astype(np.float64) - y_pred).mean(-1)
    expected = {"none": per_sample, "sum": per_sample.sum(), "sum_over_batch_size": per_sample.mean()}[reduction]
    np.testing.assert_allclose(out, expected, rtol=1e-6)
