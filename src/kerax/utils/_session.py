"""Session-wide state: names, randomness, the global dtype policy and the host staging buffers."""

from __future__ import annotations

from kerax.backend import _naming, _staging
from kerax.backend._random import set_random_seed
from kerax.dtype_policies import _policy


def clear_session() -> None:
    """Reset the names that layers and models are given (the next ``Dense`` is ``dense`` again).

    As in Keras, the global dtype policy goes back to the default (``backend.floatx()``) too. The host
    buffers that ``fit`` and ``evaluate`` keep for the next call's data are freed.
    """
    _naming.reset_names()
    _policy.reset_global_policy()
    _staging.clear()


__all__ = ["clear_session", "set_random_seed"]
