"""The builder shared by VGG16 and VGG19: five blocks of 3x3 convolutions, each ending in 2x2 max pooling."""

from __future__ import annotations

from typing import Any

from kerax import layers
from kerax.applications import _common, imagenet_utils


def build_vgg(
    blocks: tuple[int, int, int, int, int],
    files: tuple[tuple[str, str, str], tuple[str, str, str]],
    *,
    include_top: bool,
    weights: Any,
    input_tensor: Any,
    input_shape: Any,
    pooling: str | None,
    classes: int,
    classifier_activation: Any,
    name: str,
) -> Any:
    """Build a VGG with ``blocks[i]`` convolutions in block ``i + 1``; ``files`` are the (top, no-top) weights."""
    _common.check_arguments(weights, include_top, classes, pooling, input_tensor, name)
    shape = _common.image_shape(input_shape, 224, 32, include_top, weights)
    img_input = _common.image_input(input_tensor, shape)
    x = img_input
    for block, (convs, filters) in enumerate(zip(blocks, (64, 128, 256, 512, 512), strict=True), start=1):
        for conv in range(1, convs + 1):
            x = layers.Conv2D(filters, 3, activation="relu", padding="same", name=f"block{block}_conv{conv}")(x)
        x = layers.MaxPooling2D(2, strides=2, name=f"block{block}_pool")(x)
    if include_top:
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(4096, activation="relu", name="fc1")(x)
        x = layers.Dense(4096, activation="relu", name="fc2")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = _common.top(
            x,
            include_top=False,
            pooling=pooling,
            classes=classes,
            classifier_activation=classifier_activation,
            weights=weights,
            avg_name=None,
            max_name=None,
        )
    return _common.finish(
        img_input,
        x,
        input_tensor=input_tensor,
        name=name,
        weights=weights,
        imagenet_file=lambda: files[0 if include_top else 1],
    )
