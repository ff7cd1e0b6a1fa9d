"""Dtype policies: which dtype a layer computes in and which it keeps its weights in (Keras's names)."""

from kerax.backend._session import on_clear_session as _on_clear_session
from kerax.dtype_policies._policy import (
    POLICY_NAMES,
    DTypePolicy,
    deserialize,
    get,
    global_policy,
    serialize,
    set_global_policy,
)
from kerax.dtype_policies._policy import reset_global_policy as _reset_global_policy

# Keras 3's older name for the same policies.
FloatDTypePolicy = DTypePolicy

_on_clear_session(_reset_global_policy)  # clear_session forgets the global policy, as in Keras

__all__ = [
    "POLICY_NAMES",
    "DTypePolicy",
    "FloatDTypePolicy",
    "deserialize",
    "get",
    "global_policy",
    "serialize",
    "set_global_policy",
]


def __dir__() -> list[str]:
    """The public names: not the modules and helpers the namespace is built from."""
    return list(__all__)
