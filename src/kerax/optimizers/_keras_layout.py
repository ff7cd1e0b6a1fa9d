"""Bind an optimizer's Keras-3-ordered Variables to the leaves of its ``OptimizerState``.

Keras orders an optimizer's variables: ``iteration``, ``learning_rate`` (only for a constant rate),
EMA averages, gradient accumulators, then each optimizer's slots. A *slot group* is a list of slots
created together, which Keras interleaves per variable (``a_momentum, a_velocity, b_momentum,
b_velocity``); groups follow one another. Shared slots (one scalar for all variables, e.g. Nadam's
``u_product``) come last.

An optimizer describes its slots with ``(path, sign, name)`` triples: ``path`` walks into one
variable's optax state (ints index tuples, strings read NamedTuple fields), ``sign`` converts optax's
convention to Keras's (RMSprop's momentum, for instance, accumulates ``-lr * step`` in optax and
``+lr * step`` in Keras) and ``name`` is Keras's (``momentum``, ``velocity`` ...).

A ``Layout`` says which state leaf (or leaves) each Variable holds. State leaves that no Variable
holds are *derived* when a state is assembled from the Variables' values:

* optax's per-variable step counters (int32 scalars inside the slots) equal the optimizer's applied
  steps, which ``iteration`` gives, so Keras keeps no variable for them;
* with a schedule, ``OptimizerState.learning_rate`` records the rate of the latest step, a function of
  ``iteration`` as well;
* a shared slot is one Variable but one leaf per parameter: the other leaves are copies.

Any other leaf Keras's layout lacks gets a Variable of its own, after Keras's, so that assembling a
state from the Variables is always exact. (None of the built-in optimizers needs one.) An optimizer
without a declared layout (``groups=None``) gets one Variable per state leaf, in leaf order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp

SlotPath = tuple[int | str, ...]
SlotSpec = tuple[SlotPath, float, str]
SlotGroup = list[SlotSpec]
SharedSlot = tuple[SlotPath, str]


class Binding(NamedTuple):
    """One optimizer Variable: its Keras name and the state leaves it holds (``leaf = sign * value``)."""

    name: str
    leaves: tuple[int, ...]
    sign: float


class Layout(NamedTuple):
    """How an optimizer's Variables map onto the flattened leaves of its state.

    Attributes:
        treedef: The state's tree structure.
        leaf_shapes: The shapes of the state's leaves.
        bindings: One per Variable, in Keras's order.
        shapes: The Variables' shapes.
        dtypes: The Variables' dtypes.
        learning_rate: Index of the ``learning_rate`` Variable, or None (schedules).
        ema: Indices of the EMA-average Variables.
        shared: Indices of Variables that hold more than one leaf.
        counts: Leaves derived from the applied steps (optax step counters).
        recorded_lr: Leaf derived from the schedule (``OptimizerState.learning_rate``), or None.
    """

    treedef: Any
    leaf_shapes: tuple[tuple[int, ...], ...]
    bindings: tuple[Binding, ...]
    shapes: tuple[tuple[int, ...], ...]
    dtypes: tuple[Any, ...]
    learning_rate: int | None
    ema: tuple[int, ...]
    shared: tuple[int, ...]
    counts: tuple[int, ...]
    recorded_lr: int | None

    @property
    def derives(self) -> bool:
        """Whether assembling a state computes any leaf (see ``derive``)."""
        return bool(self.shared or self.counts or self.recorded_lr is not None)


def get_path(tree: Any, path: SlotPath) -> Any:
    """Returns the node of ``tree`` at ``path``.

    Args:
        tree: A nested tuple / NamedTuple.
        path: Ints (tuple positions) and strings (field names).
    """
    for key in path:
        tree = tree[key] if isinstance(key, int) else getattr(tree, key)
    return tree


def _key_name(key: Any) -> str:
    for attr in ("name", "idx", "key"):
        if hasattr(key, attr):
            return str(getattr(key, attr))
    return str(key)


def _leaf_name(path: Sequence[Any], ref_names: Sequence[str]) -> str:
    names = [_key_name(k) for k in path]
    if len(names) >= 2 and names[0] == "slots":
        rest = names[2:]
        return "_".join([ref_names[int(names[1])], *rest]) if rest else ref_names[int(names[1])]
    return "_".join(names)


def make_layout(
    state: Any,
    ref_names: Sequence[str],
    constant_lr: bool,
    groups: list[SlotGroup] | None,
    shared: list[SharedSlot],
) -> Layout:
    """Returns the layout of Variables for ``state``.

    Args:
        state: An ``OptimizerState`` (arrays or ``jax.ShapeDtypeStruct`` leaves).
        ref_names: One name per parameter (Keras's ``path`` with ``/`` replaced by ``_``).
        constant_lr: Whether the learning rate is a Variable (a constant rate).
        groups: The optimizer's slot groups, or None for one Variable per state leaf.
        shared: The optimizer's shared scalar slots (path, name).
    """
    paths_leaves, treedef = jax.tree_util.tree_flatten_with_path(state)
    leaves = [leaf for _, leaf in paths_leaves]
    index = jax.tree.unflatten(treedef, list(range(len(leaves))))
    if len(ref_names) != len(index.slots):
        raise ValueError(f"Expected {len(index.slots)} parameter names; received {len(ref_names)}.")
    bindings = [Binding("iteration", (index.iterations,), 1.0)]
    lr_binding = None
    if constant_lr or groups is None:
        lr_binding = len(bindings)
        bindings.append(Binding("learning_rate", (index.learning_rate,), 1.0))
    ema = []
    for ref, leaf in zip(ref_names, index.ema, strict=True) if index.ema is not None else ():
        ema.append(len(bindings))
        bindings.append(Binding(f"{ref}_average", (leaf,), 1.0))
    accumulators = index.accumulators
    for ref, leaf in zip(ref_names, accumulators, strict=True) if accumulators is not None else ():
        bindings.append(Binding(f"{ref}_gradient_accumulator", (leaf,), 1.0))
    shared_bindings = []
    if groups is None:
        for ref, slot in zip(ref_names, index.slots, strict=True):
            for path, leaf in jax.tree_util.tree_flatten_with_path(slot)[0]:
                suffix = "_".join(_key_name(k) for k in path)
                bindings.append(Binding(f"{ref}_{suffix}" if suffix else ref, (leaf,), 1.0))
    else:
        for group in groups:
            for ref, slot in zip(ref_names, index.slots, strict=True):
                for path, sign, name in group:
                    bindings.append(Binding(f"{ref}_{name}", (get_path(slot, path),), float(sign)))
        if index.slots:
            for path, name in shared:
                shared_bindings.append(len(bindings))
                bindings.append(Binding(name, tuple(get_path(s, path) for s in index.slots), 1.0))
    held = {leaf for binding in bindings for leaf in binding.leaves}
    counts, recorded_lr = [], None
    slot_leaves = set(jax.tree.leaves(index.slots))
    for i, leaf in enumerate(leaves):
        if i in held:
            continue
        if i == index.learning_rate:
            recorded_lr = i
        elif i in slot_leaves and jnp.dtype(leaf.dtype) == jnp.int32 and tuple(leaf.shape) == ():
            counts.append(i)
        else:
            # Not in Keras's layout and not derivable: a Variable of its own keeps the state exact.
            bindings.append(Binding(_leaf_name(paths_leaves[i][0], ref_names), (i,), 1.0))
    first = [leaves[b.leaves[0]] for b in bindings]
    return Layout(
        treedef=treedef,
        leaf_shapes=tuple(tuple(leaf.shape) for leaf in leaves),
        bindings=tuple(bindings),
        shapes=tuple(tuple(leaf.shape) for leaf in first),
        dtypes=tuple(jnp.dtype(leaf.dtype) for leaf in first),
        learning_rate=lr_binding,
        ema=tuple(ema),
        shared=tuple(shared_bindings),
        counts=tuple(counts),
        recorded_lr=recorded_lr,
    )


def to_values(layout: Layout, state: Any) -> list[Any]:
    """Returns the Variables' values held in ``state`` (pure; no copies where the sign is 1).

    Args:
        layout: The optimizer's layout.
        state: A state with ``layout.treedef``'s structure.
    """
    leaves = jax.tree.leaves(state)
    return [leaves[b.leaves[0]] if b.sign == 1 else leaves[b.leaves[0]] * b.sign for b in layout.bindings]


def derive(
    layout: Layout,
    iteration: Any,
    shared_values: Sequence[Any],
    applied_steps: Callable[[Any], Any],
    recorded_lr: Callable[[Any], Any],
) -> list[Any]:
    """Returns the derived leaves, in the order ``assemble`` consumes them (pure).

    Run under ``jax.jit``, each is a fresh buffer, so a state can be donated whole.

    Args:
        layout: The optimizer's layout.
        iteration: The ``iteration`` Variable's value.
        shared_values: The values of the Variables ``layout.shared`` lists.
        applied_steps: ``iteration -> optax step count``.
        recorded_lr: ``iteration -> learning rate of the latest step`` (schedules).
    """
    out = []
    for k, value in zip(layout.shared, shared_values, strict=True):
        binding = layout.bindings[k]
        value = value if binding.sign == 1 else value * binding.sign
        out += [jnp.copy(value) for _ in binding.leaves[1:]]
    if layout.counts:
        count = jnp.asarray(applied_steps(iteration)).astype(jnp.int32)
        out += [jnp.copy(count) for _ in layout.counts]
    if layout.recorded_lr is not None:
        out.append(jnp.asarray(recorded_lr(iteration)).astype(jnp.float32).reshape(()))
    return out


def assemble(layout: Layout, values: Sequence[Any], derived: Sequence[Any]) -> Any:
    """Returns the state the Variables' ``values`` (and the ``derive`` output) make up.

    Args:
        layout: The optimizer's layout.
        values: One value per Variable.
        derived: ``derive``'s output for these values.
    """
    leaves: list[Any] = [None] * layout.treedef.num_leaves
    for binding, value in zip(layout.bindings, values, strict=True):
        leaves[binding.leaves[0]] = value if binding.sign == 1 else value * binding.sign
    rest = iter(derived)
    for k in layout.shared:
        for leaf in layout.bindings[k].leaves[1:]:
            leaves[leaf] = next(rest)
    for leaf in layout.counts:
        leaves[leaf] = next(rest)
    if layout.recorded_lr is not None:
        leaves[layout.recorded_lr] = next(rest)
    return jax.tree.unflatten(layout.treedef, leaves)
