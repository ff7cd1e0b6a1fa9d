"""Every public name of Keras 3's namespaces exists in kerax's, with the exceptions listed (and why)."""

from __future__ import annotations

import importlib

import keras
import pytest

import kerax

# Names kerax does not provide on purpose, by namespace.
EXCEPTIONS: dict[str, set[str]] = {
    "": {
        # Packages of other subsystems that kerax does not have: pretrained applications (weights downloads),
        # knowledge distillation, SavedModel/TF export, Keras 2 (TensorFlow) compatibility, quantization,
        # bounding-box visualisation, scikit-learn wrappers, and Keras's private source tree.
        "applications",
        "distillation",
        "export",
        "legacy",
        "quantizers",
        "Quantizer",
        "src",
        "visualization",
        "wrappers",
    },
    "utils": {
        # Data loading and image I/O, handled by another issue.
        "PyDataset",
        "Sequence",
        "audio_dataset_from_directory",
        "image_dataset_from_directory",
        "text_dataset_from_directory",
        "timeseries_dataset_from_array",
        "split_dataset",
        "get_file",
        "array_to_img",
        "img_to_array",
        "load_img",
        "save_img",
        # FeatureSpace is built on preprocessing layers kerax does not have yet (StringLookup, Hashing...).
        "FeatureSpace",
        # Bounding-box utilities for object detection, and Keras 2 (TensorFlow) legacy utilities.
        "bounding_boxes",
        "legacy",
    },
}

NAMESPACES = ["", "random", "tree", "config", "backend", "utils", "activations", "initializers"]
OPS_NAMESPACES = ["ops", "ops.numpy", "ops.nn", "ops.image", "ops.linalg"]


def _public(module: object) -> set[str]:
    return {name for name in dir(module) if not name.startswith("_")}


def _module(root: object, path: str) -> object:
    return importlib.import_module(f"{root.__name__}.{path}") if path else root


@pytest.mark.parametrize("namespace", NAMESPACES + OPS_NAMESPACES)
def test_kerax_has_every_public_keras_name(namespace: str) -> None:
    expected = _public(_module(keras, namespace)) - EXCEPTIONS.get(namespace, set())
    missing = sorted(expected - _public(_module(kerax, namespace)))
    assert not missing, f"kerax.{namespace or '<top level>'} lacks Keras names: {missing}"


def test_exceptions_are_real_keras_names() -> None:
    for namespace, names in EXCEPTIONS.items():
        stale = names - _public(_module(keras, namespace))
        assert not stale, f"keras.{namespace or '<top level>'} no longer has {sorted(stale)}: drop the exception"


@pytest.mark.parametrize(
    "namespace",
    ["layers", "callbacks", "constraints", "regularizers", "optimizers", "optimizers.schedules", "datasets"],
)
def test_public_modules_list_only_public_names(namespace: str) -> None:
    ours = _module(kerax, namespace)
    theirs = _public(_module(keras, namespace))
    leaked = sorted(
        name
        for name in _public(ours) - theirs
        if type(getattr(ours, name)).__name__ == "module" or name in {"annotations", "Any", "jnp", "jax", "math"}
    )
    assert not leaked, f"kerax.{namespace} exposes implementation names: {leaked}"
