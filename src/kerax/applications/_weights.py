"""Pretrained weights for the applications: download into ``$KERAX_HOME/models`` and load by layer name.

Keras publishes its ImageNet weights as HDF5 files in its legacy layout (one group per layer, listed in
the ``layer_names`` attribute, each with a ``weight_names`` attribute). They are read with the safe
reader ``kerax.saving._h5.read_legacy_h5_weights`` and assigned layer by layer; every count and shape
is checked before anything is assigned, so a file that does not fit leaves the model unchanged.
"""

from __future__ import annotations

import os
from typing import Any

from kerax.saving._h5 import is_legacy_h5_weights, read_legacy_h5_weights
from kerax.utils import get_file

# Publisher address -> address actually fetched. Empty in normal use; tests point origins at a local
# server with ``monkeypatch.setitem(_weights._ORIGIN_OVERRIDES, origin, url)``.
_ORIGIN_OVERRIDES: dict[str, str] = {}
CACHE_SUBDIR = "models"


def download(fname: str, origin: str, file_hash: str | None) -> str:
    """Fetch ``fname`` from ``origin`` into ``$KERAX_HOME/models`` unless it is cached (and matches).

    Args:
        fname: The file's name in the cache.
        origin: Keras's address for it (redirected by ``_ORIGIN_OVERRIDES`` in tests).
        file_hash: Its published MD5 or SHA-256, or ``None`` where Keras publishes none.

    Returns:
        The cached file's path.

    Raises:
        ValueError: If the download does not match ``file_hash`` (nothing is kept).
        OSError: If the download fails (nothing is kept).
    """
    return get_file(fname, _ORIGIN_OVERRIDES.get(origin, origin), cache_subdir=CACHE_SUBDIR, file_hash=file_hash)


def _legacy_variables(layer: Any) -> list[Any]:
    """A layer's weights in the legacy file order: trainable ones, then the others."""
    return list(layer.trainable_weights) + list(layer.non_trainable_weights)


def load_legacy_weights(model: Any, path: str) -> None:
    """Load a legacy-layout HDF5 weights file into ``model``.

    Layers are matched by name when every layer with weights in the file names a layer with weights
    in the model; otherwise by position among the layers that have weights (Keras's own rule, which
    files saved with automatically numbered layer names need). Within a layer the weights are in
    legacy order (trainable, then non-trainable).

    Args:
        model: A built kerax model.
        path: The file's path.

    Raises:
        ValueError: If the file is not a valid legacy weights file, or its layers, weight counts or
            shapes do not fit the model; the message names the layer and the weight. Nothing is
            assigned then.
    """
    saved = [(name, weights) for name, weights in read_legacy_h5_weights(path) if weights]
    layers = [layer for layer in model.layers if layer.weights]
    by_name = {layer.name: layer for layer in layers}
    if len(saved) != len(layers):
        raise ValueError(
            f"Layer count mismatch when loading weights from {path}: the model {model.name!r} has "
            f"{len(layers)} layers with weights, the file has {len(saved)}."
        )
    if all(name in by_name for name, _ in saved):
        pairs = [(by_name[name], name, weights) for name, weights in saved]
    else:
        pairs = [(layer, name, weights) for layer, (name, weights) in zip(layers, saved, strict=True)]
    plan = []
    for layer, saved_name, weights in pairs:
        variables = _legacy_variables(layer)
        where = f"layer {layer.name!r}" + ("" if saved_name == layer.name else f" (saved as {saved_name!r})")
        if len(weights) != len(variables):
            raise ValueError(
                f"Weight count mismatch for {where} when loading {path}: the layer has {len(variables)} "
                f"weights {[v.path for v in variables]}, the file has {len(weights)} {[n for n, _ in weights]}."
            )
        for variable, (weight_name, array) in zip(variables, weights, strict=True):
            if tuple(array.shape) != tuple(variable.shape):
                raise ValueError(
                    f"Shape mismatch for {where}, weight {variable.path!r}, when loading {path}: the model "
                    f"expects shape {tuple(variable.shape)}, the file's {weight_name!r} has shape "
                    f"{tuple(array.shape)}."
                )
            plan.append((variable, array))
    for variable, array in plan:
        variable.assign(array)


def load_weights(model: Any, weights: Any) -> None:
    """Load ``weights`` (a file path) into ``model``: a legacy ``.h5`` file or any file ``load_weights`` takes.

    Args:
        model: The kerax model.
        weights: Path of a legacy HDF5 weights file, or of a Keras 3 ``.weights.h5``, kerax
            ``.weights.safetensors``, ``.keras`` or ``.kerax`` file.

    Raises:
        ValueError: If the file does not fit the model or is not a weights file.
    """
    path = os.fspath(weights)
    if path.endswith((".h5", ".hdf5")) and is_legacy_h5_weights(path):
        load_legacy_weights(model, path)
    else:
        model.load_weights(path)
