"""``save_model``, ``load_model``, ``save_weights``, ``load_weights``: kerax's format and Keras 3's.

``name.kerax`` is a zip of ``metadata.json``, ``config.json`` (Keras 3's schema) and
``model.weights.safetensors`` (the weights, then the optimizer's state). ``name.keras`` is Keras 3's own
zip, with ``model.weights.h5`` (read and written through ``_h5``, which needs the optional h5py).
"""

from __future__ import annotations

import contextlib
import datetime
import io
import json
import os
import warnings
from collections.abc import Iterator
from typing import Any

from kerax._serialization import _registry
from kerax._serialization._registry import UnsafeConfigError
from kerax._serialization._serialize import check_config_depth, deserialize_keras_object, serialize_keras_object
from kerax._version import __version__
from kerax.backend._naming import to_snake_case
from kerax.backend._variables import AllocationBudget
from kerax.saving import _assets, _h5, _keras_dialect, _keras_paths, _weights, _zip

_KERAX_WEIGHTS = "model.weights.safetensors"
_KERAS_WEIGHTS = "model.weights.h5"
_MEMBERS = {"metadata.json", "config.json", _KERAX_WEIGHTS, _KERAS_WEIGHTS}
# Building a loaded model may create at most this many bytes of weights per byte of weights in its file
# (a file may store float16 weights for a float32 model), plus a little for state no file holds.
BUILD_BYTES_PER_WEIGHT_BYTE = 2
BUILD_SLACK_BYTES = 16 << 20
# Keras 3 checks this to accept a file; it is the version whose format kerax writes.
KERAS_FORMAT_VERSION = "3.15.1"


def as_path(filepath: Any, who: str) -> str:
    """``filepath`` as a str, or a clear error naming ``who`` expected a path."""
    try:
        path = os.fspath(filepath)
    except TypeError:
        raise TypeError(f"{who}: expected a file path (str or os.PathLike), received {filepath!r}.") from None
    if not isinstance(path, str) or not path:
        raise ValueError(f"{who}: expected a non-empty file path, received {filepath!r}.")
    return path


def _saves_whole(obj: Any) -> bool:
    """Whether ``obj`` is what a model file holds: a Model, or a ``FeatureSpace`` (which Keras saves alone too).

    Both classes sit above saving: they are found where kerax.models and kerax.utils registered them.
    """
    wholes = (_registry.builtin_class("kerax.models", "Model"), _registry.builtin_class("kerax.utils", "FeatureSpace"))
    return isinstance(obj, tuple(cls for cls in wholes if cls is not None))


def _check_model(model: Any, who: str) -> None:
    if not _saves_whole(model):
        raise TypeError(f"{who}: expected a kerax Model or FeatureSpace, received {type(model).__name__}.")
    if not model.built:
        raise ValueError(
            f"{who}: model '{model.name}' is not built yet, so it has no weights to save. Call it on data, "
            "fit it, or call model.build(input_shape) first."
        )


# -- saving ----------------------------------------------------------------------------------------------
def _model_config(model: Any) -> dict[str, Any]:
    config = serialize_keras_object(model)
    compile_config = model.get_compile_config() if hasattr(model, "get_compile_config") else None
    if compile_config is not None:
        config["compile_config"] = serialize_keras_object(compile_config)  # a model's own may hold objects
    return config


def save_model(model: Any, filepath: Any, overwrite: bool = True, **kwargs: Any) -> None:
    """Save ``model`` to ``filepath``: ``.kerax`` (kerax's format) or ``.keras`` (a file Keras 3 loads).

    The file is written to a temporary name and renamed into place, so an interrupted save leaves any
    previous file intact (see ``_zip.atomic_path``).

    Args:
        model: the built model.
        filepath: the file to write.
        overwrite: whether an existing file may be replaced. Defaults to ``True``.
        **kwargs: ``include_optimizer`` (default True) saves the optimizer's state; ``save_format`` is
            accepted and ignored, as in Keras.

    Raises:
        ValueError: the name ends in neither ``.kerax`` nor ``.keras``, the model is not built, or the path
            is a directory (``PathIsADirectoryError``, an ``IsADirectoryError`` too).
        FileExistsError: the file exists and ``overwrite`` is False.
    """
    path = as_path(filepath, "save")
    _check_model(model, "save")
    include_optimizer = kwargs.pop("include_optimizer", True)
    kwargs.pop("save_format", None)
    if kwargs:
        raise TypeError(f"save: unexpected argument(s) {sorted(kwargs)}.")
    saved = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d@%H:%M:%S")
    config = _model_config(model)
    if not include_optimizer:
        config.pop("compile_config", None)
    if path.endswith(".kerax"):
        members = {
            "metadata.json": json.dumps(
                {"kerax_version": __version__, "format": "kerax", "date_saved": saved}
            ).encode(),
            "config.json": json.dumps(config).encode(),
            _KERAX_WEIGHTS: _weights.encode(model, include_optimizer=include_optimizer),
        }
    elif path.endswith(".keras"):
        groups = _keras_paths.keras_h5_groups_of(model)
        if include_optimizer and getattr(model, "compiled", False):
            # Keras 3 refuses a compiled model's file whose optimizer variables are missing.
            model.optimizer.build(model.trainable_weights)
            groups["optimizer/vars"] = [_weights._host(v) for v in model.optimizer.variables]
            used: dict[str, int] = {}
            for inner in getattr(model.optimizer, "optimizers", ()):  # a MultiOptimizer's, as Keras also lists them
                name = _keras_paths.unique_name(to_snake_case(type(inner).__name__), used)
                groups[f"optimizer/optimizers/{name}/vars"] = [_weights._host(v) for v in inner.variables]
        weights = io.BytesIO()
        _h5.write_h5_weights(weights, groups)
        metadata = {"keras_version": KERAS_FORMAT_VERSION, "date_saved": saved, "saved_by": f"kerax {__version__}"}
        members = {
            "metadata.json": json.dumps(metadata).encode(),
            "config.json": json.dumps(_keras_dialect.to_keras(config, top_level=True)).encode(),
            _KERAS_WEIGHTS: weights.getvalue(),
        }
    else:
        raise ValueError(
            f"save: the file name must end in '.kerax' (kerax's format) or '.keras' (Keras 3's format); "
            f"received {path!r}. Use save_weights() for weights only."
        )
    members.update(_assets.collect(model))
    _zip.atomic_write(path, lambda f: _zip.write_archive(f, members), overwrite=overwrite)


def save_weights(model: Any, filepath: Any, overwrite: bool = True) -> None:
    """Save ``model``'s weights: ``.weights.safetensors`` (kerax) or ``.weights.h5`` (Keras 3's layout).

    Args:
        model: the built model.
        filepath: the file to write (atomically, as ``save_model``).
        overwrite: whether an existing file may be replaced. Defaults to ``True``.

    Raises:
        ValueError: the name has neither suffix, the model is not built, or the path is a directory.
        FileExistsError: the file exists and ``overwrite`` is False.
    """
    path = as_path(filepath, "save_weights")
    _check_model(model, "save_weights")
    if path.endswith(".safetensors"):
        data = _weights.encode(model)
        _zip.atomic_write(path, lambda f: f.write(data), overwrite=overwrite)
    elif path.endswith(".weights.h5"):
        if not overwrite and os.path.exists(path):
            raise FileExistsError(f"{path} exists and overwrite=False.")
        _h5.write_h5_weights(path, _keras_paths.keras_h5_groups_of(model))
    else:
        raise ValueError(
            "save_weights: the file name must end in '.weights.safetensors' (kerax) or '.weights.h5' "
            f"(Keras 3's layout); received {path!r}."
        )


# -- loading ---------------------------------------------------------------------------------------------
def _open_archive(path: str, who: str) -> dict[str, bytes]:
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{who}: no file at {path!r}.")
    return _zip.read_archive(path, _MEMBERS, path, prefixes=(_assets.PREFIX,))


def _archive_budget(path: str) -> int:
    """The most bytes the weights inside an archive may declare: as much as the archive's members may inflate to.

    A deflated member holding compressed HDF5 datasets would otherwise compound the two ratios.
    """
    return _zip.MAX_TOTAL_EXPANSION * os.path.getsize(path) + _zip.SMALL_MEMBER_BYTES


def _read_h5(source: Any, where: str, max_bytes: int | None = None) -> dict[str, Any]:
    """``read_h5_stores``, its refusals prefixed with the file (and member) they concern."""
    try:
        return _h5.read_h5_stores(source, max_bytes=max_bytes)
    except ValueError as err:
        raise ValueError(f"{where}: {err}") from err


def _json(data: bytes, what: str) -> Any:
    try:
        value = json.loads(data)
    except (ValueError, RecursionError) as err:
        raise ValueError(f"{what} is not valid JSON: {str(err)[:200]}") from None
    check_config_depth(value, what)
    return value


# What reading a hostile file may still raise from deep inside NumPy, JAX, h5py or a class's from_config
# (a size of 2**62, a list where a dict belongs): each becomes a ValueError naming the file and the member.
_ESCAPES = (
    ArithmeticError,
    AttributeError,
    LookupError,
    MemoryError,
    NotImplementedError,
    RecursionError,
    TypeError,
)


@contextlib.contextmanager
def _refusing(where: str) -> Iterator[None]:
    """Turn what a malformed file makes escape (see ``_ESCAPES``) into a ValueError naming ``where``."""
    try:
        yield
    except _ESCAPES as err:
        raise ValueError(f"{where} cannot be loaded: {type(err).__name__}: {str(err)[:300]}") from err


def load_model(
    filepath: Any, custom_objects: dict[str, Any] | None = None, compile: bool = True, safe_mode: bool = True
) -> Any:  # noqa: A002, E501
    """Load a model saved with ``save()``: a ``.kerax`` file, or a ``.keras`` file written by Keras 3.

    A directory written by ``callbacks.OrbaxCheckpoint`` loads too (its newest step, or the step folder given).

    Loading builds objects only from kerax's own classes, registered classes and ``custom_objects``:
    it never imports a module, calls a function named by the file, unpickles or runs bytecode.

    Args:
        filepath: the file.
        custom_objects: your classes and functions the file names (name to object). Defaults to ``None``.
        compile: compile the model as it was saved (optimizer state included), if it was compiled. Defaults to ``True``.
        safe_mode: accepted for Keras compatibility; kerax has no unsafe mode, and ``False`` is refused.
            Defaults to ``True``.

    Returns:
        The model, built, with its weights (and, with ``compile``, its optimizer's state).

    Raises:
        FileNotFoundError: there is no file at ``filepath``.
        TypeError: ``custom_objects`` is not a dict.
        ValueError: the file is refused: malformed, beyond the bounds of ``docs/saving_bounds.md``, naming
            what kerax does not build (``UnsafeConfigError``), or holding weights that do not fit (a lossy
            change of dtype included). The message names the file and the member.
    """
    path = as_path(filepath, "load_model")
    if safe_mode is not True:
        raise ValueError(
            "load_model: kerax has no unsafe mode: it never runs code stored in a file. Register the functions "
            "and classes the model needs (kerax.saving.register_keras_serializable) or pass custom_objects."
        )
    if custom_objects is not None and not isinstance(custom_objects, dict):
        raise TypeError(f"load_model: `custom_objects` must be a dict, received {type(custom_objects).__name__}.")
    from kerax.saving import _orbax  # it reads with this module's helpers, so it is imported on use

    if _orbax.is_checkpoint(path):  # a directory OrbaxCheckpoint wrote (or one of its steps)
        return _orbax.load_model(path, custom_objects, compile)
    if path.endswith(".h5") or path.endswith(".hdf5"):
        raise ValueError(
            f"load_model: {path!r} is a legacy HDF5 model file, which kerax does not read (its Lambda layers "
            "carry bytecode). Load it in Keras and re-save it as '.keras', or use load_weights() for weights."
        )
    with _refusing(path):
        members = _open_archive(path, "load_model")
    if "config.json" not in members:
        raise ValueError(f"load_model: {path} has no config.json; it is not a saved model.")
    config = _json(members["config.json"], f"{path}: config.json")
    if not isinstance(config, dict):
        raise ValueError(f"load_model: {path}: config.json must hold an object, received {type(config).__name__}.")
    compile_config = config.pop("compile_config", None)
    # The weights are read (within bounds set by the file's size) before the model is built, so that
    # building is held to what they need: a config asking for more is refused before it allocates.
    optimizer_vars = arrays = groups = None
    if _KERAX_WEIGHTS in members:
        where = f"{path}: {_KERAX_WEIGHTS}"
        with _refusing(where):
            arrays, metadata = _weights.decode(members[_KERAX_WEIGHTS], where)
        held = sum(a.nbytes for a in arrays.values())
    elif _KERAS_WEIGHTS in members:
        where = f"{path}: {_KERAS_WEIGHTS}"
        with _refusing(where):
            groups = _read_h5(io.BytesIO(members[_KERAS_WEIGHTS]), where, max_bytes=_archive_budget(path))
        optimizer_vars = groups.pop("optimizer/vars", None)
        optimizer_vars = None if optimizer_vars is None else list(optimizer_vars.values())
        held = sum(a.nbytes for store in groups.values() for a in store.values())
    else:
        raise ValueError(f"load_model: {path} holds no weights ({_KERAX_WEIGHTS} or {_KERAS_WEIGHTS}).")
    with (
        _refusing(f"{path}: config.json"),
        AllocationBudget(BUILD_BYTES_PER_WEIGHT_BYTE * held + BUILD_SLACK_BYTES, f"load_model: {path}", held),
    ):
        model = deserialize_keras_object(config, custom_objects)
    if not _saves_whole(model):
        raise ValueError(f"load_model: {path} describes a {type(model).__name__}, not a model or a FeatureSpace.")
    if not model.built:
        raise ValueError(f"load_model: {path}: model '{model.name}' could not be built from its build_config.")
    with _refusing(where):
        if arrays is not None:
            _weights.assign(model, arrays, metadata, path)
        else:
            _keras_paths.load_keras_h5_into(model, _weights.cast_h5_groups(model, groups, where))
    if compile and compile_config:
        if not isinstance(compile_config, dict):
            raise ValueError(
                f"load_model: {path}: config.json's 'compile_config' must be an object, "
                f"received {type(compile_config).__name__}."
            )
        with _refusing(f"{path}: config.json (compile_config)"):
            model.compile_from_config(compile_config)
        with _refusing(where):
            if arrays is not None:
                _weights.restore_optimizer(model, arrays, path)
            elif optimizer_vars:
                _restore_keras_optimizer(model, optimizer_vars, path)
    with _refusing(f"{path}: assets"):
        _assets.restore(model, members)
    return model


def _restore_keras_optimizer(model: Any, values: list[Any], path: str) -> None:
    if len(values) <= 2:
        return  # Keras saved an optimizer that never stepped: its iteration (0) and learning rate only
    optimizer = model.optimizer
    optimizer.build(model.trainable_weights)
    variables = optimizer.variables
    if len(variables) == len(values):  # a lossy change of dtype is refused; other misfits are warned about
        values = [
            _weights.lossless_cast(value, var.dtype, f"{path}: optimizer/vars/{i}")
            if tuple(value.shape) == tuple(var.shape)
            else value
            for i, (value, var) in enumerate(zip(values, variables, strict=True))
        ]
    try:
        optimizer.set_weights(values)
    except (ValueError, TypeError) as err:
        warnings.warn(f"{path}: the optimizer's saved state does not fit ({err}); it starts afresh.", stacklevel=3)


def load_weights(model: Any, filepath: Any, skip_mismatch: bool = False, by_name: bool = False) -> None:
    """Load weights into ``model`` from a ``.weights.safetensors``, ``.weights.h5``, ``.kerax`` or ``.keras`` file.

    A directory written by ``callbacks.OrbaxCheckpoint`` (its newest step, or the step folder given) restores
    the variables and, for a compiled model, the optimizer's state as well, as Keras does.

    Every shape and dtype is checked before anything is assigned: a file that does not fit leaves the model
    unchanged.

    Args:
        model: the built model.
        filepath: the file.
        skip_mismatch: skip (with a warning) weights whose shape does not fit or whose dtype change would
            lose values, instead of raising. Defaults to ``False``.
        by_name: match the weights of kerax's safetensors files by layer name rather than by position.
            Defaults to ``False``.

    Raises:
        FileNotFoundError: there is no file at ``filepath``.
        ValueError: the file is refused (malformed, beyond the bounds of ``docs/saving_bounds.md``) or its
            weights do not fit the model; the message names the file, the member and the weight.
    """
    path = as_path(filepath, "load_weights")
    _check_model(model, "load_weights")
    from kerax.saving import _orbax  # it reads with this module's helpers, so it is imported on use

    if _orbax.is_checkpoint(path):  # a directory OrbaxCheckpoint wrote (or one of its steps)
        if by_name:
            raise ValueError("load_weights: by_name=True applies to kerax's safetensors files, not Orbax checkpoints.")
        _orbax.load_weights(model, path, skip_mismatch=skip_mismatch)
        return
    if not os.path.isfile(path):
        raise FileNotFoundError(f"load_weights: no file at {path!r}.")
    if not path.endswith((".safetensors", ".h5", ".hdf5", ".kerax", ".keras")):
        raise ValueError(
            "load_weights: expected a '.weights.safetensors', '.weights.h5', '.kerax' or '.keras' file; "
            f"received {path!r}."
        )
    with _refusing(path):
        _load_weights_from(model, path, skip_mismatch, by_name)


def _load_weights_from(model: Any, path: str, skip_mismatch: bool, by_name: bool) -> None:
    if path.endswith(".safetensors"):
        with open(path, "rb") as f:
            arrays, metadata = _weights.decode(f.read(), path)
        _weights.assign(model, arrays, metadata, path, skip_mismatch=skip_mismatch, by_name=by_name)
    elif path.endswith(".h5") or path.endswith(".hdf5"):
        if by_name:
            raise ValueError("load_weights: by_name=True applies to kerax's safetensors files only.")
        groups = _read_h5(path, path)
        groups.pop("optimizer/vars", None)
        groups = _weights.cast_h5_groups(model, groups, path, skip_mismatch=skip_mismatch)
        _keras_paths.load_keras_h5_into(model, groups, skip_mismatch=skip_mismatch)
    else:
        members = _open_archive(path, "load_weights")
        if _KERAX_WEIGHTS in members:
            arrays, metadata = _weights.decode(members[_KERAX_WEIGHTS], f"{path}: {_KERAX_WEIGHTS}")
            _weights.assign(model, arrays, metadata, path, skip_mismatch=skip_mismatch, by_name=by_name)
        elif _KERAS_WEIGHTS in members:
            where = f"{path}: {_KERAS_WEIGHTS}"
            groups = _read_h5(io.BytesIO(members[_KERAS_WEIGHTS]), where, max_bytes=_archive_budget(path))
            groups.pop("optimizer/vars", None)
            groups = _weights.cast_h5_groups(model, groups, where, skip_mismatch=skip_mismatch)
            _keras_paths.load_keras_h5_into(model, groups, skip_mismatch=skip_mismatch)
        else:
            raise ValueError(f"load_weights: {path} holds no weights.")


__all__ = ["UnsafeConfigError", "load_model", "load_weights", "save_model", "save_weights"]
