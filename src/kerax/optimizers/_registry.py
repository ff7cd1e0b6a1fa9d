"""``get``, ``serialize`` and ``deserialize`` for optimizers (Keras config format)."""

from __future__ import annotations

from typing import Any

from kerax._serialization._serialize import builtin_config
from kerax.optimizers._adadelta import Adadelta
from kerax.optimizers._adafactor import Adafactor
from kerax.optimizers._adagrad import Adagrad
from kerax.optimizers._adam import Adam, AdamW
from kerax.optimizers._adamax import Adamax
from kerax.optimizers._base import Optimizer
from kerax.optimizers._ftrl import Ftrl
from kerax.optimizers._lamb import Lamb
from kerax.optimizers._lion import Lion
from kerax.optimizers._loss_scale_optimizer import LossScaleOptimizer
from kerax.optimizers._multi_optimizer import MultiOptimizer
from kerax.optimizers._muon import Muon
from kerax.optimizers._nadam import Nadam
from kerax.optimizers._rmsprop import RMSprop
from kerax.optimizers._schedule_free_adamw import ScheduleFreeAdamW
from kerax.optimizers._sgd import SGD

BUILTIN_OPTIMIZERS: dict[str, type[Optimizer]] = {
    cls.__name__.lower(): cls
    for cls in (
        SGD,
        Adam,
        AdamW,
        Adamax,
        Nadam,
        RMSprop,
        Adagrad,
        Adadelta,
        Lion,
        Adafactor,
        Ftrl,
        Lamb,
        Muon,
        ScheduleFreeAdamW,
        MultiOptimizer,
    )
}
# Wrappers of other optimizers: listed above so that saved configs resolve, but never made from a bare name.
_CONFIG_ONLY = frozenset({"multioptimizer"})


def serialize(optimizer: Optimizer) -> dict[str, Any]:
    """Returns ``optimizer``'s config in the Keras format (``class_name`` + ``config``).

    Args:
        optimizer: The optimizer to serialise.
    """
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            "Argument `optimizer` must be a kerax Optimizer. "
            f"Received: {optimizer!r} of type {type(optimizer).__name__}"
        )
    return builtin_config(optimizer, "keras.optimizers")


def deserialize(config: dict[str, Any], custom_objects: dict[str, Any] | None = None) -> Optimizer:
    """Creates an optimizer from a ``serialize`` dict (Keras-saved dicts work too).

    Args:
        config: Dict with ``class_name`` and ``config`` entries.
        custom_objects: Optional mapping from class name to optimizer or
            schedule class. Defaults to ``None``.
    """
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            f"Argument `config` must be a dict with 'class_name' and 'config' keys. Received: config={config!r}"
        )
    name = config["class_name"]
    custom = custom_objects or {}
    # LossScaleOptimizer wraps another optimizer, so it is made from a config only, never from a name.
    wrappers = {"lossscaleoptimizer": LossScaleOptimizer}
    cls = custom.get(name) or BUILTIN_OPTIMIZERS.get(str(name).lower()) or wrappers.get(str(name).lower())
    if cls is None:
        raise ValueError(
            f"Unknown optimizer: '{name}'. Valid names are {sorted(BUILTIN_OPTIMIZERS)}; pass "
            "custom classes via `custom_objects`."
        )
    return cls.from_config(dict(config.get("config") or {}), custom_objects=custom_objects)


def get(identifier: Any) -> Optimizer | None:
    """Returns an optimizer from a name, a config dict or an instance.

    Args:
        identifier: None (returns None), an ``Optimizer`` (returned
            as-is), a name such as ``"adam"`` (case-insensitive; a fresh
            instance with default arguments), or a config dict.
    """
    if identifier is None or isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        if identifier.lower() in _CONFIG_ONLY:
            raise ValueError(
                f"Optimizer '{identifier}' wraps other optimizers and cannot be made from its name: create it "
                "with its constructor, e.g. MultiOptimizer(OptimizerMap(default_optimizer, {...}))."
            )
        cls = BUILTIN_OPTIMIZERS.get(identifier.lower())
        if cls is None:
            raise ValueError(f"Unknown optimizer name: '{identifier}'. Valid names are {sorted(BUILTIN_OPTIMIZERS)}.")
        return cls()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    raise ValueError(
        "Could not interpret optimizer identifier: expected a name, a config dict or an "
        f"Optimizer instance. Received: {identifier!r}"
    )
