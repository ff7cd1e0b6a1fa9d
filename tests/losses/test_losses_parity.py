"""Numerical parity of kerax.losses with Keras 3 (JAX backend) as the oracle."""

from __future__ import annotations

import jax
import numpy as np
import pytest
from losses_data import CLASS_CASES, B, case_id, make, sample_weight

import kerax.losses as kl

keras = pytest.importorskip("keras")

RTOL, ATOL = 1e-5, 1e-6

# (function name, kwargs, data kind)
FUNCTION_CASES = [
    ("mean_squared_error", {}, "real"),
    ("mean_absolute_error", {}, "real"),
    ("mean_absolute_percentage_error", {}, "mape"),
    ("mean_squared_logarithmic_error", {}, "positive"),
    ("mean_squared_logarithmic_error", {}, "real"),
    ("huber", {}, "real"),
    ("huber", {"delta": 0.5}, "real"),
    ("log_cosh", {}, "real"),
    ("cosine_similarity", {}, "real"),
    ("cosine_similarity", {"axis": 0}, "real"),
    ("hinge", {}, "hinge_pm1"),
    ("hinge", {}, "hinge_01"),
    ("squared_hinge", {}, "hinge_pm1"),
    ("squared_hinge", {}, "hinge_01"),
    ("categorical_hinge", {}, "categorical"),
    ("kl_divergence", {}, "distribution"),
    ("poisson", {}, "positive"),
    ("binary_crossentropy", {}, "binary"),
    ("binary_crossentropy", {}, "soft_binary"),
    ("binary_crossentropy", {"from_logits": True}, "binary_logits"),
    ("binary_crossentropy", {"label_smoothing": 0.2}, "binary"),
    ("binary_crossentropy", {"from_logits": True, "label_smoothing": 0.1}, "binary_logits"),
    ("binary_crossentropy", {"axis": 0}, "binary"),
    ("binary_focal_crossentropy", {}, "binary"),
    ("binary_focal_crossentropy", {"apply_class_balancing": True, "alpha": 0.4, "gamma": 1.5}, "binary"),
    ("binary_focal_crossentropy", {"from_logits": True, "label_smoothing": 0.1}, "binary_logits"),
    ("categorical_crossentropy", {}, "categorical"),
    ("categorical_crossentropy", {"from_logits": True}, "categorical_logits"),
    ("categorical_crossentropy", {"label_smoothing": 0.1}, "categorical"),
    ("categorical_crossentropy", {"from_logits": True, "label_smoothing": 0.3}, "categorical_logits"),
    ("categorical_crossentropy", {"axis": 0}, "categorical"),
    ("categorical_focal_crossentropy", {}, "categorical"),
    ("categorical_focal_crossentropy", {"alpha": 0.5, "gamma": 1.0, "from_logits": True}, "categorical_logits"),
    ("categorical_focal_crossentropy", {"label_smoothing": 0.2}, "categorical"),
    ("sparse_categorical_crossentropy", {}, "sparse"),
    ("sparse_categorical_crossentropy", {}, "sparse_col"),
    ("sparse_categorical_crossentropy", {"from_logits": True}, "sparse_logits"),
    ("sparse_categorical_crossentropy", {"ignore_class": 2}, "sparse"),
    ("sparse_categorical_crossentropy", {"from_logits": True, "ignore_class": 0}, "sparse_logits"),
    ("dice", {}, "soft_binary"),
    ("dice", {"axis": (1,)}, "binary"),
    ("dice", {"axis": 0}, "soft_binary"),
    ("tversky", {}, "soft_binary"),
    ("tversky", {"alpha": 0.2, "beta": 0.8, "axis": (1,)}, "soft_binary"),
    ("circle", {}, "embeddings"),
    ("circle", {"gamma": 2.0, "margin": 0.1, "remove_diagonal": False}, "embeddings"),
    ("ctc", {}, "ctc"),
    ("categorical_generalized_cross_entropy", {"q": 0.5}, "sparse"),
    ("categorical_generalized_cross_entropy", {"q": 0.7}, "sparse"),
]


SEQUENCE_FUNCTION_CASES = [
    ("mean_squared_error", {}, "real"),
    ("binary_crossentropy", {"label_smoothing": 0.2}, "binary"),
    ("categorical_crossentropy", {"from_logits": True}, "categorical_logits"),
    ("sparse_categorical_crossentropy", {"ignore_class": 2}, "sparse"),
]


@pytest.mark.parametrize(
    ("case", "lead"),
    [(case, (B,)) for case in FUNCTION_CASES] + [(case, (B, 3)) for case in SEQUENCE_FUNCTION_CASES],
    ids=[case_id(c) for c in FUNCTION_CASES] + [f"{case_id(c)}-rank3" for c in SEQUENCE_FUNCTION_CASES],
)
def test_function_matches_keras(case, lead):
    name, kwargs, kind = case
    y_true, y_pred = make(kind, lead=lead)
    expected = getattr(keras.losses, name)(y_true, y_pred, **kwargs)
    actual = getattr(kl, name)(y_true, y_pred, **kwargs)
    assert actual.shape == tuple(expected.shape)
    assert actual.dtype == np.float32
    np.testing.assert_allclose(actual, np.asarray(expected), rtol=RTOL, atol=ATOL)


REDUCTIONS = ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None]
WEIGHTS = [None, "per_sample", "column", "scalar", "with_zeros"]


# Every weight layout and reduction for classes with distinct per-sample shapes; the others use two of each.
FULL_GRID = {"MeanSquaredError", "BinaryCrossentropy", "SparseCategoricalCrossentropy"}


@pytest.mark.parametrize(
    ("case", "weights"),
    [(c, w) for c in CLASS_CASES for w in (WEIGHTS if c[0] in FULL_GRID else [None, "with_zeros"])],
    ids=lambda v: case_id(v) if isinstance(v, tuple) else str(v),
)
def test_class_matches_keras_for_every_reduction(case, weights):
    cls_name, kwargs, kind = case
    y_true, y_pred = make(kind, seed=3)
    sw = sample_weight(weights)
    # Reductions share one implementation: the full set runs on the FULL_GRID classes only.
    for reduction in REDUCTIONS if cls_name in FULL_GRID else ["sum_over_batch_size", "none"]:
        expected = getattr(keras.losses, cls_name)(reduction=reduction, **kwargs)(y_true, y_pred, sample_weight=sw)
        actual = getattr(kl, cls_name)(reduction=reduction, **kwargs)(y_true, y_pred, sample_weight=sw)
        assert actual.shape == tuple(expected.shape), reduction
        np.testing.assert_allclose(actual, np.asarray(expected), rtol=RTOL, atol=ATOL, err_msg=str(reduction))


@pytest.mark.parametrize(
    "case",
    [
        ("MeanSquaredError", {}, "real"),
        ("BinaryCrossentropy", {"from_logits": True}, "binary_logits"),
        ("CategoricalCrossentropy", {"label_smoothing": 0.2}, "categorical"),
        ("SparseCategoricalCrossentropy", {"ignore_class": 0}, "sparse"),
    ],
    ids=case_id,
)
@pytest.mark.parametrize("weights", [None, "per_sample"], ids=str)
def test_class_matches_keras_on_sequences(case, weights):
    """Rank-3 inputs give per-timestep losses; weights of shape (batch, time) apply per step."""
    cls_name, kwargs, kind = case
    lead = (B, 3)
    y_true, y_pred = make(kind, seed=5, lead=lead)
    sw = sample_weight(weights, lead=lead)
    for reduction in REDUCTIONS:
        expected = getattr(keras.losses, cls_name)(reduction=reduction, **kwargs)(y_true, y_pred, sample_weight=sw)
        actual = getattr(kl, cls_name)(reduction=reduction, **kwargs)(y_true, y_pred, sample_weight=sw)
        np.testing.assert_allclose(actual, np.asarray(expected), rtol=RTOL, atol=ATOL, err_msg=str(reduction))


def test_integer_sparse_labels_match_keras():
    y_true, y_pred = make("sparse", seed=7)
    labels = y_true.astype(np.int32)
    expected = keras.losses.SparseCategoricalCrossentropy()(labels, y_pred)
    np.testing.assert_allclose(kl.SparseCategoricalCrossentropy()(labels, y_pred), expected, rtol=RTOL)
    np.testing.assert_allclose(
        kl.sparse_categorical_crossentropy(labels, y_pred),
        np.asarray(keras.losses.sparse_categorical_crossentropy(labels, y_pred)),
        rtol=RTOL,
        atol=ATOL,
    )


def test_all_entries_ignored_gives_zero_not_nan():
    y_pred = make("sparse")[1]
    y_true = np.full((B,), 3, np.int32)
    loss = kl.SparseCategoricalCrossentropy(ignore_class=3)(y_true, y_pred)
    expected = keras.losses.SparseCategoricalCrossentropy(ignore_class=3)(y_true, y_pred)
    assert float(loss) == 0.0 == float(expected)
    grad = jax.jit(jax.grad(lambda p: kl.SparseCategoricalCrossentropy(ignore_class=3)(y_true, p)))(y_pred)
    assert np.all(np.isfinite(grad))


@pytest.mark.parametrize(
    ("y_true_shape", "y_pred_shape"),
    [((8, 1), (8, 1)), ((8,), (8, 1)), ((8,), (8, 5)), ((8, 1), (8, 5)), ((8, 5), (8, 5)), ((8, 3), (8, 3, 4))],
)
@pytest.mark.parametrize("identifier", ["crossentropy", "ce"])
def test_resolve_crossentropy_matches_keras_compile(identifier, y_true_shape, y_pred_shape):
    from keras.src.trainers.compile_utils import get_loss

    expected = get_loss(identifier, np.zeros(y_true_shape), np.zeros(y_pred_shape))
    actual = kl.resolve_crossentropy(y_true_shape, y_pred_shape, name=identifier)
    assert actual.fn.__name__ == expected.fn.__name__
    assert actual.name == expected.name == identifier
