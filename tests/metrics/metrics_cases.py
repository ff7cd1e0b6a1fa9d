"""Metric parity cases: a kerax factory, the matching Keras factory, and a data generator."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import kerax.metrics as km

C = 4  # classes / labels
BATCHES = (6, 6, 6)  # sizes of the successive update_state batches (one shape: fewer XLA compiles)


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _probs(rng: np.random.Generator, n: int, width: int = 1) -> np.ndarray:
    """Probabilities rounded to 2 decimals: ties and exact threshold hits happen."""
    return np.round(rng.uniform(0.0, 1.0, (n, width)), 2).astype(np.float32)


DATA: dict[str, Callable[[np.random.Generator, int], tuple[np.ndarray, np.ndarray]]] = {
    "real": lambda r, n: (r.normal(size=(n, C)).astype(np.float32), r.normal(size=(n, C)).astype(np.float32)),
    "positive": lambda r, n: (
        r.uniform(0.05, 3, (n, C)).astype(np.float32),
        r.uniform(0.05, 3, (n, C)).astype(np.float32),
    ),
    "values": lambda r, n: (r.normal(size=(n,)).astype(np.float32), None),
    "values_2d": lambda r, n: (r.normal(size=(n, C)).astype(np.float32), None),
    "exact": lambda r, n: (r.integers(0, 3, (n, 1)).astype(np.float32), r.integers(0, 3, (n, 1)).astype(np.float32)),
    "binary": lambda r, n: (r.integers(0, 2, (n, 1)).astype(np.float32), _probs(r, n)),
    "binary_flat": lambda r, n: (r.integers(0, 2, (n,)).astype(np.float32), _probs(r, n)),
    "binary_logits": lambda r, n: (
        r.integers(0, 2, (n, 1)).astype(np.float32),
        r.normal(size=(n, 1)).astype(np.float32) * 3,
    ),
    "multilabel": lambda r, n: (r.integers(0, 2, (n, C)).astype(np.float32), _probs(r, n, C)),
    "multilabel_wide": lambda r, n: (
        r.integers(0, 2, (n, C)).astype(np.float32),
        r.normal(size=(n, C)).astype(np.float32),
    ),
    "onehot": lambda r, n: (
        np.eye(C, dtype=np.float32)[r.integers(0, C, n)],
        _softmax(r.normal(size=(n, C))).astype(np.float32),
    ),
    "onehot_logits": lambda r, n: (
        np.eye(C, dtype=np.float32)[r.integers(0, C, n)],
        r.normal(size=(n, C)).astype(np.float32),
    ),
    "sparse": lambda r, n: (
        r.integers(0, C, (n,)).astype(np.float32),
        _softmax(r.normal(size=(n, C))).astype(np.float32),
    ),
    "sparse_col": lambda r, n: (
        r.integers(0, C, (n, 1)).astype(np.int32),
        _softmax(r.normal(size=(n, C))).astype(np.float32),
    ),
    "sparse_logits": lambda r, n: (r.integers(0, C, (n,)).astype(np.int32), r.normal(size=(n, C)).astype(np.float32)),
    "distribution": lambda r, n: (
        _softmax(r.normal(size=(n, C))).astype(np.float32),
        _softmax(r.normal(size=(n, C))).astype(np.float32),
    ),
    "hinge": lambda r, n: (r.integers(0, 2, (n, C)).astype(np.float32), r.normal(size=(n, C)).astype(np.float32)),
    # Class ids with some out of [0, C) (they are skipped), and segmentation-like (n, 3) maps.
    "class_ids": lambda r, n: (r.integers(-1, C + 1, (n,)).astype(np.int32), r.integers(0, C + 1, (n,))),
    "class_map": lambda r, n: (r.integers(0, C, (n, 3)).astype(np.float32), r.integers(0, C, (n, 3, 1))),
    "regression": lambda r, n: (
        r.normal(size=(n, 2)).astype(np.float32),
        r.normal(size=(n, 2)).astype(np.float32) * 0.5 + 0.2,
    ),
    "regression_1": lambda r, n: (r.normal(size=(n,)).astype(np.float32), r.normal(size=(n, 1)).astype(np.float32)),
}


@dataclass
class Case:
    """One parity case: kerax and Keras factories taking the same constructor kwargs."""

    id: str
    kerax: Callable[..., Any]
    keras_name: str | Callable[[Any], Any]  # dotted attribute of `keras`, or a factory taking `keras`
    data: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    default_name: str | None = None  # expected default `name`
    # Whether to also run with sample weights. Metrics averaging a per-sample function share
    # one weighting code path (`Mean`), so only representatives of that family are weighted.
    weighted: bool = True
    rtol: float = 1e-5
    # Keras ignores an `ignore_class` mask when no sample_weight is given (it then divides by all
    # entries); kerax always excludes ignored entries, which equals Keras given unit weights.
    keras_needs_unit_weights: bool = False
    atol: float = 1e-6

    def make_keras(self, keras: Any) -> Any:
        """Instantiate the Keras oracle for this case."""
        if callable(self.keras_name):
            return self.keras_name(keras)
        kwargs = self.kwargs
        target = keras
        for part in self.keras_name.split("."):
            target = getattr(target, part)
        return target(**kwargs)


AUC_TOL = {"rtol": 1e-4, "atol": 1e-5}
THRESHOLDS = [0.3, 0.5, 0.72]  # shared by cases so that eager XLA compilations are reused
EVEN = [0.0, 0.25, 0.5, 0.75, 1.0]  # evenly spaced: exercises the bucketing algorithm

CASES: list[Case] = [
    Case("Mean", km.Mean, "metrics.Mean", "values", default_name="mean"),
    Case("Mean-2d", km.Mean, "metrics.Mean", "values_2d", weighted=False),
    Case("Sum", km.Sum, "metrics.Sum", "values", default_name="sum"),
    Case("Sum-2d", km.Sum, "metrics.Sum", "values_2d", weighted=False),
    Case(
        "MeanMetricWrapper-mse",
        lambda: km.MeanMetricWrapper(km.mean_squared_error),
        lambda keras: keras.metrics.MeanMetricWrapper(keras.losses.mean_squared_error),
        "real",
        default_name="mean_metric_wrapper",
    ),
    Case("Accuracy", km.Accuracy, "metrics.Accuracy", "exact", default_name="accuracy", weighted=False),
    Case("BinaryAccuracy", km.BinaryAccuracy, "metrics.BinaryAccuracy", "binary", default_name="binary_accuracy"),
    Case(
        "BinaryAccuracy-t0.7",
        km.BinaryAccuracy,
        "metrics.BinaryAccuracy",
        "multilabel",
        {"threshold": 0.7},
        weighted=False,
    ),
    Case(
        "CategoricalAccuracy",
        km.CategoricalAccuracy,
        "metrics.CategoricalAccuracy",
        "onehot",
        default_name="categorical_accuracy",
        weighted=False,
    ),
    Case(
        "SparseCategoricalAccuracy",
        km.SparseCategoricalAccuracy,
        "metrics.SparseCategoricalAccuracy",
        "sparse",
        default_name="sparse_categorical_accuracy",
    ),
    Case(
        "SparseCategoricalAccuracy-col", km.SparseCategoricalAccuracy, "metrics.SparseCategoricalAccuracy", "sparse_col"
    ),
    Case(
        "TopKCategoricalAccuracy-k2",
        km.TopKCategoricalAccuracy,
        "metrics.TopKCategoricalAccuracy",
        "onehot",
        {"k": 2},
        weighted=False,
    ),
    Case(
        "TopKCategoricalAccuracy",
        km.TopKCategoricalAccuracy,
        "metrics.TopKCategoricalAccuracy",
        "onehot",
        default_name="top_k_categorical_accuracy",
        weighted=False,
    ),
    Case(
        "SparseTopKCategoricalAccuracy-k2",
        km.SparseTopKCategoricalAccuracy,
        "metrics.SparseTopKCategoricalAccuracy",
        "sparse_logits",
        {"k": 2},
        default_name="sparse_top_k_categorical_accuracy",
        weighted=False,
    ),
    Case("Precision", km.Precision, "metrics.Precision", "binary", default_name="precision"),
    Case("Precision-thresholds", km.Precision, "metrics.Precision", "multilabel", {"thresholds": THRESHOLDS}),
    Case("Precision-even", km.Precision, "metrics.Precision", "multilabel", {"thresholds": EVEN}),
    Case("Precision-topk", km.Precision, "metrics.Precision", "multilabel", {"top_k": 2}),
    Case("Precision-classid", km.Precision, "metrics.Precision", "multilabel", {"class_id": 1}),
    Case("Recall", km.Recall, "metrics.Recall", "binary_flat", default_name="recall"),
    Case("Recall-thresholds", km.Recall, "metrics.Recall", "multilabel", {"thresholds": THRESHOLDS}),
    Case("Recall-topk-classid", km.Recall, "metrics.Recall", "multilabel", {"top_k": 2, "class_id": 3}),
    Case("Recall-even", km.Recall, "metrics.Recall", "multilabel", {"thresholds": EVEN}),
    Case("TruePositives", km.TruePositives, "metrics.TruePositives", "multilabel", default_name="true_positives"),
    Case("FalsePositives", km.FalsePositives, "metrics.FalsePositives", "multilabel", {"thresholds": THRESHOLDS}),
    Case("TrueNegatives", km.TrueNegatives, "metrics.TrueNegatives", "binary"),
    Case("FalseNegatives", km.FalseNegatives, "metrics.FalseNegatives", "binary", {"thresholds": 0.3}),
    Case("AUC", km.AUC, "metrics.AUC", "binary", default_name="auc", **AUC_TOL),
    Case("AUC-flat-multilabel", km.AUC, "metrics.AUC", "multilabel", **AUC_TOL),
    Case("AUC-PR", km.AUC, "metrics.AUC", "multilabel", {"curve": "PR"}, **AUC_TOL),
    Case(
        "AUC-PR-minoring",
        km.AUC,
        "metrics.AUC",
        "multilabel",
        {"curve": "PR", "summation_method": "minoring"},
        **AUC_TOL,
    ),
    Case("AUC-ROC-majoring", km.AUC, "metrics.AUC", "multilabel", {"summation_method": "majoring"}, **AUC_TOL),
    Case("AUC-PRGAIN", km.AUC, "metrics.AUC", "multilabel", {"curve": "PRGAIN"}, **AUC_TOL),
    Case("AUC-thresholds", km.AUC, "metrics.AUC", "multilabel", {"thresholds": [0.1, 0.35, 0.5, 0.8]}, **AUC_TOL),
    Case(
        "AUC-multi_label-weights",
        km.AUC,
        "metrics.AUC",
        "multilabel",
        {"multi_label": True, "num_labels": C, "label_weights": [0.1, 0.2, 0.3, 0.4], "curve": "PR"},
        **AUC_TOL,
    ),
    Case("AUC-label_weights", km.AUC, "metrics.AUC", "multilabel", {"label_weights": [1.0, 0.5, 0.0, 2.0]}, **AUC_TOL),
    Case("AUC-from_logits", km.AUC, "metrics.AUC", "binary_logits", {"from_logits": True}, **AUC_TOL),
    Case("F1Score", km.F1Score, "metrics.F1Score", "onehot", default_name="f1_score"),
    Case("F1Score-micro", km.F1Score, "metrics.F1Score", "multilabel", {"average": "micro", "threshold": 0.5}),
    Case("F1Score-macro", km.F1Score, "metrics.F1Score", "multilabel", {"average": "macro", "threshold": 0.4}),
    Case("F1Score-weighted", km.F1Score, "metrics.F1Score", "onehot", {"average": "weighted"}),
    Case("F1Score-argmax-signed", km.F1Score, "metrics.F1Score", "multilabel_wide", {"average": "macro"}),
    Case(
        "FBetaScore",
        km.FBetaScore,
        "metrics.FBetaScore",
        "multilabel",
        {"beta": 2.0, "threshold": 0.5},
        default_name="fbeta_score",
    ),
    Case(
        "MeanSquaredError",
        km.MeanSquaredError,
        "metrics.MeanSquaredError",
        "real",
        default_name="mean_squared_error",
        weighted=False,
    ),
    Case(
        "MeanAbsoluteError",
        km.MeanAbsoluteError,
        "metrics.MeanAbsoluteError",
        "real",
        default_name="mean_absolute_error",
        weighted=False,
    ),
    Case(
        "MeanAbsolutePercentageError",
        km.MeanAbsolutePercentageError,
        "metrics.MeanAbsolutePercentageError",
        "positive",
        default_name="mean_absolute_percentage_error",
        weighted=False,
    ),
    Case(
        "MeanSquaredLogarithmicError",
        km.MeanSquaredLogarithmicError,
        "metrics.MeanSquaredLogarithmicError",
        "positive",
        default_name="mean_squared_logarithmic_error",
        weighted=False,
    ),
    Case(
        "RootMeanSquaredError",
        km.RootMeanSquaredError,
        "metrics.RootMeanSquaredError",
        "real",
        default_name="root_mean_squared_error",
    ),
    Case(
        "CosineSimilarity",
        km.CosineSimilarity,
        "metrics.CosineSimilarity",
        "real",
        default_name="cosine_similarity",
        weighted=False,
    ),
    Case("LogCoshError", km.LogCoshError, "metrics.LogCoshError", "real", default_name="logcosh", weighted=False),
    Case(
        "KLDivergence",
        km.KLDivergence,
        "metrics.KLDivergence",
        "distribution",
        default_name="kl_divergence",
        weighted=False,
    ),
    Case("Poisson", km.Poisson, "metrics.Poisson", "positive", default_name="poisson", weighted=False),
    Case(
        "BinaryCrossentropy",
        km.BinaryCrossentropy,
        "metrics.BinaryCrossentropy",
        "binary",
        default_name="binary_crossentropy",
    ),
    Case(
        "BinaryCrossentropy-logits-smooth",
        km.BinaryCrossentropy,
        "metrics.BinaryCrossentropy",
        "binary_logits",
        {"from_logits": True, "label_smoothing": 0.2},
        weighted=False,
    ),
    Case(
        "CategoricalCrossentropy",
        km.CategoricalCrossentropy,
        "metrics.CategoricalCrossentropy",
        "onehot",
        default_name="categorical_crossentropy",
        weighted=False,
    ),
    Case(
        "CategoricalCrossentropy-logits-smooth",
        km.CategoricalCrossentropy,
        "metrics.CategoricalCrossentropy",
        "onehot_logits",
        {"from_logits": True, "label_smoothing": 0.1},
        weighted=False,
    ),
    Case(
        "SparseCategoricalCrossentropy",
        km.SparseCategoricalCrossentropy,
        "metrics.SparseCategoricalCrossentropy",
        "sparse",
        default_name="sparse_categorical_crossentropy",
        weighted=False,
    ),
    Case(
        "SparseCategoricalCrossentropy-logits-ignore",
        km.SparseCategoricalCrossentropy,
        "metrics.SparseCategoricalCrossentropy",
        "sparse_logits",
        {"from_logits": True, "ignore_class": 1},
        keras_needs_unit_weights=True,
    ),
    Case("Hinge", km.Hinge, "metrics.Hinge", "hinge", default_name="hinge", weighted=False),
    Case(
        "SquaredHinge", km.SquaredHinge, "metrics.SquaredHinge", "hinge", default_name="squared_hinge", weighted=False
    ),
    Case(
        "CategoricalHinge",
        km.CategoricalHinge,
        "metrics.CategoricalHinge",
        "onehot",
        default_name="categorical_hinge",
        weighted=False,
    ),
    # IoU family. The default int32 confusion matrix truncates float weights (with a warning), so the
    # weighted runs use a float32 matrix; `test_metrics_more.py` covers the int32 truncation.
    Case(
        "IoU",
        km.IoU,
        "metrics.IoU",
        "class_ids",
        {"num_classes": C, "target_class_ids": [0, 2]},
        default_name="io_u",
        weighted=False,
    ),
    Case(
        "IoU-f32-ignore",
        km.IoU,
        "metrics.IoU",
        "class_ids",
        {"num_classes": C, "target_class_ids": [1, 3, 2], "ignore_class": 1, "dtype": "float32"},
    ),
    Case(
        "MeanIoU",
        km.MeanIoU,
        "metrics.MeanIoU",
        "class_map",
        {"num_classes": C},
        default_name="mean_io_u",
        weighted=False,
    ),
    Case("MeanIoU-f32", km.MeanIoU, "metrics.MeanIoU", "class_ids", {"num_classes": C, "dtype": "float32"}),
    Case(
        "MeanIoU-dense-pred",
        km.MeanIoU,
        "metrics.MeanIoU",
        "sparse",
        {"num_classes": C, "sparse_y_pred": False, "dtype": "float32"},
    ),
    Case("BinaryIoU", km.BinaryIoU, "metrics.BinaryIoU", "multilabel", default_name="binary_io_u", weighted=False),
    Case(
        "BinaryIoU-t0.3-f32",
        km.BinaryIoU,
        "metrics.BinaryIoU",
        "binary_flat",
        {"target_class_ids": [1], "threshold": 0.3, "dtype": "float32"},
    ),
    Case(
        "OneHotIoU",
        km.OneHotIoU,
        "metrics.OneHotIoU",
        "onehot",
        {"num_classes": C, "target_class_ids": [0, 3]},
        default_name="one_hot_io_u",
        weighted=False,
    ),
    Case(
        "OneHotMeanIoU-f32",
        km.OneHotMeanIoU,
        "metrics.OneHotMeanIoU",
        "onehot",
        {"num_classes": C, "ignore_class": 2, "dtype": "float32"},
        default_name="one_hot_mean_io_u",
    ),
    # R2Score: lazily built from the number of outputs.
    Case("R2Score", km.R2Score, "metrics.R2Score", "regression", default_name="r2_score"),
    Case("R2Score-none", km.R2Score, "metrics.R2Score", "regression", {"class_aggregation": None}, weighted=False),
    Case(
        "R2Score-variance-weighted",
        km.R2Score,
        "metrics.R2Score",
        "real",
        {"class_aggregation": "variance_weighted_average"},
    ),
    Case("R2Score-rank1", km.R2Score, "metrics.R2Score", "regression_1"),
    # Correlations: running means of a per-sample function.
    Case(
        "PearsonCorrelation",
        km.PearsonCorrelation,
        "metrics.PearsonCorrelation",
        "real",
        default_name="pearson_correlation",
    ),
    Case(
        "ConcordanceCorrelation",
        km.ConcordanceCorrelation,
        "metrics.ConcordanceCorrelation",
        "real",
        default_name="concordance_correlation",
    ),
    Case(
        "ConcordanceCorrelation-axis0",
        km.ConcordanceCorrelation,
        "metrics.ConcordanceCorrelation",
        "real",
        {"axis": 0},
        weighted=False,
    ),
    # Best rate under a constraint on another, on the AUC-style threshold grid.
    Case(
        "SensitivityAtSpecificity",
        km.SensitivityAtSpecificity,
        "metrics.SensitivityAtSpecificity",
        "binary",
        {"specificity": 0.6},
        default_name="sensitivity_at_specificity",
        **AUC_TOL,
    ),
    Case(
        "SpecificityAtSensitivity",
        km.SpecificityAtSensitivity,
        "metrics.SpecificityAtSensitivity",
        "multilabel",
        {"sensitivity": 0.7, "num_thresholds": 11},
        default_name="specificity_at_sensitivity",
        **AUC_TOL,
    ),
    Case(
        "PrecisionAtRecall",
        km.PrecisionAtRecall,
        "metrics.PrecisionAtRecall",
        "multilabel",
        {"recall": 0.5, "class_id": 2},
        default_name="precision_at_recall",
        **AUC_TOL,
    ),
    Case(
        "RecallAtPrecision",
        km.RecallAtPrecision,
        "metrics.RecallAtPrecision",
        "binary_flat",
        {"precision": 0.55},
        default_name="recall_at_precision",
        **AUC_TOL,
    ),
    Case(
        "RecallAtPrecision-one-threshold",
        km.RecallAtPrecision,
        "metrics.RecallAtPrecision",
        "binary",
        {"precision": 0.4, "num_thresholds": 1},
        **AUC_TOL,
    ),
]


def batches(case: Case, weighted: bool, seed: int = 0) -> list[tuple[Any, ...]]:
    """Return the successive `(args, sample_weight)` batches of a case."""
    rng = np.random.default_rng(seed)
    out = []
    for n in BATCHES:
        y_true, y_pred = DATA[case.data](rng, n)
        args = (y_true,) if y_pred is None else (y_true, y_pred)
        sw = rng.uniform(0.0, 2.0, (n,)).astype(np.float32) if weighted else None
        out.append((args, sw))
    return out
