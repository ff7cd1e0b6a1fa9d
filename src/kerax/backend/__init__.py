"""Low-level pieces with Keras's ``keras.backend`` names, plus kerax's Variables, scopes and randomness."""

from kerax.backend._config import (
    backend,
    epsilon,
    floatx,
    image_data_format,
    set_epsilon,
    set_floatx,
    set_image_data_format,
)
from kerax.backend._dtypes import is_float_dtype, is_int_dtype, result_type, standardize_dtype
from kerax.backend._naming import get_uid, reset_names, to_snake_case, uniquify
from kerax.backend._random import draw_key, set_random_seed
from kerax.backend._scope import StatelessScope
from kerax.backend._session import clear_session
from kerax.backend._symbolic import is_keras_tensor
from kerax.backend._variables import Variable

__all__ = [
    "StatelessScope",
    "Variable",
    "backend",
    "clear_session",
    "draw_key",
    "epsilon",
    "floatx",
    "get_uid",
    "image_data_format",
    "is_float_dtype",
    "is_int_dtype",
    "is_keras_tensor",
    "reset_names",
    "result_type",
    "set_epsilon",
    "set_floatx",
    "set_image_data_format",
    "set_random_seed",
    "standardize_dtype",
    "to_snake_case",
    "uniquify",
]


def __dir__() -> list[str]:
    """The public names: not the modules and helpers the namespace is built from."""
    return list(__all__)
