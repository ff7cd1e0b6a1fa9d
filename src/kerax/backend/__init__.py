"""Low-level pieces: settings, names, randomness, Variables and the stateless scope."""

from kerax.backend._config import epsilon, floatx, set_epsilon, set_floatx
from kerax.backend._naming import reset_names, to_snake_case, uniquify
from kerax.backend._random import draw_key, set_random_seed
from kerax.backend._scope import StatelessScope
from kerax.backend._variables import Variable

__all__ = [
    "StatelessScope",
    "Variable",
    "draw_key",
    "epsilon",
    "floatx",
    "reset_names",
    "set_epsilon",
    "set_floatx",
    "set_random_seed",
    "to_snake_case",
    "uniquify",
]
