"""kerax.applications' architectures against Keras 3's, as recorded in ``reference.json``.

``make_reference.py`` builds each Keras application (weights=None, default input shape, with and
without the top) in a fresh session and records its name, shapes, parameter counts, and every layer's
name, class and parameter count in order; each kerax model must reproduce all of them. The deepest
models take several seconds each to build on a 2-core machine and are marked ``slow``.
"""

from __future__ import annotations

import json
import os

import pytest

import kerax
from kerax import applications

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "reference.json")) as _f:
    REFERENCE = json.load(_f)

FAST = ["ResNet50", "ResNet50V2", "Xception", "MobileNetV2", "EfficientNetB0"]
SLOW = [
    "VGG16",
    "VGG19",
    "ResNet101",
    "ResNet152",
    "ResNet101V2",
    "ResNet152V2",
    "EfficientNetB1",
    "EfficientNetB2",
    "EfficientNetB3",
    "EfficientNetB4",
    "EfficientNetB5",
    "EfficientNetB6",
    "EfficientNetB7",
]
CASES = [pytest.param(name, id=name) for name in FAST] + [
    pytest.param(name, id=name, marks=pytest.mark.slow) for name in SLOW
]


def describe(model: kerax.Model) -> dict:
    return {
        "model_name": model.name,
        "input_shape": list(model.inputs[0].shape),
        "output_shape": list(model.outputs[0].shape),
        "params": model.count_params(),
        "trainable": sum(int(v.size) for v in model.trainable_weights),
        "non_trainable": sum(int(v.size) for v in model.non_trainable_weights),
        "layers": [[layer.name, type(layer).__name__, layer.count_params()] for layer in model.layers],
    }


def test_reference_covers_every_kerax_application() -> None:
    for name in FAST + SLOW:
        assert callable(getattr(applications, name))
        assert f"{name}/top" in REFERENCE and f"{name}/notop" in REFERENCE


@pytest.mark.parametrize("name", CASES)
def test_matches_keras(name: str) -> None:
    for include_top in (True, False):
        kerax.utils.clear_session(free_memory=False)  # automatic names count from scratch, as recorded
        model = getattr(applications, name)(weights=None, include_top=include_top)
        got = describe(model)
        expected = REFERENCE[f"{name}/{'top' if include_top else 'notop'}"]
        for key in ("model_name", "input_shape", "output_shape", "params", "trainable", "non_trainable"):
            assert got[key] == expected[key], (name, include_top, key)
        assert len(got["layers"]) == len(expected["layers"]), (name, include_top)
        for ours, theirs in zip(got["layers"], expected["layers"], strict=True):
            assert ours == theirs, (name, include_top)
