"""kerax: Keras-style deep learning on JAX.

Build models three ways (Sequential, Functional, subclassing), then summarise, plot, compile, fit,
evaluate and predict with them. ``import kerax as keras`` gives Keras 3's public names.
"""

from kerax import (
    activations,
    applications,
    backend,
    callbacks,
    config,
    constraints,
    datasets,
    distribution,
    dtype_policies,
    initializers,
    layers,
    losses,
    metrics,
    mixed_precision,
    models,
    ops,
    optimizers,
    preprocessing,
    random,
    regularizers,
    saving,
    tree,
    utils,
)
from kerax._function import Function
from kerax._version import __version__
from kerax.backend import _compilation_cache
from kerax.backend._device import device
from kerax.backend._naming import name_scope
from kerax.backend._remat import RematScope, remat
from kerax.backend._scope import StatelessScope, SymbolicScope
from kerax.backend._symbolic import SymbolicTensor as KerasTensor
from kerax.backend._variables import Variable
from kerax.dtype_policies import DTypePolicy, FloatDTypePolicy
from kerax.initializers import Initializer
from kerax.layers import Input, InputSpec, Layer
from kerax.losses import Loss
from kerax.metrics import Metric
from kerax.models import Model, Sequential
from kerax.ops._operation import Operation
from kerax.optimizers import Optimizer
from kerax.regularizers import Regularizer

_compilation_cache.configure_from_environment()  # compiled steps are reused by the next run (off: see config)


def version() -> str:
    """kerax's version (``kerax.__version__``)."""
    return __version__


__all__ = [
    "DTypePolicy",
    "FloatDTypePolicy",
    "Function",
    "Initializer",
    "Input",
    "InputSpec",
    "KerasTensor",
    "Layer",
    "Loss",
    "Metric",
    "Model",
    "Operation",
    "Optimizer",
    "Regularizer",
    "RematScope",
    "Sequential",
    "StatelessScope",
    "SymbolicScope",
    "Variable",
    "__version__",
    "activations",
    "applications",
    "backend",
    "callbacks",
    "config",
    "constraints",
    "datasets",
    "device",
    "distribution",
    "dtype_policies",
    "initializers",
    "layers",
    "losses",
    "metrics",
    "mixed_precision",
    "models",
    "name_scope",
    "ops",
    "optimizers",
    "preprocessing",
    "random",
    "regularizers",
    "remat",
    "saving",
    "tree",
    "utils",
    "version",
]


def __dir__() -> list[str]:
    """The public names: not the modules and helpers the namespace is built from."""
    return list(__all__)
