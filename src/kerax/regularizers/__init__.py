"""Weight and activity regularizers with Keras's names and defaults (``kernel_regularizer="l2"``)."""

from kerax._serialization._registry import register_builtins as _register_builtins
from kerax.regularizers._regularizers import (
    L1,
    L1L2,
    L2,
    OrthogonalRegularizer,
    Regularizer,
    deserialize,
    get,
    l1,
    l1_l2,
    l2,
    orthogonal_regularizer,
    serialize,
)

__all__ = [
    "L1",
    "L1L2",
    "L2",
    "OrthogonalRegularizer",
    "Regularizer",
    "deserialize",
    "get",
    "l1",
    "l1_l2",
    "l2",
    "orthogonal_regularizer",
    "serialize",
]

# Configs may name these classes.
_register_builtins(
    "regularizers",
    {n: v for n, v in globals().items() if n in __all__ and isinstance(v, type) and issubclass(v, Regularizer)},
)


def __dir__() -> list[str]:
    """The public names: not the modules and helpers the namespace is built from."""
    return list(__all__)
