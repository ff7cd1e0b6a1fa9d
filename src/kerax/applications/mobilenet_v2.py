"""MobileNetV2 (Sandler et al., 2018): inverted residual blocks with linear bottlenecks.

``alpha`` scales the width of every layer. Keras publishes ImageNet weights for ``alpha`` in
``{0.35, 0.5, 0.75, 1.0, 1.3, 1.4}`` and square inputs of 96, 128, 160, 192 or 224 pixels. Inputs are
expected in ``tf`` mode (pixels scaled to ``[-1, 1]``): use ``kerax.applications.mobilenet_v2.preprocess_input``.
"""

from __future__ import annotations

from typing import Any

from kerax import layers
from kerax.applications import _common, imagenet_utils
from kerax.backend import image_data_format

__all__ = ["MobileNetV2", "decode_predictions", "preprocess_input"]

BASE_WEIGHT_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v2/"
_ALPHAS = (0.35, 0.5, 0.75, 1.0, 1.3, 1.4)
_SIZES = (96, 128, 160, 192, 224)
# (output filters, stride, expansion) of the 17 inverted residual blocks
_BLOCKS = (
    (16, 1, 1),
    (24, 2, 6),
    (24, 1, 6),
    (32, 2, 6),
    (32, 1, 6),
    (32, 1, 6),
    (64, 2, 6),
    (64, 1, 6),
    (64, 1, 6),
    (64, 1, 6),
    (96, 1, 6),
    (96, 1, 6),
    (96, 1, 6),
    (160, 2, 6),
    (160, 1, 6),
    (160, 1, 6),
    (320, 1, 6),
)


def make_divisible(value: float, divisor: int, min_value: int | None = None) -> int:
    """Round ``value`` to a multiple of ``divisor`` (at least ``min_value``), never more than 10% down."""
    floor = divisor if min_value is None else min_value
    rounded = max(floor, int(value + divisor / 2) // divisor * divisor)
    if rounded < 0.9 * value:
        rounded += divisor
    return rounded


def _bn(x: Any, name: str) -> Any:
    return layers.BatchNormalization(axis=_common.channel_axis(), epsilon=1e-3, momentum=0.999, name=name)(x)


def _inverted_res_block(inputs: Any, expansion: int, stride: int, alpha: float, filters: int, block_id: int) -> Any:
    in_channels = inputs.shape[_common.channel_axis()]
    pointwise_filters = make_divisible(int(filters * alpha), 8)
    x = inputs
    if block_id:
        prefix = f"block_{block_id}_"
        x = layers.Conv2D(expansion * in_channels, 1, padding="same", use_bias=False, name=f"{prefix}expand")(x)
        x = layers.ReLU(6.0, name=f"{prefix}expand_relu")(_bn(x, f"{prefix}expand_BN"))
    else:
        prefix = "expanded_conv_"
    if stride == 2:
        x = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(x, 3), name=f"{prefix}pad")(x)
    x = layers.DepthwiseConv2D(
        3, strides=stride, use_bias=False, padding="same" if stride == 1 else "valid", name=f"{prefix}depthwise"
    )(x)
    x = layers.ReLU(6.0, name=f"{prefix}depthwise_relu")(_bn(x, f"{prefix}depthwise_BN"))
    x = layers.Conv2D(pointwise_filters, 1, padding="same", use_bias=False, name=f"{prefix}project")(x)
    x = _bn(x, f"{prefix}project_BN")
    if in_channels == pointwise_filters and stride == 1:
        return layers.Add(name=f"{prefix}add")([inputs, x])
    return x


def _default_size(input_shape: Any, input_tensor: Any) -> int:
    """The nearest published input size: the given square size if it is one, else 224."""
    first = image_data_format() == "channels_first"
    if input_shape is not None:
        if not isinstance(input_shape, tuple | list) or len(input_shape) != 3:
            raise ValueError(f"`input_shape` must be a tuple of three integers. Received: input_shape={input_shape!r}")
        rows, cols = _common.rows_and_cols(input_shape)
        if input_tensor is not None:
            given = input_tensor.shape[1] if first else input_tensor.shape[2]
            if given != input_shape[1]:
                raise ValueError(
                    f"MobileNetV2: `input_shape` {tuple(input_shape)} does not match the input_tensor's shape "
                    f"{tuple(input_tensor.shape)}."
                )
    elif input_tensor is not None:
        rows, cols = _common.rows_and_cols(input_tensor.shape[1:])
    else:
        return 224
    return rows if rows == cols and rows in _SIZES else 224


def MobileNetV2(  # noqa: N802 - Keras's name
    input_shape: Any = None,
    alpha: float = 1.0,
    include_top: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    name: str | None = None,
) -> Any:
    """Build MobileNetV2 (default input 224x224x3, at least 32x32).

    Args:
        input_shape: Optional image shape without the batch, e.g. ``(160, 160, 3)``; a square
            published size (96, 128, 160, 192 or 224) also selects the matching ImageNet weights. Defaults to ``None``.
        alpha: Width multiplier: ``< 1`` thins every layer, ``> 1`` widens it (also the last 1x1
            convolution); ImageNet weights exist for 0.35, 0.5, 0.75, 1.0, 1.3 and 1.4. Defaults to ``1.0``.
        include_top: Whether to include the classifier top (global pooling and a dense softmax layer).
            Defaults to ``True``.
        weights: ``None`` (random initialization), ``"imagenet"``, or the path of a weights file.
            Defaults to ``"imagenet"``.
        input_tensor: Optional symbolic tensor to use as the image input. Defaults to ``None``.
        pooling: Without the top: ``None``, ``"avg"`` or ``"max"`` global pooling. Defaults to ``None``.
        classes: Number of classes of the top; 1000 with ImageNet weights. Defaults to ``1000``.
        classifier_activation: Activation of the top layer; ``None`` returns logits. Defaults to ``"softmax"``.
        name: The model's name; default ``mobilenetv2_{alpha:.2f}_{rows}``.

    Returns:
        A functional ``kerax.Model``.

    Raises:
        ValueError: If an argument is invalid (``alpha`` without published ImageNet weights among
            them) or the weights do not fit the model.
        OSError: If ImageNet weights must be downloaded and the download fails.

    Example:
        >>> model = kerax.applications.MobileNetV2(weights=None, input_shape=(32, 32, 3), alpha=0.35, classes=10)
        >>> model.output.shape, model.count_params()
        ((None, 10), 423018)
    """
    _common.check_arguments(weights, include_top, classes, pooling, input_tensor, "MobileNetV2")
    _common.check_alpha(alpha, "MobileNetV2")
    shape = _common.image_shape(input_shape, _default_size(input_shape, input_tensor), 32, include_top, weights)
    rows, cols = _common.rows_and_cols(shape)
    if weights == "imagenet":
        if alpha not in _ALPHAS:
            raise ValueError(
                "If imagenet weights are being loaded, alpha must be one of `0.35`, `0.50`, `0.75`, `1.0`, "
                f"`1.3` or `1.4` only; Received `alpha={alpha}`"
            )
        rows = _common.imagenet_rows(rows, cols, _SIZES)
    img_input = _common.image_input(input_tensor, shape)
    x = layers.Conv2D(make_divisible(32 * alpha, 8), 3, strides=2, padding="same", use_bias=False, name="Conv1")(
        img_input
    )
    x = layers.ReLU(6.0, name="Conv1_relu")(_bn(x, "bn_Conv1"))
    for block_id, (filters, stride, expansion) in enumerate(_BLOCKS):
        x = _inverted_res_block(x, expansion, stride, alpha, filters, block_id)
    last = make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
    x = layers.Conv2D(last, 1, use_bias=False, name="Conv_1")(x)
    x = layers.ReLU(6.0, name="out_relu")(_bn(x, "Conv_1_bn"))
    x = _common.top(
        x,
        include_top=include_top,
        pooling=pooling,
        classes=classes,
        classifier_activation=classifier_activation,
        weights=weights,
        avg_name=None,
        max_name=None,
        top_avg_name=None,
    )

    def imagenet_file() -> tuple[str, str, None]:
        suffix = "" if include_top else "_no_top"
        fname = f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{float(alpha)}_{rows}{suffix}.h5"
        return fname, BASE_WEIGHT_PATH + fname, None

    return _common.finish(
        img_input,
        x,
        input_tensor=input_tensor,
        name=name if name is not None else f"mobilenetv2_{alpha:0.2f}_{rows}",
        weights=weights,
        imagenet_file=imagenet_file,
    )


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """Preprocess images for MobileNetV2: pixels from ``[0, 255]`` to ``[-1, 1]`` (``tf`` mode).

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
