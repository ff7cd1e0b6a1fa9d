"""Weight constraints applied after every optimizer step, with Keras's names (``kernel_constraint="non_neg"``)."""

from kerax._serialization._registry import register_builtins as _register_builtins
from kerax.constraints._constraints import (
    Constraint,
    MaxNorm,
    MinMaxNorm,
    NonNeg,
    UnitNorm,
    deserialize,
    get,
    max_norm,
    min_max_norm,
    non_neg,
    serialize,
    unit_norm,
)

__all__ = [
    "Constraint",
    "MaxNorm",
    "MinMaxNorm",
    "NonNeg",
    "UnitNorm",
    "deserialize",
    "get",
    "max_norm",
    "min_max_norm",
    "non_neg",
    "serialize",
    "unit_norm",
]

# Configs may name these classes.
_register_builtins(
    "constraints",
    {n: v for n, v in globals().items() if n in __all__ and isinstance(v, type) and issubclass(v, Constraint)},
)


def __dir__() -> list[str]:
    """The public names: not the modules and helpers the namespace is built from."""
    return list(__all__)
