"""Model weights as safetensors: named by where they live in the model, assigned only after all checks pass.

Keys follow Keras 3's container paths: the ``k``-th layer of class ``Dense`` among a model's layers is
``layers/dense`` (then ``layers/dense_1``...), its ``j``-th weight ``layers/dense/vars/j``; weights the
model creates itself are ``vars/j``; the optimizer's state arrays are ``optimizer/i``. Paths do not depend
on the layers' names, so a model rebuilt in a session where ``dense`` is taken still matches; the names
are kept in the metadata for ``by_name`` loading.
"""

from __future__ import annotations

import json
import struct
import warnings
from typing import Any

import jax
import numpy as np

from kerax.backend._naming import to_snake_case
from kerax.saving._keras_paths import unique_name

_FORMAT = "kerax.weights"
_DTYPES = {"BOOL", "U8", "I8", "I16", "U16", "I32", "U32", "I64", "F16", "BF16", "F32", "F64"}
_MAX_HEADER = 100 << 20


def weight_entries(model: Any) -> list[tuple[str, str, Any]]:
    """``(key, owner name, variable)`` for every weight of ``model``, in ``model.weights`` order per layer."""
    seen: set[int] = set()
    entries: list[tuple[str, str, Any]] = []
    used: dict[str, int] = {}
    for layer in model.layers:
        path = f"layers/{unique_name(to_snake_case(type(layer).__name__), used)}"
        for j, var in enumerate(layer.weights):
            if id(var) not in seen:
                seen.add(id(var))
                entries.append((f"{path}/vars/{j}", layer.name, var))
    own = [v for v in model.weights if id(v) not in seen]
    entries.extend((f"vars/{j}", model.name, var) for j, var in enumerate(own))
    return entries


def _host(value: Any) -> np.ndarray:
    array = np.asarray(jax.device_get(value))
    return array if array.flags.c_contiguous else array.copy(order="C")  # (ascontiguousarray makes 0-d 1-d)


def encode(model: Any, include_optimizer: bool = False, extra: dict[str, Any] | None = None) -> bytes:
    """The model's weights (and optionally its optimizer's state) as a safetensors file.

    ``extra`` holds JSON-compatible metadata fields (``BackupAndRestore`` records the epoch in ``training``).
    """
    from safetensors.numpy import save

    tensors: dict[str, np.ndarray] = {}
    bfloat16: list[str] = []
    names: dict[str, str] = {}
    for key, owner, var in weight_entries(model):
        tensors[key] = _host(var.value)
        names[key.rsplit("/vars/", 1)[0]] = owner
    optimizer = getattr(model, "optimizer", None)
    if include_optimizer and optimizer is not None and optimizer.built:
        for i, leaf in enumerate(jax.tree_util.tree_leaves(optimizer.state)):
            tensors[f"optimizer/{i}"] = _host(leaf)
    for key, array in tensors.items():
        if array.dtype.name == "bfloat16":  # NumPy-side safetensors has no bfloat16: store the raw bits
            tensors[key] = array.view(np.uint16)
            bfloat16.append(key)
    metadata = {
        "format": _FORMAT,
        "layer_names": json.dumps(names),
        "bfloat16": json.dumps(bfloat16),
        "order": json.dumps(list(tensors)),
        **{key: json.dumps(value) for key, value in (extra or {}).items()},
    }
    return save(tensors, metadata=metadata)


def decode(data: bytes, where: str) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Parse a safetensors file defensively: ``(arrays by key, metadata)``; ValueError if malformed."""
    from safetensors.numpy import load

    if len(data) < 8:
        raise ValueError(f"{where} is not a safetensors file: it has {len(data)} bytes.")
    (header_size,) = struct.unpack("<Q", data[:8])
    if header_size > min(_MAX_HEADER, len(data) - 8):
        raise ValueError(f"{where} is not a valid safetensors file: its header declares {header_size} bytes.")
    try:
        header = json.loads(data[8 : 8 + header_size])
    except (ValueError, RecursionError) as err:
        raise ValueError(f"{where} has a corrupt safetensors header: {err}") from None
    if not isinstance(header, dict):
        raise ValueError(f"{where} has a corrupt safetensors header (not a JSON object).")
    body = len(data) - 8 - header_size
    for key, info in header.items():
        if key == "__metadata__":
            continue
        if not isinstance(info, dict) or info.get("dtype") not in _DTYPES:
            raise ValueError(f"{where}: tensor {key!r} has an unsupported entry {info!r}.")
        offsets = info.get("data_offsets")
        if not (isinstance(offsets, list) and len(offsets) == 2 and 0 <= offsets[0] <= offsets[1] <= body):
            raise ValueError(f"{where}: tensor {key!r} points outside the file's {body} data bytes.")
    try:
        arrays = load(bytes(data))
    except Exception as err:  # safetensors raises its own SafetensorError for every malformed file
        raise ValueError(f"{where} is not a valid safetensors file: {err}") from None
    raw_meta = header.get("__metadata__") or {}
    metadata: dict[str, Any] = {}
    for field in ("layer_names", "bfloat16", "order", "training"):
        try:
            metadata[field] = json.loads(raw_meta.get(field, "null"))
        except (ValueError, TypeError, RecursionError):
            raise ValueError(f"{where}: its metadata field {field!r} is corrupt.") from None
    for key in metadata.get("bfloat16") or []:
        if key in arrays and arrays[key].dtype == np.uint16:
            import ml_dtypes

            arrays[key] = arrays[key].view(ml_dtypes.bfloat16)
    return arrays, metadata


def assign(
    model: Any,
    arrays: dict[str, np.ndarray],
    metadata: dict[str, Any],
    where: str,
    skip_mismatch: bool = False,
    by_name: bool = False,
) -> None:
    """Assign saved arrays to ``model``'s weights; every check runs before the first assignment."""
    entries = weight_entries(model)
    saved = {k: v for k, v in arrays.items() if not k.startswith("optimizer/")}
    plan: list[tuple[Any, np.ndarray]] = []
    problems: list[str] = []
    if by_name:
        names = metadata.get("layer_names") or {}
        by_layer = {name: prefix for prefix, name in names.items()}
        sources = {}
        for key, owner, _ in entries:
            prefix = by_layer.get(owner)
            sources[key] = None if prefix is None else f"{prefix}/vars/{key.rsplit('/vars/', 1)[1]}"
    else:
        sources = {key: key for key, _, _ in entries}
    used = set()
    for key, owner, var in entries:
        source = sources.get(key)
        if source is None or source not in saved:
            if not by_name:
                problems.append(f"{key} ('{owner}', shape {var.shape}) is not in the file")
            continue
        used.add(source)
        value = saved[source]
        if tuple(value.shape) != tuple(var.shape):
            message = f"{key} ('{owner}'): the model expects shape {var.shape}, the file holds {value.shape}"
            if skip_mismatch:
                warnings.warn(f"Skipping {message}.", stacklevel=3)
                continue
            problems.append(message)
            continue
        plan.append((var, value))
    unexpected = sorted(set(saved) - used) if not by_name else []
    if unexpected and not skip_mismatch:
        problems.append(f"the file holds weights the model does not have: {unexpected[:10]}")
    if problems and not skip_mismatch:
        raise ValueError(f"Cannot load weights from {where} into model '{model.name}': " + "; ".join(problems) + ".")
    if problems:
        warnings.warn(f"Skipping weights missing from {where}: " + "; ".join(problems), stacklevel=3)
    for var, value in plan:
        var.assign(value.astype(var.dtype, copy=False))


def restore_optimizer(model: Any, arrays: dict[str, np.ndarray], where: str) -> bool:
    """Put the saved optimizer state back, so training resumes exactly; False if the file has none."""
    keys = sorted((k for k in arrays if k.startswith("optimizer/")), key=lambda k: int(k.split("/")[1]))
    if not keys or getattr(model, "optimizer", None) is None:
        return False
    optimizer = model.optimizer
    if not optimizer.built:
        optimizer.build(model.trainable_weights)
    leaves, treedef = jax.tree_util.tree_flatten(optimizer.state)
    if len(leaves) != len(keys):
        raise ValueError(
            f"{where}: the saved optimizer state has {len(keys)} arrays, but this model's "
            f"{type(optimizer).__name__} has {len(leaves)}; was it saved with another optimizer?"
        )
    restored = []
    for key, leaf in zip(keys, leaves, strict=True):
        value = arrays[key]
        if tuple(value.shape) != tuple(np.shape(leaf)):
            raise ValueError(f"{where}: optimizer array {key} has shape {value.shape}, expected {np.shape(leaf)}.")
        restored.append(jax.numpy.asarray(value, dtype=getattr(leaf, "dtype", None)))
    optimizer.set_state(jax.tree_util.tree_unflatten(treedef, restored))
    return True
