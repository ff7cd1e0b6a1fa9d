"""ResNet50, ResNet101 and ResNet152 (He et al., 2015), and the builder shared with ResNet V2.

Layer names, shapes and parameter counts are Keras's, so Keras's ImageNet weights load by name.
Inputs are expected in ``caffe`` mode: use ``kerax.applications.resnet.preprocess_input``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kerax import layers
from kerax.applications import _common, imagenet_utils

__all__ = ["ResNet101", "ResNet152", "ResNet50", "decode_predictions", "preprocess_input"]

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/resnet/"
WEIGHTS_HASHES = {
    "resnet50": ("2cb95161c43110f7111970584f804107", "4d473c1dd8becc155b73f8504c6f6626"),
    "resnet101": ("f1aeb4b969a6efcfb50fad2f0c20cfc5", "88cf7a10940856eca736dc7b7e228a21"),
    "resnet152": ("100835be76be38e30d865e96f2aaae62", "ee4c566cf9a93f14d82f913c2dc6dd0c"),
    "resnet50v2": ("3ef43a0b657b3be2300d5770ece849e0", "fac2f116257151a9d068a22e544a4917"),
    "resnet101v2": ("6343647c601c52e1368623803854d971", "c0ed64b8031c3730f411d2eb4eea35b5"),
    "resnet152v2": ("a49b44d1979771252814e80f8ec446f9", "ed17cf2e0169df9d443503ef94b23b33"),
}
_EPSILON = 1.001e-5


def _bn(x: Any, name: str) -> Any:
    return layers.BatchNormalization(axis=_common.channel_axis(), epsilon=_EPSILON, name=name)(x)


def _block_v1(x: Any, filters: int, stride: int, conv_shortcut: bool, name: str) -> Any:
    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(x)
        shortcut = _bn(shortcut, f"{name}_0_bn")
    else:
        shortcut = x
    x = layers.Conv2D(filters, 1, strides=stride, name=f"{name}_1_conv")(x)
    x = layers.Activation("relu", name=f"{name}_1_relu")(_bn(x, f"{name}_1_bn"))
    x = layers.Conv2D(filters, 3, padding="same", name=f"{name}_2_conv")(x)
    x = layers.Activation("relu", name=f"{name}_2_relu")(_bn(x, f"{name}_2_bn"))
    x = _bn(layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x), f"{name}_3_bn")
    x = layers.Add(name=f"{name}_add")([shortcut, x])
    return layers.Activation("relu", name=f"{name}_out")(x)


def _block_v2(x: Any, filters: int, stride: int, conv_shortcut: bool, name: str) -> Any:
    preact = layers.Activation("relu", name=f"{name}_preact_relu")(_bn(x, f"{name}_preact_bn"))
    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(preact)
    else:
        shortcut = layers.MaxPooling2D(1, strides=stride)(x) if stride > 1 else x
    x = layers.Conv2D(filters, 1, strides=1, use_bias=False, name=f"{name}_1_conv")(preact)
    x = layers.Activation("relu", name=f"{name}_1_relu")(_bn(x, f"{name}_1_bn"))
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name=f"{name}_2_pad")(x)
    x = layers.Conv2D(filters, 3, strides=stride, use_bias=False, name=f"{name}_2_conv")(x)
    x = layers.Activation("relu", name=f"{name}_2_relu")(_bn(x, f"{name}_2_bn"))
    x = layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    return layers.Add(name=f"{name}_out")([shortcut, x])


def stack_v1(x: Any, filters: int, blocks: int, stride1: int = 2, name: str = "") -> Any:
    """A stage of ResNet V1 bottleneck blocks; the first one projects the shortcut and strides."""
    x = _block_v1(x, filters, stride1, True, f"{name}_block1")
    for i in range(2, blocks + 1):
        x = _block_v1(x, filters, 1, False, f"{name}_block{i}")
    return x


def stack_v2(x: Any, filters: int, blocks: int, stride1: int = 2, name: str = "") -> Any:
    """A stage of ResNet V2 pre-activation blocks; the last one strides."""
    x = _block_v2(x, filters, 1, True, f"{name}_block1")
    for i in range(2, blocks):
        x = _block_v2(x, filters, 1, False, f"{name}_block{i}")
    return _block_v2(x, filters, stride1, False, f"{name}_block{blocks}")


def build_resnet(
    stack_fn: Callable[[Any], Any],
    preact: bool,
    use_bias: bool,
    *,
    include_top: bool,
    weights: Any,
    input_tensor: Any,
    input_shape: Any,
    pooling: str | None,
    classes: int,
    classifier_activation: Any,
    name: str,
    weights_name: str,
) -> Any:
    """Build a ResNet (``preact=False``) or ResNet V2 (``preact=True``) around ``stack_fn``'s stages."""
    _common.check_arguments(weights, include_top, classes, pooling, input_tensor, name)
    shape = _common.image_shape(input_shape, 224, 32, include_top, weights)
    img_input = _common.image_input(input_tensor, shape)
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)), name="conv1_pad")(img_input)
    x = layers.Conv2D(64, 7, strides=2, use_bias=use_bias, name="conv1_conv")(x)
    if not preact:
        x = layers.Activation("relu", name="conv1_relu")(_bn(x, "conv1_bn"))
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name="pool1_pad")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    x = stack_fn(x)
    if preact:
        x = layers.Activation("relu", name="post_relu")(_bn(x, "post_bn"))
    x = _common.top(
        x,
        include_top=include_top,
        pooling=pooling,
        classes=classes,
        classifier_activation=classifier_activation,
        weights=weights,
    )

    def imagenet_file() -> tuple[str, str, str]:
        suffix = "" if include_top else "_notop"
        fname = f"{weights_name}_weights_tf_dim_ordering_tf_kernels{suffix}.h5"
        return fname, BASE_WEIGHTS_PATH + fname, WEIGHTS_HASHES[weights_name][0 if include_top else 1]

    return _common.finish(
        img_input, x, input_tensor=input_tensor, name=name, weights=weights, imagenet_file=imagenet_file
    )


def _resnet_v1(depths: tuple[int, int, int, int], weights_name: str, **kwargs: Any) -> Any:
    def stack_fn(x: Any) -> Any:
        x = stack_v1(x, 64, depths[0], stride1=1, name="conv2")
        x = stack_v1(x, 128, depths[1], name="conv3")
        x = stack_v1(x, 256, depths[2], name="conv4")
        return stack_v1(x, 512, depths[3], name="conv5")

    return build_resnet(stack_fn, False, True, weights_name=weights_name, **kwargs)


def ResNet50(  # noqa: N802 - Keras's name
    include_top: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    input_shape: Any = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    name: str = "resnet50",
) -> Any:
    """Build ResNet50 (default input 224x224x3, at least 32x32).

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
        name: The model's name. Defaults to ``"resnet50"``.

    Returns:
        A functional ``kerax.Model``.

    Raises:
        ValueError: If an argument is invalid or the weights do not fit the model.
        OSError: If ImageNet weights must be downloaded and the download fails.
    """
    return _resnet_v1((3, 4, 6, 3), "resnet50", **locals())


def ResNet101(  # noqa: N802 - Keras's name
    include_top: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    input_shape: Any = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    name: str = "resnet101",
) -> Any:
    """Build ResNet101 (default input 224x224x3, at least 32x32).

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
        name: The model's name. Defaults to ``"resnet101"``.

    Returns:
        A functional ``kerax.Model``.

    Raises:
        ValueError: If an argument is invalid or the weights do not fit the model.
        OSError: If ImageNet weights must be downloaded and the download fails.
    """
    return _resnet_v1((3, 4, 23, 3), "resnet101", **locals())


def ResNet152(  # noqa: N802 - Keras's name
    include_top: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    input_shape: Any = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    name: str = "resnet152",
) -> Any:
    """Build ResNet152 (default input 224x224x3, at least 32x32).

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
        name: The model's name. Defaults to ``"resnet152"``.

    Returns:
        A functional ``kerax.Model``.

    Raises:
        ValueError: If an argument is invalid or the weights do not fit the model.
        OSError: If ImageNet weights must be downloaded and the download fails.
    """
    return _resnet_v1((3, 8, 36, 3), "resnet152", **locals())


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """Preprocess images for ResNet: RGB to BGR, then minus the ImageNet mean pixel (``caffe`` mode).

    Args:
        x: Images with values in ``[0, 255]``: a NumPy array or a tensor, 3D or 4D.
        data_format: ``"channels_last"``, ``"channels_first"``, or ``None`` for the global setting.
            Defaults to ``None``.

    Returns:
        The preprocessed images (float).

    Raises:
        ValueError: If ``data_format`` is unknown or ``x`` is not an image batch with 3 channels.
    """
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


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
