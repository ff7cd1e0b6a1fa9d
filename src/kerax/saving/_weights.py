"""Model weights as safetensors: named by where they live in the model, assigned only after all checks pass.

Keys follow Keras 3's container paths: the ``k``-th layer of class ``Dense`` among a model's layers is
``layers/dense`` (then ``layers/dense_1``...), its ``j``-th weight ``layers/dense/vars/j``; weights the
model creates itself are ``vars/j``; the optimizer's state arrays are ``optimizer/i``. Paths do not depend
on the layers' names, so a model rebuilt in a session where ``dense`` is taken still matches; the names
are kept in the metadata for ``by_name`` loading.
"""

from __future__ import annotations

import json
import math
import struct
import warnings
from typing import Any

import jax
import ml_dtypes
import numpy as np

from kerax.backend._naming import to_snake_case
from kerax.saving import _keras_paths
from kerax.saving._keras_paths import keras_objects, unique_name

_FORMAT = "kerax.weights"
# safetensors dtype names and the little-endian NumPy dtypes they hold ("BF16" is ml_dtypes' bfloat16).
_DTYPES = {
    "BOOL": "bool",
    "U8": "uint8",
    "I8": "int8",
    "I16": "<i2",
    "U16": "<u2",
    "I32": "<i4",
    "U32": "<u4",
    "I64": "<i8",
    "U64": "<u8",
    "F16": "<f2",
    "BF16": "bfloat16",
    "F32": "<f4",
    "F64": "<f8",
}
_MAX_HEADER = 100 << 20
MAX_TENSORS = 100_000
"""Most tensors one safetensors file may hold (a model with Adam's state holds three per weight)."""
MAX_RANK = 64
"""Most dimensions a tensor may have."""
# The metadata fields kerax reads, and the JSON type each must decode to.
_METADATA_FIELDS = {"layer_names": dict, "bfloat16": list, "order": list, "training": dict}


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
    from safetensors.numpy import save  # here, not at the top: only writing weights needs it (1 ms of import)

    tensors: dict[str, np.ndarray] = {}
    bfloat16: list[str] = []
    names: dict[str, str] = {}
    for key, owner, var in weight_entries(model):
        tensors[key] = _host(var.value)
        names[key.rsplit("/vars/", 1)[0]] = owner
    for path, store in _own_way_stores(model).items():
        for name, value in store.items():
            tensors[f"{_HOOKS}/{path}/{name}" if path else f"{_HOOKS}/{name}"] = _host(value)
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


def _numpy_dtype(name: str) -> np.dtype:
    if name == "bfloat16":
        return np.dtype(ml_dtypes.bfloat16)
    return np.dtype(name)


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _check_entry(key: str, info: Any, body: int, where: str) -> tuple[int, int, np.dtype, tuple[int, ...]]:
    """``(start, end, dtype, shape)`` of one header entry, or ValueError naming the tensor and the fault."""
    if not isinstance(info, dict) or info.get("dtype") not in _DTYPES:
        raise ValueError(f"{where}: tensor {key!r} has an unsupported entry {str(info)[:200]}.")
    if key.startswith("optimizer/") and not (key[10:].isdigit() and key[10:].isascii()):
        raise ValueError(f"{where}: tensor {key!r}: optimizer state is stored as 'optimizer/<index>'.")
    shape, offsets = info.get("shape"), info.get("data_offsets")
    if not (isinstance(shape, list) and len(shape) <= MAX_RANK and all(_is_count(d) for d in shape)):
        raise ValueError(
            f"{where}: tensor {key!r} has shape {str(shape)[:200]}; expected a list of at most {MAX_RANK} "
            "non-negative integers."
        )
    if not (isinstance(offsets, list) and len(offsets) == 2 and all(_is_count(o) for o in offsets)):
        raise ValueError(f"{where}: tensor {key!r} has data_offsets {str(offsets)[:200]}; expected [start, end].")
    start, end = offsets
    if not start <= end <= body:
        raise ValueError(f"{where}: tensor {key!r} points outside the file's {body} data bytes.")
    dtype = _numpy_dtype(_DTYPES[info["dtype"]])
    declared = math.prod(shape) * dtype.itemsize
    if declared != end - start:
        raise ValueError(
            f"{where} is not a valid safetensors file: tensor {key!r} of shape {shape} ({info['dtype']}) needs "
            f"{declared} bytes, but its data_offsets hold {end - start}."
        )
    return start, end, dtype, tuple(shape)


def _metadata(raw: Any, where: str) -> dict[str, Any]:
    if raw is None:
        raw = {}
    if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
        raise ValueError(f"{where}: its '__metadata__' must map names to strings, received {str(raw)[:200]}.")
    metadata: dict[str, Any] = {}
    for field, kind in _METADATA_FIELDS.items():
        try:
            value = json.loads(raw.get(field, "null"))
        except (ValueError, RecursionError):
            raise ValueError(f"{where}: its metadata field {field!r} is not valid JSON.") from None
        if value is not None and not isinstance(value, kind):
            raise ValueError(
                f"{where}: its metadata field {field!r} must hold a JSON {'object' if kind is dict else 'array'}, "
                f"received {type(value).__name__}."
            )
        metadata[field] = value
    names, bfloat16 = metadata["layer_names"] or {}, metadata["bfloat16"] or []
    if not all(isinstance(v, str) for v in names.values()) or not all(isinstance(v, str) for v in bfloat16):
        raise ValueError(f"{where}: its metadata fields 'layer_names' and 'bfloat16' must hold strings.")
    return metadata


def decode(data: bytes, where: str) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Parse a safetensors file defensively: ``(arrays by key, metadata)``.

    The whole header is checked before any array is made: at most ``MAX_TENSORS`` tensors, each with a
    known dtype, a shape of non-negative sizes whose bytes equal its ``data_offsets``, and the tensors'
    data tiling the data section exactly (no overlap, no gap), so they declare no more bytes than the file
    holds. The arrays are read-only views of ``data``.

    Args:
        data: the file's bytes.
        where: how to name the file in errors.

    Returns:
        The arrays by key, and kerax's metadata fields (``layer_names``, ``bfloat16``, ``order``,
        ``training``; None where absent).

    Raises:
        ValueError: the file is malformed or declares more than it holds; the message names the tensor.
    """
    if len(data) < 8:
        raise ValueError(f"{where} is not a safetensors file: it has {len(data)} bytes.")
    (header_size,) = struct.unpack("<Q", data[:8])
    if header_size > min(_MAX_HEADER, len(data) - 8):
        raise ValueError(f"{where} is not a valid safetensors file: its header declares {header_size} bytes.")
    # Every tensor entry names its data_offsets: counting them (a bound from above) refuses a header of a
    # million tiny tensors before the JSON is parsed.
    if data.count(b'"data_offsets"', 8, 8 + header_size) > MAX_TENSORS:
        raise ValueError(f"{where}: its header lists more than {MAX_TENSORS} tensors, over the limit.")
    try:
        header = json.loads(data[8 : 8 + header_size])
    except (ValueError, RecursionError) as err:
        raise ValueError(f"{where} has a corrupt safetensors header: {str(err)[:200]}") from None
    if not isinstance(header, dict):
        raise ValueError(f"{where} has a corrupt safetensors header (not a JSON object).")
    count = len(header) - ("__metadata__" in header)
    if count > MAX_TENSORS:
        raise ValueError(f"{where}: its header lists {count} tensors, over the limit of {MAX_TENSORS}.")
    body = len(data) - 8 - header_size
    entries = {key: _check_entry(key, info, body, where) for key, info in header.items() if key != "__metadata__"}
    spans = sorted((start, end, key) for key, (start, end, _, _) in entries.items())
    covered = 0
    for start, end, key in spans:
        if start != covered:
            reason = "overlaps another tensor's data" if start < covered else f"leaves bytes {covered}..{start} unused"
            raise ValueError(f"{where} is not a valid safetensors file: tensor {key!r} {reason}.")
        covered = end
    if covered != body:
        raise ValueError(f"{where} is not a valid safetensors file: {body - covered} data bytes belong to no tensor.")
    metadata = _metadata(header.get("__metadata__"), where)
    offset = 8 + header_size
    arrays: dict[str, np.ndarray] = {}
    for key, (start, end, dtype, shape) in entries.items():
        array = np.frombuffer(data, dtype=dtype, count=(end - start) // dtype.itemsize, offset=offset + start)
        if dtype.kind == "b" and array.size and array.view(np.uint8).max() > 1:
            raise ValueError(f"{where}: tensor {key!r} is BOOL but holds bytes other than 0 and 1.")
        arrays[key] = array.reshape(shape)
    for key in metadata["bfloat16"] or []:
        if key in arrays and arrays[key].dtype == np.uint16:
            arrays[key] = arrays[key].view(_numpy_dtype("bfloat16"))
    return arrays, metadata


def _is_float(dtype: np.dtype) -> bool:
    return bool(jax.numpy.issubdtype(dtype, jax.numpy.floating))


def lossless_cast(value: Any, dtype: Any, what: str) -> np.ndarray:
    """``value`` as ``dtype``, or a ValueError when the change of dtype would change a value.

    A float array may become another float dtype (rounding, as Keras does it: ``float64`` weights load into
    ``float32`` ones), unless a finite value would overflow to infinity. An integer or bool array may
    become any dtype that holds every one of its values exactly (``2**24 + 1`` does not fit ``float32``,
    ``-1`` does not fit ``uint8``, ``2`` does not fit ``bool``). A float array never becomes an integer
    or bool one: its fractions would be cut.

    Args:
        value: the saved array.
        dtype: the dtype of the weight it loads into.
        what: how to name the weight in the error (file and weight key).

    Returns:
        The array in ``dtype`` (``value`` itself when the dtype already matches).

    Raises:
        ValueError: the change would lose information; the message names the weight and a value.
    """
    value = np.asarray(value)
    source, target = value.dtype, np.dtype(jax.numpy.dtype(dtype))
    if source == target:
        return value
    if _is_float(source) and not _is_float(target):
        raise ValueError(
            f"{what}: the file holds {source} values, but the weight is {target}: a float would lose its fraction "
            "or range; refusing a lossy change of dtype."
        )
    with np.errstate(invalid="ignore", over="ignore"):
        cast = value.astype(target)
        if _is_float(source):
            lost = np.isfinite(value) & ~np.isfinite(cast)
            reason = "overflows"
        elif source.kind == "b":
            lost = np.zeros(value.shape, bool)
            reason = ""
        elif target.kind == "b":
            lost = (value != 0) & (value != 1)
            reason = "is not 0 or 1"
        elif not _is_float(target):  # integer to integer: the value must be in the target's range
            limits = np.iinfo(target)
            lost = (value < int(limits.min)) | (value > int(limits.max))
            reason = f"is outside {target}'s range"
        else:  # integer to float: converting back must give the value (checked in float64, which is exact here)
            info = np.iinfo(source)
            wide = cast.astype(np.float64)
            bound = 2.0 ** (info.bits - (info.min < 0))
            fits = np.isfinite(wide) & (wide >= float(info.min)) & (wide < bound)
            lost = ~fits | (np.where(fits, wide, 0).astype(source) != value)
            reason = "cannot be represented exactly"
    if lost.any():
        example = value[lost].reshape(-1)[0].item()
        raise ValueError(
            f"{what}: the file holds {source} values that {target} cannot hold (the value {example!r} {reason}); "
            "refusing a lossy change of dtype."
        )
    return cast


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
    saved = {k: v for k, v in arrays.items() if not k.startswith(("optimizer/", f"{_HOOKS}/"))}
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
        try:
            plan.append((var, lossless_cast(value, var.dtype, f"weight {key} ('{owner}')")))
        except ValueError as err:
            if skip_mismatch:
                warnings.warn(f"Skipping {err}", stacklevel=3)
            else:
                problems.append(str(err).rstrip("."))
    unexpected = sorted(set(saved) - used) if not by_name else []
    if unexpected and not skip_mismatch:
        problems.append(f"the file holds weights the model does not have: {unexpected[:10]}")
    if problems and not skip_mismatch:
        raise ValueError(f"Cannot load weights from {where} into model '{model.name}': " + "; ".join(problems) + ".")
    if problems:
        warnings.warn(f"Skipping weights missing from {where}: " + "; ".join(problems), stacklevel=3)
    for var, value in plan:
        var.assign(value)
    _load_own_way(model, arrays)


# What layers that save their own state their own way (``save_own_variables``) stored, by object path.
_HOOKS = "hooks"


def _own_way_objects(model: Any, hook: str) -> dict[str, Any]:
    return {path: obj for path, obj in keras_objects(model).items() if _keras_paths._saves_own_way(obj, hook)}


def _own_way_stores(model: Any) -> dict[str, dict[str, Any]]:
    stores = {}
    for path, obj in _own_way_objects(model, "save_own_variables").items():
        store: dict[str, Any] = {}
        obj.save_own_variables(store)
        for name in store:
            if not isinstance(name, str) or not name or "/" in name:
                raise ValueError(
                    f"{type(obj).__name__} '{obj.name}'.save_own_variables stored under {name!r}; keys are names "
                    "without '/'."
                )
        stores[path] = store
    return stores


def _load_own_way(model: Any, arrays: dict[str, np.ndarray]) -> None:
    """Hand each layer with its own ``load_own_variables`` what its ``save_own_variables`` stored."""
    if not any(k.startswith(f"{_HOOKS}/") for k in arrays):
        return
    stores: dict[str, dict[str, np.ndarray]] = {}
    for key, value in arrays.items():
        if key.startswith(f"{_HOOKS}/"):
            path, _, name = key[len(_HOOKS) + 1 :].rpartition("/")
            stores.setdefault(path, {})[name] = value
    for path, obj in _own_way_objects(model, "load_own_variables").items():
        if path in stores:
            obj.load_own_variables(stores[path])


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
        dtype = getattr(leaf, "dtype", None)
        restored.append(jax.numpy.asarray(value if dtype is None else lossless_cast(value, dtype, f"{where}: {key}")))
    optimizer.set_state(jax.tree_util.tree_unflatten(treedef, restored))
    return True


def cast_h5_groups(model: Any, groups: dict[str, Any], where: str, skip_mismatch: bool = False) -> dict[str, Any]:
    """``groups`` (as ``read_h5_stores`` returns them) with each array that fits a weight cast losslessly to it.

    Arrays are matched to ``model``'s weights as ``load_keras_h5_into`` matches them (a group per object,
    numbered arrays in weight order); groups whose shapes do not fit are left for it to report.

    Args:
        model: the built model the weights are for.
        groups: ``{vars path: {name: array}}``.
        where: how to name the file in errors.
        skip_mismatch: warn about a group holding a lossy change of dtype and leave it out (the model
            keeps those weights), instead of raising.

    Returns:
        The groups, cast (a new dict; ``groups`` is not changed).

    Raises:
        ValueError: an array's dtype change would lose information (see ``lossless_cast``).
    """
    out = dict(groups)
    for path, obj in _keras_paths.keras_objects(model).items():
        key = _keras_paths._vars_key(path)
        store = _keras_paths._as_store(groups.get(key))
        if store is None or _keras_paths._saves_own_way(obj, "load_own_variables"):
            continue
        variables = obj._own_weights()
        numbered = [k for k in store if k.isdigit()]
        if len(numbered) != len(variables) or any(
            tuple(np.shape(store[k])) != tuple(v.shape) for k, v in zip(numbered, variables, strict=True)
        ):
            continue
        try:
            cast = {
                k: lossless_cast(store[k], v.dtype, f"{where}: weight {key}/{k} ('{v.path}')")
                for k, v in zip(numbered, variables, strict=True)
            }
        except ValueError as err:
            if not skip_mismatch:
                raise
            warnings.warn(f"Skipping {err}", stacklevel=3)
            del out[key]
            continue
        out[key] = {**store, **cast}
    return out
