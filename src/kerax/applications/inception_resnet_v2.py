"""InceptionResNetV2 (Szegedy et al., 2016): Inception modules with scaled residual connections.

Default input 299x299x3 (at least 75x75). As in Keras, the branch convolutions have automatic names
and each residual is added by a ``CustomScaleLayer`` (``x + residual * scale``). Inputs are expected
in ``tf`` mode (pixels scaled to ``[-1, 1]``): use ``kerax.applications.inception_resnet_v2.preprocess_input``.
"""

from __future__ import annotations

from typing import Any

from kerax import layers
from kerax.applications import _common, imagenet_utils
from kerax.layers._layer import Layer

__all__ = ["InceptionResNetV2", "decode_predictions", "preprocess_input"]

BASE_WEIGHT_URL = "https://storage.googleapis.com/tensorflow/keras-applications/inception_resnet_v2/"
WEIGHTS_HASHES = ("e693bd0210a403b3192acc6073ad2e96", "d19885ff4a710c122648d3b5c3b684e4")


class CustomScaleLayer(Layer):
    """Add a scaled residual: ``inputs[0] + inputs[1] * scale``.

    Args:
        scale: The residual's factor.
        **kwargs: Layer arguments such as ``name``.
    """

    def __init__(self, scale: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(scale, bool) or not isinstance(scale, int | float):
            raise TypeError(f"CustomScaleLayer: `scale` must be a number. Received: scale={scale!r}")
        self.scale = scale

    def call(self, inputs: Any) -> Any:
        if not isinstance(inputs, list | tuple) or len(inputs) != 2:
            raise ValueError(
                f"CustomScaleLayer '{self.name}' expects a list of two tensors [x, residual]; "
                f"received {type(inputs).__name__}."
            )
        return inputs[0] + inputs[1] * self.scale

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "scale": self.scale}


def conv2d_bn(
    x: Any,
    filters: int,
    kernel_size: int | tuple[int, int] | list[int],
    strides: int = 1,
    padding: str = "same",
    activation: str | None = "relu",
    use_bias: bool = False,
    name: str | None = None,
) -> Any:
    """Convolution, then (without bias) batch normalization without scale, then the activation.

    Args:
        x: The input tensor.
        filters: The convolution's filters.
        kernel_size: The convolution's kernel size.
        strides: The convolution's strides. Defaults to ``1``.
        padding: ``"same"`` or ``"valid"``. Defaults to ``"same"``.
        activation: The activation, or ``None`` for none. Defaults to ``"relu"``.
        use_bias: Whether the convolution has a bias (then there is no batch normalization). Defaults to ``False``.
        name: ``None`` for automatic names, else the convolution's name; the others are
            ``{name}_bn`` and ``{name}_ac``. Defaults to ``None``.

    Returns:
        The output tensor.
    """
    x = layers.Conv2D(filters, kernel_size, strides=strides, padding=padding, use_bias=use_bias, name=name)(x)
    if not use_bias:
        x = layers.BatchNormalization(
            axis=_common.channel_axis(), scale=False, name=None if name is None else f"{name}_bn"
        )(x)
    if activation is not None:
        x = layers.Activation(activation, name=None if name is None else f"{name}_ac")(x)
    return x


def _chain(x: Any, convs: tuple[tuple, ...]) -> Any:
    """Apply ``conv2d_bn`` for each ``(filters, kernel[, strides, padding])`` in order."""
    for filters, kernel, *rest in convs:
        strides, padding = rest if rest else (1, "same")
        x = conv2d_bn(x, filters, kernel, strides=strides, padding=padding)
    return x


# branch convolutions of the three residual block types
_BLOCK_BRANCHES = {
    "block35": (((32, 1),), ((32, 1), (32, 3)), ((32, 1), (48, 3), (64, 3))),
    "block17": (((192, 1),), ((128, 1), (160, [1, 7]), (192, [7, 1]))),
    "block8": (((192, 1),), ((192, 1), (224, [1, 3]), (256, [3, 1]))),
}


def inception_resnet_block(
    x: Any, scale: float, block_type: str, block_idx: int, activation: str | None = "relu"
) -> Any:
    """A residual Inception block: branches, concatenated, projected by a 1x1 convolution, scaled and added.

    Args:
        x: The input tensor.
        scale: The factor of the residual.
        block_type: ``"block35"``, ``"block17"`` or ``"block8"``.
        block_idx: The block's index, used in the layer names ``{block_type}_{block_idx}_...``.
        activation: The activation after the addition, or ``None``. Defaults to ``"relu"``.

    Returns:
        The output tensor.

    Raises:
        ValueError: If ``block_type`` is unknown.
    """
    if block_type not in _BLOCK_BRANCHES:
        raise ValueError(
            f'Unknown Inception-ResNet block type. Expects "block35", "block17" or "block8", but got: {block_type!r}'
        )
    axis = _common.channel_axis()
    branches = [_chain(x, convs) for convs in _BLOCK_BRANCHES[block_type]]
    block_name = f"{block_type}_{block_idx}"
    mixed = layers.Concatenate(axis=axis, name=f"{block_name}_mixed")(branches)
    up = conv2d_bn(mixed, x.shape[axis], 1, activation=None, use_bias=True, name=f"{block_name}_conv")
    x = CustomScaleLayer(scale)([x, up])
    if activation is not None:
        x = layers.Activation(activation, name=f"{block_name}_ac")(x)
    return x


def InceptionResNetV2(  # noqa: N802 - Keras's name
    include_top: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    input_shape: Any = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    name: str = "inception_resnet_v2",
) -> Any:
    """Build InceptionResNetV2 (default input 299x299x3, at least 75x75).

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
        name: The model's name. Defaults to ``"inception_resnet_v2"``.

    Returns:
        A functional ``kerax.Model``.

    Raises:
        ValueError: If an argument is invalid or the weights do not fit the model.
        OSError: If ImageNet weights must be downloaded and the download fails.
    """
    _common.check_arguments(weights, include_top, classes, pooling, input_tensor, "InceptionResNetV2")
    shape = _common.image_shape(input_shape, 299, 75, include_top, weights)
    axis = _common.channel_axis()
    img_input = _common.image_input(input_tensor, shape)
    x = _chain(img_input, ((32, 3, 2, "valid"), (32, 3, 1, "valid"), (64, 3)))
    x = layers.MaxPooling2D(3, strides=2)(x)
    x = _chain(x, ((80, 1, 1, "valid"), (192, 3, 1, "valid")))
    x = layers.MaxPooling2D(3, strides=2)(x)

    branches = [
        _chain(x, ((96, 1),)),
        _chain(x, ((48, 1), (64, 5))),
        _chain(x, ((64, 1), (96, 3), (96, 3))),
        _chain(layers.AveragePooling2D(3, strides=1, padding="same")(x), ((64, 1),)),
    ]
    x = layers.Concatenate(axis=axis, name="mixed_5b")(branches)
    for block_idx in range(1, 11):
        x = inception_resnet_block(x, scale=0.17, block_type="block35", block_idx=block_idx)

    branches = [
        _chain(x, ((384, 3, 2, "valid"),)),
        _chain(x, ((256, 1), (256, 3), (384, 3, 2, "valid"))),
        layers.MaxPooling2D(3, strides=2, padding="valid")(x),
    ]
    x = layers.Concatenate(axis=axis, name="mixed_6a")(branches)
    for block_idx in range(1, 21):
        x = inception_resnet_block(x, scale=0.1, block_type="block17", block_idx=block_idx)

    branches = [
        _chain(x, ((256, 1), (384, 3, 2, "valid"))),
        _chain(x, ((256, 1), (288, 3, 2, "valid"))),
        _chain(x, ((256, 1), (288, 3), (320, 3, 2, "valid"))),
        layers.MaxPooling2D(3, strides=2, padding="valid")(x),
    ]
    x = layers.Concatenate(axis=axis, name="mixed_7a")(branches)
    for block_idx in range(1, 10):
        x = inception_resnet_block(x, scale=0.2, block_type="block8", block_idx=block_idx)
    x = inception_resnet_block(x, scale=1.0, activation=None, block_type="block8", block_idx=10)
    x = conv2d_bn(x, 1536, 1, name="conv_7b")
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
    fname = f"inception_resnet_v2_weights_tf_dim_ordering_tf_kernels{'' if include_top else '_notop'}.h5"
    return fname, BASE_WEIGHT_URL + fname, WEIGHTS_HASHES[0 if include_top else 1]


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """Preprocess images for InceptionResNetV2: pixels from ``[0, 255]`` to ``[-1, 1]`` (``tf`` mode).

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
