"""``clear_session``: forget the state a session accumulates (names, the global policy, host buffers)."""

from __future__ import annotations

import gc

from kerax.backend import _naming, _staging


def clear_session(free_memory: bool = True) -> None:
    """Reset the names that layers and models are given (the next ``Dense`` is ``dense`` again).

    As in Keras, the global dtype policy goes back to the default (``backend.floatx()``) too. The host
    buffers that ``fit`` and ``evaluate`` keep for the next call's data are freed; with ``free_memory``
    Python's garbage collector runs as well.
    """
    from kerax.dtype_policies import _policy

    _naming.reset_names()
    _policy.reset_global_policy()
    _staging.clear()
    if free_memory:
        gc.collect()
