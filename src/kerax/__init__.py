"""kerax: Keras-style deep learning on JAX.

Build models three ways (Sequential, Functional, subclassing), then summarise, plot, compile, fit,
evaluate, predict and save them.
"""

from kerax import activations, backend, initializers, layers, models, ops, utils
from kerax.layers import Input
from kerax.models import Model, Sequential

__version__ = "0.1.0"

__all__ = [
    "Input",
    "Model",
    "Sequential",
    "activations",
    "backend",
    "initializers",
    "layers",
    "models",
    "ops",
    "utils",
    "__version__",
]
