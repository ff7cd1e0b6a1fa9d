"""Loss functions and `Loss` classes with Keras 3 names and semantics.

Functions return per-sample losses (the last axis reduced); classes add sample weighting
and a reduction. Everything is pure `jax.numpy` and can be traced by `jax.jit`.
"""

from kerax._serialization._registry import register_builtins as _register_builtins
from kerax.losses._circle import Circle as Circle
from kerax.losses._circle import circle as circle
from kerax.losses._classes import BinaryCrossentropy as BinaryCrossentropy
from kerax.losses._classes import BinaryFocalCrossentropy as BinaryFocalCrossentropy
from kerax.losses._classes import CategoricalCrossentropy as CategoricalCrossentropy
from kerax.losses._classes import CategoricalFocalCrossentropy as CategoricalFocalCrossentropy
from kerax.losses._classes import CategoricalHinge as CategoricalHinge
from kerax.losses._classes import CosineSimilarity as CosineSimilarity
from kerax.losses._classes import Hinge as Hinge
from kerax.losses._classes import Huber as Huber
from kerax.losses._classes import KLDivergence as KLDivergence
from kerax.losses._classes import LogCosh as LogCosh
from kerax.losses._classes import MeanAbsoluteError as MeanAbsoluteError
from kerax.losses._classes import MeanAbsolutePercentageError as MeanAbsolutePercentageError
from kerax.losses._classes import MeanSquaredError as MeanSquaredError
from kerax.losses._classes import MeanSquaredLogarithmicError as MeanSquaredLogarithmicError
from kerax.losses._classes import Poisson as Poisson
from kerax.losses._classes import SparseCategoricalCrossentropy as SparseCategoricalCrossentropy
from kerax.losses._classes import SquaredHinge as SquaredHinge
from kerax.losses._common import EPSILON as EPSILON
from kerax.losses._generalized_crossentropy import (
    CategoricalGeneralizedCrossEntropy as CategoricalGeneralizedCrossEntropy,
)
from kerax.losses._generalized_crossentropy import (
    categorical_generalized_cross_entropy as categorical_generalized_cross_entropy,
)
from kerax.losses._hinge import categorical_hinge as categorical_hinge
from kerax.losses._hinge import hinge as hinge
from kerax.losses._hinge import squared_hinge as squared_hinge
from kerax.losses._loss import Loss as Loss
from kerax.losses._loss import LossFunctionWrapper as LossFunctionWrapper
from kerax.losses._probabilistic import binary_crossentropy as binary_crossentropy
from kerax.losses._probabilistic import binary_focal_crossentropy as binary_focal_crossentropy
from kerax.losses._probabilistic import categorical_crossentropy as categorical_crossentropy
from kerax.losses._probabilistic import categorical_focal_crossentropy as categorical_focal_crossentropy
from kerax.losses._probabilistic import kl_divergence as kl_divergence
from kerax.losses._probabilistic import poisson as poisson
from kerax.losses._probabilistic import sparse_categorical_crossentropy as sparse_categorical_crossentropy
from kerax.losses._reduction import REDUCTIONS as REDUCTIONS
from kerax.losses._reduction import reduce_weighted_values as reduce_weighted_values
from kerax.losses._registry import ALL_OBJECTS as ALL_OBJECTS
from kerax.losses._registry import deserialize as deserialize
from kerax.losses._registry import get as get
from kerax.losses._registry import resolve_crossentropy as resolve_crossentropy
from kerax.losses._registry import serialize as serialize
from kerax.losses._regression import cosine_similarity as cosine_similarity
from kerax.losses._regression import huber as huber
from kerax.losses._regression import log_cosh as log_cosh
from kerax.losses._regression import mean_absolute_error as mean_absolute_error
from kerax.losses._regression import mean_absolute_percentage_error as mean_absolute_percentage_error
from kerax.losses._regression import mean_squared_error as mean_squared_error
from kerax.losses._regression import mean_squared_logarithmic_error as mean_squared_logarithmic_error
from kerax.losses._segmentation import Dice as Dice
from kerax.losses._segmentation import Tversky as Tversky
from kerax.losses._segmentation import dice as dice
from kerax.losses._segmentation import tversky as tversky
from kerax.losses._sequence import CTC as CTC
from kerax.losses._sequence import ctc as ctc

# The losses defined outside `_registry` are registered with `get`/`deserialize` here.
ALL_OBJECTS.update(
    {
        obj.__name__: obj
        for obj in (
            CTC,
            Circle,
            CategoricalGeneralizedCrossEntropy,
            Dice,
            Tversky,
            categorical_generalized_cross_entropy,
            circle,
            ctc,
            dice,
            tversky,
        )
    }
)

# Keras-style short aliases.
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
bce = BCE = binary_crossentropy
logcosh = log_cosh

__all__ = [
    "ALL_OBJECTS",
    "BCE",
    "EPSILON",
    "KLD",
    "MAE",
    "MAPE",
    "MSE",
    "MSLE",
    "REDUCTIONS",
    "BinaryCrossentropy",
    "BinaryFocalCrossentropy",
    "CTC",
    "CategoricalCrossentropy",
    "CategoricalFocalCrossentropy",
    "CategoricalGeneralizedCrossEntropy",
    "CategoricalHinge",
    "Circle",
    "CosineSimilarity",
    "Dice",
    "Hinge",
    "Huber",
    "KLDivergence",
    "LogCosh",
    "Loss",
    "LossFunctionWrapper",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanSquaredError",
    "MeanSquaredLogarithmicError",
    "Poisson",
    "SparseCategoricalCrossentropy",
    "SquaredHinge",
    "Tversky",
    "bce",
    "binary_crossentropy",
    "binary_focal_crossentropy",
    "categorical_crossentropy",
    "categorical_focal_crossentropy",
    "categorical_generalized_cross_entropy",
    "categorical_hinge",
    "circle",
    "cosine_similarity",
    "ctc",
    "deserialize",
    "dice",
    "get",
    "hinge",
    "huber",
    "kl_divergence",
    "kld",
    "kullback_leibler_divergence",
    "log_cosh",
    "logcosh",
    "mae",
    "mape",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_error",
    "mean_squared_logarithmic_error",
    "mse",
    "msle",
    "poisson",
    "reduce_weighted_values",
    "resolve_crossentropy",
    "serialize",
    "sparse_categorical_crossentropy",
    "squared_hinge",
    "tversky",
]

_register_builtins("losses", ALL_OBJECTS)  # configs may name these classes and functions


def __dir__() -> list[str]:
    """The public names: not the modules and helpers the namespace is built from."""
    return list(__all__)
