"""Keras's distribution API on JAX: device meshes, tensor layouts, and the global distribution.

A distribution says how the trainer lays out arrays: ``DataParallel`` replicates every variable and splits
each batch along axis 0 over the mesh's batch axis; ``ModelParallel`` also shards the variables whose path
matches a ``LayoutMap`` key. The trainer reads the current distribution (``distribution()``) and places
arrays with ``jax.sharding.NamedSharding``; XLA inserts the collectives.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
from collections.abc import Iterator, MutableMapping, Sequence
from typing import Any

import jax
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from kerax.backend._symbolic import SymbolicTensor

_DEVICE_TYPES = ("cpu", "gpu", "tpu")


# -- devices ---------------------------------------------------------------------------------------------
def list_devices(device_type: str | None = None) -> list[str]:
    """The devices available for distributed computation, as ``"platform:id"`` strings (all processes').

    Args:
        device_type: ``"cpu"``, ``"gpu"`` or ``"tpu"``; default the devices of JAX's default backend
            (accelerators when present, else the CPU).
    """
    if device_type is None:
        devices = jax.devices()
    else:
        if not isinstance(device_type, str) or device_type.lower() not in _DEVICE_TYPES:
            raise ValueError(
                f"list_devices: `device_type` must be one of {_DEVICE_TYPES} or None, received {device_type!r}."
            )
        try:
            devices = jax.devices(device_type.lower())
        except RuntimeError as err:
            raise ValueError(f"list_devices: no {device_type.lower()} devices are available ({err}).") from None
    return [f"{d.platform}:{d.id}" for d in devices]


def get_device_count(device_type: str | None = None) -> int:
    """The number of devices of one type (all processes'); by default of JAX's default backend.

    Args:
        device_type: ``"cpu"``, ``"gpu"`` or ``"tpu"``, or None. Defaults to ``None``.
    """
    return len(list_devices(device_type))


def distribute_tensor(tensor: Any, layout: Any) -> Any:
    """``tensor`` laid out as ``layout`` says: placed on the mesh eagerly, a sharding constraint when traced.

    Args:
        tensor: an array (a symbolic tensor is returned unchanged, as in Keras).
        layout: a ``TensorLayout`` with its mesh set, or a ``jax.sharding.Sharding``.

    Raises:
        TypeError: ``layout`` is neither.
    """
    if isinstance(tensor, SymbolicTensor):
        return tensor
    if isinstance(layout, TensorLayout):
        layout = layout.sharding()
    if not isinstance(layout, jax.sharding.Sharding):
        raise TypeError(
            f"distribute_tensor: `layout` must be a TensorLayout or a jax.sharding.Sharding, received "
            f"{type(layout).__name__}."
        )
    if isinstance(tensor, jax.core.Tracer):
        return jax.lax.with_sharding_constraint(tensor, layout)
    if isinstance(tensor, jax.Array) and tensor.sharding == layout:
        return tensor
    return jax.device_put(tensor, layout)


def _resolve_device(device: Any, where: str) -> jax.Device:
    if isinstance(device, jax.Device):
        return device
    if isinstance(device, str):
        platform, sep, index = device.lower().partition(":")
        if sep and index.isdigit():
            try:
                candidates = jax.devices(platform)
            except RuntimeError:
                candidates = []
            for d in candidates:
                if d.id == int(index):
                    return d
        raise ValueError(
            f"{where}: unknown device {device!r}; expected a jax.Device or a name from list_devices(), "
            f"such as {list_devices()[:2]}."
        )
    raise TypeError(f"{where}: a device must be a jax.Device or a string like 'cpu:0', received {device!r}.")


def _resolve_devices(devices: Any, where: str) -> list[jax.Device]:
    if isinstance(devices, np.ndarray):
        devices = devices.ravel().tolist()
    if isinstance(devices, str | jax.Device) or not isinstance(devices, Sequence):
        raise TypeError(f"{where}: `devices` must be a list of devices, received {type(devices).__name__}.")
    if not devices:
        raise ValueError(f"{where}: `devices` must not be empty.")
    resolved = [_resolve_device(d, where) for d in devices]
    if len({id(d) for d in resolved}) != len(resolved):
        raise ValueError(f"{where}: `devices` lists a device more than once: {[str(d) for d in resolved]}.")
    return resolved


class DeviceMesh:
    """Devices arranged in an n-dimensional grid with named axes.

    Args:
        shape: the grid's shape, e.g. ``(2, 4)``; its product must equal the number of devices.
        axis_names: one name per dimension, e.g. ``("batch", "model")``.
        devices: ``jax.Device`` objects or ``list_devices()`` names; default all devices.
    """

    def __init__(self, shape: Sequence[int], axis_names: Sequence[str], devices: Any = None) -> None:
        if isinstance(shape, int) or not isinstance(shape, Sequence) or not shape:
            raise ValueError(f"DeviceMesh: `shape` must be a non-empty tuple of positive integers, received {shape!r}.")
        if not all(isinstance(s, int | np.integer) and not isinstance(s, bool) and s >= 1 for s in shape):
            raise ValueError(f"DeviceMesh: `shape` must be a non-empty tuple of positive integers, received {shape!r}.")
        if isinstance(axis_names, str) or not isinstance(axis_names, Sequence):
            raise TypeError(f"DeviceMesh: `axis_names` must be a tuple of strings, received {axis_names!r}.")
        if len(axis_names) != len(shape) or not all(isinstance(a, str) and a for a in axis_names):
            raise ValueError(
                f"DeviceMesh: `axis_names` must hold one non-empty string per dimension of shape {tuple(shape)}, "
                f"received {tuple(axis_names)!r}."
            )
        if len(set(axis_names)) != len(axis_names):
            raise ValueError(f"DeviceMesh: `axis_names` must be distinct, received {tuple(axis_names)!r}.")
        resolved = jax.devices() if devices is None else _resolve_devices(devices, "DeviceMesh")
        if math.prod(shape) != len(resolved):
            raise ValueError(
                f"DeviceMesh: shape {tuple(shape)} holds {math.prod(shape)} devices, but {len(resolved)} devices "
                "were given."
            )
        self._shape = tuple(int(s) for s in shape)
        self._axis_names = tuple(axis_names)
        self._devices = np.empty(len(resolved), dtype=object)
        self._devices[:] = resolved
        self._devices = self._devices.reshape(self._shape)
        self._jax_mesh: Mesh | None = None

    @property
    def shape(self) -> tuple[int, ...]:
        return self._shape

    @property
    def axis_names(self) -> tuple[str, ...]:
        return self._axis_names

    @property
    def devices(self) -> np.ndarray:
        """The ``jax.Device`` grid, of shape ``shape``."""
        return self._devices

    @property
    def jax_mesh(self) -> Mesh:
        """The equivalent ``jax.sharding.Mesh``."""
        if self._jax_mesh is None:
            self._jax_mesh = Mesh(self._devices, self._axis_names)
        return self._jax_mesh

    def axis_size(self, name: str) -> int:
        """How many devices lie along the axis ``name``."""
        return self._shape[self._axis_names.index(name)]

    def __repr__(self) -> str:
        return f"<DeviceMesh shape={self._shape}, axis_names={self._axis_names}>"


# -- layouts ---------------------------------------------------------------------------------------------
class TensorLayout:
    """How one tensor is split over a mesh: per dimension, a mesh axis name (sharded) or None (replicated).

    Args:
        axes: one entry per tensor dimension, e.g. ``(None, "model")``.
        device_mesh: the mesh; may be left out and set later (a ``LayoutMap`` sets its own). Defaults to ``None``.
    """

    def __init__(self, axes: Sequence[str | None], device_mesh: DeviceMesh | None = None) -> None:
        if isinstance(axes, str) or not isinstance(axes, Sequence):
            raise TypeError(
                f"TensorLayout: `axes` must be a tuple of mesh axis names or None, received {axes!r}; "
                "write ('model',) for a single axis."
            )
        if not all(a is None or isinstance(a, str) for a in axes):
            raise TypeError(f"TensorLayout: every entry of `axes` must be a string or None, received {tuple(axes)!r}.")
        named = [a for a in axes if a is not None]
        if len(set(named)) != len(named):
            raise ValueError(f"TensorLayout: a mesh axis may shard only one dimension, received {tuple(axes)!r}.")
        self._axes = tuple(axes)
        self._device_mesh: DeviceMesh | None = None
        if device_mesh is not None:
            self.device_mesh = device_mesh

    @property
    def axes(self) -> tuple[str | None, ...]:
        return self._axes

    @property
    def device_mesh(self) -> DeviceMesh | None:
        return self._device_mesh

    @device_mesh.setter
    def device_mesh(self, mesh: DeviceMesh) -> None:
        if not isinstance(mesh, DeviceMesh):
            raise TypeError(f"TensorLayout: `device_mesh` must be a DeviceMesh, received {type(mesh).__name__}.")
        unknown = [a for a in self._axes if a is not None and a not in mesh.axis_names]
        if unknown:
            raise ValueError(
                f"TensorLayout: axes {unknown} are not axes of the mesh, whose axis names are {mesh.axis_names}."
            )
        self._device_mesh = mesh

    def sharding(self) -> NamedSharding:
        """The ``NamedSharding`` of this layout on its mesh."""
        if self._device_mesh is None:
            raise ValueError(f"TensorLayout {self._axes}: no `device_mesh` is set.")
        return NamedSharding(self._device_mesh.jax_mesh, PartitionSpec(*self._axes))

    def __repr__(self) -> str:
        return f"<TensorLayout axes={self._axes}, device_mesh={self._device_mesh}>"


class LayoutMap(MutableMapping):
    """Maps variable paths to ``TensorLayout``s; keys are regular expressions.

    Looking up a path returns the layout of the key equal to it; otherwise of the one key that
    ``re.search`` finds in it; ``None`` if none does. A path matched by several keys is an error.
    Values may be given as tuples of axes, e.g. ``layout_map["dense.*kernel"] = (None, "model")``.

    Args:
        device_mesh: the mesh every layout of this map lives on.
    """

    def __init__(self, device_mesh: DeviceMesh) -> None:
        if not isinstance(device_mesh, DeviceMesh):
            raise TypeError(f"LayoutMap: `device_mesh` must be a DeviceMesh, received {type(device_mesh).__name__}.")
        self._device_mesh = device_mesh
        self._layouts: dict[str, TensorLayout] = {}
        self._patterns: dict[str, re.Pattern[str]] = {}

    @property
    def device_mesh(self) -> DeviceMesh:
        return self._device_mesh

    def __getitem__(self, path: str) -> TensorLayout | None:
        if path in self._layouts:
            return self._layouts[path]
        matches = [key for key, pattern in self._patterns.items() if pattern.search(path)]
        if len(matches) > 1:
            raise ValueError(
                f"LayoutMap: path {path!r} matches several keys {matches}; make the keys specific enough that "
                "at most one matches each variable path."
            )
        return self._layouts[matches[0]] if matches else None

    def __setitem__(self, key: str, layout: TensorLayout | Sequence[str | None]) -> None:
        if not isinstance(key, str):
            raise TypeError(f"LayoutMap: keys must be strings (regular expressions), received {key!r}.")
        if key in self._layouts:
            raise ValueError(f"LayoutMap: key {key!r} already has layout {self._layouts[key].axes}; delete it first.")
        try:
            pattern = re.compile(key)
        except re.error as err:
            raise ValueError(f"LayoutMap: key {key!r} is not a valid regular expression ({err}).") from None
        if not isinstance(layout, TensorLayout):
            layout = TensorLayout(layout)
        if layout.device_mesh is None:
            layout.device_mesh = self._device_mesh
        elif layout.device_mesh is not self._device_mesh:
            raise ValueError(f"LayoutMap: the layout for {key!r} lives on another mesh than this map's.")
        self._layouts[key] = layout
        self._patterns[key] = pattern

    def __delitem__(self, key: str) -> None:
        del self._layouts[key]
        del self._patterns[key]

    def __contains__(self, key: object) -> bool:
        return key in self._layouts

    def __iter__(self) -> Iterator[str]:
        return iter(self._layouts)

    def __len__(self) -> int:
        return len(self._layouts)

    def __repr__(self) -> str:
        return f"<LayoutMap {{{', '.join(f'{k!r}: {v.axes}' for k, v in self._layouts.items())}}}>"


# -- distributions ---------------------------------------------------------------------------------------
class Distribution:
    """Where the trainer puts variables and batches; use ``DataParallel`` or ``ModelParallel``.

    Args:
        device_mesh: The ``DeviceMesh`` of the devices to use.
        batch_dim_name: The mesh axis along which batches are split.
        auto_shard_dataset: Whether every process passes the same global data and kerax gives each its share (default
            ``True``), rather than each process passing its own share.
    """

    def __init__(self, device_mesh: DeviceMesh, batch_dim_name: str, auto_shard_dataset: bool = True) -> None:
        if not isinstance(auto_shard_dataset, bool):
            raise TypeError(
                f"{type(self).__name__}: `auto_shard_dataset` must be True or False, received {auto_shard_dataset!r}."
            )
        self._device_mesh = device_mesh
        self._batch_dim_name = batch_dim_name
        self._auto_shard_dataset = auto_shard_dataset

    @property
    def auto_shard_dataset(self) -> bool:
        """True (Keras's default): in a multi-process job every process passes the same global data and
        kerax gives each process its share. False: each process passes its own data, and every batch it
        supplies (``batch_size`` rows of its arrays) is its share of the global batch. With one process the
        two are the same."""
        return self._auto_shard_dataset

    @property
    def device_mesh(self) -> DeviceMesh:
        return self._device_mesh

    @property
    def batch_dim_name(self) -> str:
        """The mesh axis that splits each batch along its first dimension."""
        return self._batch_dim_name

    def get_data_layout(self, data_shape: Sequence[int]) -> TensorLayout:
        """The layout of a batch of shape ``data_shape``: split along axis 0, the rest replicated."""
        axes = [None] * len(data_shape)
        axes[0] = self._batch_dim_name
        return TensorLayout(axes, self._device_mesh)

    def get_variable_layout(self, variable: Any) -> TensorLayout:
        """The layout of ``variable`` (a kerax Variable); replicated unless a subclass says otherwise."""
        return TensorLayout([None] * len(variable.shape), self._device_mesh)

    @contextlib.contextmanager
    def scope(self) -> Iterator[Distribution]:
        """Make this the current distribution inside a ``with`` block."""
        previous = distribution()
        set_distribution(self)
        try:
            yield self
        finally:
            set_distribution(previous)


class DataParallel(Distribution):
    """Replicate every variable; split each batch along axis 0 across the devices.

    Args:
        device_mesh: a mesh whose first axis splits the batch; default a 1-D mesh ``("batch",)``.
        devices: the devices of that default mesh (``jax.Device``s or ``list_devices()`` names);
            default all devices.
        auto_shard_dataset: see ``Distribution.auto_shard_dataset``; default True, as in Keras.
    """

    def __init__(
        self, device_mesh: DeviceMesh | None = None, devices: Any = None, auto_shard_dataset: bool = True
    ) -> None:
        if device_mesh is not None:
            if not isinstance(device_mesh, DeviceMesh):
                raise TypeError(
                    f"DataParallel: `device_mesh` must be a DeviceMesh, received {type(device_mesh).__name__}."
                )
            if devices is not None:
                raise ValueError("DataParallel: pass either `device_mesh` or `devices`, not both.")
        else:
            resolved = jax.devices() if devices is None else _resolve_devices(devices, "DataParallel")
            device_mesh = DeviceMesh((len(resolved),), ("batch",), resolved)
        super().__init__(device_mesh, device_mesh.axis_names[0], auto_shard_dataset)

    def __repr__(self) -> str:
        return f"<DataParallel mesh={self.device_mesh}>"


class ModelParallel(Distribution):
    """Shard the variables that a ``LayoutMap`` matches, replicate the others, and split batches.

    Args:
        layout_map: maps variable paths (``"dense/kernel"``) to layouts; its mesh is the distribution's.
        batch_dim_name: the mesh axis that splits each batch; default the mesh's first axis.
        auto_shard_dataset: see ``Distribution.auto_shard_dataset``; default True, as in Keras.
        device_mesh: optional; must be the layout map's mesh if given. Defaults to ``None``.
    """

    def __init__(
        self,
        *,
        layout_map: LayoutMap,
        batch_dim_name: str | None = None,
        auto_shard_dataset: bool = True,
        device_mesh: DeviceMesh | None = None,
    ) -> None:
        if not isinstance(layout_map, LayoutMap):
            raise TypeError(f"ModelParallel: `layout_map` must be a LayoutMap, received {type(layout_map).__name__}.")
        mesh = layout_map.device_mesh
        if device_mesh is not None and device_mesh is not mesh:
            raise ValueError("ModelParallel: `device_mesh` differs from the mesh of `layout_map`.")
        batch_dim_name = mesh.axis_names[0] if batch_dim_name is None else batch_dim_name
        if batch_dim_name not in mesh.axis_names:
            raise ValueError(
                f"ModelParallel: `batch_dim_name` must be an axis of the mesh {mesh.axis_names}, "
                f"received {batch_dim_name!r}."
            )
        super().__init__(mesh, batch_dim_name, auto_shard_dataset)
        self._layout_map = layout_map

    @property
    def layout_map(self) -> LayoutMap:
        return self._layout_map

    def get_variable_layout(self, variable: Any) -> TensorLayout:
        layout = self._layout_map[variable.path]
        if layout is None:
            return super().get_variable_layout(variable)
        shape = tuple(variable.shape)
        if len(layout.axes) != len(shape):
            raise ValueError(
                f"ModelParallel: the layout {layout.axes} matched for variable {variable.path!r} has "
                f"{len(layout.axes)} axes, but the variable has shape {shape}."
            )
        for dim, axis in zip(shape, layout.axes, strict=True):
            if axis is not None and dim % self.device_mesh.axis_size(axis):
                raise ValueError(
                    f"ModelParallel: variable {variable.path!r} of shape {shape} cannot be split by layout "
                    f"{layout.axes}: dimension {dim} is not divisible by the {self.device_mesh.axis_size(axis)} "
                    f"devices of mesh axis {axis!r}."
                )
        return layout

    def __repr__(self) -> str:
        return f"<ModelParallel mesh={self.device_mesh}, batch_dim_name={self.batch_dim_name!r}>"


_current: list[Distribution | None] = [None]


def set_distribution(value: Distribution | None) -> None:
    """Make ``value`` the global distribution (``None`` returns to single-device training).

    Args:
        value: A ``Distribution``, or ``None``.
    """
    if value is not None and not isinstance(value, Distribution):
        raise TypeError(
            f"set_distribution: expected a DataParallel or ModelParallel instance (or None), "
            f"received {type(value).__name__}."
        )
    _current[0] = value


def distribution() -> Distribution | None:
    """The current global distribution, or None."""
    return _current[0]


# -- multi-process ---------------------------------------------------------------------------------------
def _int_from(value: Any, env: str, name: str) -> int | None:
    if value is None and env in os.environ:
        text = os.environ[env]
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"initialize: environment variable {env} must be an integer, received {text!r}.") from None
    if value is not None and (not isinstance(value, int | np.integer) or isinstance(value, bool)):
        raise TypeError(f"initialize: `{name}` must be an integer, received {value!r}.")
    return None if value is None else int(value)


def initialize(
    job_addresses: str | None = None, num_processes: int | None = None, process_id: int | None = None
) -> None:
    """Join this process to a multi-process JAX job (``jax.distributed.initialize``); call it before any JAX work.

    Each argument left as None is read from ``KERAS_DISTRIBUTION_JOB_ADDRESSES``,
    ``KERAS_DISTRIBUTION_NUM_PROCESSES`` and ``KERAS_DISTRIBUTION_PROCESS_ID`` when set; with none of them,
    JAX detects the cluster itself (TPU pods, SLURM...).

    Args:
        job_addresses: comma-separated ``host:port`` addresses of the job's processes; JAX uses only the
            first (the coordinator, process 0). Defaults to ``None``.
        num_processes: the number of processes in the job. Defaults to ``None``.
        process_id: this process's index, in ``[0, num_processes)``. Defaults to ``None``.
    """
    if job_addresses is None:
        job_addresses = os.environ.get("KERAS_DISTRIBUTION_JOB_ADDRESSES")
    num_processes = _int_from(num_processes, "KERAS_DISTRIBUTION_NUM_PROCESSES", "num_processes")
    process_id = _int_from(process_id, "KERAS_DISTRIBUTION_PROCESS_ID", "process_id")
    coordinator = None
    if job_addresses is not None:
        if not isinstance(job_addresses, str) or not job_addresses.strip():
            raise ValueError(
                f"initialize: `job_addresses` must be a non-empty string like '10.0.0.1:1234,10.0.0.2:1234', "
                f"received {job_addresses!r}."
            )
        addresses = [a.strip() for a in job_addresses.split(",")]
        if not all(addresses):
            raise ValueError(f"initialize: `job_addresses` has an empty entry: {job_addresses!r}.")
        if num_processes is not None and len(addresses) > 1 and len(addresses) != num_processes:
            raise ValueError(
                f"initialize: `job_addresses` lists {len(addresses)} addresses but `num_processes` is {num_processes}."
            )
        coordinator = addresses[0]
    if num_processes is not None and num_processes < 1:
        raise ValueError(f"initialize: `num_processes` must be at least 1, received {num_processes}.")
    if process_id is not None and process_id < 0:
        raise ValueError(f"initialize: `process_id` must be non-negative, received {process_id}.")
    if process_id is not None and num_processes is not None and process_id >= num_processes:
        raise ValueError(f"initialize: `process_id` must be in [0, {num_processes}), received {process_id}.")
    jax.distributed.initialize(coordinator_address=coordinator, num_processes=num_processes, process_id=process_id)
