"""Placing the trainer's arrays under the current distribution.

The trainer asks ``current()`` once per fit/evaluate/predict; ``None`` (no distribution) means it keeps its
single-device path untouched. A ``Placement`` gives the ``NamedSharding`` of every part of the training
state (weights by their layout, optimizer slots like the weight they belong to, everything else
replicated) and of batches (split along axis 0 over the batch axis when the batch size divides evenly,
replicated otherwise, which is how a final partial batch runs).

Arrays given whole (``fit``'s data, placed once) are replicated: every device gathers its own share of
each batch locally from the epoch's permutation, so the gather needs no communication. In a multi-process
job every process passes the same global data and places only the shards of its own devices, unless the
distribution has ``auto_shard_dataset=False``: then each process passes its own data, the trainer feeds
it batch by batch, and ``put_batch`` assembles each global batch from the processes' shares.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import Any

import jax
import numpy as np
from jax.sharding import NamedSharding, PartitionSpec

from kerax.distribution._distribution import Distribution, distribution


class Placement:
    """The shardings of one distribution, for the trainer's state and batches."""

    def __init__(self, dist: Distribution) -> None:
        self.distribution = dist
        mesh = dist.device_mesh
        self.mesh = mesh.jax_mesh
        self.batch_axis = dist.batch_dim_name
        self.batch_shards = mesh.axis_size(self.batch_axis)
        # auto_shard_dataset=False in a multi-process job: every process passes its own data, and each
        # batch it supplies is its share of the global batch (the processes' shares side by side).
        self.per_process = not dist.auto_shard_dataset and jax.process_count() > 1
        self.local_batch_shards = max(1, self.batch_shards // jax.process_count())
        self.replicated = NamedSharding(self.mesh, PartitionSpec())
        self.batch = NamedSharding(self.mesh, PartitionSpec(self.batch_axis))
        self._variable_shardings: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    # -- batches ---------------------------------------------------------------------------------------
    def check_batch_size(self, batch_size: int, what: str) -> None:
        """Refuse a batch size that the batch axis cannot split evenly (per process, with per-process data)."""
        n = self.local_batch_shards if self.per_process else self.batch_shards
        if batch_size % n:
            whose = "this process's share of the" if self.per_process else "the"
            raise ValueError(
                f"{what}: batch_size={batch_size} is not divisible by the {n} devices of {whose} distribution's "
                f"batch axis {self.batch_axis!r}; use a multiple of {n}, e.g. {max(n, batch_size // n * n)}."
            )

    def batch_sharding(self, size: int, ndim: int) -> NamedSharding:
        """Split along axis 0 when ``size`` divides evenly, else replicated (a final partial batch)."""
        return self.batch if ndim and size % self.batch_shards == 0 else self.replicated

    def put_batch(self, tree: Any) -> Any:
        """Place a host batch (a pytree of arrays sharing axis 0) on the mesh.

        With per-process data the batch is this process's share: the global batch puts the processes'
        shares side by side, and every share must split evenly over the process's devices.
        """
        if self.per_process:
            leaves = jax.tree_util.tree_leaves(tree)
            if leaves:
                self.check_batch_size(_size_ndim(leaves[0])[0], "a batch of per-process data")
            return jax.tree_util.tree_map(lambda a: jax.make_array_from_process_local_data(self.batch, a), tree)
        return jax.tree_util.tree_map(lambda a: jax.device_put(a, self.batch_sharding(*_size_ndim(a))), tree)

    def constrain_batch(self, tree: Any) -> Any:
        """Inside a traced step: lay the batch out as ``put_batch`` would."""
        return jax.tree_util.tree_map(
            lambda a: jax.lax.with_sharding_constraint(a, self.batch_sharding(*_size_ndim(a))), tree
        )

    def put_replicated(self, tree: Any) -> Any:
        return jax.tree_util.tree_map(lambda a: jax.device_put(a, self.replicated), tree)

    # -- weights and state ------------------------------------------------------------------------------
    def variable_sharding(self, variable: Any) -> NamedSharding:
        """The variable's sharding, in the canonical form jitted steps return (no trailing ``None``s)."""
        cached = self._variable_shardings.get(variable)
        if cached is not None and cached[0] == (variable.path, tuple(variable.shape)):
            return cached[1]
        axes = list(self.distribution.get_variable_layout(variable).axes)
        while axes and axes[-1] is None:
            axes.pop()
        # P(None, None) and P() mean the same, but only the form jit returns avoids a recompile next call.
        sharding = NamedSharding(self.mesh, PartitionSpec(*axes)) if axes else self.replicated
        self._variable_shardings[variable] = ((variable.path, tuple(variable.shape)), sharding)
        return sharding

    def state_shardings(self, state: tuple, tv_vars: Sequence[Any], ntv_vars: Sequence[Any]) -> tuple:
        """Shardings with the structure of the trainer's state: ``(trainable, non_trainable, [optimizer,]
        metrics)`` value lists. Weights follow their layout; an optimizer variable shaped like a trainable
        variable (a slot, an EMA average, an accumulator) follows that variable's; the rest is replicated."""
        tv = [self.variable_sharding(v) for v in tv_vars]
        ntv = [self.variable_sharding(v) for v in ntv_vars]
        by_shape: dict[tuple, NamedSharding] = {}
        for var, sharding in zip(tv_vars, tv, strict=True):
            by_shape.setdefault(tuple(var.shape), sharding)
        metrics = [self.replicated for _ in state[-1]]
        if len(state) == 3:
            return (tv, ntv, metrics)
        opt = [by_shape.get(np.shape(a), self.replicated) if np.ndim(a) else self.replicated for a in state[2]]
        return (tv, ntv, opt, metrics)

    def place_state(self, state: tuple, tv_vars: Sequence[Any], ntv_vars: Sequence[Any]) -> tuple:
        """Put every array of the state where the distribution wants it."""
        return jax.device_put(state, self.state_shardings(state, tv_vars, ntv_vars))

    def constrain_state(self, state: tuple, tv_vars: Sequence[Any], ntv_vars: Sequence[Any]) -> tuple:
        """Inside a traced step: keep the new state laid out as ``place_state`` put it."""
        return jax.lax.with_sharding_constraint(state, self.state_shardings(state, tv_vars, ntv_vars))

    def place_weights(self, variables: Sequence[Any]) -> list[jax.Array]:
        """Place the variables' values (storing the placed arrays in them) and return the values."""
        values = []
        for var in variables:
            target = self.variable_sharding(var)
            value = var.value
            if getattr(value, "sharding", None) != target:
                value = jax.device_put(value, target)
                var._value = value
            values.append(value)
        return values


def _size_ndim(a: Any) -> tuple[int, int]:
    shape = np.shape(a)
    return (shape[0] if shape else 0), len(shape)


_cache: list[Placement | None] = [None]


def current() -> Placement | None:
    """The placement of the current distribution, or None when none is set."""
    dist = distribution()
    if dist is None:
        return None
    cached = _cache[0]
    if cached is None or cached.distribution is not dist:
        cached = _cache[0] = Placement(dist)
    return cached
