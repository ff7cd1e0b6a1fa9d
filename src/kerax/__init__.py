"""kerax: Keras-style deep learning on JAX.

Build models three ways (Sequential, Functional, subclassing), then summarise, plot, compile, fit,
evaluate and predict with them.
"""

from kerax import (
    activations,
    backend,
    callbacks,
    constraints,
    datasets,
    initializers,
    layers,
    losses,
    metrics,
    models,
    ops,
    optimizers,
    regularizers,
    utils,
)
from kerax.layers import Input
from kerax.models import Model, Sequential

__version__ = "0.1.0"

__all__ = [
    "Input",
    "Model",
    "Sequential",
    "__version__",
    "activations",
    "backend",
    "callbacks",
    "constraints",
    "datasets",
    "initializers",
    "layers",
    "losses",
    "metrics",
    "models",
    "ops",
    "optimizers",
    "regularizers",
    "utils",
]
