"""Orbax checkpoints: the state tree ``OrbaxCheckpoint`` saves, and reading it back (``load_weights``/``load_model``).

A checkpoint is a directory of numbered step folders, each holding the items Keras 3's callback writes:
``pytree`` (the arrays), ``model_config`` (``{"config": <the model's JSON config>}``) and, when layers wrote
any, ``assets`` (a nested dict of byte arrays mirroring the asset folders). The ``pytree`` item has Keras's
four groups, ``trainable_variables``, ``non_trainable_variables``, ``optimizer_variables`` and
``metrics_variables``. Inside them kerax keys the weights by the object paths of Keras's saving walk and the
variable's name (``{"layers": {"dense": {"kernel": ...}}}``): unlike variable paths (which repeat where two
nested models hold layers of the same name), these are unique in every model and do not depend on layer
names, so a checkpoint restores into a fresh instance of the same architecture. The optimizer's variables
are a list in ``optimizer.variables`` order under the optimizer's name, the metrics' variables are keyed by
metric name. Keras 3 keys its trees by variable path (``Model.get_state_tree``): kerax reads those too,
matching each variable by its path (kerax's paths are Keras's) when the object paths do not match, and the
optimizer's variables by their paths under the optimizer's name.

orbax-checkpoint is optional (``pip install 'kerax[orbax]'``); it is imported only here, on first use.
"""

from __future__ import annotations

import os
import warnings
from typing import Any

import jax
import numpy as np

from kerax._serialization import _registry
from kerax._serialization._serialize import deserialize_keras_object
from kerax.backend._variables import AllocationBudget
from kerax.saving import _assets
from kerax.saving._keras_paths import keras_objects, unique_name
from kerax.saving._state_tree import GROUPS, METRICS, NON_TRAINABLE, OPTIMIZER, TRAINABLE, flatten, nest
from kerax.saving._weights import lossless_cast

PYTREE = "pytree"
MODEL_CONFIG = "model_config"
ASSETS = "assets"
# Entries of a step folder that mark an Orbax checkpoint (Keras 3 looks for the same).
_MARKERS = ("_CHECKPOINT_METADATA", "orbax.checkpoint", "pytree.orbax-checkpoint", "checkpoint_metadata", PYTREE)


def orbax(who: str) -> Any:
    """``orbax.checkpoint``, or an ImportError telling ``who``'s user what to install."""
    try:
        import orbax.checkpoint as ocp
    except ImportError as err:
        raise ImportError(
            f"{who} needs the optional package orbax-checkpoint, which is not installed ({err}). "
            "Install it with `pip install 'kerax[orbax]'` (or `pip install orbax-checkpoint`)."
        ) from None
    return ocp


# -- the state tree ----------------------------------------------------------------------------------------
def _twice(key: str) -> str:
    return f"OrbaxCheckpoint: the state key {key!r} appears twice (or inside another key); keys must be unique paths."


def variable_keys(model: Any) -> dict[int, str]:
    """The key of each of ``model``'s variables (weights and seed-generator states), by ``id``.

    A key is the object path of Keras's saving walk (``layers/dense``) and the variable's name, made unique
    within its object (``kernel``, ``seed_generator_state``); a variable the walk does not reach is keyed by
    its position in ``model.variables`` (``variables/3``).
    """
    keys: dict[int, str] = {}
    for path, obj in keras_objects(model).items():
        used: dict[str, int] = {}
        states = [g.state for g in obj.__dict__.get("_seed_generators", ())]
        for var in [*obj._own_weights(), *states]:
            if id(var) not in keys:
                name = unique_name(str(var.name).replace("/", "_") or "variable", used)
                keys[id(var)] = f"{path}/{name}" if path else name
    for i, var in enumerate(model.variables):
        keys.setdefault(id(var), f"variables/{i}")
    return keys


def _metric_entries(model: Any) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    used: dict[str, int] = {}
    for metric in model.metrics:
        prefix = unique_name(str(metric.name).replace("/", "_"), used)
        names: dict[str, int] = {}
        for var in metric.variables:
            flat[f"{prefix}/{unique_name(str(var.name).replace('/', '_'), names)}"] = var
    return flat


def state_tree(model: Any, weights_only: bool) -> dict[str, Any]:
    """The arrays a checkpoint of ``model`` holds, in Keras's four groups (two with ``weights_only``)."""
    keys = variable_keys(model)
    tree = {
        TRAINABLE: nest(((keys[id(v)], v.value) for v in model.trainable_variables), _twice),
        NON_TRAINABLE: nest(((keys[id(v)], v.value) for v in model.non_trainable_variables), _twice),
    }
    if weights_only:
        return tree
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None and optimizer.built:
        tree[OPTIMIZER] = {str(optimizer.name): [v.value for v in optimizer.variables]}
    else:
        tree[OPTIMIZER] = {}
    tree[METRICS] = nest(((k, v.value) for k, v in _metric_entries(model).items()), _twice)
    return tree


def assets_tree(model: Any) -> dict[str, Any] | None:
    """What ``model``'s layers write with ``save_assets``, as a nested dict of uint8 arrays (None if nothing)."""
    members = _assets.collect(model)
    if not members:
        return None
    flat = {name[len(_assets.PREFIX) :]: np.frombuffer(data, np.uint8) for name, data in members.items()}
    return nest(flat.items(), _twice)


# -- finding a checkpoint ----------------------------------------------------------------------------------
def is_checkpoint(path: str) -> bool:
    """Whether ``path`` is an Orbax checkpoint: a folder of numbered step folders, or one step folder."""
    if not os.path.isdir(path):
        return False
    try:
        entries = os.listdir(path)
    except OSError:
        return False
    if any(marker in entries for marker in _MARKERS):
        return True
    return any(e.isdigit() and os.path.isdir(os.path.join(path, e)) for e in entries)


def _is_step_folder(path: str) -> bool:
    return os.path.isdir(os.path.join(path, PYTREE)) or os.path.isfile(os.path.join(path, "_CHECKPOINT_METADATA"))


def latest_step(directory: str, who: str) -> int | None:
    """The newest complete step saved in ``directory`` (None when there is none)."""
    ocp = orbax(who)
    manager = ocp.CheckpointManager(directory, options=ocp.CheckpointManagerOptions(read_only=True, create=False))
    try:
        return manager.latest_step()
    finally:
        manager.close()


def step_folder(path: str, who: str) -> str:
    """The step folder to read: ``path`` itself when it is one, else the newest step saved under it."""
    path = os.path.abspath(path)
    if _is_step_folder(path):
        return path
    step = latest_step(path, who)
    if step is None:
        raise ValueError(f"{who}: the Orbax checkpoint directory {path!r} holds no complete step.")
    return os.path.join(path, str(step))


# -- reading -----------------------------------------------------------------------------------------------
def _metadata_tree(handler: Any, location: str) -> Any:
    from etils import epath  # orbax-checkpoint's own dependency

    metadata = handler.metadata(epath.Path(location))
    return getattr(metadata, "tree", metadata)


def _read_item(folder: str, item: str, who: str, as_numpy: bool = True) -> Any:
    """The pytree saved as ``item`` in the step ``folder``, arrays as NumPy arrays (None if there is none)."""
    ocp = orbax(who)
    location = os.path.join(folder, item)
    if not os.path.isdir(location):
        return None
    handler = ocp.PyTreeCheckpointHandler()
    tree = _metadata_tree(handler, location)
    restore_args = jax.tree_util.tree_map(
        lambda m: (
            ocp.RestoreArgs(restore_type=np.ndarray)
            if as_numpy and hasattr(m, "shape") and hasattr(m, "dtype")
            else ocp.RestoreArgs()
        ),
        tree,
    )
    checkpointer = ocp.Checkpointer(handler)
    try:
        return checkpointer.restore(location, args=ocp.args.PyTreeRestore(restore_args=restore_args))
    finally:
        checkpointer.close()


def _keys_for(model: Any, wanted: list[Any], flat: dict[str, Any]) -> dict[int, str]:
    """kerax's object-path keys, else the first keying by variable path that names every variable.

    Keras 3 keys its checkpoints by variable path. The paths of a model built from its config lack the
    model's name where those of the model that was saved had it (``dense/kernel`` against
    ``sequential/dense/kernel``: a loaded model's layers are built before the model), so the paths with the
    model's name in front are tried too.
    """
    keys = variable_keys(model)
    if all(keys[id(v)] in flat for v in wanted):
        return keys
    prefix = f"{model.name}/"
    for paths in (
        {id(v): v.path for v in wanted},
        {id(v): v.path if v.path.startswith(prefix) else prefix + v.path for v in wanted},
    ):
        if len(set(paths.values())) == len(wanted) and all(path in flat for path in paths.values()):
            return paths
    return keys


def _plan_variables(model: Any, saved: dict[str, Any], where: str, problems: list[str]) -> list[tuple[Any, np.ndarray]]:
    flat: dict[str, Any] = {}
    for group in (TRAINABLE, NON_TRAINABLE):  # matched across both: freezing a layer moves its weights
        flat.update(flatten(saved.get(group) or {}))
    wanted = [*model.trainable_variables, *model.non_trainable_variables]
    keys = _keys_for(model, wanted, flat)
    plan: list[tuple[Any, np.ndarray]] = []
    used: set[str] = set()
    for var in wanted:
        key = keys[id(var)]
        if key not in flat:
            problems.append(f"{key} (shape {tuple(var.shape)}) is not in the checkpoint")
            continue
        used.add(key)
        value = np.asarray(flat[key])
        if tuple(value.shape) != tuple(var.shape):
            problems.append(f"{key}: the model expects shape {tuple(var.shape)}, the checkpoint holds {value.shape}")
            continue
        try:
            plan.append((var, lossless_cast(value, var.dtype, f"{where}: {key}")))
        except ValueError as err:
            problems.append(str(err).rstrip("."))
    unexpected = sorted(set(flat) - used)
    if unexpected:
        problems.append(f"the checkpoint holds variables the model does not have: {unexpected[:10]}")
    return plan


def _plan_optimizer(model: Any, saved: Any, where: str, problems: list[str]) -> list[tuple[Any, np.ndarray]]:
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or not isinstance(saved, dict) or not saved:
        return []  # as in Keras: an uncompiled model takes the weights only
    if len(saved) != 1:
        problems.append(f"the optimizer state must hold one optimizer, it holds {sorted(saved)}")
        return []
    ((name, values),) = saved.items()
    if not isinstance(values, list | tuple | dict):
        problems.append(f"the optimizer state of {name!r} is neither a list of arrays nor a dict of them")
        return []
    if not optimizer.built:
        optimizer.build(model.trainable_variables)
    variables = optimizer.variables
    if isinstance(values, dict):  # Keras's layout: keyed by the optimizer variables' paths under its name
        by_path = flatten(saved)

        def saved_path(path: str) -> str:
            # A slot of a loaded model's variable lacks the model's name its saved twin had (see _keys_for).
            head, _, tail = path.partition("/")
            prefixed = f"{head}/{model.name}_{tail}"
            return prefixed if path not in by_path and prefixed in by_path else path

        paths = [saved_path(v.path) for v in variables]
        missing = [path for path in paths if path not in by_path]
        if missing:
            problems.append(
                f"the checkpoint's optimizer {name!r} lacks variables of this model's {type(optimizer).__name__} "
                f"'{optimizer.name}': {missing[:10]}"
            )
            return []
        values = [by_path[path] for path in paths]
    if len(values) != len(variables):
        problems.append(
            f"the checkpoint's optimizer {name!r} has {len(values)} variables, this model's {type(optimizer).__name__} "
            f"'{optimizer.name}' has {len(variables)} (was it saved with another optimizer?)"
        )
        return []
    plan = []
    for i, (var, value) in enumerate(zip(variables, values, strict=True)):
        value = np.asarray(value)
        if tuple(value.shape) != tuple(var.shape):
            problems.append(
                f"optimizer variable {i} ({var.name}) has shape {tuple(var.shape)}, the checkpoint {value.shape}"
            )
            continue
        try:
            plan.append((var, lossless_cast(value, var.dtype, f"{where}: optimizer variable {i} ({var.name})")))
        except ValueError as err:
            problems.append(str(err).rstrip("."))
    return plan


def _plan_metrics(model: Any, saved: Any) -> list[tuple[Any, np.ndarray]]:
    # Metrics are reset when an epoch begins and are built by the first fit: what fits is restored, the rest left.
    flat = flatten(saved) if isinstance(saved, dict) else {}
    plan = []
    for key, var in _metric_entries(model).items():
        value = flat.get(key)
        if value is not None and tuple(np.shape(value)) == tuple(var.shape):
            plan.append((var, np.asarray(value).astype(var.dtype)))
    return plan


def restore_state(model: Any, tree: Any, where: str, skip_mismatch: bool = False) -> None:
    """Assign a checkpoint's state tree to ``model``; every check runs before the first assignment."""
    if not isinstance(tree, dict) or not set(tree) <= set(GROUPS):
        found = sorted(tree) if isinstance(tree, dict) else type(tree).__name__
        raise ValueError(f"{where}: expected a state tree with groups {list(GROUPS)}, found {found}.")
    problems: list[str] = []
    plan = _plan_variables(model, tree, where, problems)
    if not problems or skip_mismatch:  # (planning the optimizer's state may build the optimizer)
        plan += _plan_optimizer(model, tree.get(OPTIMIZER), where, problems)
    if problems:
        message = f"Cannot restore the checkpoint {where} into model '{model.name}': " + "; ".join(problems) + "."
        if not skip_mismatch:
            raise ValueError(message)
        warnings.warn(message + " Those variables are skipped.", stacklevel=3)
    plan += _plan_metrics(model, tree.get(METRICS))
    for var, value in plan:
        var.assign(value)


def load_weights(model: Any, path: str, skip_mismatch: bool = False) -> None:
    """Restore ``model``'s variables (and, when compiled, its optimizer's and metrics') from a checkpoint.

    ``path`` is the checkpoint directory (its newest step is read) or one step folder.
    """
    folder = step_folder(path, "load_weights")
    tree = _read_item(folder, PYTREE, "load_weights")
    if tree is None:
        raise ValueError(f"load_weights: the Orbax step folder {folder!r} has no '{PYTREE}' item.")
    restore_state(model, tree, folder, skip_mismatch=skip_mismatch)


def _held_bytes(folder: str) -> int:
    ocp = orbax("load_model")
    tree = _metadata_tree(ocp.PyTreeCheckpointHandler(), os.path.join(folder, PYTREE))
    return sum(
        int(np.prod(m.shape, dtype=np.int64)) * np.dtype(m.dtype).itemsize
        for m in jax.tree_util.tree_leaves(tree)
        if hasattr(m, "shape") and hasattr(m, "dtype")
    )


def config_of(folder: str) -> dict[str, Any]:
    """The model config saved in a step folder, checked as a ``.kerax`` file's ``config.json`` is."""
    from kerax.saving._api import _json  # _api imports this module

    item = _read_item(folder, MODEL_CONFIG, "load_model", as_numpy=False)
    if item is None:
        raise ValueError(
            f"load_model: the checkpoint {folder!r} holds no model configuration (was it saved with "
            "save_weights_only=True?); build the model in code and call model.load_weights() instead."
        )
    text = item.get("config") if isinstance(item, dict) else None
    if not isinstance(text, str):
        raise ValueError(f"load_model: {folder}: '{MODEL_CONFIG}' must hold a JSON string under 'config'.")
    config = _json(text.encode(), f"{folder}: {MODEL_CONFIG}")
    if not isinstance(config, dict):
        raise ValueError(f"load_model: {folder}: the model config must be an object, received {type(config).__name__}.")
    return config


def load_model(path: str, custom_objects: dict[str, Any] | None, compile: bool) -> Any:  # noqa: A002
    """The model a checkpoint describes, built from its config, with its state (optimizer's too when compiled)."""
    # _api imports this module, so its helpers are imported on use
    from kerax.saving._api import BUILD_BYTES_PER_WEIGHT_BYTE, BUILD_SLACK_BYTES, _refusing

    folder = step_folder(path, "load_model")
    config = config_of(folder)
    compile_config = config.pop("compile_config", None)
    held = _held_bytes(folder)
    budget = AllocationBudget(BUILD_BYTES_PER_WEIGHT_BYTE * held + BUILD_SLACK_BYTES, f"load_model: {folder}", held)
    with _refusing(f"{folder}: {MODEL_CONFIG}"), budget:
        model = deserialize_keras_object(config, custom_objects)
    if not isinstance(model, _registry.builtin_class("kerax.models", "Model")):  # registered by kerax.models
        raise ValueError(f"load_model: {folder} describes a {type(model).__name__}, not a model.")
    if not model.built:
        raise ValueError(f"load_model: {folder}: model '{model.name}' could not be built from its build_config.")
    if compile and compile_config:
        if not isinstance(compile_config, dict):
            raise ValueError(f"load_model: {folder}: 'compile_config' must be an object.")
        with _refusing(f"{folder}: {MODEL_CONFIG} (compile_config)"):
            model.compile_from_config(compile_config)
    tree = _read_item(folder, PYTREE, "load_model")
    if not (compile and compile_config) and isinstance(tree, dict):
        tree = {k: v for k, v in tree.items() if k in (TRAINABLE, NON_TRAINABLE)}
    restore_state(model, tree, folder)
    assets = _read_item(folder, ASSETS, "load_model")
    if assets:
        members = {
            _assets.PREFIX + name: np.asarray(data, np.uint8).tobytes() for name, data in flatten(assets).items()
        }
        with _refusing(f"{folder}: {ASSETS}"):
            _assets.restore(model, members)
    return model
