"""IoU, R2Score, correlation and rate-at-rate metrics: details, errors, and `compile`/`fit` parity."""

from __future__ import annotations

import jax
import numpy as np
import pytest
from metrics_cases import C

import kerax
import kerax.metrics as km
from models.kx_helpers import quiet

keras = pytest.importorskip("keras")

RTOL, ATOL = 1e-5, 1e-6


def test_int32_confusion_matrix_truncates_float_weights_like_keras():
    rng = np.random.default_rng(0)
    y_true, y_pred = rng.integers(0, C, 12), rng.integers(0, C, 12)
    weights = rng.uniform(0.0, 3.0, 12).astype(np.float32)
    ours, theirs = km.MeanIoU(num_classes=C), keras.metrics.MeanIoU(num_classes=C)
    with pytest.warns(UserWarning, match="truncated to integers"):
        ours.update_state(y_true, y_pred, sample_weight=weights)
    with pytest.warns(UserWarning, match="float"):
        theirs.update_state(y_true, y_pred, sample_weight=weights)
    assert ours.variables[0].dtype == "int32"
    np.testing.assert_array_equal(ours.variables[0].value, np.asarray(theirs.variables[0].value))
    np.testing.assert_allclose(ours.result(), theirs.result(), rtol=RTOL)
    ours.update_state(y_true, y_pred, sample_weight=np.arange(12))  # integer weights: no warning
    theirs.update_state(y_true, y_pred, sample_weight=np.arange(12))
    np.testing.assert_allclose(ours.result(), theirs.result(), rtol=RTOL)


def test_iou_of_absent_classes_is_left_out_of_the_mean():
    metric = km.IoU(num_classes=3, target_class_ids=[0, 1, 2])
    metric.update_state([0, 0, 1], [0, 1, 1])  # class 2 never occurs
    np.testing.assert_allclose(metric.result(), (1 / 2 + 1 / 2) / 2, rtol=1e-6)
    assert float(km.MeanIoU(num_classes=2).result()) == 0.0  # nothing seen: 0, not NaN


@pytest.mark.parametrize("num_regressors", [2, 5])
def test_adjusted_r2_matches_keras(num_regressors):
    rng = np.random.default_rng(1)
    ours, theirs = km.R2Score(num_regressors=num_regressors), keras.metrics.R2Score(num_regressors=num_regressors)
    for _ in range(2):
        y_true, y_pred = rng.normal(size=(5, 2)), rng.normal(size=(5, 2))
        sw = rng.uniform(0.5, 1.5, 5)
        ours.update_state(y_true, y_pred, sample_weight=sw)
        theirs.update_state(y_true, y_pred, sample_weight=sw)
    np.testing.assert_allclose(ours.result(), theirs.result(), rtol=RTOL, atol=ATOL)
    # The pure core gives the same value under jit (no Python branching on traced counts).
    np.testing.assert_allclose(jax.jit(ours.compute)(ours.state), theirs.result(), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize(("num_regressors", "match"), [(5, "More independent predictors"), (3, "Division by zero")])
def test_adjusted_r2_falls_back_to_plain_r2_with_a_warning_like_keras(num_regressors, match):
    y_true, y_pred = np.array([[1.0], [2.0], [4.0], [3.0]]), np.array([[1.5], [2.0], [3.0], [3.5]])
    ours, theirs = km.R2Score(num_regressors=num_regressors), keras.metrics.R2Score(num_regressors=num_regressors)
    ours.update_state(y_true, y_pred)
    theirs.update_state(y_true, y_pred)
    with pytest.warns(UserWarning, match=match):
        value = ours.result()
    with pytest.warns(UserWarning, match=match):
        expected = theirs.result()
    np.testing.assert_allclose(value, expected, rtol=RTOL)
    np.testing.assert_allclose(value, km.R2Score()(y_true, y_pred), rtol=RTOL)


@pytest.mark.parametrize("name", ["pearson_correlation", "concordance_correlation"])
@pytest.mark.parametrize("axis", [-1, 0])
def test_correlation_functions_match_keras(name, axis):
    rng = np.random.default_rng(2)
    y_true, y_pred = rng.normal(size=(6, C)).astype(np.float32), rng.normal(size=(6, C)).astype(np.float32)
    expected = getattr(keras.metrics, name)(y_true, y_pred, axis=axis)
    np.testing.assert_allclose(getattr(km, name)(y_true, y_pred, axis=axis), expected, rtol=RTOL, atol=ATOL)


def test_correlation_function_round_trips_in_a_mean_metric_wrapper():
    metric = km.MeanMetricWrapper(km.concordance_correlation, name="ccc", axis=0)
    clone = km.deserialize(km.serialize(metric))
    assert clone._fn is km.concordance_correlation and clone.name == "ccc"


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: km.IoU(num_classes=3, target_class_ids=[3]), r"target_class_ids.*\[0, 3\)"),
        (lambda: km.IoU(num_classes=3, target_class_ids=5), "target_class_ids=5"),
        (lambda: km.MeanIoU(num_classes=0), "num_classes=0"),
        (lambda: km.MeanIoU(num_classes=2, dtype="string"), "dtype='string'"),
        (lambda: km.MeanIoU(num_classes=2).update_state([0, 1, 1], [0, 1]), "3 labels and 2 predictions"),
        (lambda: km.R2Score(class_aggregation="median"), "class_aggregation='median'"),
        (lambda: km.R2Score(num_regressors=-1), "num_regressors=-1"),
        (lambda: km.R2Score().update_state(np.ones((2, 2, 2)), np.ones((2, 2, 2))), r"rank-2.*\(2, 2, 2\)"),
        (lambda: km.SensitivityAtSpecificity(1.5), r"specificity.*\[0, 1\].*specificity=1.5"),
        (lambda: km.RecallAtPrecision(-0.1), "precision=-0.1"),
        (lambda: km.PrecisionAtRecall(0.5, num_thresholds=0), "num_thresholds=0"),
        (lambda: km.SpecificityAtSensitivity(0.5, num_thresholds=2.5), "num_thresholds=2.5"),
    ],
)
def test_invalid_arguments_raise_clear_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# ------------------------------------------------------------------------------------ fit parity


def _fit_both(build, compile_kwargs, x, y):
    keras.backend.clear_session()
    kerax.utils.clear_session()
    keras.utils.set_random_seed(2)
    k_model, x_model = build(keras), build(kerax)
    x_model.set_weights(k_model.get_weights())
    histories = []
    for lib, model in ((keras, k_model), (kerax, x_model)):
        model.compile(optimizer=lib.optimizers.SGD(learning_rate=0.1), **compile_kwargs(lib))
        with quiet():
            history = model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0, validation_data=(x, y))
        histories.append(history.history)
    assert set(histories[1]) == set(histories[0])
    for key, values in histories[0].items():
        np.testing.assert_allclose(histories[1][key], values, rtol=1e-4, atol=1e-5, err_msg=key)
    return histories[1]


def test_fit_with_classification_metrics_matches_keras():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(32, 5)).astype("float32")
    y = np.eye(3, dtype="float32")[(x @ rng.normal(size=(5, 3))).argmax(-1)]
    history = _fit_both(
        lambda lib: lib.Sequential([lib.Input((5,)), lib.layers.Dense(3, activation="softmax")]),
        lambda lib: {
            "loss": "categorical_crossentropy",
            "metrics": [
                lib.metrics.OneHotMeanIoU(num_classes=3),
                lib.metrics.OneHotIoU(num_classes=3, target_class_ids=[0, 2], dtype="float32"),
                lib.metrics.BinaryIoU(threshold=0.4),
                lib.metrics.PrecisionAtRecall(0.5, num_thresholds=50),
                lib.metrics.SensitivityAtSpecificity(0.8, class_id=1),
            ],
        },
        x,
        y,
    )
    assert {"one_hot_mean_io_u", "val_binary_io_u", "precision_at_recall"} <= set(history)


def test_fit_with_regression_metrics_matches_keras():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(32, 5)).astype("float32")
    y = (x @ rng.normal(size=(5, 3)) + 0.1 * rng.normal(size=(32, 3))).astype("float32")
    history = _fit_both(
        lambda lib: lib.Sequential([lib.Input((5,)), lib.layers.Dense(3)]),
        lambda lib: {
            "loss": "mse",
            "metrics": [
                lib.metrics.R2Score(),
                lib.metrics.R2Score(class_aggregation="variance_weighted_average", name="r2_var"),
                lib.metrics.PearsonCorrelation(),
                lib.metrics.ConcordanceCorrelation(),
            ],
        },
        x,
        y,
    )
    assert {"r2_score", "val_r2_var", "pearson_correlation", "concordance_correlation"} <= set(history)
