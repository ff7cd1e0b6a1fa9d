"""Xception (Chollet, 2017): depthwise separable convolutions with residual connections.

Default input 299x299x3 (at least 71x71). Inputs are expected in ``tf`` mode (pixels scaled to
``[-1, 1]``): use ``kerax.applications.xception.preprocess_input``. Like Keras's, the residual
projections and the merges have automatic names (``conv2d``, ``batch_normalization``, ``add``, ...).
"""

from __future__ import annotations

from typing import Any

from kerax import layers
from kerax.applications import _common, imagenet_utils

__all__ = ["Xception", "decode_predictions", "preprocess_input"]

WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/xception/xception_weights_tf_dim_ordering_tf_kernels.h5"
WEIGHTS_PATH_NO_TOP = (
    "https://storage.googleapis.com/tensorflow/keras-applications/xception/"
    "xception_weights_tf_dim_ordering_tf_kernels_notop.h5"
)
WEIGHTS_HASHES = ("0a58e3b7378bc2990ea3b43d5981f1f6", "b0042744bf5b25fce3cb969f33bebb97")


def _sepconv_bn(x: Any, filters: int, prefix: str, index: int, relu_first: bool) -> Any:
    """``[relu] -> separable conv -> batch norm`` named ``{prefix}_sepconv{index}[_act|_bn]``."""
    axis = _common.channel_axis()
    if relu_first:
        x = layers.Activation("relu", name=f"{prefix}_sepconv{index}_act")(x)
    x = layers.SeparableConv2D(filters, 3, padding="same", use_bias=False, name=f"{prefix}_sepconv{index}")(x)
    return layers.BatchNormalization(axis=axis, name=f"{prefix}_sepconv{index}_bn")(x)


def _downsampling_block(x: Any, filters: tuple[int, int], block: int, first_relu: bool) -> Any:
    """Two separable convolutions and a strided max pooling, added to a strided 1x1 projection of ``x``."""
    axis = _common.channel_axis()
    residual = layers.Conv2D(filters[1], 1, strides=2, padding="same", use_bias=False)(x)
    residual = layers.BatchNormalization(axis=axis)(residual)
    prefix = f"block{block}"
    if first_relu:
        x = layers.Activation("relu", name=f"{prefix}_sepconv1_act")(x)
    x = _sepconv_bn(x, filters[0], prefix, 1, relu_first=False)
    x = _sepconv_bn(x, filters[1], prefix, 2, relu_first=True)
    x = layers.MaxPooling2D(3, strides=2, padding="same", name=f"{prefix}_pool")(x)
    return layers.add([x, residual])


def Xception(  # noqa: N802 - Keras's name
    include_top: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    input_shape: Any = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    name: str = "xception",
) -> Any:
    """Build Xception (default input 299x299x3, at least 71x71).

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
        name: The model's name. Defaults to ``"xception"``.

    Returns:
        A functional ``kerax.Model``.

    Raises:
        ValueError: If an argument is invalid or the weights do not fit the model.
        OSError: If ImageNet weights must be downloaded and the download fails.
    """
    _common.check_arguments(weights, include_top, classes, pooling, input_tensor, name)
    shape = _common.image_shape(input_shape, 299, 71, include_top, weights)
    axis = _common.channel_axis()
    img_input = _common.image_input(input_tensor, shape)
    x = layers.Conv2D(32, 3, strides=2, use_bias=False, name="block1_conv1")(img_input)
    x = layers.BatchNormalization(axis=axis, name="block1_conv1_bn")(x)
    x = layers.Activation("relu", name="block1_conv1_act")(x)
    x = layers.Conv2D(64, 3, use_bias=False, name="block1_conv2")(x)
    x = layers.BatchNormalization(axis=axis, name="block1_conv2_bn")(x)
    x = layers.Activation("relu", name="block1_conv2_act")(x)

    x = _downsampling_block(x, (128, 128), 2, first_relu=False)
    x = _downsampling_block(x, (256, 256), 3, first_relu=True)
    x = _downsampling_block(x, (728, 728), 4, first_relu=True)
    for block in range(5, 13):
        residual = x
        for index in (1, 2, 3):
            x = _sepconv_bn(x, 728, f"block{block}", index, relu_first=True)
        x = layers.add([x, residual])
    x = _downsampling_block(x, (728, 1024), 13, first_relu=True)

    x = layers.SeparableConv2D(1536, 3, padding="same", use_bias=False, name="block14_sepconv1")(x)
    x = layers.BatchNormalization(axis=axis, name="block14_sepconv1_bn")(x)
    x = layers.Activation("relu", name="block14_sepconv1_act")(x)
    x = layers.SeparableConv2D(2048, 3, padding="same", use_bias=False, name="block14_sepconv2")(x)
    x = layers.BatchNormalization(axis=axis, name="block14_sepconv2_bn")(x)
    x = layers.Activation("relu", name="block14_sepconv2_act")(x)
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

    def imagenet_file() -> tuple[str, str, str]:
        origin = WEIGHTS_PATH if include_top else WEIGHTS_PATH_NO_TOP
        return origin.rsplit("/", 1)[1], origin, WEIGHTS_HASHES[0 if include_top else 1]

    return _common.finish(
        img_input, x, input_tensor=input_tensor, name=name, weights=weights, imagenet_file=imagenet_file
    )


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """Preprocess images for Xception: pixels from ``[0, 255]`` to ``[-1, 1]`` (``tf`` mode).

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
