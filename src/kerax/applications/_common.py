"""Pieces every application builder shares: argument checks, the input, the top, the model and its weights."""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from typing import Any

from kerax import layers
from kerax.applications import _weights, imagenet_utils
from kerax.backend import image_data_format, is_keras_tensor
from kerax.layers import Input
from kerax.models import Model
from kerax.utils import get_source_inputs

_POOLINGS = (None, "avg", "max")


def channel_axis() -> int:
    """The channel axis of a 4D image tensor under the current ``image_data_format``."""
    return 1 if image_data_format() == "channels_first" else 3


def check_arguments(weights: Any, include_top: Any, classes: Any, pooling: Any, input_tensor: Any, model: str) -> None:
    """Check the arguments all applications take.

    Args:
        weights: ``"imagenet"``, ``None`` or the path of an existing weights file.
        include_top: Whether the classifier top is included.
        classes: The number of classes of the top.
        pooling: ``None``, ``"avg"`` or ``"max"``.
        input_tensor: ``None`` or a symbolic tensor.
        model: The application's name, for the messages.

    Raises:
        ValueError: If ``weights`` is none of the accepted values, ``classes`` is not 1000 with
            ImageNet weights and a top, or ``pooling`` is unknown.
        TypeError: If ``input_tensor`` is not a symbolic tensor or ``classes`` not an integer.
    """
    if not (
        weights is None
        or (isinstance(weights, str) and weights == "imagenet")
        or (isinstance(weights, str | os.PathLike) and os.path.isfile(weights))
    ):
        raise ValueError(
            f"{model}: the `weights` argument should be either `None` (random initialization), 'imagenet' "
            f"(pre-training on ImageNet), or the path to the weights file to be loaded. Received: weights={weights!r}"
        )
    if isinstance(classes, bool) or not isinstance(classes, int) or classes < 1:
        raise TypeError(f"{model}: `classes` must be a positive integer. Received: classes={classes!r}")
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError(
            f"{model}: if using `weights='imagenet'` with `include_top=True`, `classes` should be 1000. "
            f"Received classes={classes}"
        )
    if not include_top and pooling not in _POOLINGS:
        raise ValueError(f"{model}: `pooling` must be None, 'avg' or 'max'. Received: pooling={pooling!r}")
    if input_tensor is not None and not is_keras_tensor(input_tensor):
        raise TypeError(
            f"{model}: `input_tensor` must be a symbolic tensor (the output of `kerax.Input` or of a layer "
            f"called on one). Received: {type(input_tensor).__name__}"
        )


def check_alpha(alpha: Any, model: str) -> None:
    """Raise unless the width multiplier ``alpha`` of a MobileNet is a positive number.

    Args:
        alpha: The width multiplier.
        model: The application's name, for the message.

    Raises:
        ValueError: If ``alpha`` is not a positive int or float.
    """
    if isinstance(alpha, bool) or not isinstance(alpha, int | float) or alpha <= 0:
        raise ValueError(f"{model}: `alpha` must be a positive number. Received: alpha={alpha!r}")


def rows_and_cols(shape: Any) -> tuple[Any, Any]:
    """The height and width of an image shape without the batch, under the current ``image_data_format``."""
    return (shape[1], shape[2]) if image_data_format() == "channels_first" else (shape[0], shape[1])


def imagenet_rows(rows: Any, cols: Any, sizes: tuple[int, ...]) -> int:
    """The input size whose ImageNet weights to load: ``rows`` for a square input of a published size.

    Otherwise 224, with a warning (raised at the application builder's caller).

    Args:
        rows: The input's height (or ``None``).
        cols: The input's width (or ``None``).
        sizes: The sizes Keras publishes weights for.
    """
    if rows == cols and rows in sizes:
        return rows
    warnings.warn(
        f"`input_shape` is undefined or non-square, or `rows` is not in {list(sizes)}. "
        "Weights for input shape (224, 224) will be loaded as the default.",
        stacklevel=3,
    )
    return 224


def image_shape(input_shape: Any, default_size: int, min_size: int, include_top: bool, weights: Any) -> tuple:
    """The image shape without the batch: ``input_shape`` checked, or the default for the data format.

    Args:
        input_shape: The user's ``input_shape`` (or ``None``).
        default_size: The height and width of the default input.
        min_size: The smallest height and width the model takes.
        include_top: Whether the classifier top is included (the shape must then be fully known).
        weights: ``"imagenet"``, ``None`` or a weights file's path.
    """
    return imagenet_utils.obtain_input_shape(
        input_shape,
        default_size=default_size,
        min_size=min_size,
        data_format=image_data_format(),
        require_flatten=include_top,
        weights=weights,
    )


def image_input(input_tensor: Any, input_shape: tuple[int | None, ...]) -> Any:
    """The model's image input: ``input_tensor`` itself, or a new ``Input`` of ``input_shape``."""
    return Input(shape=input_shape) if input_tensor is None else input_tensor


def top(
    x: Any,
    *,
    include_top: bool,
    pooling: str | None,
    classes: int,
    classifier_activation: Any,
    weights: Any,
    avg_name: str | None = "avg_pool",
    max_name: str | None = "max_pool",
    top_avg_name: str | None = "avg_pool",
    dropout: tuple[float, str] | None = None,
    dense_initializer: Any = "glorot_uniform",
) -> Any:
    """The end of a convolutional classifier: global pooling, optional dropout, and the softmax layer.

    Without the top, ``pooling`` picks global average or max pooling (or none). ``None`` for a name
    lets the layer take its automatic name, as some Keras applications do.
    """
    if include_top:
        x = layers.GlobalAveragePooling2D(name=top_avg_name)(x)
        if dropout is not None and dropout[0] > 0:
            x = layers.Dropout(dropout[0], name=dropout[1])(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        return layers.Dense(
            classes, activation=classifier_activation, kernel_initializer=dense_initializer, name="predictions"
        )(x)
    if pooling == "avg":
        return layers.GlobalAveragePooling2D(name=avg_name)(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D(name=max_name)(x)
    return x


def finish(
    img_input: Any,
    outputs: Any,
    *,
    input_tensor: Any,
    name: str,
    weights: Any,
    imagenet_file: Callable[[], tuple[str, str, str | None]] | None,
) -> Any:
    """Make the functional model and load its weights.

    Args:
        img_input: The image input the layers were applied to.
        outputs: The model's output tensor.
        input_tensor: The user's ``input_tensor`` (the model then starts from its source inputs).
        name: The model's name.
        weights: ``"imagenet"``, ``None`` or a weights file's path.
        imagenet_file: Returns ``(file name, address, hash)`` of the ImageNet weights to use.

    Returns:
        The model.
    """
    inputs = get_source_inputs(input_tensor) if input_tensor is not None else img_input
    if isinstance(inputs, list) and len(inputs) == 1:
        inputs = inputs[0]
    model = Model(inputs, outputs, name=name)
    if weights is None:
        return model
    if isinstance(weights, str) and weights == "imagenet":
        if imagenet_file is None:
            raise ValueError(f"{name}: no ImageNet weights are published for this configuration.")
        fname, origin, file_hash = imagenet_file()
        _weights.load_legacy_weights(model, _weights.download(fname, origin, file_hash))
    else:
        _weights.load_weights(model, weights)
    return model
