"""``KerasFileEditor``: inspect and edit the weights of a ``.keras`` or ``.weights.h5`` file, then resave them.

The weights are read through kerax's safe HDF5 reader (no links, bounded sizes, numeric data only) into a
tree of dicts that follows Keras's object paths, without the ``vars`` level: ``{"layers": {"dense":
{"0": kernel, "1": bias}}}``. An object may hold both arrays (its own weights) and dicts (its children).
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping
from typing import Any

import numpy as np
import rich.console
import rich.tree

from kerax.saving import _h5, _zip
from kerax.saving._api import _json
from kerax.saving._keras_paths import _as_store, keras_h5_groups_of

_WEIGHTS_MEMBER = "model.weights.h5"


def _tree(stores: Mapping[str, Mapping[str, np.ndarray]]) -> dict[str, Any]:
    """``{"layers/dense/vars": {"0": a}}`` -> ``{"layers": {"dense": {"0": a}}}`` (empty objects left out)."""
    root: dict[str, Any] = {}
    for path, store in stores.items():
        if not store:
            continue
        node = root
        for part in path.split("/")[:-1]:  # the last part is "vars"
            node = node.setdefault(part, {})
        node.update(store)
    return root


def _stores(tree: Mapping[str, Any], path: str = "") -> dict[str, dict[str, np.ndarray]]:
    """The inverse of ``_tree``: each object's arrays under ``<path>/vars``."""
    out: dict[str, dict[str, np.ndarray]] = {}
    arrays = {k: np.asarray(v) for k, v in tree.items() if not isinstance(v, Mapping)}
    if arrays:
        out[f"{path}/vars" if path else "vars"] = arrays
    for key, value in tree.items():
        if isinstance(value, Mapping) and value:
            out.update(_stores(value, f"{path}/{key}" if path else key))
    return out


def _check_weights(weights: Any, who: str) -> dict[str, np.ndarray]:
    if not isinstance(weights, Mapping):
        raise ValueError(
            f"{who}: `weights` must be a dict of weight names ('0', '1', ...) to arrays, received "
            f"{type(weights).__name__}."
        )
    return {str(k): np.asarray(v) for k, v in weights.items()}


class KerasFileEditor:
    """Inspect, edit and resave the weights of a Keras file, e.g. to adapt it after changing an architecture.

    Args:
        filepath: a ``.keras`` file or a ``.weights.h5`` file.

    Example:
        >>> import os, tempfile
        >>> folder = tempfile.TemporaryDirectory()
        >>> path = os.path.join(folder.name, "model.weights.h5")
        >>> model = kerax.Sequential([kerax.Input((3,)), kerax.layers.Dense(4), kerax.layers.Dense(2)])
        >>> model.save_weights(path)
        >>> editor = KerasFileEditor(path)
        >>> sorted(editor.weights_dict["layers"])
        ['dense', 'dense_1']
        >>> editor.delete_object("layers/dense_1")
        >>> editor.add_object("layers/dense_1", weights={"0": np.zeros((4, 2)), "1": np.zeros(2)})
        >>> editor.save(os.path.join(folder.name, "edited.weights.h5"))
        >>> model.load_weights(os.path.join(folder.name, "edited.weights.h5"))
        >>> float(np.abs(model.layers[1].get_weights()[0]).sum())
        0.0
        >>> folder.cleanup()

    Raises:
        ValueError: the file is neither ``.keras`` nor ``.weights.h5``, or is not a valid one.
    """

    def __init__(self, filepath: str | os.PathLike[str]) -> None:
        self.filepath = os.fspath(filepath)
        self.metadata: dict[str, Any] | None = None
        self.config: dict[str, Any] | None = None
        self.console = rich.console.Console(highlight=False)
        if self.filepath.endswith(".keras"):
            wanted = {"config.json", "metadata.json", _WEIGHTS_MEMBER}
            members = _zip.read_archive(self.filepath, wanted, self.filepath)
            if _WEIGHTS_MEMBER not in members:
                raise ValueError(f"KerasFileEditor: {self.filepath} holds no {_WEIGHTS_MEMBER}.")
            for name in ("config", "metadata"):
                data = members.get(f"{name}.json")
                setattr(self, name, None if data is None else _json(data, f"{self.filepath}: {name}.json"))
            stores = _h5.read_h5_stores(io.BytesIO(members[_WEIGHTS_MEMBER]))
        elif self.filepath.endswith(".weights.h5"):
            stores = _h5.read_h5_stores(self.filepath)
        else:
            raise ValueError(f"KerasFileEditor: expected a '.keras' or '.weights.h5' file, received {self.filepath!r}.")
        self.weights_dict: dict[str, Any] = _tree(stores)

    # -- looking -----------------------------------------------------------------------------------------
    def summary(self) -> None:
        """Print the file's objects and weights (name, shape, dtype) as a tree."""
        tree = rich.tree.Tree(f"[bold]{os.path.basename(self.filepath)}[/]")
        if self.metadata:
            version, date = self.metadata.get("keras_version", "?"), self.metadata.get("date_saved", "?")
            tree.add(f"saved by Keras {version} on {date}")
        _add_branches(tree, self.weights_dict)
        self.console.print(tree)

    def weights_summary(self) -> None:
        """Print the file's objects and weights (as ``summary``)."""
        self.summary()

    def compare(self, reference_model: Any) -> dict[str, Any]:
        """List the differences between the file's weights and ``reference_model``'s, and count them.

        Args:
            reference_model: a built model.

        Returns:
            ``{"status": "success" | "error", "error_count": n, "match_count": m}``.
        """
        groups = keras_h5_groups_of(reference_model)
        reference = _tree({path: _as_store(arrays) for path, arrays in groups.items()})
        errors, matches = self._compare(self.weights_dict, reference, "")
        status = "success" if not errors else "error"
        if errors:
            self.console.print(f"[bold]Found {errors} error(s):[/] the saved file does not fit the reference model.")
        else:
            self.console.print(f"[bold]Comparison successful:[/] found {matches} matching weight(s).")
        return {"status": status, "error_count": errors, "match_count": matches}

    def _compare(self, saved: Mapping[str, Any], model: Mapping[str, Any], path: str) -> tuple[int, int]:
        errors = matches = 0
        for key in list(dict.fromkeys([*model, *saved])):
            where = f"{path}/{key}" if path else key
            if key not in saved:
                kind = "Object" if isinstance(model[key], Mapping) else "Weight"
                self.console.print(f"...{kind} {where} is in the reference model, missing from the saved file")
                errors += 1
            elif key not in model:
                kind = "Object" if isinstance(saved[key], Mapping) else "Weight"
                self.console.print(f"...{kind} {where} is in the saved file, missing from the reference model")
                errors += 1
            elif isinstance(saved[key], Mapping) and isinstance(model[key], Mapping):
                e, m = self._compare(saved[key], model[key], where)
                errors, matches = errors + e, matches + m
            elif isinstance(saved[key], Mapping) or isinstance(model[key], Mapping):
                self.console.print(f"...{where} is an object in one and a weight in the other")
                errors += 1
            elif saved[key].shape != model[key].shape:
                self.console.print(
                    f"...Weight shape mismatch for {where}: the model has {model[key].shape}, the file "
                    f"{saved[key].shape}"
                )
                errors += 1
            else:
                matches += 1
        return errors, matches

    # -- editing ------------------------------------------------------------------------------------------
    def _locate(self, name: str) -> tuple[dict[str, Any], str]:
        """The dict holding the object ``name`` (a path, or a name that occurs once), and its key there."""
        if not isinstance(name, str) or not name:
            raise ValueError(f"KerasFileEditor: expected an object name or path, received {name!r}.")
        if "/" in name:
            *parents, leaf = name.split("/")
            node = self.weights_dict
            for part in parents:
                if not isinstance(node.get(part), dict):
                    raise ValueError(f"KerasFileEditor: path '{name}' is not in the file.")
                node = node[part]
            if leaf not in node:
                raise ValueError(f"KerasFileEditor: path '{name}' is not in the file.")
            return node, leaf
        found: list[dict[str, Any]] = []

        def search(node: dict[str, Any]) -> None:
            if name in node:
                found.append(node)
            for value in node.values():
                if isinstance(value, dict):
                    search(value)

        search(self.weights_dict)
        if len(found) > 1:
            raise ValueError(f"KerasFileEditor: the name '{name}' occurs {len(found)} times; pass its full path.")
        if not found:
            raise ValueError(f"KerasFileEditor: '{name}' is not in the file; `summary()` lists what is.")
        return found[0], name

    def rename_object(self, object_name: str, new_name: str) -> None:
        """Rename an object (a layer), e.g. ``rename_object("dense_2", "dense_3")``.

        Args:
            object_name: the object's name, or its path (``"layers/dense_2"``).
            new_name: the new name (a name, not a path).
        """
        if not isinstance(new_name, str) or not new_name or "/" in new_name:
            raise ValueError(f"KerasFileEditor.rename_object: `new_name` must be a name, not a path: {new_name!r}.")
        node, key = self._locate(object_name)
        node[new_name] = node.pop(key)

    def delete_object(self, object_name: str) -> None:
        """Remove an object (a layer) and its weights.

        Args:
            object_name: the object's name, or its path (``"layers/dense_2"``).
        """
        node, key = self._locate(object_name)
        node.pop(key)

    def add_object(self, object_path: str, weights: Mapping[str, Any]) -> None:
        """Add an object with its weights at ``object_path`` (e.g. ``"layers/einsum_dense"``).

        Args:
            object_path: the full path of the new object; its parent must exist.
            weights: weight names (``"0"``, ``"1"``...) to arrays.
        """
        weights = _check_weights(weights, "KerasFileEditor.add_object")
        *parents, leaf = str(object_path).split("/")
        node = self.weights_dict
        for part in parents:
            if not isinstance(node.get(part), dict):
                raise ValueError(f"KerasFileEditor.add_object: path '{'/'.join(parents)}' is not in the file.")
            node = node[part]
        node[leaf] = weights

    def delete_weight(self, object_name: str, weight_name: str) -> None:
        """Remove one weight (e.g. ``"1"``) of an object."""
        node, key = self._locate(object_name)
        if weight_name not in node[key]:
            raise ValueError(
                f"KerasFileEditor.delete_weight: {object_name} has no weight {weight_name!r}; it has {list(node[key])}."
            )
        node[key].pop(weight_name)

    def add_weights(self, object_name: str, weights: Mapping[str, Any]) -> None:
        """Add weights (names to arrays) to an existing object."""
        weights = _check_weights(weights, "KerasFileEditor.add_weights")
        node, key = self._locate(object_name)
        node[key].update(weights)

    def save(self, filepath: str | os.PathLike[str]) -> None:
        """Write the edited weights to a ``.weights.h5`` file (atomically)."""
        path = os.fspath(filepath)
        if not path.endswith(".weights.h5"):
            raise ValueError(f"KerasFileEditor.save: expected a '.weights.h5' file name, received {path!r}.")
        _h5.write_h5_weights(path, _stores(self.weights_dict))

    def resave_weights(self, filepath: str | os.PathLike[str]) -> None:
        """Write the edited weights to a ``.weights.h5`` file (as ``save``)."""
        self.save(filepath)


def _add_branches(tree: rich.tree.Tree, node: Mapping[str, Any]) -> None:
    for key, value in node.items():
        if isinstance(value, Mapping):
            _add_branches(tree.add(f"[bold]{key}[/]"), value)
        else:
            tree.add(f"{key}: shape={tuple(value.shape)}, dtype={value.dtype}")
