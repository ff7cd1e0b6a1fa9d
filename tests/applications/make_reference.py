"""Record Keras 3's application architectures into ``reference.json`` (run by hand, not by pytest).

For every application Keras ships, this builds the model with ``weights=None`` at its default input
shape, with and without the classifier top, in a fresh Keras session (so automatic layer names start
from scratch), and records the model's name, input and output shapes, parameter counts, and each
layer's name, class and parameter count, in order. ``test_architectures.py`` compares kerax's models
against this file.

Usage::

    KERAS_BACKEND=jax .venv/bin/python tests/applications/make_reference.py [Name ...]

With names, only those entries are rebuilt (the others in the file are kept).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
TARGET = os.path.join(HERE, "reference.json")

NAMES = [
    "ResNet50",
    "ResNet101",
    "ResNet152",
    "ResNet50V2",
    "ResNet101V2",
    "ResNet152V2",
    "Xception",
    "MobileNetV2",
    "EfficientNetB0",
    "EfficientNetB1",
    "EfficientNetB2",
    "EfficientNetB3",
    "EfficientNetB4",
    "EfficientNetB5",
    "EfficientNetB6",
    "EfficientNetB7",
    "VGG16",
    "VGG19",
    "MobileNet",
    "DenseNet121",
    "DenseNet169",
    "DenseNet201",
    "InceptionV3",
    "InceptionResNetV2",
    "MobileNetV3Small",
    "MobileNetV3Large",
]


def _shape(shape) -> list:
    return [None if d is None else int(d) for d in shape]


def describe(model) -> dict:
    """The numbers a kerax model must reproduce."""
    return {
        "model_name": model.name,
        "input_shape": _shape(model.inputs[0].shape),
        "output_shape": _shape(model.outputs[0].shape),
        "params": int(model.count_params()),
        "trainable": int(sum(int(v.numpy().size) for v in model.trainable_weights)),
        "non_trainable": int(sum(int(v.numpy().size) for v in model.non_trainable_weights)),
        "layers": [[layer.name, type(layer).__name__, int(layer.count_params())] for layer in model.layers],
    }


def _write(reference: dict) -> None:
    fd, tmp = tempfile.mkstemp(dir=HERE, suffix=".json.part")
    with os.fdopen(fd, "w") as f:
        json.dump(dict(sorted(reference.items())), f, indent=0, separators=(",", ":"))
        f.write("\n")
    os.chmod(tmp, 0o644)
    os.replace(tmp, TARGET)


def main(argv: list[str]) -> None:
    wanted = argv or NAMES
    reference = {}
    if argv and os.path.exists(TARGET):
        with open(TARGET) as f:
            reference = json.load(f)
    for name in wanted:
        for include_top in (True, False):
            keras.backend.clear_session()
            model = getattr(keras.applications, name)(weights=None, include_top=include_top)
            reference[f"{name}/{'top' if include_top else 'notop'}"] = describe(model)
            print(name, include_top, model.count_params(), flush=True)
        _write(reference)  # after each model, so an interrupted run keeps what it made


if __name__ == "__main__":
    main(sys.argv[1:])
