"""MobileNetV3Small and MobileNetV3Large (Howard et al., 2019): inverted residuals with hard-swish and SE.

The models take pixels in ``[0, 255]`` by default (``include_preprocessing=True`` adds a ``Rescaling``
layer to ``[-1, 1]``), so ``kerax.applications.mobilenet_v3.preprocess_input`` returns its input
unchanged. ``minimalistic`` drops squeeze-and-excitation, hard-swish and 5x5 kernels. Keras publishes
ImageNet weights for ``alpha`` 0.75 and 1.0 (1.0 only when minimalistic), for 224x224 inputs.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from kerax import layers
from kerax.applications import _common, imagenet_utils
from kerax.applications.mobilenet_v2 import make_divisible
from kerax.backend import image_data_format

__all__ = ["MobileNetV3Large", "MobileNetV3Small", "decode_predictions", "preprocess_input"]

BASE_WEIGHT_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v3/"
WEIGHTS_HASHES = {
    "large_224_0.75_float": ("765b44a33ad4005b3ac83185abf1d0eb", "40af19a13ebea4e2ee0c676887f69a2e"),
    "large_224_1.0_float": ("59e551e166be033d707958cf9e29a6a7", "07fb09a5933dd0c8eaafa16978110389"),
    "large_minimalistic_224_1.0_float": ("675e7b876c45c57e9e63e6d90a36599c", "ec5221f64a2f6d1ef965a614bdae7973"),
    "small_224_0.75_float": ("cb65d4e5be93758266aa0a7f2c6708b7", "ebdb5cc8e0b497cd13a7c275d475c819"),
    "small_224_1.0_float": ("8768d4c2e7dee89b9d02b2d03d65d862", "d3e8ec802a04aa4fc771ee12a9a9b836"),
    "small_minimalistic_224_1.0_float": ("99cd97fb2fcdad2bf028eb838de69e37", "cde8136e733e811080d9fcd8a252f7e4"),
}
# (expansion, filters, kernel ("k": 5x5 unless minimalistic), stride, squeeze-excite, activation ("a":
# hard-swish unless minimalistic, "relu" always ReLU)) of each inverted residual block
_SMALL = (
    (1, 16, 3, 2, True, "relu"),
    (72.0 / 16, 24, 3, 2, False, "relu"),
    (88.0 / 24, 24, 3, 1, False, "relu"),
    (4, 40, "k", 2, True, "a"),
    (6, 40, "k", 1, True, "a"),
    (6, 40, "k", 1, True, "a"),
    (3, 48, "k", 1, True, "a"),
    (3, 48, "k", 1, True, "a"),
    (6, 96, "k", 2, True, "a"),
    (6, 96, "k", 1, True, "a"),
    (6, 96, "k", 1, True, "a"),
)
_LARGE = (
    (1, 16, 3, 1, False, "relu"),
    (4, 24, 3, 2, False, "relu"),
    (3, 24, 3, 1, False, "relu"),
    (3, 40, "k", 2, True, "relu"),
    (3, 40, "k", 1, True, "relu"),
    (3, 40, "k", 1, True, "relu"),
    (6, 80, 3, 2, False, "a"),
    (2.5, 80, 3, 1, False, "a"),
    (2.3, 80, 3, 1, False, "a"),
    (2.3, 80, 3, 1, False, "a"),
    (6, 112, 3, 1, True, "a"),
    (6, 112, 3, 1, True, "a"),
    (6, 160, "k", 2, True, "a"),
    (6, 160, "k", 1, True, "a"),
    (6, 160, "k", 1, True, "a"),
)
_SE_RATIO = 0.25


def _relu(x: Any) -> Any:
    return layers.ReLU()(x)


def _hard_sigmoid(x: Any) -> Any:
    return layers.ReLU(6.0)(x + 3.0) * (1.0 / 6.0)


def _hard_swish(x: Any) -> Any:
    return layers.Activation("hard_swish")(x)


def _bn(x: Any, name: str) -> Any:
    return layers.BatchNormalization(axis=_common.channel_axis(), epsilon=1e-3, momentum=0.999, name=name)(x)


def _se_block(inputs: Any, filters: int, prefix: str) -> Any:
    x = layers.GlobalAveragePooling2D(keepdims=True, name=f"{prefix}squeeze_excite_avg_pool")(inputs)
    x = layers.Conv2D(make_divisible(filters * _SE_RATIO, 8), 1, padding="same", name=f"{prefix}squeeze_excite_conv")(x)
    x = layers.ReLU(name=f"{prefix}squeeze_excite_relu")(x)
    x = layers.Conv2D(filters, 1, padding="same", name=f"{prefix}squeeze_excite_conv_1")(x)
    return layers.Multiply(name=f"{prefix}squeeze_excite_mul")([inputs, _hard_sigmoid(x)])


def _inverted_res_block(
    x: Any,
    expansion: float,
    filters: int,
    kernel_size: int,
    stride: int,
    se: bool,
    activation: Callable[[Any], Any],
    block_id: int,
) -> Any:
    shortcut = x
    in_filters = x.shape[_common.channel_axis()]
    expanded = make_divisible(in_filters * expansion, 8)
    prefix = "expanded_conv_"
    if block_id:
        prefix = f"expanded_conv_{block_id}_"
        x = layers.Conv2D(expanded, 1, padding="same", use_bias=False, name=f"{prefix}expand")(x)
        x = activation(_bn(x, f"{prefix}expand_bn"))
    if stride == 2:
        x = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(x, kernel_size), name=f"{prefix}depthwise_pad")(x)
    x = layers.DepthwiseConv2D(
        kernel_size,
        strides=stride,
        padding="same" if stride == 1 else "valid",
        use_bias=False,
        name=f"{prefix}depthwise",
    )(x)
    x = activation(_bn(x, f"{prefix}depthwise_bn"))
    if se:
        x = _se_block(x, expanded, prefix)
    x = layers.Conv2D(filters, 1, padding="same", use_bias=False, name=f"{prefix}project")(x)
    x = _bn(x, f"{prefix}project_bn")
    if stride == 1 and in_filters == filters:
        x = layers.Add(name=f"{prefix}add")([shortcut, x])
    return x


def _image_shape(input_shape: Any, input_tensor: Any) -> tuple[int | None, ...]:
    """The input's image shape: ``input_shape``, else the tensor's, else ``(None, None, 3)``."""
    first = image_data_format() == "channels_first"
    if input_shape is not None:
        if not isinstance(input_shape, tuple | list) or len(input_shape) != 3:
            raise ValueError(f"`input_shape` must be a tuple of three integers. Received: input_shape={input_shape!r}")
        if input_tensor is not None and input_tensor.shape[2 if not first else 1] != input_shape[1]:
            raise ValueError(
                f"`input_shape` {tuple(input_shape)} does not match the shape of `input_tensor` "
                f"{tuple(input_tensor.shape)}."
            )
        return tuple(input_shape)
    if input_tensor is not None:
        return tuple(input_tensor.shape[1:])
    return (3, None, None) if first else (None, None, 3)


def _mobilenet_v3(
    blocks: tuple[tuple, ...],
    last_point_ch: int,
    model_type: str,
    *,
    input_shape: Any,
    alpha: float,
    minimalistic: bool,
    include_top: bool,
    weights: Any,
    input_tensor: Any,
    classes: int,
    pooling: str | None,
    dropout_rate: float,
    classifier_activation: Any,
    include_preprocessing: bool,
    name: str,
) -> Any:
    _common.check_arguments(weights, include_top, classes, pooling, input_tensor, name)
    _common.check_alpha(alpha, name)
    shape = _image_shape(input_shape, input_tensor)
    rows, cols = _common.rows_and_cols(shape)
    if (rows is not None and rows < 32) or (cols is not None and cols < 32):
        raise ValueError(f"Input size must be at least 32x32; Received `input_shape={shape}`")
    if weights == "imagenet":
        if (not minimalistic and alpha not in (0.75, 1.0)) or (minimalistic and alpha != 1.0):
            raise ValueError(
                "If imagenet weights are being loaded, alpha can be one of `0.75`, `1.0` for non minimalistic "
                f"or `1.0` for minimalistic only. Received: alpha={alpha}, minimalistic={minimalistic}"
            )
        if rows != cols or rows != 224:
            warnings.warn(
                "`input_shape` is undefined or non-square, or `rows` is not 224. Weights for input shape "
                "(224, 224) will be loaded as the default.",
                stacklevel=3,
            )
    axis = _common.channel_axis()
    if minimalistic:
        kernel, activation = 3, _relu
    else:
        kernel, activation = 5, _hard_swish
    img_input = _common.image_input(input_tensor, shape)
    x = img_input
    if include_preprocessing:
        x = layers.Rescaling(scale=1.0 / 127.5, offset=-1.0)(x)
    x = layers.Conv2D(16, 3, strides=(2, 2), padding="same", use_bias=False, name="conv")(x)
    x = activation(_bn(x, "conv_bn"))
    for block_id, (expansion, filters, block_kernel, stride, se, act) in enumerate(blocks):
        x = _inverted_res_block(
            x,
            expansion,
            make_divisible(filters * alpha, 8),
            kernel if block_kernel == "k" else block_kernel,
            stride,
            se and not minimalistic,
            _relu if act == "relu" else activation,
            block_id,
        )
    last_conv_ch = make_divisible(x.shape[axis] * 6, 8)
    if alpha > 1.0:
        last_point_ch = make_divisible(last_point_ch * alpha, 8)
    x = layers.Conv2D(last_conv_ch, 1, padding="same", use_bias=False, name="conv_1")(x)
    x = activation(_bn(x, "conv_1_bn"))
    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Conv2D(last_point_ch, 1, padding="same", use_bias=True, name="conv_2")(x)
        x = activation(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate)(x)
        x = layers.Conv2D(classes, 1, padding="same", name="logits")(x)
        x = layers.Flatten()(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Activation(classifier_activation, name="predictions")(x)
    else:
        x = _common.top(
            x,
            include_top=False,
            pooling=pooling,
            classes=classes,
            classifier_activation=classifier_activation,
            weights=weights,
        )

    return _common.finish(
        img_input,
        x,
        input_tensor=input_tensor,
        name=name,
        weights=weights,
        imagenet_file=lambda: _weights_file(model_type, minimalistic, alpha, include_top),
    )


def _weights_file(model_type: str, minimalistic: bool, alpha: float, include_top: bool) -> tuple[str, str, str]:
    """Keras's ImageNet weights file: ``(file name, address, MD5)``.

    Args:
        model_type: ``"small"`` or ``"large"``.
        minimalistic: Whether the model is the minimalistic one (then ``alpha`` is 1.0).
        alpha: The width multiplier: 0.75 or 1.0.
        include_top: Whether the file holds the classifier top.

    Returns:
        The file's name, address and hash.
    """
    key = f"{model_type}{'_minimalistic' if minimalistic else ''}_224_{float(alpha)}_float"
    fname = f"weights_mobilenet_v3_{key}{'' if include_top else '_no_top_v2'}.h5"
    return fname, BASE_WEIGHT_PATH + fname, WEIGHTS_HASHES[key][0 if include_top else 1]


def MobileNetV3Small(  # noqa: N802 - Keras's name
    input_shape: Any = None,
    alpha: float = 1.0,
    minimalistic: bool = False,
    include_top: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    classes: int = 1000,
    pooling: str | None = None,
    dropout_rate: float = 0.2,
    classifier_activation: Any = "softmax",
    include_preprocessing: bool = True,
    name: str = "MobileNetV3Small",
) -> Any:
    """Build MobileNetV3Small (input at least 32x32; any size without the top, 224x224 for the published weights).

    Args:
        input_shape: Optional image shape without the batch, e.g. ``(224, 224, 3)``; default the
            shape of ``input_tensor``, else ``(None, None, 3)``.
        alpha: Width multiplier of every block (and of the last 1x1 convolution when ``> 1``);
            ImageNet weights exist for 0.75 and 1.0 (1.0 only with ``minimalistic``). Defaults to ``1.0``.
        minimalistic: Use 3x3 kernels and ReLU only, without squeeze-and-excitation. Defaults to ``False``.
        include_top: Whether to include the classifier top (global pooling, two 1x1 convolutions
            and the activation). Defaults to ``True``.
        weights: ``None`` (random initialization), ``"imagenet"``, or the path of a weights file.
            Defaults to ``"imagenet"``.
        input_tensor: Optional symbolic tensor to use as the image input. Defaults to ``None``.
        classes: Number of classes of the top; 1000 with ImageNet weights. Defaults to ``1000``.
        pooling: Without the top: ``None``, ``"avg"`` or ``"max"`` global pooling. Defaults to ``None``.
        dropout_rate: Dropout rate before the last 1x1 convolution of the top. Defaults to ``0.2``.
        classifier_activation: Activation of the top layer; ``None`` returns logits. Defaults to ``"softmax"``.
        include_preprocessing: Whether the model starts with a ``Rescaling`` layer from ``[0, 255]``
            to ``[-1, 1]``. Defaults to ``True``.
        name: The model's name. Defaults to ``"MobileNetV3Small"``.

    Returns:
        A functional ``kerax.Model``.

    Raises:
        ValueError: If an argument is invalid or the weights do not fit the model.
        OSError: If ImageNet weights must be downloaded and the download fails.
    """
    return _mobilenet_v3(_SMALL, 1024, "small", **locals())


def MobileNetV3Large(  # noqa: N802 - Keras's name
    input_shape: Any = None,
    alpha: float = 1.0,
    minimalistic: bool = False,
    include_top: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    classes: int = 1000,
    pooling: str | None = None,
    dropout_rate: float = 0.2,
    classifier_activation: Any = "softmax",
    include_preprocessing: bool = True,
    name: str = "MobileNetV3Large",
) -> Any:
    """Build MobileNetV3Large (input at least 32x32; any size without the top, 224x224 for the published weights).

    Args:
        input_shape: Optional image shape without the batch, e.g. ``(224, 224, 3)``; default the
            shape of ``input_tensor``, else ``(None, None, 3)``.
        alpha: Width multiplier of every block (and of the last 1x1 convolution when ``> 1``);
            ImageNet weights exist for 0.75 and 1.0 (1.0 only with ``minimalistic``). Defaults to ``1.0``.
        minimalistic: Use 3x3 kernels and ReLU only, without squeeze-and-excitation. Defaults to ``False``.
        include_top: Whether to include the classifier top (global pooling, two 1x1 convolutions
            and the activation). Defaults to ``True``.
        weights: ``None`` (random initialization), ``"imagenet"``, or the path of a weights file.
            Defaults to ``"imagenet"``.
        input_tensor: Optional symbolic tensor to use as the image input. Defaults to ``None``.
        classes: Number of classes of the top; 1000 with ImageNet weights. Defaults to ``1000``.
        pooling: Without the top: ``None``, ``"avg"`` or ``"max"`` global pooling. Defaults to ``None``.
        dropout_rate: Dropout rate before the last 1x1 convolution of the top. Defaults to ``0.2``.
        classifier_activation: Activation of the top layer; ``None`` returns logits. Defaults to ``"softmax"``.
        include_preprocessing: Whether the model starts with a ``Rescaling`` layer from ``[0, 255]``
            to ``[-1, 1]``. Defaults to ``True``.
        name: The model's name. Defaults to ``"MobileNetV3Large"``.

    Returns:
        A functional ``kerax.Model``.

    Raises:
        ValueError: If an argument is invalid or the weights do not fit the model.
        OSError: If ImageNet weights must be downloaded and the download fails.
    """
    return _mobilenet_v3(_LARGE, 1280, "large", **locals())


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """Return ``x`` unchanged: MobileNetV3 models rescale their ``[0, 255]`` inputs themselves.

    Args:
        x: Images with values in ``[0, 255]``.
        data_format: Unused; accepted for compatibility with the other applications. Defaults to ``None``.

    Returns:
        ``x`` itself.
    """
    return x


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
