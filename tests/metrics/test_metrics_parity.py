"""Parity of kerax.metrics with Keras 3 (JAX backend): results, variables, reset."""

from __future__ import annotations

import re

import numpy as np
import pytest
from metrics_cases import CASES, Case, batches

keras = pytest.importorskip("keras")


def _assert_close(actual, expected, case: Case, msg: str = "") -> None:
    expected = np.asarray(expected)
    assert np.shape(actual) == expected.shape, msg
    np.testing.assert_allclose(np.asarray(actual), expected, rtol=case.rtol, atol=case.atol, err_msg=msg)


def _keras_weights(case: Case, args, sw):
    if sw is None and case.keras_needs_unit_weights:
        return np.ones(len(args[0]), np.float32)
    return sw


@pytest.mark.parametrize(
    ("case", "weighted"),
    [(c, False) for c in CASES] + [(c, True) for c in CASES if c.weighted],
    ids=[f"{c.id}-unweighted" for c in CASES] + [f"{c.id}-weighted" for c in CASES if c.weighted],
)
def test_stateful_api_matches_keras(case: Case, weighted: bool):
    ours, theirs = case.kerax(**case.kwargs), case.make_keras(keras)
    for i, (args, sw) in enumerate(batches(case, weighted)):
        ours.update_state(*args, sample_weight=sw)
        theirs.update_state(*args, sample_weight=_keras_weights(case, args, sw))
        _assert_close(ours.result(), theirs.result(), case, f"after batch {i}")

    assert len(ours.variables) == len(theirs.variables)
    for mine, keras_var in zip(ours.variables, theirs.variables, strict=True):
        _assert_close(mine, keras_var.value, case, f"variable {keras_var.name}")

    ours.reset_state()
    theirs.reset_state()
    _assert_close(ours.result(), theirs.result(), case, "after reset")
    for args, sw in batches(case, weighted, seed=1)[:1]:
        expected = theirs(*args, sample_weight=_keras_weights(case, args, sw))
        _assert_close(ours(*args, sample_weight=sw), expected, case, "__call__ after reset")


@pytest.mark.parametrize("case", [c for c in CASES if c.default_name], ids=lambda c: c.id)
def test_default_name_is_keras_name(case: Case):
    assert case.kerax(**case.kwargs).name == case.default_name
    # Keras de-duplicates automatic names of later instances ("auc", "auc_1", ...).
    assert re.fullmatch(rf"{case.default_name}(_\d+)?", case.make_keras(keras).name)


def test_name_argument_sets_name():
    import kerax.metrics as km

    assert km.AUC(name="roc").name == "roc"
    assert km.SparseCategoricalAccuracy(name="acc").name == "acc"
    assert km.MeanMetricWrapper(km.mean_squared_error, name="my_mse").name == "my_mse"
