"""Image ops: ``kerax.ops.image``, as ``keras.ops.image``."""

from kerax.ops._image import *  # noqa: F403
from kerax.ops._image import __all__  # noqa: F401
