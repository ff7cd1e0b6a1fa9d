"""Neural-network ops (activations, convolutions, losses, normalisation): ``kerax.ops.nn``, as ``keras.ops.nn``."""

from kerax.ops._nn import *  # noqa: F403
from kerax.ops._nn import __all__  # noqa: F401
