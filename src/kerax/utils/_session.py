"""Session-wide state: names, randomness, the global dtype policy and the host staging buffers."""

from kerax.backend._random import set_random_seed
from kerax.backend._session import clear_session

__all__ = ["clear_session", "set_random_seed"]
