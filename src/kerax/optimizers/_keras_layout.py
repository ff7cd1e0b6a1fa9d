"""Map an ``OptimizerState`` to and from Keras 3's flat list of optimizer variables.

Keras orders them: ``iteration``, ``learning_rate`` (only for a constant
rate), EMA averages, gradient accumulators, then each optimizer's slots. A
*slot group* is a list of slots created together, which Keras interleaves per
variable (``a_momentum, a_velocity, b_momentum, b_velocity``); groups follow
one another. Shared slots (one scalar for all variables, e.g. Nadam's
``u_product``) come last.

An optimizer describes its slots with ``(path, sign)`` pairs: ``path`` walks
into one variable's optax state (ints index tuples, strings read NamedTuple
fields) and ``sign`` converts optax's convention to Keras's (RMSprop's
momentum, for instance, accumulates ``-lr * step`` in optax and ``+lr * step``
in Keras).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp

SlotPath = tuple[int | str, ...]
SlotGroup = list[tuple[SlotPath, float]]


def get_path(tree: Any, path: SlotPath) -> Any:
    """Returns the node of ``tree`` at ``path``.

    Args:
        tree: A nested tuple / NamedTuple.
        path: Ints (tuple positions) and strings (field names).
    """
    for key in path:
        tree = tree[key] if isinstance(key, int) else getattr(tree, key)
    return tree


def set_path(tree: Any, path: SlotPath, value: Any) -> Any:
    """Returns a copy of ``tree`` with the node at ``path`` replaced by ``value``.

    Args:
        tree: A nested tuple / NamedTuple.
        path: Ints (tuple positions) and strings (field names).
        value: The new node.
    """
    if not path:
        return value
    key, rest = path[0], path[1:]
    if isinstance(key, int):
        items = list(tree)
        items[key] = set_path(items[key], rest, value)
        return type(tree)(*items) if hasattr(tree, "_fields") else type(tree)(items)
    return tree._replace(**{key: set_path(getattr(tree, key), rest, value)})


def to_keras(state: Any, constant_lr: bool, groups: list[SlotGroup], shared: list[SlotPath]) -> list[jax.Array]:
    """Returns ``state``'s arrays in Keras's optimizer-variable order.

    Args:
        state: An ``OptimizerState``.
        constant_lr: Whether the learning rate is a tracked variable.
        groups: The optimizer's slot groups.
        shared: Paths of shared scalar slots (read from the first variable).
    """
    out = [state.iterations] + ([state.learning_rate] if constant_lr else [])
    out += list(state.ema or ()) + list(state.accumulators or ())
    for group in groups:
        for slot in state.slots:
            out += [sign * get_path(slot, path) if sign != 1 else get_path(slot, path) for path, sign in group]
    if state.slots:
        out += [get_path(state.slots[0], path) for path in shared]
    return out


def from_keras(
    state: Any,
    weights: Sequence[Any],
    constant_lr: bool,
    groups: list[SlotGroup],
    shared: list[SlotPath],
    applied_steps: Any,
) -> Any:
    """Returns ``state`` with its arrays replaced by Keras-ordered ``weights``.

    Step counters inside the optax slot states (int32 scalars) are set to
    ``applied_steps(iterations)``, since Keras keeps only the one iteration
    counter.

    Args:
        state: An ``OptimizerState`` with the right structure.
        weights: Arrays in the order of :func:`to_keras`.
        constant_lr: Whether the learning rate is a tracked variable.
        groups: The optimizer's slot groups.
        shared: Paths of shared scalar slots.
        applied_steps: Function ``iterations -> optax count``.
    """
    reference = to_keras(state, constant_lr, groups, shared)
    if len(weights) != len(reference):
        raise ValueError(
            f"Expected {len(reference)} optimizer weights (Keras variable order); received {len(weights)}."
        )
    values = []
    for i, (ref, w) in enumerate(zip(reference, weights, strict=True)):
        w = jnp.asarray(w, dtype=ref.dtype)
        if w.shape != ref.shape:
            raise ValueError(f"Optimizer weight {i} must have shape {ref.shape}; received shape {w.shape}.")
        values.append(w)
    it = iter(values)
    iterations = next(it)
    learning_rate = next(it) if constant_lr else state.learning_rate
    ema = tuple(next(it) for _ in state.ema) if state.ema is not None else None
    accumulators = tuple(next(it) for _ in state.accumulators) if state.accumulators is not None else None
    slots = list(state.slots)
    for group in groups:
        for i in range(len(slots)):
            for path, sign in group:
                value = next(it)
                slots[i] = set_path(slots[i], path, sign * value if sign != 1 else value)
    for path in shared:
        value = next(it)
        slots = [set_path(s, path, value) for s in slots]
    count = applied_steps(iterations)
    slots = [
        jax.tree.map(lambda x: count.astype(x.dtype) if x.dtype == jnp.int32 and x.shape == () else x, s) for s in slots
    ]
    return state._replace(
        iterations=iterations,
        learning_rate=learning_rate,
        ema=ema,
        accumulators=accumulators,
        slots=tuple(slots),
    )
