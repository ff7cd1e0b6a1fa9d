"""EfficientNetV2B0 to B3, S, M and L (Tan and Le, 2021): fused and plain MBConv stages.

The models take pixels in ``[0, 255]``: with ``include_preprocessing=True`` (the default) their first
layers rescale them (B0 to B3: to ``[0, 1]`` then ImageNet normalization; S, M, L: to ``[-1, 1]``), so
``kerax.applications.efficientnet_v2.preprocess_input`` returns its input unchanged.
"""

from __future__ import annotations

import math
from typing import Any

from kerax import layers
from kerax.applications import _common, imagenet_utils
from kerax.applications.efficientnet import (
    CONV_KERNEL_INITIALIZER,
    DENSE_KERNEL_INITIALIZER,
    _initializer,
    _residual,
    _squeeze_excite,
)

__all__ = [
    "EfficientNetV2B0",
    "EfficientNetV2B1",
    "EfficientNetV2B2",
    "EfficientNetV2B3",
    "EfficientNetV2L",
    "EfficientNetV2M",
    "EfficientNetV2S",
    "decode_predictions",
    "preprocess_input",
]

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/efficientnet_v2/"
WEIGHTS_HASHES = {
    "b0": ("21ecbf6da12460d5c40bb2f29ceb2188", "893217f2bb855e2983157299931e43ff"),
    "b1": ("069f0534ff22adf035c89e2d9547a9dc", "0e80663031ca32d657f9caa404b6ec37"),
    "b2": ("424e49f28180edbde1e94797771950a7", "1dfe2e7a5d45b6632553a8961ea609eb"),
    "b3": ("1f1fc43bd98a6e4fd8fdfd551e02c7a0", "f6abf7b5849ac99a89b50dd3fd532856"),
    "-s": ("e1d88a8495beba45748fedd0cecbe016", "af0682fb74e8c54910f2d4393339c070"),
    "-m": ("a3bf6aa3276309f4fc6a34aa114c95cd", "1b8dc055df72dde80d614482840fe342"),
    "-l": ("27e6d408b53c7ebc868fefa357689935", "b0b66b5c863aef5b46e8608fe1711615"),
}
# (kernel, repeats, filters in, filters out, expand ratio, squeeze-excite ratio, strides, fused) per stage
_B_STAGES = (
    (3, 1, 32, 16, 1, 0.0, 1, True),
    (3, 2, 16, 32, 4, 0.0, 2, True),
    (3, 2, 32, 48, 4, 0.0, 2, True),
    (3, 3, 48, 96, 4, 0.25, 2, False),
    (3, 5, 96, 112, 6, 0.25, 1, False),
    (3, 8, 112, 192, 6, 0.25, 2, False),
)
_STAGES = {
    "b": _B_STAGES,
    "-s": (
        (3, 2, 24, 24, 1, 0.0, 1, True),
        (3, 4, 24, 48, 4, 0.0, 2, True),
        (3, 4, 48, 64, 4, 0.0, 2, True),
        (3, 6, 64, 128, 4, 0.25, 2, False),
        (3, 9, 128, 160, 6, 0.25, 1, False),
        (3, 15, 160, 256, 6, 0.25, 2, False),
    ),
    "-m": (
        (3, 3, 24, 24, 1, 0.0, 1, True),
        (3, 5, 24, 48, 4, 0.0, 2, True),
        (3, 5, 48, 80, 4, 0.0, 2, True),
        (3, 7, 80, 160, 4, 0.25, 2, False),
        (3, 14, 160, 176, 6, 0.25, 1, False),
        (3, 18, 176, 304, 6, 0.25, 2, False),
        (3, 5, 304, 512, 6, 0.25, 1, False),
    ),
    "-l": (
        (3, 4, 32, 32, 1, 0.0, 1, True),
        (3, 7, 32, 64, 4, 0.0, 2, True),
        (3, 7, 64, 96, 4, 0.0, 2, True),
        (3, 10, 96, 192, 4, 0.25, 2, False),
        (3, 19, 192, 224, 6, 0.25, 1, False),
        (3, 25, 224, 384, 6, 0.25, 2, False),
        (3, 7, 384, 640, 6, 0.25, 1, False),
    ),
}
# width, depth, default size of each variant
_SCALING = {
    "b0": (1.0, 1.0, 224),
    "b1": (1.0, 1.1, 240),
    "b2": (1.1, 1.2, 260),
    "b3": (1.2, 1.4, 300),
    "-s": (1.0, 1.0, 384),
    "-m": (1.0, 1.0, 480),
    "-l": (1.0, 1.0, 480),
}
_IMAGENET_MEAN = (0.485, 0.456, 0.406)
_IMAGENET_VARIANCE = (0.229**2, 0.224**2, 0.225**2)
_BN_MOMENTUM = 0.9
_ACTIVATION = "swish"


def _conv(filters: int, kernel: int, name: str, strides: int = 1, **kwargs: Any) -> Any:
    return layers.Conv2D(
        filters,
        kernel,
        strides=strides,
        padding="same",
        use_bias=False,
        kernel_initializer=_initializer(CONV_KERNEL_INITIALIZER),
        name=name,
        **kwargs,
    )


def _bn_act(x: Any, bn_name: str, act_name: str | None) -> Any:
    x = layers.BatchNormalization(axis=_common.channel_axis(), momentum=_BN_MOMENTUM, name=bn_name)(x)
    return x if act_name is None else layers.Activation(_ACTIVATION, name=act_name)(x)


def _block(
    inputs: Any,
    *,
    fused: bool,
    filters_in: int,
    filters_out: int,
    expand_ratio: int,
    kernel: int,
    strides: int,
    se_ratio: float,
    drop_rate: float,
    name: str,
) -> Any:
    """One (fused) MBConv block.

    Plain: 1x1 expansion, depthwise convolution, squeeze-and-excitation, 1x1 projection. Fused: the
    expansion and the depthwise convolution are one full convolution (and without expansion the
    projection itself is the strided convolution, followed by an activation).
    """
    filters = filters_in * expand_ratio
    x = inputs
    if expand_ratio != 1:
        x = _conv(filters, kernel if fused else 1, f"{name}expand_conv", strides=strides if fused else 1)(x)
        x = _bn_act(x, f"{name}expand_bn", f"{name}expand_activation")
    if not fused:
        x = layers.DepthwiseConv2D(
            kernel,
            strides=strides,
            padding="same",
            use_bias=False,
            depthwise_initializer=_initializer(CONV_KERNEL_INITIALIZER),
            name=f"{name}dwconv2",
        )(x)
        x = _bn_act(x, f"{name}bn", f"{name}activation")
    if 0 < se_ratio <= 1:
        x = _squeeze_excite(x, filters, filters_in, se_ratio, _ACTIVATION, name)
    project_at_stride = fused and expand_ratio == 1
    x = _conv(
        filters_out,
        kernel if project_at_stride else 1,
        f"{name}project_conv",
        strides=strides if project_at_stride else 1,
    )(x)
    x = _bn_act(x, f"{name}project_bn", f"{name}project_activation" if project_at_stride else None)
    if strides == 1 and filters_in == filters_out:
        x = _residual(x, inputs, drop_rate, name)
    return x


def _round_filters(filters: int, width: float, divisor: int = 8) -> int:
    scaled = filters * width
    return int(max(divisor, int(scaled + divisor / 2) // divisor * divisor))


def _efficientnet_v2(
    variant: str,
    *,
    include_top: bool,
    weights: Any,
    input_tensor: Any,
    input_shape: Any,
    pooling: str | None,
    classes: int,
    classifier_activation: Any,
    include_preprocessing: bool,
    name: str,
) -> Any:
    width, depth, default_size = _SCALING[variant]
    stages = _STAGES["b" if variant.startswith("b") else variant]
    dropout_rate, drop_connect_rate = 0.2, 0.2
    _common.check_arguments(weights, include_top, classes, pooling, input_tensor, name)
    shape = _common.image_shape(input_shape, default_size, 32, include_top, weights)
    axis = _common.channel_axis()
    img_input = _common.image_input(input_tensor, shape)
    x = img_input
    if include_preprocessing:
        channels = shape[0] if axis == 1 else shape[-1]
        if variant.startswith("b") and channels == 3:
            x = layers.Rescaling(scale=1.0 / 255)(x)
            x = layers.Normalization(mean=list(_IMAGENET_MEAN), variance=list(_IMAGENET_VARIANCE), axis=axis)(x)
        else:
            x = layers.Rescaling(scale=1.0 / 128.0, offset=-1)(x)
    x = _conv(_round_filters(stages[0][2], width), 3, "stem_conv", strides=2)(x)
    x = _bn_act(x, "stem_bn", "stem_activation")

    total = float(sum(stage[1] for stage in stages))
    index = 0
    for i, (kernel, repeats, filters_in, filters_out, expand, se_ratio, strides, fused) in enumerate(stages):
        filters_in, filters_out = _round_filters(filters_in, width), _round_filters(filters_out, width)
        for j in range(int(math.ceil(depth * repeats))):
            x = _block(
                x,
                fused=fused,
                filters_in=filters_in if j == 0 else filters_out,
                filters_out=filters_out,
                expand_ratio=expand,
                kernel=kernel,
                strides=strides if j == 0 else 1,
                se_ratio=se_ratio,
                drop_rate=drop_connect_rate * index / total,
                name=f"block{i + 1}{chr(j + 97)}_",
            )
            index += 1

    x = _conv(_round_filters(1280, width), 1, "top_conv")(x)
    x = _bn_act(x, "top_bn", "top_activation")
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

    return _common.finish(
        img_input,
        x,
        input_tensor=input_tensor,
        name=name,
        weights=weights,
        imagenet_file=lambda: _weights_file(variant, include_top),
    )


def _weights_file(variant: str, include_top: bool) -> tuple[str, str, str]:
    """Keras's ImageNet weights file: ``(file name, address, MD5)``.

    Args:
        variant: ``"b0"`` to ``"b3"``, ``"-s"``, ``"-m"`` or ``"-l"``.
        include_top: Whether the file holds the classifier top.

    Returns:
        The file's name, address and hash.
    """
    fname = f"efficientnetv2{'-' if variant.startswith('b') else ''}{variant}"
    fname += ".h5" if include_top else "_notop.h5"
    return fname, BASE_WEIGHTS_PATH + fname, WEIGHTS_HASHES[variant][0 if include_top else 1]


def EfficientNetV2B0(  # noqa: N802 - Keras's name
    include_top: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    input_shape: Any = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    include_preprocessing: bool = True,
    name: str = "efficientnetv2-b0",
) -> Any:
    """Build EfficientNetV2B0 (default input 224x224x3, at least 32x32).

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
        name: The model's name. Defaults to ``"efficientnetv2-b0"``.
        include_preprocessing: Whether the model starts with layers that rescale ``[0, 255]`` pixels
            (to ``[0, 1]``, then ImageNet normalization). Defaults to ``True``.

    Returns:
        A functional ``kerax.Model``.

    Raises:
        ValueError: If an argument is invalid or the weights do not fit the model.
        OSError: If ImageNet weights must be downloaded and the download fails.
    """
    return _efficientnet_v2("b0", **locals())


def EfficientNetV2B1(  # noqa: N802 - Keras's name
    include_top: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    input_shape: Any = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    include_preprocessing: bool = True,
    name: str = "efficientnetv2-b1",
) -> Any:
    """Build EfficientNetV2B1 (default input 240x240x3, at least 32x32).

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
        name: The model's name. Defaults to ``"efficientnetv2-b1"``.
        include_preprocessing: Whether the model starts with layers that rescale ``[0, 255]`` pixels
            (to ``[0, 1]``, then ImageNet normalization). Defaults to ``True``.

    Returns:
        A functional ``kerax.Model``.

    Raises:
        ValueError: If an argument is invalid or the weights do not fit the model.
        OSError: If ImageNet weights must be downloaded and the download fails.
    """
    return _efficientnet_v2("b1", **locals())


def EfficientNetV2B2(  # noqa: N802 - Keras's name
    include_top: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    input_shape: Any = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    include_preprocessing: bool = True,
    name: str = "efficientnetv2-b2",
) -> Any:
    """Build EfficientNetV2B2 (default input 260x260x3, at least 32x32).

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
        name: The model's name. Defaults to ``"efficientnetv2-b2"``.
        include_preprocessing: Whether the model starts with layers that rescale ``[0, 255]`` pixels
            (to ``[0, 1]``, then ImageNet normalization). Defaults to ``True``.

    Returns:
        A functional ``kerax.Model``.

    Raises:
        ValueError: If an argument is invalid or the weights do not fit the model.
        OSError: If ImageNet weights must be downloaded and the download fails.
    """
    return _efficientnet_v2("b2", **locals())


def EfficientNetV2B3(  # noqa: N802 - Keras's name
    include_top: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    input_shape: Any = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    include_preprocessing: bool = True,
    name: str = "efficientnetv2-b3",
) -> Any:
    """Build EfficientNetV2B3 (default input 300x300x3, at least 32x32).

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
        name: The model's name. Defaults to ``"efficientnetv2-b3"``.
        include_preprocessing: Whether the model starts with layers that rescale ``[0, 255]`` pixels
            (to ``[0, 1]``, then ImageNet normalization). Defaults to ``True``.

    Returns:
        A functional ``kerax.Model``.

    Raises:
        ValueError: If an argument is invalid or the weights do not fit the model.
        OSError: If ImageNet weights must be downloaded and the download fails.
    """
    return _efficientnet_v2("b3", **locals())


def EfficientNetV2S(  # noqa: N802 - Keras's name
    include_top: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    input_shape: Any = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    include_preprocessing: bool = True,
    name: str = "efficientnetv2-s",
) -> Any:
    """Build EfficientNetV2S (default input 384x384x3, at least 32x32).

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
        name: The model's name. Defaults to ``"efficientnetv2-s"``.
        include_preprocessing: Whether the model starts with layers that rescale ``[0, 255]`` pixels
            (to ``[-1, 1]``). Defaults to ``True``.

    Returns:
        A functional ``kerax.Model``.

    Raises:
        ValueError: If an argument is invalid or the weights do not fit the model.
        OSError: If ImageNet weights must be downloaded and the download fails.
    """
    return _efficientnet_v2("-s", **locals())


def EfficientNetV2M(  # noqa: N802 - Keras's name
    include_top: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    input_shape: Any = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    include_preprocessing: bool = True,
    name: str = "efficientnetv2-m",
) -> Any:
    """Build EfficientNetV2M (default input 480x480x3, at least 32x32).

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
        name: The model's name. Defaults to ``"efficientnetv2-m"``.
        include_preprocessing: Whether the model starts with layers that rescale ``[0, 255]`` pixels
            (to ``[-1, 1]``). Defaults to ``True``.

    Returns:
        A functional ``kerax.Model``.

    Raises:
        ValueError: If an argument is invalid or the weights do not fit the model.
        OSError: If ImageNet weights must be downloaded and the download fails.
    """
    return _efficientnet_v2("-m", **locals())


def EfficientNetV2L(  # noqa: N802 - Keras's name
    include_top: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    input_shape: Any = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    include_preprocessing: bool = True,
    name: str = "efficientnetv2-l",
) -> Any:
    """Build EfficientNetV2L (default input 480x480x3, at least 32x32).

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
        name: The model's name. Defaults to ``"efficientnetv2-l"``.
        include_preprocessing: Whether the model starts with layers that rescale ``[0, 255]`` pixels
            (to ``[-1, 1]``). Defaults to ``True``.

    Returns:
        A functional ``kerax.Model``.

    Raises:
        ValueError: If an argument is invalid or the weights do not fit the model.
        OSError: If ImageNet weights must be downloaded and the download fails.
    """
    return _efficientnet_v2("-l", **locals())


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """Return ``x`` unchanged: EfficientNetV2 models rescale their ``[0, 255]`` inputs themselves.

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
