"""MobileNet (Howard et al., 2017): depthwise separable convolutions with a width multiplier.

``alpha`` scales the width of every layer and ``depth_multiplier`` the depthwise convolutions' output.
Keras publishes ImageNet weights for ``alpha`` in ``{0.25, 0.5, 0.75, 1.0}`` (``depth_multiplier=1``)
and square inputs of 128, 160, 192 or 224 pixels. Inputs are expected in ``tf`` mode (pixels scaled to
``[-1, 1]``): use ``kerax.applications.mobilenet.preprocess_input``.
"""

from __future__ import annotations

from typing import Any

from kerax import layers
from kerax.applications import _common, imagenet_utils

__all__ = ["MobileNet", "decode_predictions", "preprocess_input"]

BASE_WEIGHT_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet/"
_ALPHAS = {1.0: "1_0", 0.75: "7_5", 0.5: "5_0", 0.25: "2_5"}
_SIZES = (128, 160, 192, 224)
# (pointwise filters, stride) of the 13 depthwise separable blocks
_BLOCKS = (
    (64, 1),
    (128, 2),
    (128, 1),
    (256, 2),
    (256, 1),
    (512, 2),
    (512, 1),
    (512, 1),
    (512, 1),
    (512, 1),
    (512, 1),
    (1024, 2),
    (1024, 1),
)


def _bn_relu6(x: Any, name: str) -> Any:
    x = layers.BatchNormalization(axis=_common.channel_axis(), name=f"{name}_bn")(x)
    return layers.ReLU(6.0, name=f"{name}_relu")(x)


def _depthwise_block(x: Any, filters: int, alpha: float, depth_multiplier: int, stride: int, block_id: int) -> Any:
    """Depthwise 3x3 (zero padded on the bottom and right when strided), then pointwise 1x1, each with BN and ReLU6."""
    if stride != 1:
        x = layers.ZeroPadding2D(((0, 1), (0, 1)), name=f"conv_pad_{block_id}")(x)
    x = layers.DepthwiseConv2D(
        3,
        padding="same" if stride == 1 else "valid",
        depth_multiplier=depth_multiplier,
        strides=stride,
        use_bias=False,
        name=f"conv_dw_{block_id}",
    )(x)
    x = _bn_relu6(x, f"conv_dw_{block_id}")
    x = layers.Conv2D(int(filters * alpha), 1, padding="same", use_bias=False, name=f"conv_pw_{block_id}")(x)
    return _bn_relu6(x, f"conv_pw_{block_id}")


def _published_size(input_shape: Any, sizes: tuple[int, ...], default: int = 224) -> int:
    """The square input size given in ``input_shape`` if weights are published for it, else ``default``.

    Args:
        input_shape: ``None`` or the user's image shape (3 entries, in the current data format).
        sizes: The sizes weights are published for.
        default: The size used otherwise.

    Returns:
        The size whose weights fit the shape.

    Raises:
        ValueError: If ``input_shape`` is not a sequence of three entries.
    """
    if input_shape is None:
        return default
    if not isinstance(input_shape, tuple | list) or len(input_shape) != 3:
        raise ValueError(f"`input_shape` must be a tuple of three integers. Received: input_shape={input_shape!r}")
    rows, cols = _common.rows_and_cols(input_shape)
    return rows if rows == cols and rows in sizes else default


def MobileNet(  # noqa: N802 - Keras's name
    input_shape: Any = None,
    alpha: float = 1.0,
    depth_multiplier: int = 1,
    dropout: float = 1e-3,
    include_top: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    name: str | None = None,
) -> Any:
    """Build MobileNet (default input 224x224x3, at least 32x32).

    Args:
        input_shape: Optional image shape without the batch, e.g. ``(160, 160, 3)``; a square
            published size (128, 160, 192 or 224) also selects the matching ImageNet weights. Defaults to ``None``.
        alpha: Width multiplier: ``< 1`` thins every layer, ``> 1`` widens it; ImageNet weights exist
            for 0.25, 0.5, 0.75 and 1.0. Defaults to ``1.0``.
        depth_multiplier: Output channels of each depthwise convolution per input channel (1 with
            ImageNet weights). Defaults to ``1``.
        dropout: Dropout rate before the classifier. Defaults to ``0.001``.
        include_top: Whether to include the classifier top (global pooling, dropout, a 1x1
            convolution and the activation). Defaults to ``True``.
        weights: ``None`` (random initialization), ``"imagenet"``, or the path of a weights file.
            Defaults to ``"imagenet"``.
        input_tensor: Optional symbolic tensor to use as the image input. Defaults to ``None``.
        pooling: Without the top: ``None``, ``"avg"`` or ``"max"`` global pooling. Defaults to ``None``.
        classes: Number of classes of the top; 1000 with ImageNet weights. Defaults to ``1000``.
        classifier_activation: Activation of the top layer; ``None`` returns logits. Defaults to ``"softmax"``.
        name: The model's name; default ``mobilenet_{alpha:.2f}_{rows}``.

    Returns:
        A functional ``kerax.Model``.

    Raises:
        ValueError: If an argument is invalid (``alpha`` or ``depth_multiplier`` without published
            ImageNet weights among them) or the weights do not fit the model.
        OSError: If ImageNet weights must be downloaded and the download fails.
    """
    _common.check_arguments(weights, include_top, classes, pooling, input_tensor, "MobileNet")
    _common.check_alpha(alpha, "MobileNet")
    if isinstance(depth_multiplier, bool) or not isinstance(depth_multiplier, int) or depth_multiplier < 1:
        raise ValueError(
            f"MobileNet: `depth_multiplier` must be a positive integer. Received: depth_multiplier={depth_multiplier!r}"
        )
    shape = _common.image_shape(input_shape, _published_size(input_shape, _SIZES), 32, include_top, weights)
    rows, cols = _common.rows_and_cols(shape)
    if weights == "imagenet":
        if depth_multiplier != 1:
            raise ValueError(
                "If imagenet weights are being loaded, depth multiplier must be 1.  "
                f"Received depth_multiplier={depth_multiplier}"
            )
        if alpha not in _ALPHAS:
            raise ValueError(
                "If imagenet weights are being loaded, alpha can be one of `0.25`, `0.50`, `0.75` or `1.0` "
                f"only.  Received alpha={alpha}"
            )
        rows = _common.imagenet_rows(rows, cols, _SIZES)
    img_input = _common.image_input(input_tensor, shape)
    x = layers.Conv2D(int(32 * alpha), 3, strides=2, padding="same", use_bias=False, name="conv1")(img_input)
    x = _bn_relu6(x, "conv1")
    for block_id, (filters, stride) in enumerate(_BLOCKS, start=1):
        x = _depthwise_block(x, filters, alpha, depth_multiplier, stride, block_id)
    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Dropout(dropout, name="dropout")(x)
        x = layers.Conv2D(classes, 1, padding="same", name="conv_preds")(x)
        x = layers.Reshape((classes,), name="reshape_2")(x)
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
            avg_name=None,
            max_name=None,
        )

    return _common.finish(
        img_input,
        x,
        input_tensor=input_tensor,
        name=name if name is not None else f"mobilenet_{alpha:0.2f}_{rows}",
        weights=weights,
        imagenet_file=lambda: _weights_file(alpha, rows, include_top),
    )


def _weights_file(alpha: float, rows: int, include_top: bool) -> tuple[str, str, None]:
    """Keras's ImageNet weights file for MobileNet: ``(file name, address, hash)`` (no hash is published).

    Args:
        alpha: The width multiplier: 0.25, 0.5, 0.75 or 1.0.
        rows: The input size: 128, 160, 192 or 224.
        include_top: Whether the file holds the classifier top.

    Returns:
        The file's name, address and ``None``.
    """
    fname = f"mobilenet_{_ALPHAS[alpha]}_{rows}_tf{'' if include_top else '_no_top'}.h5"
    return fname, BASE_WEIGHT_PATH + fname, None


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """Preprocess images for MobileNet: pixels from ``[0, 255]`` to ``[-1, 1]`` (``tf`` mode).

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
