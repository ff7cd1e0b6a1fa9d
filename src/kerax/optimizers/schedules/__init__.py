"""Learning-rate schedules with Keras 3's names: jit-traceable functions of the optimizer step."""

from kerax._serialization._registry import register_builtins as _register_builtins
from kerax.optimizers.schedules._schedules import (
    CosineDecay,
    CosineDecayRestarts,
    ExponentialDecay,
    InverseTimeDecay,
    LearningRateSchedule,
    PiecewiseConstantDecay,
    PolynomialDecay,
    deserialize,
    serialize,
)

__all__ = [
    "CosineDecay",
    "CosineDecayRestarts",
    "ExponentialDecay",
    "InverseTimeDecay",
    "LearningRateSchedule",
    "PiecewiseConstantDecay",
    "PolynomialDecay",
    "deserialize",
    "serialize",
]

# Configs may name these classes (module ``kerax.optimizers.schedules``).
_register_builtins(
    "schedules",
    {
        n: v
        for n, v in globals().items()
        if n in __all__ and isinstance(v, type) and issubclass(v, LearningRateSchedule)
    },
)


def __dir__() -> list[str]:
    """The public names: not the modules and helpers the namespace is built from."""
    return list(__all__)
