"""InceptionV3 (Szegedy et al., 2015): factorised Inception modules.

Default input 299x299x3 (at least 75x75). As in Keras, the convolutions, batch normalizations and
activations of the modules have automatic names (``conv2d_5``, ``batch_normalization_5``,
``activation_5``, ...); the module outputs are ``mixed0`` to ``mixed10``. Inputs are expected in ``tf``
mode (pixels scaled to ``[-1, 1]``): use ``kerax.applications.inception_v3.preprocess_input``.
"""

from __future__ import annotations

from typing import Any

from kerax import layers
from kerax.applications import _common, imagenet_utils

__all__ = ["InceptionV3", "decode_predictions", "preprocess_input"]

WEIGHTS_PATH = (
    "https://storage.googleapis.com/tensorflow/keras-applications/inception_v3/"
    "inception_v3_weights_tf_dim_ordering_tf_kernels.h5"
)
WEIGHTS_PATH_NO_TOP = (
    "https://storage.googleapis.com/tensorflow/keras-applications/inception_v3/"
    "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5"
)
WEIGHTS_HASHES = ("9a0d58056eeedaa3f26cb7ebd46da564", "bcbd6486424b2319ff4ef7d526e38f63")


def conv2d_bn(
    x: Any,
    filters: int,
    num_row: int,
    num_col: int,
    padding: str = "same",
    strides: int | tuple[int, int] = (1, 1),
    name: str | None = None,
) -> Any:
    """Convolution (no bias), batch normalization without scale, and ReLU.

    Args:
        x: The input tensor.
        filters: The convolution's filters.
        num_row: The kernel's height.
        num_col: The kernel's width.
        padding: ``"same"`` or ``"valid"``. Defaults to ``"same"``.
        strides: The convolution's strides. Defaults to ``(1, 1)``.
        name: ``None`` for automatic layer names, else the ReLU's name; the convolution and the
            normalization are then ``{name}_conv`` and ``{name}_bn``. Defaults to ``None``.

    Returns:
        The output tensor.
    """
    x = layers.Conv2D(
        filters,
        (num_row, num_col),
        strides=strides,
        padding=padding,
        use_bias=False,
        name=None if name is None else f"{name}_conv",
    )(x)
    x = layers.BatchNormalization(
        axis=_common.channel_axis(), scale=False, name=None if name is None else f"{name}_bn"
    )(x)
    return layers.Activation("relu", name=name)(x)


def _chain(x: Any, convs: tuple[tuple, ...]) -> Any:
    """Apply ``conv2d_bn`` for each ``(filters, rows, cols[, strides, padding])`` in order."""
    for spec in convs:
        filters, rows, cols, *rest = spec
        strides, padding = rest if rest else ((1, 1), "same")
        x = conv2d_bn(x, filters, rows, cols, padding=padding, strides=strides)
    return x


def _avg_pool_branch(x: Any, filters: int) -> Any:
    return conv2d_bn(layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same")(x), filters, 1, 1)


def _concat(branches: list[Any], name: str | None) -> Any:
    return layers.concatenate(branches, axis=_common.channel_axis(), name=name)


def InceptionV3(  # noqa: N802 - Keras's name
    include_top: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    input_shape: Any = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    name: str = "inception_v3",
) -> Any:
    """Build InceptionV3 (default input 299x299x3, at least 75x75).

    Args:
        include_top: Whether to include the classifier top (global pooling and a dense softmax layer).
            Defaults to ``True``.
        weights: ``None`` (random initialization), ``"imagenet"`` (Keras's ImageNet weights, downloaded
            into ``$KERAX_HOME/models``), or the path of a weights file to load (Keras's legacy ``.h5``
            layout, a Keras 3 ``.weights.h5``, or any file ``Model.load_weights`` takes). Defaults to ``"imagenet"``.
        input_tensor: Optional symbolic tensor (e.g. the output of ``kerax.Input``) to use as the image input.
            Defaults to ``None``.
        input_shape: Optional image shape without the batch, e.g. ``(224, 224, 3)``; with ``include_top``
            and ImageNet weights it must be the default shape.
        pooling: Without the top: ``None`` (the output is the last 4D feature map), ``"avg"`` or ``"max"``
            (global pooling, the output is 2D). Defaults to ``None``.
        classes: Number of classes of the top; 1000 with ImageNet weights. Defaults to ``1000``.
        classifier_activation: Activation of the top layer (name or callable); ``None`` returns logits.
            With pretrained weights only ``"softmax"`` or ``None``. Defaults to ``"softmax"``.
        name: The model's name. Defaults to ``"inception_v3"``.

    Returns:
        A functional ``kerax.Model``.

    Raises:
        ValueError: If an argument is invalid or the weights do not fit the model.
        OSError: If ImageNet weights must be downloaded and the download fails.
    """
    _common.check_arguments(weights, include_top, classes, pooling, input_tensor, "InceptionV3")
    shape = _common.image_shape(input_shape, 299, 75, include_top, weights)
    img_input = _common.image_input(input_tensor, shape)
    valid2 = ((2, 2), "valid")
    x = _chain(img_input, ((32, 3, 3, *valid2), (32, 3, 3, (1, 1), "valid"), (64, 3, 3)))
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = _chain(x, ((80, 1, 1, (1, 1), "valid"), (192, 3, 3, (1, 1), "valid")))
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)

    # mixed0..2: 35x35 modules
    for index, pool_filters in enumerate((32, 64, 64)):
        branches = [
            _chain(x, ((64, 1, 1),)),
            _chain(x, ((48, 1, 1), (64, 5, 5))),
            _chain(x, ((64, 1, 1), (96, 3, 3), (96, 3, 3))),
            _avg_pool_branch(x, pool_filters),
        ]
        x = _concat(branches, f"mixed{index}")
    # mixed3: reduction to 17x17
    branches = [
        _chain(x, ((384, 3, 3, *valid2),)),
        _chain(x, ((64, 1, 1), (96, 3, 3), (96, 3, 3, *valid2))),
        layers.MaxPooling2D((3, 3), strides=(2, 2))(x),
    ]
    x = _concat(branches, "mixed3")
    # mixed4..7: 17x17 modules with factorised 7x7 convolutions
    for index, width in ((4, 128), (5, 160), (6, 160), (7, 192)):
        branches = [
            _chain(x, ((192, 1, 1),)),
            _chain(x, ((width, 1, 1), (width, 1, 7), (192, 7, 1))),
            _chain(x, ((width, 1, 1), (width, 7, 1), (width, 1, 7), (width, 7, 1), (192, 1, 7))),
            _avg_pool_branch(x, 192),
        ]
        x = _concat(branches, f"mixed{index}")
    # mixed8: reduction to 8x8
    branches = [
        _chain(x, ((192, 1, 1), (320, 3, 3, *valid2))),
        _chain(x, ((192, 1, 1), (192, 1, 7), (192, 7, 1), (192, 3, 3, *valid2))),
        layers.MaxPooling2D((3, 3), strides=(2, 2))(x),
    ]
    x = _concat(branches, "mixed8")
    # mixed9, mixed10: 8x8 modules with split 3x3 convolutions
    for i in range(2):
        branch1x1 = _chain(x, ((320, 1, 1),))
        branch3x3 = _chain(x, ((384, 1, 1),))
        branch3x3 = _concat([_chain(branch3x3, ((384, 1, 3),)), _chain(branch3x3, ((384, 3, 1),))], f"mixed9_{i}")
        branch3x3dbl = _chain(x, ((448, 1, 1), (384, 3, 3)))
        branch3x3dbl = _concat([_chain(branch3x3dbl, ((384, 1, 3),)), _chain(branch3x3dbl, ((384, 3, 1),))], None)
        x = _concat([branch1x1, branch3x3, branch3x3dbl, _avg_pool_branch(x, 192)], f"mixed{9 + i}")

    x = _common.top(
        x,
        include_top=include_top,
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
        imagenet_file=lambda: _weights_file(include_top),
    )


def _weights_file(include_top: bool) -> tuple[str, str, str]:
    """Keras's ImageNet weights file: ``(file name, address, MD5)``.

    Args:
        include_top: Whether the file holds the classifier top.

    Returns:
        The file's name, address and hash.
    """
    path = WEIGHTS_PATH if include_top else WEIGHTS_PATH_NO_TOP
    return path.rsplit("/", 1)[1], path, WEIGHTS_HASHES[0 if include_top else 1]


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """Preprocess images for InceptionV3: pixels from ``[0, 255]`` to ``[-1, 1]`` (``tf`` mode).

    Args:
        x: Images with values in ``[0, 255]``: a NumPy array or a tensor, 3D or 4D.
        data_format: ``"channels_last"``, ``"channels_first"``, or ``None`` for the global setting.
            Defaults to ``None``.

    Returns:
        The preprocessed images (float).

    Raises:
        ValueError: If ``data_format`` is unknown or ``x`` is not an image batch with 3 channels.
    """
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds: Any, top: int = 5) -> list[list[tuple[str, str, Any]]]:
    """Decode ImageNet predictions into ``(wordnet id, label, score)`` tuples, best first.

    Args:
        preds: Scores of shape ``(samples, 1000)``.
        top: How many classes to return per sample. Defaults to ``5``.

    Returns:
        One list of ``top`` tuples per sample.

    Raises:
        ValueError: If ``preds`` is not of shape ``(samples, 1000)`` or ``top`` is invalid.
    """
    return imagenet_utils.decode_predictions(preds, top=top)


def __dir__() -> list[str]:
    """The public names: not the modules and helpers the namespace is built from."""
    return list(__all__)
