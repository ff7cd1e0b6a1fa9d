"""Safe reading and writing of weights in Keras 3's HDF5 layout (``.weights.h5``, ``model.weights.h5``).

Keras 3 stores each object's own variables in a group ``<object path>/vars`` (the root model's in
``vars``), as datasets named ``"0"``, ``"1"``, ... in the object's variable order; a ``vars`` group may
carry a ``name`` attribute (the layer's name) and a bfloat16 dataset is stored as a 2-byte opaque type
with the attribute ``dtype = "bfloat16"``.

Reading treats the file as untrusted: nothing that can reach another file (external or soft links,
external storage, virtual datasets) is followed, only plain numeric datasets are read, and the total
declared size, the nesting depth and the number of objects are bounded before any data is read.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import IO, Any

import ml_dtypes
import numpy as np

from kerax.saving._zip import atomic_path

__all__ = [
    "read_h5_stores",
    "read_h5_weights",
    "write_h5_weights",
    "read_legacy_h5_weights",
    "is_legacy_h5_weights",
    "MAX_DEPTH",
    "MAX_OBJECTS",
    "ABSOLUTE_MAX_BYTES",
]

MAX_DEPTH = 64
"""Deepest group nesting accepted (the root is depth 0)."""
MAX_OBJECTS = 100_000
"""Most groups and datasets accepted in one file."""
ABSOLUTE_MAX_BYTES = 8 * 1024**3
"""Cap on the default byte budget when compressed datasets allow more than the file's size."""
_COMPRESSED_RATIO = 8
_COMPRESSED_FLOOR = 16 << 20
# Compressed datasets may declare this many times the file's size plus the floor: deflated float weights gain
# a few percent, constant ones (zero biases, BatchNormalization statistics, a zero-initialised kernel) far
# more, but a model's constant weights are a small part of it or small in bytes. See docs/saving_bounds.md.
# The names a layer may give the arrays it saves itself (``save_own_variables``), besides 0, 1, ...
_STORE_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]{0,127}")
_HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"

Source = str | os.PathLike[str] | IO[bytes]


def _import_h5py() -> Any:
    try:
        import h5py  # here, not at the top: 45 ms of import that only .keras and .h5 files need
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError("Reading and writing Keras HDF5 weights needs h5py: pip install h5py") from err
    return h5py


def _source_size(source: Source) -> int:
    if isinstance(source, str | os.PathLike):
        return os.stat(source).st_size
    position = source.tell()
    try:
        return source.seek(0, io.SEEK_END)
    finally:
        source.seek(position)


def _has_signature(source: Source, size: int) -> bool:
    """HDF5's signature sits at offset 0, or after a user block at 512, 1024, 2048, ... bytes."""
    offsets = [0] + [512 * 2**k for k in range(64) if 512 * 2**k + 8 <= size]

    def check(handle: IO[bytes]) -> bool:
        for offset in offsets:
            handle.seek(offset)
            if handle.read(8) == _HDF5_SIGNATURE:
                return True
        return False

    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as handle:
            return check(handle)
    position = source.tell()
    try:
        return check(source)
    finally:
        source.seek(position)


def _allowed_dtype(dset: Any, h5py: Any) -> np.dtype | None:
    """The NumPy dtype to read ``dset`` as, or None if its type is not a plain numeric one."""
    dtype = dset.dtype
    if dtype.kind == "V" and dtype.fields is None and dtype.itemsize == 2 and dtype.subdtype is None:
        marker = dset.attrs.get("dtype")
        if isinstance(marker, bytes):
            marker = marker.decode("ascii", "replace")
        if marker == "bfloat16":
            return np.dtype(ml_dtypes.bfloat16)
        return None
    if dtype.fields is not None or dtype.subdtype is not None or dtype.metadata:
        return None  # compound, array, vlen, reference and enum types carry these
    if h5py.check_enum_dtype(dtype) is not None:
        return None
    if dtype.kind == "b" or (dtype.kind in "iu" and dtype.itemsize in (1, 2, 4, 8)):
        return dtype.newbyteorder("=")
    if dtype.kind == "f" and dtype.itemsize in (2, 4, 8):
        return dtype.newbyteorder("=")
    return None


def _dtype_reason(dtype: np.dtype) -> str:
    if dtype.kind == "O" or dtype.metadata:
        return f"non-numeric dtype {dtype} (object, variable-length string or reference)"
    if dtype.fields is not None:
        return f"non-numeric compound dtype {dtype}"
    return f"unsupported dtype {dtype} (allowed: bool, integers, float16/32/64, bfloat16)"


def _refuse(path: str, reason: str) -> ValueError:
    return ValueError(f"Refusing HDF5 weights file: dataset or group '/{path}': {reason}.")


@contextlib.contextmanager
def _open_checked(source: Source) -> Iterator[tuple[Any, Any, int]]:
    """Open ``source`` for reading once it has the HDF5 signature; yields h5py, the open file and its size.

    Raises ValueError for a file that is not HDF5, is truncated or cannot be opened, and turns h5py's
    errors while the block reads it into ValueError naming the file.
    """
    h5py = _import_h5py()
    size = _source_size(source)
    if size == 0 or not _has_signature(source, size):
        raise ValueError(f"Not an HDF5 file: {source!r} (no HDF5 signature found; size {size} bytes).")
    try:
        h5file = h5py.File(source, "r")
    except OSError as err:
        if "truncated" in str(err):
            raise ValueError(f"Truncated HDF5 file {source!r}: {err}") from err
        raise ValueError(f"Corrupt HDF5 file {source!r} (cannot open it): {err}") from err
    with h5file:
        try:
            yield h5py, h5file, size
        except (OSError, RuntimeError, KeyError) as err:
            raise ValueError(f"Corrupt or truncated HDF5 file {source!r}: {err}") from err


def _check_declared(
    groups: Iterable[tuple[str, Sequence[tuple[str, Any, np.dtype, int, bool]]]],
    size: int,
    max_bytes: int | None,
    *,
    alone: bool,
) -> None:
    """Refuse datasets that declare more bytes together than the budget (see ``read_h5_stores``' max_bytes).

    ``groups`` pairs each group's path with its checked datasets; with ``alone``, a dataset over the budget
    by itself is named as such (the Keras 3 reader's message) rather than by the running total.
    """
    entries = [(path, entry) for path, items in groups for entry in items]
    if max_bytes is None:
        budget = 4 * size + 2**20
        if any(entry[4] for _, entry in entries):
            budget = max(budget, min(_COMPRESSED_RATIO * size + _COMPRESSED_FLOOR, ABSOLUTE_MAX_BYTES))
    else:
        budget = int(max_bytes)
    total = 0
    for path, (name, _, _, declared, _) in entries:
        total += declared
        if alone and declared > budget:
            raise _refuse(f"{path}/{name}", f"declared size {declared} bytes exceeds the limit of {budget} bytes")
        if total > budget:
            raise _refuse(
                f"{path}/{name}", f"datasets declare {total} bytes in total, over the limit of {budget} bytes"
            )


def _walk(h5file: Any, h5py: Any) -> dict[str, list[tuple[str, Any, np.dtype, int, bool]]]:
    """Validate the whole tree without reading data.

    Returns ``{vars group path: [(dataset name, dataset, dtype, declared bytes, filtered)]}`` in
    numeric dataset order.
    """
    groups: dict[str, list[tuple[str, Any, np.dtype, int, bool]]] = {}
    seen: set[int] = {hash(h5file["/"].id)}
    count = 0
    stack: list[tuple[str, Any, int]] = [("", h5file, 0)]
    while stack:
        path, group, depth = stack.pop()
        datasets: list[tuple[str, Any, np.dtype, int, bool]] = []
        for name in group:
            child_path = f"{path}/{name}" if path else name
            count += 1
            if count > MAX_OBJECTS:
                raise _refuse(child_path, f"the file holds more than {MAX_OBJECTS} objects")
            link = group.get(name, getlink=True)
            if isinstance(link, h5py.ExternalLink):
                raise _refuse(
                    child_path,
                    f"external link to '{link.filename}:{link.path}' (links to other files are not followed)",
                )
            if isinstance(link, h5py.SoftLink):
                raise _refuse(child_path, f"soft link to '{link.path}' (links are not followed)")
            if not isinstance(link, h5py.HardLink):
                raise _refuse(child_path, f"unsupported link type {type(link).__name__}")
            kind = group.get(name, getclass=True)
            if kind is h5py.Group:
                if depth + 1 > MAX_DEPTH:
                    raise _refuse(child_path, f"groups nested deeper than {MAX_DEPTH} levels")
                child = group[name]
                key = hash(child.id)
                if key in seen:
                    raise _refuse(child_path, "a group reachable by two paths (hard-link alias or cycle)")
                seen.add(key)
                stack.append((child_path, child, depth + 1))
            elif kind is h5py.Dataset:
                if path.split("/")[-1] != "vars":
                    continue  # Keras keeps datasets only in `vars` groups; others are never read
                datasets.append(_check_dataset(child_path, name, group[name], h5py))
            else:
                raise _refuse(child_path, f"unexpected object of type {getattr(kind, '__name__', kind)}")
        if path.split("/")[-1] == "vars":
            groups[path] = _ordered(path, datasets)
    return groups


def _check_dataset(path: str, name: str, dset: Any, h5py: Any) -> tuple[str, Any, np.dtype, int, bool]:
    if dset.is_virtual:
        raise _refuse(path, "virtual dataset (it maps data from other datasets or files)")
    if dset.external:
        files = ", ".join(str(entry[0]) for entry in dset.external)
        raise _refuse(path, f"dataset with external storage in {files} (data outside the file is not read)")
    dtype = _allowed_dtype(dset, h5py)
    if dtype is None:
        raise _refuse(path, _dtype_reason(dset.dtype))
    if dset.shape is None:
        raise _refuse(path, "dataset with an empty (null) dataspace")
    declared = math.prod(dset.shape) * dset.dtype.itemsize
    filtered = dset.id.get_create_plist().get_nfilters() > 0
    return name, dset, dtype, declared, filtered


def _ordered(path: str, datasets: list[tuple[str, Any, np.dtype, int, bool]]) -> list[Any]:
    """Datasets in Keras's order: ``0, 1, ...`` numerically (all numbers, none missing), other names by name.

    Names other than numbers come from layers that save their own state by name (``save_own_variables``).
    """
    names = [entry[0] for entry in datasets]
    numbers = sorted(int(n) for n in names if n.isdigit() and n == str(int(n)))
    if numbers != list(range(len(numbers))):
        raise _refuse(path, f"numbered datasets of a `vars` group must be 0..{len(numbers) - 1}, found {sorted(names)}")
    for name in names:
        if not (name.isdigit() or _STORE_KEY.fullmatch(name)):
            raise _refuse(path, f"dataset name {name!r} is not a number or a short identifier")
    return sorted(datasets, key=lambda entry: _key_order(entry[0]))


def _key_order(name: str) -> tuple[bool, int, str]:
    return (not name.isdigit(), int(name) if name.isdigit() else 0, name)


def _read(dset: Any, dtype: np.dtype) -> np.ndarray:
    data = np.asarray(dset[()])
    if dtype.name == "bfloat16":
        return data.view(dtype)
    return data.astype(dtype, copy=False)


def read_h5_weights(source: Source, *, max_bytes: int | None = None) -> dict[str, list[np.ndarray]]:
    """Read every ``vars`` group of a Keras 3 HDF5 weights file as lists of arrays (see ``read_h5_stores``).

    Raises:
        ValueError: as ``read_h5_stores``, and for a group holding arrays saved by name (a layer's own
            ``save_own_variables``), which only ``read_h5_stores`` returns.
    """
    stores = read_h5_stores(source, max_bytes=max_bytes)
    out: dict[str, list[np.ndarray]] = {}
    for path, store in stores.items():
        named = [k for k in store if not k.isdigit()]
        if named:
            raise _refuse(path, f"arrays saved by name {named} (a layer's own save_own_variables)")
        out[path] = list(store.values())
    return out


def read_h5_stores(source: Source, *, max_bytes: int | None = None) -> dict[str, dict[str, np.ndarray]]:
    """Read every ``vars`` group of a Keras 3 HDF5 weights file.

    Args:
        source: a path, or a readable and seekable binary file object (e.g. a ``BytesIO`` of the
            ``model.weights.h5`` member of a ``.keras`` archive).
        max_bytes: the most bytes that all datasets may declare together. Default: 4 times the file's
            size plus 1 MiB; when some datasets are compressed (they may legitimately expand past the
            file's size), 8 times the file's size plus 16 MiB, at most ``ABSOLUTE_MAX_BYTES``.

    Returns:
        ``{"layers/dense/vars": {"0": kernel, "1": bias}, ...}``: each ``vars`` group's path (``"vars"``
        for the root object) mapped to its datasets by name, numbers first in numeric order.

    Raises:
        ValueError: the file is not HDF5, is truncated or corrupt, or holds something refused (a link,
            external storage, a virtual or non-numeric dataset, too much declared data, too deep or too
            many objects); the message names the offending path and the reason. Nothing is read
            before the whole file has been checked.
        ImportError: h5py is missing.
    """
    with _open_checked(source) as (h5py, h5file, size):
        groups = _walk(h5file, h5py)
        _check_declared(groups.items(), size, max_bytes, alone=True)
        return {path: {name: _read(dset, dtype) for name, dset, dtype, _, _ in items} for path, items in groups.items()}


def _writable_dtype(path: str, array: np.ndarray) -> None:
    kind = array.dtype.kind
    if array.dtype.name == "bfloat16":
        return
    if (
        kind == "b"
        or (kind in "iu" and array.dtype.itemsize <= 8)
        or (kind == "f" and array.dtype.itemsize in (2, 4, 8))
    ):
        return
    raise ValueError(f"Cannot write weights group '{path}': dtype {array.dtype} is not a numeric weight dtype.")


def _check_group_path(path: str) -> None:
    parts = path.split("/")
    if parts[-1] != "vars" or any(not p for p in parts) or any(p in (".", "..") for p in parts):
        raise ValueError(
            f"Weights group path {path!r} is not a Keras `vars` path (e.g. 'layers/dense/vars', or 'vars')."
        )


def _write(h5file: Any, groups: Mapping[str, Mapping[str, np.ndarray]], names: Mapping[str, str]) -> None:
    for path, store in groups.items():
        vars_group = h5file.require_group(path)
        if path in names:
            vars_group.attrs["name"] = names[path]
        for key, array in store.items():
            dset = vars_group.create_dataset(key, data=array)
            if array.dtype.name == "bfloat16":
                dset.attrs["dtype"] = "bfloat16"


def write_h5_weights(
    target: str | os.PathLike[str] | IO[bytes],
    groups: Mapping[str, Sequence[Any] | Mapping[str, Any]],
    *,
    names: Mapping[str, str] | None = None,
) -> None:
    """Write weights in Keras 3's HDF5 layout.

    Args:
        target: a path (written atomically: a temporary file in the same folder, fsync, rename), or a
            writable, seekable binary file object (e.g. an empty ``BytesIO``).
        groups: ``{"layers/dense/vars": [kernel, bias], ...}``; each key is a ``vars`` path, each value
            the arrays (NumPy, JAX, or anything ``numpy.asarray`` takes) stored as ``"0"``, ``"1"``, ...,
            or a dict of arrays by name (what a layer's ``save_own_variables`` stored). An empty list
            writes an empty ``vars`` group, as Keras does for layers without weights.
        names: optional ``{vars path: layer name}``, stored as the group's ``name`` attribute.

    Raises:
        ValueError: a key is not a ``vars`` path, or an array is not numeric.
        ImportError: h5py is missing.
    """
    h5py = _import_h5py()
    prepared: dict[str, dict[str, np.ndarray]] = {}
    for path, arrays in groups.items():
        _check_group_path(path)
        items = arrays.items() if isinstance(arrays, Mapping) else enumerate(arrays)
        prepared[path] = {str(key): np.asarray(a) for key, a in items}
        for key, array in prepared[path].items():
            if not (key.isdigit() or _STORE_KEY.fullmatch(key)):
                raise ValueError(f"Cannot write weights group '{path}': {key!r} is not a short identifier.")
            _writable_dtype(path, array)
    names = dict(names or {})
    if not isinstance(target, str | os.PathLike):
        with h5py.File(target, "w") as h5file:
            _write(h5file, prepared, names)
        return
    with atomic_path(target) as tmp, h5py.File(tmp, "w") as h5file:
        _write(h5file, prepared, names)


# -- Keras's legacy HDF5 weights layout (``save_weights`` to ``.h5`` in Keras 2, the ImageNet files) --------
#
# The root (or its ``model_weights`` group, in a whole-model ``.h5``) has the attribute ``layer_names``
# (possibly split into ``layer_names0``, ``layer_names1``, ... when long); each named layer has a group
# with the attribute ``weight_names``, the paths of its weight datasets inside that group (for example
# ``conv1_conv/kernel:0``, stored as a subgroup ``conv1_conv`` holding the dataset ``kernel:0``).

MAX_LEGACY_NAME_CHUNKS = 1024
"""Most parts a split ``layer_names``/``weight_names`` attribute may have."""
_LEGACY_NAME = re.compile(r"[^/\x00]{1,512}")


def _legacy_strings(group: Any, attr: str, where: str) -> list[str]:
    """A legacy string-list attribute (``layer_names`` or ``weight_names``), joined from its parts."""
    if attr in group.attrs:
        parts = [group.attrs[attr]]
    else:
        parts = []
        while f"{attr}{len(parts)}" in group.attrs:
            if len(parts) >= MAX_LEGACY_NAME_CHUNKS:
                raise _refuse(where, f"attribute {attr!r} split into more than {MAX_LEGACY_NAME_CHUNKS} parts")
            parts.append(group.attrs[f"{attr}{len(parts)}"])
        if not parts:
            raise _refuse(where, f"no {attr!r} attribute (not a legacy Keras weights group)")
    names: list[str] = []
    for part in parts:
        array = np.asarray(part)
        if array.size == 0:
            continue  # Keras stores an empty name list as an empty float array
        if array.ndim > 1 or array.dtype.kind not in "SUO":
            raise _refuse(where, f"attribute {attr!r} is not a list of strings (dtype {array.dtype})")
        for item in array.reshape(-1):
            if isinstance(item, bytes | np.bytes_):
                try:
                    item = bytes(item).decode("utf8")
                except UnicodeDecodeError as err:
                    raise _refuse(where, f"attribute {attr!r} holds a name that is not UTF-8: {item!r}") from err
            if not isinstance(item, str):
                raise _refuse(where, f"attribute {attr!r} holds a {type(item).__name__}, not a string")
            names.append(str(item))
        if len(names) > MAX_OBJECTS:
            raise _refuse(where, f"attribute {attr!r} lists more than {MAX_OBJECTS} names")
    return names


def _legacy_member(group: Any, path: str, where: str, h5py: Any, kind: Any) -> Any:
    """``group[path]``, a ``kind`` reached by plain names (no ``..``, no absolute path)."""
    parts = path.split("/")
    if any(p in (".", "..") or not _LEGACY_NAME.fullmatch(p) for p in parts):
        raise _refuse(where, f"member name {path!r} is not a plain relative name")
    node = group
    for index, part in enumerate(parts):
        if part not in node:
            raise _refuse(where, f"member {path!r} is listed but missing")
        found = node.get(part, getclass=True)
        last = index == len(parts) - 1
        if (found is not kind) if last else (found is not h5py.Group):
            raise _refuse(where, f"member {path!r} is not a {'dataset' if kind is h5py.Dataset else 'group'}")
        node = node[part]
    return node


def read_legacy_h5_weights(source: Source, *, max_bytes: int | None = None) -> list[tuple[str, list[tuple[str, Any]]]]:
    """Read a weights file in Keras's legacy HDF5 layout (the layout of Keras's published ImageNet files).

    Args:
        source: a path, or a readable and seekable binary file object.
        max_bytes: the most bytes that all weight datasets may declare together; the default is as
            for ``read_h5_stores``.

    Returns:
        ``[(layer name, [(weight name, array), ...]), ...]`` for every layer in the file's
        ``layer_names`` order, layers without weights included (with an empty list).

    Raises:
        ValueError: the file is not HDF5, is truncated or corrupt, is not in the legacy layout (no
            ``layer_names``), or holds something refused (a link, external storage, a virtual or
            non-numeric dataset, too much declared data, a listed member that is missing or not a
            plain relative name); the message names the offending member. Nothing is read before the
            whole file has been checked.
        ImportError: h5py is missing.
    """
    with _open_checked(source) as (h5py, h5file, size):
        _walk(h5file, h5py)  # refuses links, cycles, deep nesting and too many objects anywhere
        root, where = h5file, ""
        if not any(k.startswith("layer_names") for k in root.attrs) and "model_weights" in root:
            root, where = _legacy_member(root, "model_weights", "model_weights", h5py, h5py.Group), "model_weights"
        layer_names = _legacy_strings(root, "layer_names", where or "(root)")
        entries: list[tuple[str, list[tuple[str, Any, np.dtype, int, bool]]]] = []
        for layer_name in layer_names:
            layer_where = f"{where}/{layer_name}" if where else layer_name
            group = _legacy_member(root, layer_name, layer_where, h5py, h5py.Group)
            weights = []
            for weight_name in _legacy_strings(group, "weight_names", layer_where):
                weight_where = f"{layer_where}/{weight_name}"
                dset = _legacy_member(group, weight_name, weight_where, h5py, h5py.Dataset)
                weights.append(_check_dataset(weight_where, weight_name, dset, h5py))
            entries.append((layer_name, weights))
        _check_declared(entries, size, max_bytes, alone=False)
        return [
            (layer_name, [(name, _read(dset, dtype)) for name, dset, dtype, _, _ in items])
            for layer_name, items in entries
        ]


def is_legacy_h5_weights(source: Source) -> bool:
    """Whether ``source`` is an HDF5 file in Keras's legacy weights layout (``layer_names`` at the root
    or in ``model_weights``); False for anything else, Keras 3's ``.weights.h5`` layout included."""
    h5py = _import_h5py()
    try:
        size = _source_size(source)
        if size == 0 or not _has_signature(source, size):
            return False
        with h5py.File(source, "r") as h5file:
            if any(k.startswith("layer_names") for k in h5file.attrs):
                return True
            if h5file.get("model_weights", getclass=True, getlink=False) is h5py.Group:
                link = h5file.get("model_weights", getlink=True)
                if isinstance(link, h5py.HardLink):
                    return any(k.startswith("layer_names") for k in h5file["model_weights"].attrs)
            return False
    except (OSError, RuntimeError, KeyError, ValueError):
        return False
