"""EfficientNetB0 to B7 (Tan and Le, 2019): MBConv blocks with squeeze-and-excitation, compound-scaled.

The models take pixels in ``[0, 255]``: rescaling and normalization are the first layers, so
``kerax.applications.efficientnet.preprocess_input`` returns its input unchanged. With
``weights="imagenet"`` one more ``Rescaling`` layer (by the inverse square roots of ImageNet's channel
standard deviations) follows the ``Normalization`` layer, as in Keras.
"""

from __future__ import annotations

import math
from typing import Any

from kerax import initializers, layers
from kerax.applications import _common, imagenet_utils

__all__ = [
    "EfficientNetB0",
    "EfficientNetB1",
    "EfficientNetB2",
    "EfficientNetB3",
    "EfficientNetB4",
    "EfficientNetB5",
    "EfficientNetB6",
    "EfficientNetB7",
    "decode_predictions",
    "preprocess_input",
]

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/keras-applications/"
WEIGHTS_HASHES = {
    "b0": ("902e53a9f72be733fc0bcb005b3ebbac", "50bc09e76180e00e4465e1a485ddc09d"),
    "b1": ("1d254153d4ab51201f1646940f018540", "74c4e6b3e1f6a1eea24c589628592432"),
    "b2": ("b15cce36ff4dcbd00b6dd88e7857a6ad", "111f8e2ac8aa800a7a99e3239f7bfb39"),
    "b3": ("ffd1fdc53d0ce67064dc6a9c7960ede0", "af6d107764bb5b1abb91932881670226"),
    "b4": ("18c95ad55216b8f92d7e70b3a046e2fc", "ebc24e6d6c33eaebbd558eafbeedf1ba"),
    "b5": ("ace28f2a6363774853a83a0b21b9421a", "38879255a25d3c92d5e44e04ae6cec6f"),
    "b6": ("165f6e37dce68623721b423839de8be5", "9ecce42647a20130c1f39a5d4cb75743"),
    "b7": ("8c03f828fec3ef71311cd463b6759d99", "cbcfe4450ddf6f3ad90b1b398090fe4a"),
}
# (kernel size, repeats, filters in, filters out, expand ratio, strides) of the 7 stages of B0;
# every block has an identity skip where shapes allow and squeeze-and-excitation with ratio 0.25.
DEFAULT_BLOCKS_ARGS = (
    (3, 1, 32, 16, 1, 1),
    (3, 2, 16, 24, 6, 2),
    (5, 2, 24, 40, 6, 2),
    (3, 3, 40, 80, 6, 2),
    (5, 3, 80, 112, 6, 1),
    (5, 4, 112, 192, 6, 2),
    (3, 1, 192, 320, 6, 1),
)
_SE_RATIO = 0.25
CONV_KERNEL_INITIALIZER = {
    "class_name": "VarianceScaling",
    "config": {"scale": 2.0, "mode": "fan_out", "distribution": "truncated_normal"},
}
DENSE_KERNEL_INITIALIZER = {
    "class_name": "VarianceScaling",
    "config": {"scale": 1.0 / 3.0, "mode": "fan_out", "distribution": "uniform"},
}
IMAGENET_STDDEV_RGB = (0.229, 0.224, 0.225)
# width, depth, default size, dropout of B0..B7
_SCALING = {
    "b0": (1.0, 1.0, 224, 0.2),
    "b1": (1.0, 1.1, 240, 0.2),
    "b2": (1.1, 1.2, 260, 0.3),
    "b3": (1.2, 1.4, 300, 0.3),
    "b4": (1.4, 1.8, 380, 0.4),
    "b5": (1.6, 2.2, 456, 0.4),
    "b6": (1.8, 2.6, 528, 0.5),
    "b7": (2.0, 3.1, 600, 0.5),
}


def _initializer(config: dict) -> Any:
    return initializers.VarianceScaling(**config["config"])


def _squeeze_excite(x: Any, filters: int, filters_in: int, se_ratio: float, activation: str, name: str) -> Any:
    """Squeeze-and-excitation of a block's ``filters`` channels through ``filters_in * se_ratio`` (V1 and V2)."""
    axis = _common.channel_axis()
    se = layers.GlobalAveragePooling2D(name=f"{name}se_squeeze")(x)
    se = layers.Reshape((filters, 1, 1) if axis == 1 else (1, 1, filters), name=f"{name}se_reshape")(se)
    se = layers.Conv2D(
        max(1, int(filters_in * se_ratio)),
        1,
        padding="same",
        activation=activation,
        kernel_initializer=_initializer(CONV_KERNEL_INITIALIZER),
        name=f"{name}se_reduce",
    )(se)
    se = layers.Conv2D(
        filters,
        1,
        padding="same",
        activation="sigmoid",
        kernel_initializer=_initializer(CONV_KERNEL_INITIALIZER),
        name=f"{name}se_expand",
    )(se)
    return layers.multiply([x, se], name=f"{name}se_excite")


def _residual(x: Any, inputs: Any, drop_rate: float, name: str) -> Any:
    """A block's skip connection: dropout of whole samples (when ``drop_rate`` > 0), then the sum (V1 and V2)."""
    if drop_rate > 0:
        x = layers.Dropout(drop_rate, noise_shape=(None, 1, 1, 1), name=f"{name}drop")(x)
    return layers.add([x, inputs], name=f"{name}add")


def _block(
    inputs: Any,
    activation: str,
    drop_rate: float,
    name: str,
    filters_in: int,
    filters_out: int,
    kernel_size: int,
    strides: int,
    expand_ratio: int,
) -> Any:
    """One MBConv block: 1x1 expansion, depthwise convolution, squeeze-and-excitation, 1x1 projection."""
    axis = _common.channel_axis()
    init = CONV_KERNEL_INITIALIZER
    filters = filters_in * expand_ratio
    x = inputs
    if expand_ratio != 1:
        x = layers.Conv2D(
            filters, 1, padding="same", use_bias=False, kernel_initializer=_initializer(init), name=f"{name}expand_conv"
        )(x)
        x = layers.BatchNormalization(axis=axis, name=f"{name}expand_bn")(x)
        x = layers.Activation(activation, name=f"{name}expand_activation")(x)
    if strides == 2:
        x = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(x, kernel_size), name=f"{name}dwconv_pad")(x)
    x = layers.DepthwiseConv2D(
        kernel_size,
        strides=strides,
        padding="valid" if strides == 2 else "same",
        use_bias=False,
        depthwise_initializer=_initializer(init),
        name=f"{name}dwconv",
    )(x)
    x = layers.BatchNormalization(axis=axis, name=f"{name}bn")(x)
    x = layers.Activation(activation, name=f"{name}activation")(x)

    x = _squeeze_excite(x, filters, filters_in, _SE_RATIO, activation, name)

    x = layers.Conv2D(
        filters_out,
        1,
        padding="same",
        use_bias=False,
        kernel_initializer=_initializer(init),
        name=f"{name}project_conv",
    )(x)
    x = layers.BatchNormalization(axis=axis, name=f"{name}project_bn")(x)
    if strides == 1 and filters_in == filters_out:
        x = _residual(x, inputs, drop_rate, name)
    return x


def _efficientnet(
    variant: str,
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
    width, depth, default_size, dropout_rate = _SCALING[variant]
    drop_connect_rate, divisor, activation = 0.2, 8, "swish"
    _common.check_arguments(weights, include_top, classes, pooling, input_tensor, name)
    shape = _common.image_shape(input_shape, default_size, 32, include_top, weights)
    axis = _common.channel_axis()

    def round_filters(filters: int) -> int:
        scaled = filters * width
        rounded = max(divisor, int(scaled + divisor / 2) // divisor * divisor)
        if rounded < 0.9 * scaled:
            rounded += divisor
        return int(rounded)

    def round_repeats(repeats: int) -> int:
        return int(math.ceil(depth * repeats))

    img_input = _common.image_input(input_tensor, shape)
    x = layers.Rescaling(1.0 / 255.0)(img_input)
    x = layers.Normalization(axis=axis)(x)
    if weights == "imagenet":
        x = layers.Rescaling([1.0 / math.sqrt(std) for std in IMAGENET_STDDEV_RGB])(x)
    x = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(x, 3), name="stem_conv_pad")(x)
    x = layers.Conv2D(
        round_filters(32),
        3,
        strides=2,
        padding="valid",
        use_bias=False,
        kernel_initializer=_initializer(CONV_KERNEL_INITIALIZER),
        name="stem_conv",
    )(x)
    x = layers.BatchNormalization(axis=axis, name="stem_bn")(x)
    x = layers.Activation(activation, name="stem_activation")(x)

    total = float(sum(round_repeats(args[1]) for args in DEFAULT_BLOCKS_ARGS))
    index = 0
    for stage, (kernel, repeats, filters_in, filters_out, expand, strides) in enumerate(DEFAULT_BLOCKS_ARGS):
        filters_in, filters_out = round_filters(filters_in), round_filters(filters_out)
        for j in range(round_repeats(repeats)):
            x = _block(
                x,
                activation,
                drop_connect_rate * index / total,
                f"block{stage + 1}{chr(j + 97)}_",
                filters_in if j == 0 else filters_out,
                filters_out,
                kernel,
                strides if j == 0 else 1,
                expand,
            )
            index += 1

    x = layers.Conv2D(
        round_filters(1280),
        1,
        padding="same",
        use_bias=False,
        kernel_initializer=_initializer(CONV_KERNEL_INITIALIZER),
        name="top_conv",
    )(x)
    x = layers.BatchNormalization(axis=axis, name="top_bn")(x)
    x = layers.Activation(activation, name="top_activation")(x)
    x = _common.top(
        x,
        include_top=include_top,
        pooling=pooling,
        classes=classes,
        classifier_activation=classifier_activation,
        weights=weights,
        dropout=(dropout_rate, "top_dropout"),
        dense_initializer=_initializer(DENSE_KERNEL_INITIALIZER),
    )

    def imagenet_file() -> tuple[str, str, str]:
        fname = name + (".h5" if include_top else "_notop.h5")
        return fname, BASE_WEIGHTS_PATH + fname, WEIGHTS_HASHES[variant][0 if include_top else 1]

    return _common.finish(
        img_input, x, input_tensor=input_tensor, name=name, weights=weights, imagenet_file=imagenet_file
    )


def EfficientNetB0(  # noqa: N802 - Keras's name
    include_top: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    input_shape: Any = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    name: str = "efficientnetb0",
) -> Any:
    """Build EfficientNetB0 (default input 224x224x3, at least 32x32).

    The model rescales its ``[0, 255]`` inputs itself.

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
        name: The model's name. Defaults to ``"efficientnetb0"``.

    Returns:
        A functional ``kerax.Model``.

    Raises:
        ValueError: If an argument is invalid or the weights do not fit the model.
        OSError: If ImageNet weights must be downloaded and the download fails.
    """
    return _efficientnet("b0", **locals())


def EfficientNetB1(  # noqa: N802 - Keras's name
    include_top: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    input_shape: Any = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    name: str = "efficientnetb1",
) -> Any:
    """Build EfficientNetB1 (default input 240x240x3, at least 32x32).

    The model rescales its ``[0, 255]`` inputs itself.

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
        name: The model's name. Defaults to ``"efficientnetb1"``.

    Returns:
        A functional ``kerax.Model``.

    Raises:
        ValueError: If an argument is invalid or the weights do not fit the model.
        OSError: If ImageNet weights must be downloaded and the download fails.
    """
    return _efficientnet("b1", **locals())


def EfficientNetB2(  # noqa: N802 - Keras's name
    include_top: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    input_shape: Any = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    name: str = "efficientnetb2",
) -> Any:
    """Build EfficientNetB2 (default input 260x260x3, at least 32x32).

    The model rescales its ``[0, 255]`` inputs itself.

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
        name: The model's name. Defaults to ``"efficientnetb2"``.

    Returns:
        A functional ``kerax.Model``.

    Raises:
        ValueError: If an argument is invalid or the weights do not fit the model.
        OSError: If ImageNet weights must be downloaded and the download fails.
    """
    return _efficientnet("b2", **locals())


def EfficientNetB3(  # noqa: N802 - Keras's name
    include_top: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    input_shape: Any = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    name: str = "efficientnetb3",
) -> Any:
    """Build EfficientNetB3 (default input 300x300x3, at least 32x32).

    The model rescales its ``[0, 255]`` inputs itself.

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
        name: The model's name. Defaults to ``"efficientnetb3"``.

    Returns:
        A functional ``kerax.Model``.

    Raises:
        ValueError: If an argument is invalid or the weights do not fit the model.
        OSError: If ImageNet weights must be downloaded and the download fails.
    """
    return _efficientnet("b3", **locals())


def EfficientNetB4(  # noqa: N802 - Keras's name
    include_top: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    input_shape: Any = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    name: str = "efficientnetb4",
) -> Any:
    """Build EfficientNetB4 (default input 380x380x3, at least 32x32).

    The model rescales its ``[0, 255]`` inputs itself.

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
        name: The model's name. Defaults to ``"efficientnetb4"``.

    Returns:
        A functional ``kerax.Model``.

    Raises:
        ValueError: If an argument is invalid or the weights do not fit the model.
        OSError: If ImageNet weights must be downloaded and the download fails.
    """
    return _efficientnet("b4", **locals())


def EfficientNetB5(  # noqa: N802 - Keras's name
    include_top: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    input_shape: Any = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    name: str = "efficientnetb5",
) -> Any:
    """Build EfficientNetB5 (default input 456x456x3, at least 32x32).

    The model rescales its ``[0, 255]`` inputs itself.

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
        name: The model's name. Defaults to ``"efficientnetb5"``.

    Returns:
        A functional ``kerax.Model``.

    Raises:
        ValueError: If an argument is invalid or the weights do not fit the model.
        OSError: If ImageNet weights must be downloaded and the download fails.
    """
    return _efficientnet("b5", **locals())


def EfficientNetB6(  # noqa: N802 - Keras's name
    include_top: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    input_shape: Any = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    name: str = "efficientnetb6",
) -> Any:
    """Build EfficientNetB6 (default input 528x528x3, at least 32x32).

    The model rescales its ``[0, 255]`` inputs itself.

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
        name: The model's name. Defaults to ``"efficientnetb6"``.

    Returns:
        A functional ``kerax.Model``.

    Raises:
        ValueError: If an argument is invalid or the weights do not fit the model.
        OSError: If ImageNet weights must be downloaded and the download fails.
    """
    return _efficientnet("b6", **locals())


def EfficientNetB7(  # noqa: N802 - Keras's name
    include_top: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    input_shape: Any = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    name: str = "efficientnetb7",
) -> Any:
    """Build EfficientNetB7 (default input 600x600x3, at least 32x32).

    The model rescales its ``[0, 255]`` inputs itself.

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
        name: The model's name. Defaults to ``"efficientnetb7"``.

    Returns:
        A functional ``kerax.Model``.

    Raises:
        ValueError: If an argument is invalid or the weights do not fit the model.
        OSError: If ImageNet weights must be downloaded and the download fails.
    """
    return _efficientnet("b7", **locals())


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """Return ``x`` unchanged: EfficientNet models rescale their ``[0, 255]`` inputs themselves.

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
