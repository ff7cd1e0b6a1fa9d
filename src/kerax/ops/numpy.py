"""NumPy-named array ops: ``kerax.ops.numpy``, as ``keras.ops.numpy``."""

from kerax.ops._numpy import *  # noqa: F403
from kerax.ops._numpy import __all__  # noqa: F401
