"""Operations on arrays and symbolic tensors, with Keras's names (``kerax.ops.relu(x)``).

Every op takes arrays, Variables or symbolic tensors: on symbolic tensors it records a graph node whose
output shape is inferred, so ops can be used to build Functional models. The NumPy-named, neural-network,
image and linear-algebra families are also reachable as ``ops.numpy``, ``ops.nn``, ``ops.image`` and
``ops.linalg``, as in Keras.
"""

from kerax._serialization._registry import register_builtins as _register_builtins
from kerax.backend._symbolic import OPERATOR_OPS as _OPERATOR_OPS
from kerax.backend._symbolic import register_operators as _register_operators
from kerax.ops import _core, _image, _linalg, _nn, _numpy
from kerax.ops._core import *  # noqa: F403
from kerax.ops._linalg import *  # noqa: F403
from kerax.ops._nn import *  # noqa: F403
from kerax.ops._numpy import *  # noqa: F403
from kerax.ops._operation import Node, Operation  # noqa: F401
from kerax.ops._registry import OP_CLASSES as _OP_CLASSES

__all__ = sorted(
    {
        "Node",
        "Operation",
        "image",
        "linalg",
        "nn",
        "numpy",
        *_core.__all__,
        *_linalg.__all__,
        *_nn.__all__,
        *_numpy.__all__,
    }
)

# The public submodules, bound after the names they re-export.
from kerax.ops import image, linalg, nn, numpy  # noqa: E402, F401

del _core, _image, _linalg, _nn, _numpy

# Operators on symbolic tensors (``x + y``, ``x[0]``) record these ops.
_register_operators({name: globals()[name] for name in _OPERATOR_OPS})
_register_builtins("ops", _OP_CLASSES)  # a graph config's op nodes name these classes


def __dir__() -> list[str]:
    """The public names: not the modules and helpers the namespace is built from."""
    return list(__all__)
