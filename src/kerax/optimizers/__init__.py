"""Keras-style optimizers over optax, with a pure ``init``/``update`` core for jitted loops.

``opt.init(params) -> state`` and ``opt.update(grads, state, params) ->
(new_params, new_state)`` are pure and jit-traceable. After ``opt.build(vars)``,
``opt.variables`` are Keras 3's optimizer variables (kerax ``Variable`` objects,
the optimizer's state) and ``opt.stateless_apply(opt_values, grads, values)``
is Keras's pure step on their values; ``apply_gradients``, ``iterations``,
``learning_rate`` and ``get_config`` give the rest of the Keras surface.
"""

from kerax.optimizers import schedules
from kerax.optimizers._base import Optimizer, OptimizerState
from kerax.optimizers._registry import deserialize, get, serialize
from kerax.optimizers._transforms import scale_by_learning_rate
from kerax.optimizers.adadelta import Adadelta
from kerax.optimizers.adagrad import Adagrad
from kerax.optimizers.adam import Adam, AdamW
from kerax.optimizers.adamax import Adamax
from kerax.optimizers.lion import Lion
from kerax.optimizers.loss_scale_optimizer import LossScaleOptimizer, LossScaleState
from kerax.optimizers.nadam import Nadam
from kerax.optimizers.rmsprop import RMSprop
from kerax.optimizers.sgd import SGD

__all__ = [
    "SGD",
    "Adadelta",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "Lion",
    "LossScaleOptimizer",
    "LossScaleState",
    "Nadam",
    "Optimizer",
    "OptimizerState",
    "RMSprop",
    "deserialize",
    "get",
    "scale_by_learning_rate",
    "schedules",
    "serialize",
]
