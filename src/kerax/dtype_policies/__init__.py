"""Dtype policies: which dtype a layer computes in and which it keeps its weights in (Keras's names)."""

from kerax.dtype_policies._policy import (
    POLICY_NAMES,
    DTypePolicy,
    deserialize,
    get,
    global_policy,
    serialize,
    set_global_policy,
)

# Keras 3's older name for the same policies.
FloatDTypePolicy = DTypePolicy

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
