"""Small versions of the example scripts' models, written once against a library module (`kerax` or `keras`).

Each builder takes the library as its argument, so the same architecture is built in kerax and in Keras 3
for the interop tests, and in kerax alone for the round-trip tests. Shapes are small to keep tests fast.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def fashion_classifier(lib: Any) -> Any:
    """The Fashion-MNIST example's classifier (examples/seed_001_fashion_mnist.py): Flatten, Dense(relu), Dropout,
    Dense(softmax)."""
    layers = lib.layers
    return lib.Sequential(
        [
            lib.Input((6, 6)),
            layers.Flatten(),
            layers.Dense(16, activation="relu"),
            layers.Dropout(0.2),
            layers.Dense(4, activation="softmax"),
        ],
        name="fashion",
    )


def purchase_predictor(lib: Any) -> Any:
    """The multi-input purchase predictor (examples/seed_002_model_types.py): two branches, a named concatenate,
    one sigmoid output."""
    layers = lib.layers
    image = lib.Input(shape=(8, 8, 3), name="image_features_input")
    text = lib.Input(shape=(10,), name="text_features_input")
    x1 = layers.Conv2D(4, 3, activation="relu", name="conv")(image)
    x1 = layers.MaxPooling2D(2, name="pool")(x1)
    x1 = layers.Flatten(name="flatten_image")(x1)
    x1 = layers.Dense(8, activation="relu", name="dense_image")(x1)
    x2 = layers.Dense(8, activation="relu", name="dense_text")(text)
    x = layers.concatenate([x1, x2], name="concatenate_branches")
    x = layers.BatchNormalization(name="bn")(x)
    out = layers.Dense(1, activation="sigmoid", name="output_sigmoid")(x)
    return lib.Model(inputs=[image, text], outputs=out, name="multi_input_purchase_predictor")


def inception_model(lib: Any) -> Any:
    """The inception example's blocks (examples/seed_003_inception.py) with the `relu` op nodes, at 12x12 and
    fewer filters."""
    layers = lib.layers

    def cnn_block(x: Any, filters: int) -> Any:
        x = layers.Conv2D(filters, kernel_size=3, padding="same")(x)
        x = layers.BatchNormalization()(x)
        return lib.ops.relu(x)

    def inception_block(x: Any, f1: int, f2: int) -> Any:
        return layers.concatenate([cnn_block(x, f1), cnn_block(x, f2)])

    inputs = lib.Input(shape=(12, 12, 1))
    x = cnn_block(inputs, 4)
    x = layers.MaxPooling2D(3)(x)
    x = inception_block(x, 4, 4)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dense(8, activation="relu")(x)
    x = layers.Dropout(0.5)(x)
    outputs = layers.Dense(3)(x)
    return lib.Model(inputs, outputs, name="final_model")


def shared_and_nested(lib: Any) -> Any:
    """A layer used twice, a nested Sequential, an op on a constant, and two outputs."""
    layers = lib.layers
    inputs = lib.Input((5,), name="x")
    shared = layers.Dense(5, activation="tanh", name="shared")
    inner = lib.Sequential([lib.Input((5,)), layers.Dense(6, name="inner_dense")], name="inner")
    a = shared(inputs)
    b = shared(lib.ops.multiply(a, 2.0))
    c = inner(layers.add([a, b], name="sum"))
    return lib.Model(inputs, [c, layers.Dense(2, name="head")(b)], name="shared_nested")


def data_for(model: Any, n: int = 16, seed: int = 0) -> Any:
    """Random inputs matching ``model``'s inputs (a list for several)."""
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal((n, *t.shape[1:])).astype("float32") for t in model.inputs]
    return arrays[0] if len(arrays) == 1 else arrays


BUILDERS = {
    "fashion_classifier": fashion_classifier,
    "purchase_predictor": purchase_predictor,
    "inception_model": inception_model,
    "shared_nested": shared_and_nested,
}
