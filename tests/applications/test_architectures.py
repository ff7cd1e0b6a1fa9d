"""kerax.applications' architectures against Keras 3's, as recorded in ``reference.json``.

``make_reference.py`` builds each Keras application (weights=None, default input shape, with and
without the top) in a fresh session and records its name, shapes, parameter counts, and every layer's
name, class and parameter count in order; each kerax model must reproduce all of them. The deepest
models take several seconds each to build on a 2-core machine and are marked ``slow``.

Building costs about 2-5 ms of CPU per layer (every layer's output shape is traced), and kerax
creates every weight concretely, even inside ``jax.eval_shape``; to keep the suite's time, the newer
families' larger variants are compared with the top only (their no-top models share the builder), and
the smallest variant of each newer family with and without it.
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
# the newer families: (name, also compared without the top)
NEW_FAST = [
    ("MobileNet", True),
    ("MobileNetV3Small", True),
    ("EfficientNetV2B0", True),
    ("ConvNeXtTiny", True),
    ("MobileNetV3Large", False),
    ("InceptionV3", False),
    ("DenseNet121", False),
    ("EfficientNetV2B3", False),
    ("ConvNeXtSmall", False),
]
NEW_SLOW = [
    ("NASNetMobile", False),
    ("DenseNet169", False),
    ("DenseNet201", False),
    ("InceptionResNetV2", False),
    ("EfficientNetV2B1", False),
    ("EfficientNetV2B2", False),
    ("EfficientNetV2S", False),
    ("EfficientNetV2M", False),
    ("EfficientNetV2L", False),
    ("ConvNeXtBase", False),
    ("ConvNeXtLarge", False),
    ("ConvNeXtXLarge", False),
    ("NASNetLarge", False),
]
CASES = (
    [pytest.param(name, (True, False), id=name) for name in FAST]
    + [pytest.param(name, (True, False), id=name, marks=pytest.mark.slow) for name in SLOW]
    + [pytest.param(name, (True, False) if notop else (True,), id=name) for name, notop in NEW_FAST]
    + [
        pytest.param(name, (True, False) if notop else (True,), id=name, marks=pytest.mark.slow)
        for name, notop in NEW_SLOW
    ]
)


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


def build_and_describe(name: str, include_top: bool) -> dict:
    """Build ``applications.<name>`` (weights=None) in a fresh session and describe it."""
    kerax.utils.clear_session(free_memory=False)  # automatic names count from scratch, as recorded
    return describe(getattr(applications, name)(weights=None, include_top=include_top))


def test_reference_covers_every_kerax_application() -> None:
    names = FAST + SLOW + [name for name, _ in NEW_FAST + NEW_SLOW]
    assert len(set(names)) == len(names)
    for name in names:
        assert callable(getattr(applications, name))
        assert f"{name}/top" in REFERENCE and f"{name}/notop" in REFERENCE
    assert sorted(names) == sorted(name for name in applications.__all__ if name[0].isupper())


@pytest.mark.parametrize(("name", "tops"), CASES)
def test_matches_keras(name: str, tops: tuple[bool, ...]) -> None:
    for include_top in tops:
        got = build_and_describe(name, include_top)
        expected = REFERENCE[f"{name}/{'top' if include_top else 'notop'}"]
        for key in ("model_name", "input_shape", "output_shape", "params", "trainable", "non_trainable"):
            assert got[key] == expected[key], (name, include_top, key)
        assert len(got["layers"]) == len(expected["layers"]), (name, include_top)
        for ours, theirs in zip(got["layers"], expected["layers"], strict=True):
            assert ours == theirs, (name, include_top)
