"""Where Keras 3 stores each kerax layer's variables in an HDF5 weights file.

Keras 3 walks a model from the root (path ``""``): an object's own variables go to ``<path>/vars``
(trainable then non-trainable, in creation order); Sequential and Functional models then visit
``layers``, a list whose entries are named by their snake_case class name made unique in list order
(``dense``, ``dense_1``, ``input_layer``); every object then visits its attributes sorted by name,
private ones (``_x``) last, and the first path that reaches an object wins. A subclassed model also has
the attribute ``layers`` (the layers its attributes hold, in assignment order), so such a layer gets
the path ``layers/<class>_<n>`` when ``layers`` sorts before its attribute's name. kerax mirrors this
walk on its own objects, with these differences from Keras's structure:

- kerax's MultiHeadAttention holds the gate projection as ``gate_dense``; Keras as ``_gate_dense``.
- kerax-internal attributes that hold layers (Sequential's inner Functional) are not visited.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from kerax._serialization import _registry
from kerax.backend._naming import to_snake_case
from kerax.backend._variables import Variable
from kerax.layers._layer import _INTERNAL_ATTRIBUTES, Layer

__all__ = ["keras_h5_groups_of", "keras_objects", "keras_weight_groups", "load_keras_h5_into"]

_ATTRIBUTE_RENAMES: dict[str, dict[str, str]] = {"MultiHeadAttention": {"gate_dense": "_gate_dense"}}
_IGNORED_FILE_TREES = ("optimizer/",)


def _name_key(name: str) -> str:
    return f"~{name}" if name.startswith("_") else name


def _join(path: str, name: str) -> str:
    return f"{path}/{name}" if path else name


def _vars_key(path: str) -> str:
    return _join(path, "vars")


def _model_class(name: str) -> type:
    """kerax's ``Model``, ``Functional`` or ``Sequential``, as kerax.models (above saving) registered it."""
    return _registry.builtin_class("kerax.models", name)


def _is_graph_model(layer: Layer) -> bool:
    return isinstance(layer, _model_class("Functional") | _model_class("Sequential"))


def _holds_layers(value: Any, depth: int = 0) -> bool:
    if isinstance(value, Layer):
        return True
    if depth > 8:
        return False
    if isinstance(value, dict):
        return any(_holds_layers(v, depth + 1) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_holds_layers(v, depth + 1) for v in value)
    return False


def _public_alias(layer: Layer, name: str, value: Any) -> str:
    """Keras sees a public property ``x`` returning ``self._x`` first, so the path uses ``x``."""
    public = name.lstrip("_")
    if public and public != name and isinstance(getattr(type(layer), public, None), property):
        try:
            if getattr(layer, public) is value:
                return public
        except Exception:  # Keras also skips attributes that fail to evaluate
            return name
    return name


def _is_subclassed_model(layer: Layer) -> bool:
    return isinstance(layer, _model_class("Model")) and not _is_graph_model(layer)


def _children(layer: Layer) -> Iterator[tuple[str, Any]]:
    """The ``(Keras attribute name, value)`` pairs Keras visits after the object's own variables."""
    if _is_graph_model(layer):
        yield "layers", list(layer.layers)
    renames = next(
        (
            _ATTRIBUTE_RENAMES[c.__name__]
            for c in type(layer).__mro__
            if c.__module__.startswith("kerax.layers") and c.__name__ in _ATTRIBUTE_RENAMES
        ),
        {},
    )
    named: dict[str, Any] = {}
    if _is_subclassed_model(layer):
        named["layers"] = list(layer.layers)  # every layer its attributes hold, private ones included
    for name, value in vars(layer).items():
        if name in _INTERNAL_ATTRIBUTES or not _holds_layers(value):
            continue
        keras_name = renames.get(name) or _public_alias(layer, name, value)
        named.setdefault(keras_name, value)
    for name in sorted(named, key=_name_key):
        yield name, named[name]


def unique_name(name: str, used: dict[str, int]) -> str:
    """``name`` the first time, then ``name_1``, ``name_2``...: how Keras names the entries of a list."""
    if name in used:
        used[name] += 1
        return f"{name}_{used[name]}"
    used[name] = 0
    return name


def _visit(obj: Layer, path: str, out: dict[str, Layer], visited: set[int]) -> None:
    if id(obj) in visited:
        return
    visited.add(id(obj))
    out[path] = obj
    for name, value in _children(obj):
        child_path = _join(path, name)
        if isinstance(value, Layer):
            _visit(value, child_path, out, visited)
        else:
            _visit_container(value, child_path, out, visited, set())


def _visit_container(
    container: Any, path: str, out: dict[str, Layer], visited: set[int], seen_containers: set[int]
) -> None:
    if id(container) in seen_containers:
        return
    seen_containers.add(id(container))
    items = list(container.values()) if isinstance(container, dict) else list(container)
    used: dict[str, int] = {}
    for item in items:
        if isinstance(item, Layer):
            _visit(item, _join(path, unique_name(to_snake_case(type(item).__name__), used)), out, visited)
        elif isinstance(item, list | tuple | dict):
            _visit_container(item, _join(path, unique_name("container", used)), out, visited, seen_containers)


def keras_objects(model: Layer) -> dict[str, Layer]:
    """Every object Keras 3's saving visits, by path (``""`` for the model itself), in visiting order.

    Raises:
        ValueError: the model is not built.
    """
    if not model.built:
        raise ValueError(
            f"Model '{model.name}' is not built, so it has no weights to map to Keras's file layout; "
            f"build it (call it on data or call `build(input_shape)`) first."
        )
    out: dict[str, Layer] = {}
    _visit(model, "", out, set())
    return out


def keras_weight_groups(model: Layer) -> dict[str, list[Variable]]:
    """The Keras 3 HDF5 group of each object's variables, in Keras's visiting order.

    Args:
        model: a built kerax model (or layer).

    Returns:
        ``{"vars": [], "layers/dense/vars": [kernel, bias], "layers/lstm/vars": [],
        "layers/lstm/cell/vars": [kernel, recurrent_kernel, bias], ...}``: every visited object,
        including those without weights (empty lists), as Keras writes them.

    Raises:
        ValueError: the model is not built.
    """
    return {_vars_key(path): list(obj._own_weights()) for path, obj in keras_objects(model).items()}


def _saves_own_way(obj: Layer, hook: str) -> bool:
    """Whether ``obj`` has its own ``hook`` (not Layer's default), and uses it now.

    A hook that applies only in some states (``Dense``'s, with LoRA enabled) carries a ``used_when``
    predicate; otherwise the object's weights are saved plainly, as before.
    """
    own = getattr(type(obj), hook)
    if own is getattr(Layer, hook):
        return False
    used_when = getattr(own, "used_when", None)
    return bool(used_when(obj)) if used_when is not None else True


def keras_h5_groups_of(model: Layer) -> dict[str, Any]:
    """``{vars path: arrays}`` of a built model, ready for ``write_h5_weights``.

    Each object fills its group with its ``save_own_variables``: a list ``[kernel, bias]`` for the
    default, a dict of arrays by name for a layer that saves its own state its own way.
    """
    groups: dict[str, Any] = {}
    for path, obj in keras_objects(model).items():
        if _saves_own_way(obj, "save_own_variables"):
            store: dict[str, Any] = {}
            obj.save_own_variables(store)
            groups[_vars_key(path)] = {str(k): np.asarray(v) for k, v in store.items()}
        else:
            groups[_vars_key(path)] = [np.asarray(v.numpy()) for v in obj._own_weights()]
    return groups


def _owner(path: str) -> str:
    owner = path[: -len("vars")].rstrip("/")
    return owner or "<root model>"


def load_keras_h5_into(model: Layer, groups: Mapping[str, Any], *, skip_mismatch: bool = False) -> None:
    """Assign weights read by ``read_h5_stores`` (or ``read_h5_weights``) to a built kerax model.

    Every group of the model that has variables must be in ``groups`` with the same number of arrays
    and the same shapes (values are cast to each variable's dtype). Groups of the file that the model
    does not have are unexpected, unless they are empty or hold the optimizer's state (``optimizer/``),
    which is not model weights. Everything is checked before anything is assigned; then the layers that
    save their own state their own way (``load_own_variables``) read their groups.

    Args:
        model: a built kerax model.
        groups: ``{vars path: {name: array}}`` (or lists of arrays in numeric order).
        skip_mismatch: warn about and skip missing, mismatched and unexpected groups (a mismatched
            group is skipped as a whole) instead of raising.

    Raises:
        ValueError: missing, mismatched or unexpected groups (without ``skip_mismatch``); nothing was
            assigned. The message names each layer path with the expected and received shapes.
    """
    objects = {_vars_key(path): obj for path, obj in keras_objects(model).items()}
    plan: list[tuple[Variable, np.ndarray]] = []
    hooks: list[tuple[Layer, dict[str, np.ndarray]]] = []
    missing: list[str] = []
    mismatched: list[str] = []
    for path, obj in objects.items():
        store = _as_store(groups.get(path))
        if _saves_own_way(obj, "load_own_variables"):
            if store is not None:
                hooks.append((obj, store))
            continue
        variables = obj._own_weights()
        if not variables:
            continue
        if store is None:
            missing.append(f"'{path}' (layer '{_owner(path)}', {len(variables)} weights)")
            continue
        named = [k for k in store if not k.isdigit()]
        arrays = [np.asarray(store[k]) for k in store if k.isdigit()]
        want = [tuple(v.shape) for v in variables]
        got = [tuple(a.shape) for a in arrays]
        if want != got or named:
            extra = f" and arrays named {named}" if named else ""
            mismatched.append(f"layer '{_owner(path)}' ('{path}'): expected shapes {want}, received {got}{extra}")
            continue
        plan.extend(zip(variables, arrays, strict=True))
    unexpected = [
        f"'{path}' ({len(arrays)} arrays)"
        for path, arrays in groups.items()
        if len(arrays) and path not in objects and not path.startswith(_IGNORED_FILE_TREES)
    ]
    if missing or mismatched or unexpected:
        lines = [f"The weights do not match model '{model.name}':"]
        lines += [f"  mismatch: {m}" for m in mismatched]
        lines += [f"  missing from the file: {m}" for m in missing]
        lines += [f"  unexpected in the file: {u}" for u in unexpected]
        message = "\n".join(lines)
        if not skip_mismatch:
            raise ValueError(message + "\nNothing was assigned. Pass skip_mismatch=True to load the matching groups.")
        warnings.warn(message + "\nThese groups were skipped.", UserWarning, stacklevel=2)
    cast = [(var, np.asarray(array, dtype=var.dtype)) for var, array in plan]
    for var, array in cast:
        var.assign(array)
    for obj, store in hooks:
        obj.load_own_variables(store)


def _as_store(arrays: Any) -> dict[str, np.ndarray] | None:
    if arrays is None:
        return None
    if isinstance(arrays, Mapping):
        return {str(k): v for k, v in arrays.items()}
    return {str(i): a for i, a in enumerate(arrays)}
