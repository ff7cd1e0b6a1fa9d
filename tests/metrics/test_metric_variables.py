"""Keras 3's Variable-backed Metric surface: variables, stateless API under jit, Keras-style subclasses."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from metrics_cases import CASES, DATA, Case, batches

import kerax
import kerax.metrics as km
from kerax import ops
from kerax.backend._variables import Variable

keras = pytest.importorskip("keras")


def _close(actual, expected, case: Case | None = None, msg: str = "") -> None:
    rtol, atol = (case.rtol, case.atol) if case is not None else (1e-6, 1e-6)
    actual, expected = jax.tree.map(np.asarray, actual), jax.tree.map(np.asarray, expected)
    assert jax.tree.structure(actual) == jax.tree.structure(expected), msg
    for a, e in zip(jax.tree.leaves(actual), jax.tree.leaves(expected), strict=True):
        assert a.shape == e.shape, msg
        np.testing.assert_allclose(a, e, rtol=rtol, atol=atol, err_msg=msg)


def _keras_sw(case: Case, args, sw):
    if sw is None and case.keras_needs_unit_weights:
        return np.ones(len(args[0]), np.float32)
    return sw


# ----------------------------------------------------------------------- built-in metrics sweep


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_builtin_variables_and_stateless_api_match_keras(case: Case):
    data = batches(case, weighted=case.weighted, seed=3)[:2]
    ours, theirs = case.kerax(**case.kwargs), case.make_keras(keras)
    # Metrics that learn their shapes from data (F1Score, multi-label AUC) have variables once built.
    first_args = data[0][0]
    if not ours.built:
        assert ours.variables == []
        ours.build(np.shape(first_args[0]), np.shape(first_args[-1]))
    theirs.update_state(*first_args, sample_weight=_keras_sw(case, first_args, data[0][1]))
    theirs.reset_state()

    # (a) count, names, shapes and dtypes equal Keras's; identity is stable.
    variables = ours.variables
    assert all(isinstance(v, Variable) and not v.trainable for v in variables)
    assert [v.name for v in variables] == [v.name for v in theirs.variables]
    assert [v.shape for v in variables] == [tuple(v.shape) for v in theirs.variables]
    assert [str(v.dtype) for v in variables] == [str(v.dtype) for v in theirs.variables]
    assert all(a is b for a, b in zip(ours.variables, variables, strict=True))
    fresh = [np.asarray(v.value) for v in variables]

    # (b) two stateless updates and a stateless result under jit ...
    @jax.jit
    def run(values, batch_data):
        for args, sw in batch_data:
            values = ours.stateless_update_state(values, *args, sample_weight=sw)
        return values, ours.stateless_result(values)

    values, result = run(ours.variables, data)
    _close([v.value for v in ours.variables], fresh, msg="stateless calls changed the variables")
    # ... equal the stateful API ...
    for args, sw in data:
        ours.update_state(*args, sample_weight=sw)
    assert all(a is b for a, b in zip(ours.variables, variables, strict=True))
    _close(result, ours.result(), case, "jitted stateless result vs result()")
    _close(values, [v.value for v in ours.variables], case, "jitted stateless values vs variables")
    # ... and Keras's own stateless API on the same data.
    keras_values = [v.value for v in theirs.variables]
    for args, sw in data:
        keras_values = theirs.stateless_update_state(keras_values, *args, sample_weight=_keras_sw(case, args, sw))
    _close(result, theirs.stateless_result(keras_values), case, "vs Keras stateless_result")
    _close(values, keras_values, case, "vs Keras stateless variables")

    # (c) stateless_reset_state gives the fresh values without touching the variables; reset_state applies them.
    accumulated = [np.asarray(v.value) for v in ours.variables]
    _close(ours.stateless_reset_state(), fresh, msg="stateless_reset_state")
    _close(ours.stateless_reset_state(), theirs.stateless_reset_state(), msg="vs Keras stateless_reset_state")
    _close([v.value for v in ours.variables], accumulated, msg="stateless_reset_state changed the variables")
    ours.reset_state()
    _close([v.value for v in ours.variables], fresh, msg="reset_state")


def test_variables_are_keras_paths_and_flatten_as_pytrees():
    metric = km.Mean(name="loss_mean")
    total, count = metric.variables
    assert (total.path, count.path) == ("loss_mean/total", "loss_mean/count")
    assert jax.tree.leaves(metric.variables)[0] is total.value
    metric.update_state([1.0, 2.0, 6.0])
    np.testing.assert_allclose(jax.jit(lambda vs: metric.stateless_result(vs))(metric.variables), 3.0)
    # Values may be arrays, Variables, or plain Python numbers.
    assert float(metric.stateless_result([total, 4.0])) == pytest.approx(2.25)


def test_state_dict_is_a_view_of_the_variables():
    metric = km.Precision()
    state = metric.update(metric.init_state(), np.array([1.0, 0.0, 1.0]), np.array([0.9, 0.8, 0.1]))
    metric.state = state
    np.testing.assert_array_equal(metric.variables[0].value, state["true_positives"])
    assert sorted(metric.state) == ["false_positives", "true_positives"]
    with pytest.raises(ValueError, match="keys"):
        metric.state = {"true_positives": state["true_positives"]}


# --------------------------------------------------------------------- Keras-style subclasses


class CategoricalTruePositives(km.Metric):
    """From keras.io's "Training & evaluation with the built-in methods" guide, with kerax.ops."""

    def __init__(self, name="categorical_true_positives", **kwargs):
        super().__init__(name=name, **kwargs)
        self.true_positives = self.add_variable(shape=(), name="ctp", initializer="zeros")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = ops.reshape(ops.argmax(y_pred, axis=1), (-1, 1))
        values = ops.cast(y_true, "int32") == ops.cast(y_pred, "int32")
        values = ops.cast(values, "float32")
        if sample_weight is not None:
            sample_weight = ops.cast(sample_weight, "float32")
            values = ops.multiply(values, sample_weight)
        self.true_positives.assign_add(ops.sum(values))

    def result(self):
        return self.true_positives

    def reset_state(self):
        self.true_positives.assign(0.0)


class WeightedMeanAbsoluteError(km.Metric):
    """Two variables made with `add_weight`; the default `reset_state`."""

    def __init__(self, name="wmae", **kwargs):
        super().__init__(name=name, **kwargs)
        self.total = self.add_weight(name="total")
        self.count = self.add_weight(shape=(), initializer="zeros", name="count")

    def update_state(self, y_true, y_pred, sample_weight=None):
        error = jnp.mean(jnp.abs(jnp.asarray(y_true) - jnp.asarray(y_pred)), axis=-1)
        weights = jnp.ones_like(error) if sample_weight is None else jnp.asarray(sample_weight, error.dtype)
        self.total.assign_add(jnp.sum(error * weights))
        self.count.assign(self.count + jnp.sum(weights))

    def result(self):
        return {"wmae": self.total / jnp.maximum(self.count, 1e-7), "seen": self.count.value}


class ScaledMean(km.Mean):
    """A built-in subclassed the Keras way: overriding `update_state` and `result` of `Mean`."""

    def update_state(self, values, sample_weight=None):
        super().update_state(jnp.asarray(values) * 2.0, sample_weight=sample_weight)

    def result(self):
        return super().result() + 1.0


def _keras_subclasses():
    from keras import ops as kops

    class KerasCategoricalTruePositives(keras.metrics.Metric):
        def __init__(self, name="categorical_true_positives", **kwargs):
            super().__init__(name=name, **kwargs)
            self.true_positives = self.add_variable(shape=(), name="ctp", initializer="zeros")

        def update_state(self, y_true, y_pred, sample_weight=None):
            y_pred = kops.reshape(kops.argmax(y_pred, axis=1), (-1, 1))
            values = kops.cast(y_true, "int32") == kops.cast(y_pred, "int32")
            values = kops.cast(values, "float32")
            if sample_weight is not None:
                sample_weight = kops.cast(sample_weight, "float32")
                values = kops.multiply(values, sample_weight)
            self.true_positives.assign_add(kops.sum(values))

        def result(self):
            return self.true_positives.value

        def reset_state(self):
            self.true_positives.assign(0.0)

    class KerasWeightedMeanAbsoluteError(keras.metrics.Metric):
        def __init__(self, name="wmae", **kwargs):
            super().__init__(name=name, **kwargs)
            self.total = self.add_weight(name="total", initializer="zeros")
            self.count = self.add_weight(shape=(), initializer="zeros", name="count")

        def update_state(self, y_true, y_pred, sample_weight=None):
            error = kops.mean(kops.abs(y_true - y_pred), axis=-1)
            weights = kops.ones_like(error) if sample_weight is None else kops.cast(sample_weight, error.dtype)
            self.total.assign_add(kops.sum(error * weights))
            self.count.assign(self.count + kops.sum(weights))

        def result(self):
            return {"wmae": self.total / kops.maximum(self.count, 1e-7), "seen": self.count.value}

    class KerasScaledMean(keras.metrics.Mean):
        def update_state(self, values, sample_weight=None):
            super().update_state(values * 2.0, sample_weight=sample_weight)

        def result(self):
            return super().result() + 1.0

    return {
        "ctp": KerasCategoricalTruePositives,
        "wmae": KerasWeightedMeanAbsoluteError,
        "scaled_mean": KerasScaledMean,
    }


def _ctp_data(seed):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, 4, (6, 1)).astype(np.float32)
    return (y_true, rng.normal(size=(6, 4)).astype(np.float32)), rng.uniform(0, 2, (6,)).astype(np.float32)


def _wmae_data(seed):
    rng = np.random.default_rng(seed)
    args = (rng.normal(size=(6, 3)).astype(np.float32), rng.normal(size=(6, 3)).astype(np.float32))
    return args, rng.uniform(0, 2, (6,)).astype(np.float32)


def _mean_data(seed):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(6,)).astype(np.float32),), rng.uniform(0, 2, (6,)).astype(np.float32)


SUBCLASSES = {
    "ctp": (CategoricalTruePositives, _ctp_data, ["ctp"]),
    "wmae": (WeightedMeanAbsoluteError, _wmae_data, ["total", "count"]),
    "scaled_mean": (ScaledMean, _mean_data, ["total", "count"]),
}


@pytest.mark.parametrize("kind", list(SUBCLASSES))
def test_keras_style_subclass_matches_keras(kind):
    cls, make_data, names = SUBCLASSES[kind]
    ours, theirs = cls(), _keras_subclasses()[kind]()
    assert [v.name for v in ours.variables] == [v.name for v in theirs.variables] == names
    assert [v.shape for v in ours.variables] == [tuple(v.shape) for v in theirs.variables]
    fresh = [np.asarray(v.value) for v in ours.variables]
    data = [make_data(seed) for seed in range(3)]

    @jax.jit
    def run(values, batch_data):
        for args, sw in batch_data:
            values = ours.stateless_update_state(values, *args, sample_weight=sw)
        return values, ours.stateless_result(values)

    for round_ in ("before reset", "after reset"):
        for i, (args, sw) in enumerate(data):
            ours.update_state(*args, sample_weight=sw if i else None)
            theirs.update_state(*args, sample_weight=sw if i else None)
            _close(ours.result(), theirs.result(), msg=f"{round_}, batch {i}")
        _close([v.value for v in ours.variables], [v.value for v in theirs.variables], msg=round_)
        values, result = run([jnp.asarray(f) for f in fresh], data[1:])
        keras_values = [np.asarray(f) for f in fresh]
        for args, sw in data[1:]:
            keras_values = theirs.stateless_update_state(keras_values, *args, sample_weight=sw)
        _close(result, theirs.stateless_result(keras_values), msg=f"{round_}: jitted stateless result")
        _close(values, keras_values, msg=f"{round_}: jitted stateless values")
        _close(ours.stateless_reset_state(), fresh, msg="stateless_reset_state")
        ours.reset_state()
        theirs.reset_state()
        _close([v.value for v in ours.variables], [v.value for v in theirs.variables], msg="reset")
        _close(ours.result(), theirs.result(), msg=f"{round_}: result after reset")

    # __call__ reads a Variable result as an array.
    args, sw = data[0]
    called = ours(*args, sample_weight=sw)
    assert not any(isinstance(leaf, Variable) for leaf in jax.tree.leaves(called, is_leaf=lambda x: True))
    _close(called, theirs(*args, sample_weight=sw), msg="__call__")


@pytest.mark.parametrize("kind", list(SUBCLASSES))
def test_keras_style_subclass_has_a_pure_core(kind):
    """`init_state/update/compute` are derived from the stateful overrides (and honour them)."""
    cls, make_data, names = SUBCLASSES[kind]
    metric, reference = cls(), cls()
    data = [make_data(seed) for seed in range(2)]

    @jax.jit
    def run(batch_data):
        state = metric.init_state()
        for args, sw in batch_data:
            state = metric.update(state, *args, sample_weight=sw)
        return state, metric.compute(state)

    state, value = run(data)
    assert sorted(state) == sorted(names)  # (jit returns dicts with sorted keys)
    for args, sw in data:
        reference.update_state(*args, sample_weight=sw)
    _close(value, reference.result())
    _close([state[n] for n in names], [v.value for v in reference.variables])
    _close([v.value for v in metric.variables], metric.stateless_reset_state(), msg="pure core touched the metric")
    metric.state = state
    _close(metric.result(), reference.result())


def test_sub_metrics_and_variable_attributes_are_tracked_like_keras():
    class Ours(km.Metric):
        def __init__(self):
            super().__init__(name="combo")
            self.extra = self.add_variable((2,), "ones", name="extra")
            self.mean = km.Mean()
            self.same = self.extra  # tracked once

        def update_state(self, values):
            self.mean.update_state(values)
            self.extra.assign_add(jnp.ones(2))

        def result(self):
            return self.mean.result() + jnp.sum(self.extra.value)

    class Theirs(keras.metrics.Metric):
        def __init__(self):
            super().__init__(name="combo")
            self.extra = self.add_variable((2,), "ones", name="extra")
            self.mean = keras.metrics.Mean()
            self.same = self.extra

        def update_state(self, values):
            self.mean.update_state(values)
            self.extra.assign_add(keras.ops.ones(2))

        def result(self):
            return self.mean.result() + keras.ops.sum(self.extra)

    ours, theirs = Ours(), Theirs()
    assert [v.name for v in ours.variables] == [v.name for v in theirs.variables] == ["extra", "total", "count"]
    values = jax.jit(lambda vs, x: ours.stateless_update_state(vs, x))(ours.variables, np.arange(4.0))
    ours.update_state(np.arange(4.0))
    theirs.update_state(np.arange(4.0))
    _close(values, [v.value for v in theirs.variables])
    _close(ours.result(), theirs.result())
    ours.reset_state()  # the default reset: zeros everywhere, as Keras
    theirs.reset_state()
    _close([v.value for v in ours.variables], [v.value for v in theirs.variables])


def test_add_variable_options():
    metric = km.Metric(name="m", dtype="float16")
    a = metric.add_variable((2, 3), kerax.initializers.Constant(2.0), name="a")
    b = metric.add_weight()
    c = metric.add_variable((), lambda shape, dtype: np.full(shape, 5, dtype), dtype="int32", aggregation="mean")
    assert (a.shape, a.dtype, a.path, a.trainable) == ((2, 3), jnp.float32, "m/a", False)
    assert (b.shape, b.name, b.aggregation, float(b.value)) == ((), "variable", "sum", 0.0)
    assert (c.dtype, c.aggregation, int(c.value)) == (jnp.int32, "mean", 5)
    assert metric.variables == [a, b, c]
    metric.reset_state()
    assert float(jnp.sum(a.value)) == 0.0 and int(c.value) == 0


# -------------------------------------------------------------------------------------- errors


def test_wrong_number_of_values_is_refused():
    metric = km.Precision(name="prec")
    y_true, y_pred = DATA["binary"](np.random.default_rng(0), 4)
    one = [metric.variables[0].value]
    with pytest.raises(ValueError, match=r"'prec'.*Precision.*expected 2 values, received 1"):
        metric.stateless_update_state(one, y_true, y_pred)
    with pytest.raises(ValueError, match=r"'prec'.*expected 2 values, received 3"):
        metric.stateless_result([*metric.variables, metric.variables[0]])
    with pytest.raises(ValueError, match=r"expected 1 values, received 0"):
        CategoricalTruePositives().stateless_result([])
    with pytest.raises(ValueError, match=r"shape \(3,\); expected \(1,\)"):
        metric.stateless_result([np.zeros(3), np.zeros(1)])
    with pytest.raises(TypeError, match="list"):
        metric.stateless_result({"true_positives": 0})
    # An unbuilt metric is built from the batch, then needs its 4 values.
    f1 = km.F1Score(name="f1")
    y_true, y_pred = DATA["onehot"](np.random.default_rng(0), 4)
    with pytest.raises(ValueError, match=r"'f1'.*expected 4 values, received 0"):
        f1.stateless_update_state([], y_true, y_pred)


@pytest.mark.parametrize(
    ("shape", "match"),
    [
        (3, "Cannot convert 3 to a shape"),
        (None, "Cannot convert None"),
        ("ab", "Cannot convert 'ab'"),
        ((2, -1), "dimension -1"),
        ((2.0,), "dimension 2.0"),
        ((2, None), "fully defined"),
    ],
)
def test_add_variable_with_a_bad_shape_raises(shape, match):
    metric = km.Metric(name="m")
    with pytest.raises(ValueError, match=match):
        metric.add_variable(shape, "zeros", name="v")
    assert metric.variables == []


def test_add_variable_other_errors():
    metric = km.Metric(name="m")
    with pytest.raises(ValueError, match="aggregation"):
        metric.add_variable((), "zeros", aggregation="max")
    with pytest.raises(ValueError, match="Unknown initializer"):
        metric.add_variable((), "zeroz")

    class Forgot(km.Metric):
        def __init__(self):
            self.v = self.add_variable((), "zeros")

    with pytest.raises(RuntimeError, match=r"super\(\).__init__"):
        Forgot()


def test_metric_without_update_logic_explains_what_to_implement():
    metric = km.Metric()
    with pytest.raises(NotImplementedError, match="update_state"):
        metric.update_state(np.ones(2))
    with pytest.raises(NotImplementedError, match="result"):
        metric.result()
