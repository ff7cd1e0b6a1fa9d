"""Metrics with Keras 3 names and semantics, built on a pure functional core.

Every `Metric` keeps its accumulators in non-trainable `Variable`s (`metric.variables`, with
Keras's names) and offers Keras 3's stateful API (`update_state` / `result` / `reset_state`)
and stateless API (`stateless_update_state` / `stateless_result` / `stateless_reset_state`,
jit-traceable). Metrics also expose a pure core on a dict of named arrays:
`init_state() -> state`, `update(state, ...) -> state` and `compute(state) -> value`.
"""

from kerax._serialization._registry import register_builtins as _register_builtins
from kerax.backend._naming import to_snake_case as _to_snake_case
from kerax.losses._hinge import categorical_hinge as categorical_hinge
from kerax.losses._hinge import hinge as hinge
from kerax.losses._hinge import squared_hinge as squared_hinge
from kerax.losses._probabilistic import binary_crossentropy as binary_crossentropy
from kerax.losses._probabilistic import binary_focal_crossentropy as binary_focal_crossentropy
from kerax.losses._probabilistic import categorical_crossentropy as categorical_crossentropy
from kerax.losses._probabilistic import categorical_focal_crossentropy as categorical_focal_crossentropy
from kerax.losses._probabilistic import kl_divergence as kl_divergence
from kerax.losses._probabilistic import poisson as poisson
from kerax.losses._probabilistic import sparse_categorical_crossentropy as sparse_categorical_crossentropy
from kerax.losses._regression import huber as huber
from kerax.losses._regression import log_cosh as log_cosh
from kerax.losses._regression import mean_absolute_error as mean_absolute_error
from kerax.losses._regression import mean_absolute_percentage_error as mean_absolute_percentage_error
from kerax.losses._regression import mean_squared_error as mean_squared_error
from kerax.losses._regression import mean_squared_logarithmic_error as mean_squared_logarithmic_error
from kerax.metrics import _registry
from kerax.metrics._accuracy import Accuracy as Accuracy
from kerax.metrics._accuracy import BinaryAccuracy as BinaryAccuracy
from kerax.metrics._accuracy import CategoricalAccuracy as CategoricalAccuracy
from kerax.metrics._accuracy import SparseCategoricalAccuracy as SparseCategoricalAccuracy
from kerax.metrics._accuracy import SparseTopKCategoricalAccuracy as SparseTopKCategoricalAccuracy
from kerax.metrics._accuracy import TopKCategoricalAccuracy as TopKCategoricalAccuracy
from kerax.metrics._accuracy import binary_accuracy as binary_accuracy
from kerax.metrics._accuracy import categorical_accuracy as categorical_accuracy
from kerax.metrics._accuracy import sparse_categorical_accuracy as sparse_categorical_accuracy
from kerax.metrics._accuracy import sparse_top_k_categorical_accuracy as sparse_top_k_categorical_accuracy
from kerax.metrics._accuracy import top_k_categorical_accuracy as top_k_categorical_accuracy
from kerax.metrics._auc import AUC as AUC
from kerax.metrics._base import Metric as Metric
from kerax.metrics._base import State as State
from kerax.metrics._correlation import ConcordanceCorrelation as ConcordanceCorrelation
from kerax.metrics._correlation import PearsonCorrelation as PearsonCorrelation
from kerax.metrics._correlation import concordance_correlation as concordance_correlation
from kerax.metrics._correlation import pearson_correlation as pearson_correlation
from kerax.metrics._f_score import F1Score as F1Score
from kerax.metrics._f_score import FBetaScore as FBetaScore
from kerax.metrics._iou import BinaryIoU as BinaryIoU
from kerax.metrics._iou import IoU as IoU
from kerax.metrics._iou import MeanIoU as MeanIoU
from kerax.metrics._iou import OneHotIoU as OneHotIoU
from kerax.metrics._iou import OneHotMeanIoU as OneHotMeanIoU
from kerax.metrics._precision_recall import FalseNegatives as FalseNegatives
from kerax.metrics._precision_recall import FalsePositives as FalsePositives
from kerax.metrics._precision_recall import Precision as Precision
from kerax.metrics._precision_recall import Recall as Recall
from kerax.metrics._precision_recall import TrueNegatives as TrueNegatives
from kerax.metrics._precision_recall import TruePositives as TruePositives
from kerax.metrics._probabilistic import BinaryCrossentropy as BinaryCrossentropy
from kerax.metrics._probabilistic import CategoricalCrossentropy as CategoricalCrossentropy
from kerax.metrics._probabilistic import CategoricalHinge as CategoricalHinge
from kerax.metrics._probabilistic import Hinge as Hinge
from kerax.metrics._probabilistic import KLDivergence as KLDivergence
from kerax.metrics._probabilistic import Poisson as Poisson
from kerax.metrics._probabilistic import SparseCategoricalCrossentropy as SparseCategoricalCrossentropy
from kerax.metrics._probabilistic import SquaredHinge as SquaredHinge
from kerax.metrics._r2_score import R2Score as R2Score
from kerax.metrics._reduction import Mean as Mean
from kerax.metrics._reduction import MeanMetricWrapper as MeanMetricWrapper
from kerax.metrics._reduction import Sum as Sum
from kerax.metrics._registry import ALL_OBJECTS as ALL_OBJECTS
from kerax.metrics._registry import deserialize as deserialize
from kerax.metrics._registry import get as get
from kerax.metrics._registry import resolve_accuracy as resolve_accuracy
from kerax.metrics._registry import serialize as serialize
from kerax.metrics._regression import CosineSimilarity as CosineSimilarity
from kerax.metrics._regression import LogCoshError as LogCoshError
from kerax.metrics._regression import MeanAbsoluteError as MeanAbsoluteError
from kerax.metrics._regression import MeanAbsolutePercentageError as MeanAbsolutePercentageError
from kerax.metrics._regression import MeanSquaredError as MeanSquaredError
from kerax.metrics._regression import MeanSquaredLogarithmicError as MeanSquaredLogarithmicError
from kerax.metrics._regression import RootMeanSquaredError as RootMeanSquaredError
from kerax.metrics._sensitivity_specificity import PrecisionAtRecall as PrecisionAtRecall
from kerax.metrics._sensitivity_specificity import RecallAtPrecision as RecallAtPrecision
from kerax.metrics._sensitivity_specificity import SensitivityAtSpecificity as SensitivityAtSpecificity
from kerax.metrics._sensitivity_specificity import SpecificityAtSensitivity as SpecificityAtSensitivity

# The metrics defined outside `_registry` are registered with `get`/`deserialize` here (by class
# name and snake_case name, as Keras does), and the correlation functions for `MeanMetricWrapper` configs.
_registry.ALL_OBJECTS.update(
    {
        key: cls
        for cls in (
            BinaryIoU,
            ConcordanceCorrelation,
            IoU,
            MeanIoU,
            OneHotIoU,
            OneHotMeanIoU,
            PearsonCorrelation,
            PrecisionAtRecall,
            R2Score,
            RecallAtPrecision,
            SensitivityAtSpecificity,
            SpecificityAtSensitivity,
        )
        for key in (cls.__name__, _to_snake_case(cls.__name__))
    }
)
_registry.FUNCTIONS.update({fn.__name__: fn for fn in (concordance_correlation, pearson_correlation)})

__all__ = [
    "ALL_OBJECTS",
    "AUC",
    "Accuracy",
    "BinaryAccuracy",
    "BinaryCrossentropy",
    "BinaryIoU",
    "CategoricalAccuracy",
    "CategoricalCrossentropy",
    "CategoricalHinge",
    "ConcordanceCorrelation",
    "CosineSimilarity",
    "F1Score",
    "FBetaScore",
    "FalseNegatives",
    "FalsePositives",
    "Hinge",
    "IoU",
    "KLDivergence",
    "LogCoshError",
    "Mean",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanIoU",
    "MeanMetricWrapper",
    "MeanSquaredError",
    "MeanSquaredLogarithmicError",
    "Metric",
    "OneHotIoU",
    "OneHotMeanIoU",
    "PearsonCorrelation",
    "Poisson",
    "Precision",
    "PrecisionAtRecall",
    "R2Score",
    "Recall",
    "RecallAtPrecision",
    "RootMeanSquaredError",
    "SensitivityAtSpecificity",
    "SparseCategoricalAccuracy",
    "SparseCategoricalCrossentropy",
    "SparseTopKCategoricalAccuracy",
    "SpecificityAtSensitivity",
    "SquaredHinge",
    "State",
    "Sum",
    "TopKCategoricalAccuracy",
    "TrueNegatives",
    "TruePositives",
    "binary_accuracy",
    "binary_crossentropy",
    "binary_focal_crossentropy",
    "categorical_accuracy",
    "categorical_crossentropy",
    "categorical_focal_crossentropy",
    "categorical_hinge",
    "concordance_correlation",
    "deserialize",
    "get",
    "hinge",
    "huber",
    "kl_divergence",
    "log_cosh",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_error",
    "mean_squared_logarithmic_error",
    "pearson_correlation",
    "poisson",
    "resolve_accuracy",
    "serialize",
    "sparse_categorical_accuracy",
    "sparse_categorical_crossentropy",
    "sparse_top_k_categorical_accuracy",
    "squared_hinge",
    "top_k_categorical_accuracy",
]

_register_builtins("metrics", _registry.ALL_OBJECTS)  # configs may name these classes and functions


def __dir__() -> list[str]:
    """The public names: not the modules and helpers the namespace is built from."""
    return list(__all__)
