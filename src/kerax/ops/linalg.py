"""Linear algebra ops: ``kerax.ops.linalg``, as ``keras.ops.linalg``."""

from kerax.ops._linalg import *  # noqa: F403
from kerax.ops._linalg import __all__  # noqa: F401
