"""Rematerialisation (gradient checkpointing): ``remat(f)`` and the ``RematScope`` layers read."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, NamedTuple

import jax

_MODES = ("full", "activations", "larger_than", "list_of_layers", None)
_local = threading.local()


def remat(f: Callable[..., Any]) -> Callable[..., Any]:
    """``f`` recomputing its intermediate values in the backward pass instead of storing them (``jax.checkpoint``).

    Args:
        f: The function to rematerialise.
    """
    return jax.checkpoint(f)


class RematMode(NamedTuple):
    """The settings of the innermost ``RematScope``."""

    mode: str | None
    output_size_threshold: int
    layer_names: list[str]


def _stack() -> list[RematScope]:
    if not hasattr(_local, "stack"):
        _local.stack = []
    return _local.stack


class RematScope:
    """Layers created inside the ``with`` block rematerialise their calls (recompute them for gradients).

    Args:
        mode: ``"full"`` (every layer), ``"activations"`` (only the ``activation`` of layers that have one),
            ``"larger_than"`` (layers whose outputs hold more than ``output_size_threshold`` values),
            ``"list_of_layers"`` (the layers named in ``layer_names``) or None (none). Defaults to ``"full"``.
        output_size_threshold: the size for ``"larger_than"``. Defaults to ``1024``.
        layer_names: the names for ``"list_of_layers"``. Defaults to ``None``.
    """

    def __init__(
        self, mode: str | None = "full", output_size_threshold: int = 1024, layer_names: list[str] | None = None
    ) -> None:
        if mode not in _MODES:
            raise ValueError(f"RematScope: `mode` must be one of {_MODES}, received {mode!r}.")
        self.mode = mode
        self.output_size_threshold = int(output_size_threshold)
        self.layer_names = list(layer_names or [])

    def __enter__(self) -> RematScope:
        _stack().append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        _stack().pop()


def current_remat_mode() -> RematMode | None:
    """The innermost ``RematScope``'s settings, or None outside any."""
    stack = _stack()
    if not stack:
        return None
    top = stack[-1]
    return RematMode(top.mode, top.output_size_threshold, top.layer_names)
