"""State trees: a model's variables as nested dicts keyed by the parts of their paths (``get_state_tree``).

``{"sequential": {"dense": {"kernel": ...}}}``: Keras 3's ``Model.get_state_tree`` layout, which its
``OrbaxCheckpoint`` writes. ``nest`` and ``flatten`` turn ``"a/b/c"``-keyed dicts into nested dicts and back.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable
from typing import Any

TRAINABLE = "trainable_variables"
NON_TRAINABLE = "non_trainable_variables"
OPTIMIZER = "optimizer_variables"
METRICS = "metrics_variables"
GROUPS = (TRAINABLE, NON_TRAINABLE, OPTIMIZER, METRICS)
VALUE_FORMATS = ("backend_tensor", "numpy_array")


def nest(items: Iterable[tuple[str, Any]], twice: Callable[[str], str]) -> dict[str, Any]:
    """``[("a/b", x)]`` as ``{"a": {"b": x}}``; ``twice(key)`` is the message when a key repeats or a key's
    parent is another key's leaf."""
    tree: dict[str, Any] = {}
    for key, value in items:
        *parents, leaf = key.split("/")
        node = tree
        for part in parents:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ValueError(twice(key))
        if leaf in node:
            raise ValueError(twice(key))
        node[leaf] = value
    return tree


def flatten(tree: Any, prefix: str = "") -> dict[str, Any]:
    """A nested dict as ``{"a/b": leaf}``; anything but a dict is a leaf."""
    if not isinstance(tree, dict):
        return {prefix: tree}
    flat: dict[str, Any] = {}
    for key, value in tree.items():
        flat.update(flatten(value, f"{prefix}/{key}" if prefix else str(key)))
    return flat


def _groups(model: Any) -> dict[str, list[Any]]:
    optimizer = getattr(model, "optimizer", None)
    return {
        TRAINABLE: list(model.trainable_variables),
        NON_TRAINABLE: list(model.non_trainable_variables),
        OPTIMIZER: list(optimizer.variables) if optimizer is not None else [],
        METRICS: list(getattr(model, "metrics_variables", [])),
    }


def get_state_tree(model: Any, value_format: str = "backend_tensor") -> dict[str, Any]:
    """``model.get_state_tree(value_format)``: see ``Model.get_state_tree``."""
    if value_format not in VALUE_FORMATS:
        raise ValueError(
            f"get_state_tree: `value_format` must be one of {VALUE_FORMATS}; received value_format={value_format!r}."
        )

    def twice(path: str) -> str:
        return (
            f"get_state_tree: the variable path {path!r} is found twice in model '{model.name}' (or is inside "
            "another variable's path); a state tree needs unique paths. Give your layers (and other objects) "
            "unique names."
        )

    read = (lambda v: v.value) if value_format == "backend_tensor" else (lambda v: v.numpy())
    return {group: nest(((v.path, read(v)) for v in variables), twice) for group, variables in _groups(model).items()}


def set_state_tree(model: Any, state_tree: Any) -> None:
    """``model.set_state_tree(state_tree)``: see ``Model.set_state_tree``."""
    if not isinstance(state_tree, dict):
        raise TypeError(
            f"set_state_tree: expected a dict of variable groups {GROUPS}, received {type(state_tree).__name__}."
        )
    unknown = [k for k in state_tree if k not in GROUPS]
    if unknown:
        raise ValueError(f"set_state_tree: unknown variable group(s) {unknown}; the groups are {GROUPS}.")
    optimizer = getattr(model, "optimizer", None)
    if state_tree.get(OPTIMIZER) and optimizer is not None and not optimizer.built:
        optimizer.build(model.trainable_variables)  # its slots exist to take the values
    groups = _groups(model)
    unmatched: list[str] = []
    for group, subtree in state_tree.items():
        if not groups[group] and group in (OPTIMIZER, METRICS):
            continue  # as in Keras: a model without an optimizer (or metrics) takes the weights only
        by_path = {v.path: v for v in groups[group]}
        for path, value in flatten(subtree).items():
            variable = by_path.get(path)
            if variable is None:
                if group != METRICS:  # metrics are built by the first fit and reset every epoch
                    unmatched.append(f"{group}/{path}")
            else:
                variable.assign(value)
    if unmatched:
        warnings.warn(
            f"set_state_tree: {len(unmatched)} value(s) match no variable of model '{model.name}' and were not "
            f"assigned: {unmatched[:10]}{' ...' if len(unmatched) > 10 else ''}.",
            stacklevel=3,
        )
