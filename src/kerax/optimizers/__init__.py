"""Keras-style optimizers over optax, with a pure ``init``/``update`` core for jitted loops.

``opt.init(params) -> state`` and ``opt.update(grads, state, params) ->
(new_params, new_state)`` are pure and jit-traceable. After ``opt.build(vars)``,
``opt.variables`` are Keras 3's optimizer variables (kerax ``Variable`` objects,
the optimizer's state) and ``opt.stateless_apply(opt_values, grads, values)``
is Keras's pure step on their values; ``apply_gradients``, ``iterations``,
``learning_rate`` and ``get_config`` give the rest of the Keras surface.
"""

from kerax._serialization._registry import register_builtins as _register_builtins
from kerax.optimizers import _registry, schedules
from kerax.optimizers._adadelta import Adadelta
from kerax.optimizers._adafactor import Adafactor
from kerax.optimizers._adagrad import Adagrad
from kerax.optimizers._adam import Adam, AdamW
from kerax.optimizers._adamax import Adamax
from kerax.optimizers._base import Optimizer, OptimizerState
from kerax.optimizers._ftrl import Ftrl
from kerax.optimizers._lamb import Lamb
from kerax.optimizers._lion import Lion
from kerax.optimizers._loss_scale_optimizer import LossScaleOptimizer, LossScaleState
from kerax.optimizers._multi_optimizer import MultiOptimizer, OptimizerMap
from kerax.optimizers._muon import Muon
from kerax.optimizers._nadam import Nadam
from kerax.optimizers._registry import deserialize, get, serialize
from kerax.optimizers._rmsprop import RMSprop
from kerax.optimizers._schedule_free_adamw import ScheduleFreeAdamW
from kerax.optimizers._sgd import SGD
from kerax.optimizers._transforms import scale_by_learning_rate

__all__ = [
    "SGD",
    "Adadelta",
    "Adafactor",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "Ftrl",
    "Lamb",
    "Lion",
    "LossScaleOptimizer",
    "LossScaleState",
    "MultiOptimizer",
    "Muon",
    "Nadam",
    "Optimizer",
    "OptimizerMap",
    "OptimizerState",
    "RMSprop",
    "ScheduleFreeAdamW",
    "deserialize",
    "get",
    "scale_by_learning_rate",
    "schedules",
    "serialize",
]

# Configs may name these classes.
_register_builtins("optimizers", {cls.__name__: cls for cls in _registry.BUILTIN_OPTIMIZERS.values()})


def __dir__() -> list[str]:
    """The public names: not the modules and helpers the namespace is built from."""
    return list(__all__)
