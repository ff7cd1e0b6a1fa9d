"""``DTypePolicy``: the compute and variable dtypes of a layer, and the global default policy."""

from __future__ import annotations

import threading
from typing import Any

import jax.numpy as jnp

from kerax.backend import _config

#: The policy names kerax documents; any other dtype name (``"float64"``, ``"int32"``) is accepted too.
POLICY_NAMES = ("float32", "float16", "bfloat16", "mixed_float16", "mixed_bfloat16")
_MIXED = {"mixed_float16": "float16", "mixed_bfloat16": "bfloat16"}


def _invalid(name: Any) -> ValueError:
    return ValueError(
        f"DTypePolicy: expected one of {', '.join(repr(n) for n in POLICY_NAMES)} (or another dtype name such as "
        f"'float64'), received {name!r}."
    )


class DTypePolicy:
    """The dtypes a layer computes in and stores its weights in.

    ``"mixed_float16"`` and ``"mixed_bfloat16"`` compute in float16/bfloat16 and keep float32 weights; any
    dtype name (``"float32"``, ``"bfloat16"``) uses that dtype for both.

    Args:
        name: the policy name; None takes the global policy's name. Defaults to ``None``.
    """

    def __init__(self, name: str | None = None) -> None:
        if name is None:
            name = global_policy().name
        if not isinstance(name, str):
            raise TypeError(
                f"DTypePolicy: `name` must be a string such as 'mixed_float16', received {name!r} "
                f"of type {type(name).__name__}."
            )
        if name in _MIXED:
            compute, variable = _MIXED[name], "float32"
        else:
            try:
                compute = variable = jnp.dtype(name).name
            except TypeError:
                raise _invalid(name) from None
            if compute != name:  # e.g. "float" or "f4": only canonical names are policy names
                raise _invalid(name)
        self._name = name
        self._compute_dtype = compute
        self._variable_dtype = variable

    @property
    def name(self) -> str:
        return self._name

    @property
    def compute_dtype(self) -> str:
        """The dtype of the layer's inputs, computations and outputs."""
        return self._compute_dtype

    @property
    def variable_dtype(self) -> str:
        """The dtype the layer creates its weights in."""
        return self._variable_dtype

    @property
    def is_mixed(self) -> bool:
        """Whether computations run in another dtype than the weights are stored in."""
        return self._compute_dtype != self._variable_dtype

    def get_config(self) -> dict[str, Any]:
        return {"name": self._name}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> DTypePolicy:
        return cls(**config)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DTypePolicy) and other._name == self._name

    def __hash__(self) -> int:
        return hash((DTypePolicy, self._name))

    def __repr__(self) -> str:
        return f'<DTypePolicy "{self._name}">'


_local = threading.local()


def set_global_policy(policy: DTypePolicy | str) -> None:
    """Set the policy that layers created from now on use when given no ``dtype``.

    Args:
        policy: a ``DTypePolicy`` or a policy name such as ``"mixed_bfloat16"``.
    """
    if isinstance(policy, str):
        policy = DTypePolicy(policy)
    elif not isinstance(policy, DTypePolicy):
        raise ValueError(
            f"set_global_policy: expected a policy name (one of {', '.join(repr(n) for n in POLICY_NAMES)}) "
            f"or a DTypePolicy, received {policy!r}."
        )
    _local.policy = policy


def global_policy() -> DTypePolicy:
    """The global policy: the one last set, else a policy named after ``backend.floatx()``."""
    policy = getattr(_local, "policy", None)
    if policy is None:
        policy = _local.policy = DTypePolicy(_config.floatx())
    return policy


def reset_global_policy() -> None:
    """Forget the global policy (``clear_session`` does this, as in Keras)."""
    _local.policy = None


def serialize(policy: DTypePolicy) -> dict[str, Any]:
    """The Keras 3 config of ``policy``: ``{"module": "keras", "class_name": "DTypePolicy", ...}``.

    Args:
        policy: A ``DTypePolicy``.
    """
    return {"module": "keras", "class_name": "DTypePolicy", "config": policy.get_config(), "registered_name": None}


def deserialize(config: dict[str, Any]) -> DTypePolicy:
    """A policy from ``serialize``'s output (module ``"keras"`` or ``"kerax"``).

    Args:
        config: The config dict, of class ``DTypePolicy``, ``FloatDTypePolicy`` or ``Policy``.
    """
    class_name = config.get("class_name")
    if class_name not in ("DTypePolicy", "FloatDTypePolicy", "Policy"):
        raise ValueError(f"DTypePolicy: cannot deserialize a {class_name!r} config, received {config!r}.")
    return DTypePolicy.from_config(dict(config.get("config") or {}))


def get(identifier: Any) -> DTypePolicy:
    """A policy from None (the global policy), a name, a config dict, a dtype, or a ``DTypePolicy``.

    Args:
        identifier: ``None``, a policy name (``"mixed_float16"``), a config dict, a dtype, or a ``DTypePolicy``
            (returned as is).
    """
    if identifier is None:
        return global_policy()
    if isinstance(identifier, DTypePolicy):
        return identifier
    if isinstance(identifier, str):
        return DTypePolicy(identifier)
    if isinstance(identifier, dict):
        return deserialize(identifier)
    try:
        name = jnp.dtype(identifier).name
    except TypeError:
        raise _invalid(identifier) from None
    return DTypePolicy(name)
