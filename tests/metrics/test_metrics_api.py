"""kerax.metrics API: pure core under jit, config round trips, get/resolve, errors, properties."""

from __future__ import annotations

import json

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from metrics_cases import BATCHES, CASES, DATA, THRESHOLDS, C, Case, batches

import kerax.metrics as km
from kerax.backend._naming import to_snake_case

keras = pytest.importorskip("keras")

_BY_ID = {case.id: case for case in CASES}

# One case per family of functional cores (each whole-program compilation is costly on CPU).
JIT_CASE_IDS = [
    "Mean-2d",  # reduction metrics
    "SparseCategoricalCrossentropy-logits-ignore",  # MeanMetricWrapper with a mask
    "Precision-topk",  # confusion counts, threshold comparison path
    "AUC",  # confusion counts, bucketing path
    "F1Score-weighted",  # lazily built state
    "R2Score",  # lazily built state, rank matching
    "MeanIoU-f32",  # confusion matrix scatter-add
    "PrecisionAtRecall",  # confusion counts with class_id, best rate under a constraint
]


def _fresh(case: Case) -> km.Metric:
    metric = case.kerax(**case.kwargs)
    return metric


@pytest.mark.parametrize("case_id", JIT_CASE_IDS)
def test_pure_core_runs_under_jit_and_scan(case_id):
    """init/update/compute compile as one program; `lax.scan` proves the state keeps its structure."""
    case = _BY_ID[case_id]
    data = batches(case, weighted=True, seed=4)
    reference = _fresh(case)
    for args, sw in data:
        reference.update_state(*args, sample_weight=sw)

    metric = _fresh(case)
    if not metric.built:
        metric.build(np.shape(data[0][0][0]), np.shape(data[0][0][-1]))
    stacked_args = tuple(np.stack([args[i] for args, _ in data]) for i in range(len(data[0][0])))
    stacked_sw = np.stack([sw for _, sw in data])

    @jax.jit
    def run(args, sws):
        def step(state, batch):
            batch_args, sw = batch
            return metric.update(state, *batch_args, sample_weight=sw), None

        state, _ = jax.lax.scan(step, metric.init_state(), (args, sws))
        return metric.compute(state), state

    value, state = run(stacked_args, stacked_sw)
    np.testing.assert_allclose(value, reference.result(), rtol=1e-5, atol=1e-6)
    assert all(v.dtype == jnp.float32 for v in jax.tree.leaves(state))
    assert sorted(state) == sorted(reference.state)


def test_stateful_and_functional_apis_agree_and_stay_separate():
    metric = km.Precision(thresholds=THRESHOLDS)
    y_true, y_pred = DATA["binary"](np.random.default_rng(0), BATCHES[0])
    state = metric.update(metric.init_state(), y_true, y_pred)
    assert np.sum(metric.variables[0].value) == 0  # the pure core does not touch the instance
    metric.update_state(y_true, y_pred)
    np.testing.assert_array_equal(metric.compute(state), metric.result())
    np.testing.assert_array_equal(metric.variables[0], state["true_positives"])
    metric.reset_state()
    np.testing.assert_array_equal(metric.result(), np.zeros(len(THRESHOLDS)))
    metric.state = state
    np.testing.assert_array_equal(metric.result(), metric.compute(state))


def test_lazily_built_metrics_explain_how_to_build():
    y_true, y_pred = DATA["multilabel"](np.random.default_rng(0), BATCHES[0])
    metric = km.F1Score()
    assert not metric.built and metric.variables == []
    with pytest.raises(ValueError, match="build"):
        metric.init_state()
    metric.build(y_true.shape, y_pred.shape)
    assert [v.shape for v in metric.variables] == [(C,)] * 4
    with pytest.raises(ValueError, match="rank-2"):
        km.F1Score().build((2,), (2,))
    auc = km.AUC(multi_label=True)
    auc.update_state(y_true, y_pred)
    assert auc.variables[0].shape == (200, C)


# ---------------------------------------------------------------------------- config, serialize


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_config_round_trip_gives_same_results(case: Case):
    metric = _fresh(case)
    config = metric.get_config()
    json.dumps(config)
    clone = type(metric).from_config(json.loads(json.dumps(config)))
    assert clone.get_config() == config
    restored = km.deserialize(km.serialize(metric))
    assert type(restored) is type(metric) and restored.get_config() == config
    for args, sw in batches(case, weighted=case.weighted):  # the parity test's data: compilations are shared
        for m in (metric, clone, restored):
            m.update_state(*args, sample_weight=sw)
    np.testing.assert_array_equal(clone.result(), metric.result())
    np.testing.assert_array_equal(restored.result(), metric.result())


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_config_keys_include_keras_keys(case: Case):
    ours, theirs = _fresh(case).get_config(), case.make_keras(keras).get_config()
    assert set(theirs) <= set(ours)
    assert ours["dtype"] == theirs["dtype"] == case.kwargs.get("dtype", "int32" if "IoU" in case.id else "float32")


def test_serialize_matches_keras_layout():
    ours = km.serialize(km.AUC(name="auc"))
    theirs = keras.metrics.serialize(keras.metrics.AUC(name="auc"))
    assert ours == theirs


# ------------------------------------------------------------------------------------------ get


# Classes with required constructor arguments: `get` cannot instantiate them by name, in Keras either.
NEED_ARGUMENTS = {
    "IoU", "MeanIoU", "OneHotIoU", "OneHotMeanIoU", "PrecisionAtRecall", "RecallAtPrecision",
    "SensitivityAtSpecificity", "SpecificityAtSensitivity",
}  # fmt: skip
NEED_ARGUMENTS |= {to_snake_case(name) for name in NEED_ARGUMENTS}


@pytest.mark.parametrize(
    "name",
    sorted(
        n
        for n in km.ALL_OBJECTS
        if n not in {"Metric", "metric", "MeanMetricWrapper", "mean_metric_wrapper"} | NEED_ARGUMENTS
    ),
)
def test_get_by_name_gives_the_keras_class(name):
    assert type(km.get(name)).__name__ == type(keras.metrics.get(name)).__name__


@pytest.mark.parametrize("name", sorted(NEED_ARGUMENTS))
def test_get_by_name_of_a_class_needing_arguments_fails_like_keras(name):
    assert km.ALL_OBJECTS[name].__name__ == keras.src.metrics.ALL_OBJECTS_DICT[name].__name__
    with pytest.raises(TypeError):
        keras.metrics.get(name)
    with pytest.raises(TypeError, match="required positional argument"):
        km.get(name)


def test_get_passes_through_instances_callables_dicts_and_none():
    metric = km.AUC(curve="PR")
    assert km.get(metric) is metric
    assert km.get(km.binary_accuracy) is km.binary_accuracy
    assert km.get(None) is None
    assert isinstance(km.get(km.Recall), km.Recall)
    from_dict = km.get({"class_name": "BinaryAccuracy", "config": {"threshold": 0.3}})
    assert isinstance(from_dict, km.BinaryAccuracy) and from_dict.threshold == 0.3
    assert isinstance(km.get("accuracy"), km.Accuracy)  # exact match; see resolve_accuracy for compile


def test_get_unknown_name_suggests_close_matches():
    with pytest.raises(ValueError, match=r"'sparse_categorical_acuracy'.*Did you mean.*'sparse_categorical_accuracy'"):
        km.get("sparse_categorical_acuracy")
    with pytest.raises(ValueError, match="Could not interpret metric identifier"):
        km.get(3.5)


def test_mean_metric_wrapper_round_trips_its_function():
    metric = km.MeanMetricWrapper(km.sparse_top_k_categorical_accuracy, name="top2", k=2)
    clone = km.MeanMetricWrapper.from_config(json.loads(json.dumps(metric.get_config())))
    assert clone._fn is km.sparse_top_k_categorical_accuracy and clone.name == "top2"
    y_true, y_pred = np.array([0, 1, 2]), np.array([[0.5, 0.3, 0.2], [0.1, 0.2, 0.7], [0.6, 0.3, 0.1]])
    assert float(clone(y_true, y_pred)) == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    ("y_true_shape", "y_pred_shape"),
    [((8, 1), (8, 1)), ((8,), (8, 1)), ((8,), (8, 5)), ((8, 1), (8, 5)), ((8, 5), (8, 5)), ((8, 3), (8, 3, 4))],
)
@pytest.mark.parametrize("identifier", ["accuracy", "acc"])
def test_resolve_accuracy_matches_keras_compile(identifier, y_true_shape, y_pred_shape):
    from keras.src.trainers.compile_utils import get_metric

    expected = get_metric(identifier, np.zeros(y_true_shape), np.zeros(y_pred_shape))
    actual = km.resolve_accuracy("binary_crossentropy", y_true_shape, y_pred_shape, name=identifier)
    assert type(actual).__name__ == type(expected).__name__
    assert actual.name == expected.name == identifier
    assert km.resolve_accuracy(None, y_true_shape, y_pred_shape).name == "accuracy"


# --------------------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("factory", "match"),
    [
        (lambda: km.AUC(num_thresholds=1), "num_thresholds"),
        (lambda: km.AUC(curve="area"), "curve"),
        (lambda: km.AUC(summation_method="simpson"), "summation_method"),
        (lambda: km.AUC(num_labels=3), "multi_label"),
        (lambda: km.Precision(thresholds=[0.5, 1.5]), "thresholds"),
        (lambda: km.Recall(top_k=0), "top_k"),
        (lambda: km.F1Score(average="samples"), "average"),
        (lambda: km.F1Score(threshold=1), "threshold"),
        (lambda: km.FBetaScore(beta=0.0), "beta"),
        (lambda: km.MeanMetricWrapper("mse"), "fn"),
        (lambda: km.Mean(dtype="int8"), "dtype"),
        (lambda: km.Precision(class_id=1).update_state(np.ones(3), np.ones(3)), "class_id"),
    ],
)
def test_invalid_arguments_raise_clear_errors(factory, match):
    with pytest.raises((ValueError, TypeError), match=match):
        factory()


def test_ignore_class_is_excluded_from_the_mean_with_or_without_weights():
    """Keras only honours `ignore_class` in metrics when sample weights are passed; kerax always does."""
    y_true, y_pred = DATA["sparse_logits"](np.random.default_rng(0), BATCHES[0])
    valid = y_true != 1
    per_sample = np.asarray(km.sparse_categorical_crossentropy(y_true, y_pred, from_logits=True))
    metric = km.SparseCategoricalCrossentropy(from_logits=True, ignore_class=1)
    np.testing.assert_allclose(metric(y_true, y_pred), per_sample[valid].mean(), rtol=1e-6)
    oracle = keras.metrics.SparseCategoricalCrossentropy(from_logits=True, ignore_class=1)
    unit = np.ones(len(y_true), np.float32)
    np.testing.assert_allclose(metric.result(), oracle(y_true, y_pred, sample_weight=unit), rtol=1e-6)


# ----------------------------------------------------------------------------------- properties


@settings(max_examples=20, deadline=None)
@given(
    sizes=st.lists(st.sampled_from([3, 6]), min_size=1, max_size=4),
    weighted=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_mean_over_batches_equals_weighted_average_of_everything(sizes, weighted, seed):
    rng = np.random.default_rng(seed)
    values = rng.normal(size=sum(sizes)).astype(np.float32)
    weights = rng.uniform(0.1, 2.0, sum(sizes)).astype(np.float32) if weighted else None
    metric = km.Mean()
    start = 0
    for size in sizes:
        chunk_weights = None if weights is None else weights[start : start + size]
        metric.update_state(values[start : start + size], sample_weight=chunk_weights)
        start += size
    np.testing.assert_allclose(metric.result(), np.average(values, weights=weights), rtol=1e-5, atol=1e-6)
