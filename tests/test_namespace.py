"""Every public name of Keras 3's namespaces exists in kerax's, with the exceptions listed (and why)."""

from __future__ import annotations

import importlib

import keras
import pytest

import kerax

# Names kerax does not provide, by namespace, and why. `test_exceptions_are_still_missing` keeps the list honest.
EXCEPTIONS: dict[str, set[str]] = {
    "": {
        # Subsystems kerax does not have: knowledge distillation, SavedModel/TF export, Keras 2 (TensorFlow)
        # compatibility, quantization, bounding-box visualisation, scikit-learn wrappers, Keras's source tree.
        "distillation",
        "export",
        "legacy",
        "quantizers",
        "Quantizer",
        "src",
        "visualization",
        "wrappers",
    },
    # Bounding-box utilities for object detection, and Keras 2 (TensorFlow) legacy utilities.
    "utils": {"bounding_boxes", "legacy"},
    # Bound to other backends: a TensorFlow SavedModel as a layer, a PyTorch module as a layer.
    "layers": {"TFSMLayer", "TorchModuleWrapper"},
    # Keras 2 (TensorFlow) optimizers.
    "optimizers": {"legacy"},
    # Quantization policies (int4/int8/float8, GPTQ, AWQ): kerax has no quantization.
    "dtype_policies": {
        "AWQDTypePolicy",
        "DTypePolicyMap",
        "GPTQDTypePolicy",
        "Int4DTypePolicy",
        "QuantizedDTypePolicy",
        "QuantizedFloat8DTypePolicy",
    },
}

NAMESPACES = ["", "random", "tree", "config", "backend", "utils", "activations", "initializers"]
NAMESPACES += ["losses", "metrics", "layers", "optimizers", "optimizers.schedules", "callbacks", "models", "saving"]
NAMESPACES += ["preprocessing", "preprocessing.image", "applications", "distribution", "dtype_policies"]
NAMESPACES += ["constraints", "regularizers", "datasets", "mixed_precision"]
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


def test_exceptions_are_still_missing() -> None:
    for namespace, names in EXCEPTIONS.items():
        present = names & _public(_module(kerax, namespace))
        assert not present, f"kerax.{namespace or '<top level>'} now has {sorted(present)}: drop the exception"


def test_exceptions_are_real_keras_names() -> None:
    for namespace, names in EXCEPTIONS.items():
        stale = names - _public(_module(keras, namespace))
        assert not stale, f"keras.{namespace or '<top level>'} no longer has {sorted(stale)}: drop the exception"


@pytest.mark.parametrize(
    "namespace",
    ["layers", "callbacks", "constraints", "regularizers", "optimizers", "optimizers.schedules", "datasets"]
    + ["losses", "metrics"],
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
