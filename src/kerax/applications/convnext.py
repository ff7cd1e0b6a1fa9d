"""ConvNeXtTiny, Small, Base, Large and XLarge (Liu et al., 2022): a ConvNet modernised after transformers.

The models take pixels in ``[0, 255]``: with ``include_preprocessing=True`` (the default) their first
layer normalizes them with ImageNet's mean and variance, so
``kerax.applications.convnext.preprocess_input`` returns its input unchanged. As in Keras, the stem and
the three downsampling blocks are nested ``Sequential`` models, each block's residual is scaled by a
``LayerScale`` layer, and only ``channels_last`` is supported.
"""

from __future__ import annotations

from typing import Any

from kerax import initializers, layers
from kerax.applications import _common, imagenet_utils
from kerax.backend import image_data_format
from kerax.layers._layer import Layer
from kerax.models import Sequential

__all__ = [
    "ConvNeXtBase",
    "ConvNeXtLarge",
    "ConvNeXtSmall",
    "ConvNeXtTiny",
    "ConvNeXtXLarge",
    "decode_predictions",
    "preprocess_input",
]

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/convnext/"
# SHA-256 of the (top, no top) ImageNet weights
WEIGHTS_HASHES = {
    "convnext_tiny": (
        "8ae6e78ce2933352b1ef4008e6dd2f17bc40771563877d156bc6426c7cf503ff",
        "d547c096cabd03329d7be5562c5e14798aa39ed24b474157cef5e85ab9e49ef1",
    ),
    "convnext_small": (
        "ce1277d8f1ee5a0ef0e171469089c18f5233860ceaf9b168049cb9263fd7483c",
        "6fc8009faa2f00c1c1dfce59feea9b0745eb260a7dd11bee65c8e20843da6eab",
    ),
    "convnext_base": (
        "52cbb006d3dadd03f6e095a8ca1aca47aecdd75acb4bc74bce1f5c695d0086e6",
        "40a20c5548a5e9202f69735ecc06c990e6b7c9d2de39f0361e27baeb24cb7c45",
    ),
    "convnext_large": (
        "070c5ed9ed289581e477741d3b34beffa920db8cf590899d6d2c67fba2a198a6",
        "96f02b6f0753d4f543261bc9d09bed650f24dd6bc02ddde3066135b63d23a1cd",
    ),
    "convnext_xlarge": (
        "c1f5ccab661354fc3a79a10fa99af82f0fbf10ec65cb894a3ae0815f17a889ee",
        "de3f8a54174130e0cecdc71583354753d557fcf1f4487331558e2a16ba0cfe05",
    ),
}
MODEL_CONFIGS = {
    "tiny": {"depths": [3, 3, 9, 3], "projection_dims": [96, 192, 384, 768], "default_size": 224},
    "small": {"depths": [3, 3, 27, 3], "projection_dims": [96, 192, 384, 768], "default_size": 224},
    "base": {"depths": [3, 3, 27, 3], "projection_dims": [128, 256, 512, 1024], "default_size": 224},
    "large": {"depths": [3, 3, 27, 3], "projection_dims": [192, 384, 768, 1536], "default_size": 224},
    "xlarge": {"depths": [3, 3, 27, 3], "projection_dims": [256, 512, 1024, 2048], "default_size": 224},
}
_EPSILON = 1e-6
_LAYER_SCALE_INIT = 1e-6
_IMAGENET_MEAN_255 = (0.485 * 255, 0.456 * 255, 0.406 * 255)
_IMAGENET_VARIANCE_255 = ((0.229 * 255) ** 2, (0.224 * 255) ** 2, (0.225 * 255) ** 2)


class LayerScale(Layer):
    """Multiply the last axis by a learned per-channel factor ``gamma`` (initialised to ``init_values``).

    Args:
        init_values: The initial value of every factor.
        projection_dim: The number of channels (the length of ``gamma``).
        **kwargs: Layer arguments such as ``name``.
    """

    def __init__(self, init_values: float, projection_dim: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(init_values, bool) or not isinstance(init_values, int | float):
            raise TypeError(f"LayerScale: `init_values` must be a number. Received: init_values={init_values!r}")
        if isinstance(projection_dim, bool) or not isinstance(projection_dim, int) or projection_dim < 1:
            raise ValueError(
                f"LayerScale: `projection_dim` must be a positive integer. Received: projection_dim={projection_dim!r}"
            )
        self.init_values = init_values
        self.projection_dim = projection_dim

    def build(self, input_shape: Any) -> None:
        if input_shape[-1] is not None and input_shape[-1] != self.projection_dim:
            raise ValueError(
                f"LayerScale '{self.name}' has projection_dim={self.projection_dim} but its input has "
                f"{input_shape[-1]} channels (shape {tuple(input_shape)})."
            )
        self.gamma = self.add_weight(
            shape=(self.projection_dim,), initializer=initializers.Constant(self.init_values), trainable=True
        )

    def call(self, x: Any) -> Any:
        return x * self.gamma

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "init_values": self.init_values, "projection_dim": self.projection_dim}


def _layer_norm(name: str | None) -> Any:
    return layers.LayerNormalization(epsilon=_EPSILON, name=name)


def _convnext_block(inputs: Any, projection_dim: int, name: str) -> Any:
    """Depthwise 7x7, LayerNorm, an MLP (4x wider, GELU) on channels, LayerScale, plus the input."""
    x = layers.Conv2D(projection_dim, 7, padding="same", groups=projection_dim, name=f"{name}_depthwise_conv")(inputs)
    x = _layer_norm(f"{name}_layernorm")(x)
    x = layers.Dense(4 * projection_dim, name=f"{name}_pointwise_conv_1")(x)
    x = layers.Activation("gelu", name=f"{name}_gelu")(x)
    x = layers.Dense(projection_dim, name=f"{name}_pointwise_conv_2")(x)
    x = LayerScale(_LAYER_SCALE_INIT, projection_dim, name=f"{name}_layer_scale")(x)
    return inputs + layers.Activation("linear", name=f"{name}_identity")(x)


def _convnext(
    variant: str,
    *,
    include_top: bool,
    include_preprocessing: bool,
    weights: Any,
    input_tensor: Any,
    input_shape: Any,
    pooling: str | None,
    classes: int,
    classifier_activation: Any,
    name: str,
) -> Any:
    if image_data_format() == "channels_first":
        raise ValueError(
            f"{name}: ConvNeXt does not support the `channels_first` image data format; set "
            "`kerax.backend.set_image_data_format('channels_last')`."
        )
    _common.check_arguments(weights, include_top, classes, pooling, input_tensor, name)
    config = MODEL_CONFIGS[variant]
    depths, dims = config["depths"], config["projection_dims"]
    shape = _common.image_shape(input_shape, config["default_size"], 32, include_top, weights)
    img_input = _common.image_input(input_tensor, shape)
    x = img_input
    if include_preprocessing and shape[-1] == 3:
        x = layers.Normalization(
            mean=list(_IMAGENET_MEAN_255), variance=list(_IMAGENET_VARIANCE_255), name=f"{name}_prestem_normalization"
        )(x)
    stages = [
        Sequential(
            [
                layers.Conv2D(dims[0], kernel_size=4, strides=4, name=f"{name}_stem_conv"),
                _layer_norm(f"{name}_stem_layernorm"),
            ],
            name=f"{name}_stem",
        )
    ]
    for i in range(3):
        stages.append(
            Sequential(
                [
                    _layer_norm(f"{name}_downsampling_layernorm_{i}"),
                    layers.Conv2D(dims[i + 1], kernel_size=2, strides=2, name=f"{name}_downsampling_conv_{i}"),
                ],
                name=f"{name}_downsampling_block_{i}",
            )
        )
    for i, (downsample, depth) in enumerate(zip(stages, depths, strict=True)):
        x = downsample(x)
        for j in range(depth):
            x = _convnext_block(x, dims[i], f"{name}_stage_{i}_block_{j}")
    if include_top:
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.GlobalAveragePooling2D(name=f"{name}_head_gap")(x)
        x = _layer_norm(f"{name}_head_layernorm")(x)
        x = layers.Dense(classes, activation=classifier_activation, name=f"{name}_head_dense")(x)
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
        x = _layer_norm(None)(x)

    return _common.finish(
        img_input,
        x,
        input_tensor=input_tensor,
        name=name,
        weights=weights,
        imagenet_file=lambda: _weights_file(variant, include_top),
    )


def _weights_file(variant: str, include_top: bool) -> tuple[str, str, str]:
    """Keras's ImageNet weights file: ``(file name, address, SHA-256)``.

    Args:
        variant: ``"tiny"``, ``"small"``, ``"base"``, ``"large"`` or ``"xlarge"``.
        include_top: Whether the file holds the classifier top.

    Returns:
        The file's name, address and hash.
    """
    key = f"convnext_{variant}"
    fname = key + (".h5" if include_top else "_notop.h5")
    return fname, BASE_WEIGHTS_PATH + fname, WEIGHTS_HASHES[key][0 if include_top else 1]


def ConvNeXtTiny(  # noqa: N802 - Keras's name
    include_top: bool = True,
    include_preprocessing: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    input_shape: Any = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    name: str = "convnext_tiny",
) -> Any:
    """Build ConvNeXtTiny (default input 224x224x3, at least 32x32; ``channels_last`` only).

    Without the top, the output (after the optional global pooling) is layer-normalized, as in Keras.

    Args:
        include_top: Whether to include the classifier head (global average pooling, layer
            normalization and a dense layer named ``{name}_head_dense``). Defaults to ``True``.
        include_preprocessing: Whether the model starts with a ``Normalization`` layer that takes
            ``[0, 255]`` pixels (with ImageNet's mean and variance); only for 3-channel inputs. Defaults to ``True``.
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
        name: The model's name. Defaults to ``"convnext_tiny"``.

    Returns:
        A functional ``kerax.Model``.

    Raises:
        ValueError: If an argument is invalid, the image data format is ``channels_first``, or the
            weights do not fit the model.
        OSError: If ImageNet weights must be downloaded and the download fails.
    """
    return _convnext("tiny", **locals())


def ConvNeXtSmall(  # noqa: N802 - Keras's name
    include_top: bool = True,
    include_preprocessing: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    input_shape: Any = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    name: str = "convnext_small",
) -> Any:
    """Build ConvNeXtSmall (default input 224x224x3, at least 32x32; ``channels_last`` only).

    Without the top, the output (after the optional global pooling) is layer-normalized, as in Keras.

    Args:
        include_top: Whether to include the classifier head (global average pooling, layer
            normalization and a dense layer named ``{name}_head_dense``). Defaults to ``True``.
        include_preprocessing: Whether the model starts with a ``Normalization`` layer that takes
            ``[0, 255]`` pixels (with ImageNet's mean and variance); only for 3-channel inputs. Defaults to ``True``.
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
        name: The model's name. Defaults to ``"convnext_small"``.

    Returns:
        A functional ``kerax.Model``.

    Raises:
        ValueError: If an argument is invalid, the image data format is ``channels_first``, or the
            weights do not fit the model.
        OSError: If ImageNet weights must be downloaded and the download fails.
    """
    return _convnext("small", **locals())


def ConvNeXtBase(  # noqa: N802 - Keras's name
    include_top: bool = True,
    include_preprocessing: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    input_shape: Any = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    name: str = "convnext_base",
) -> Any:
    """Build ConvNeXtBase (default input 224x224x3, at least 32x32; ``channels_last`` only).

    Without the top, the output (after the optional global pooling) is layer-normalized, as in Keras.

    Args:
        include_top: Whether to include the classifier head (global average pooling, layer
            normalization and a dense layer named ``{name}_head_dense``). Defaults to ``True``.
        include_preprocessing: Whether the model starts with a ``Normalization`` layer that takes
            ``[0, 255]`` pixels (with ImageNet's mean and variance); only for 3-channel inputs. Defaults to ``True``.
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
        name: The model's name. Defaults to ``"convnext_base"``.

    Returns:
        A functional ``kerax.Model``.

    Raises:
        ValueError: If an argument is invalid, the image data format is ``channels_first``, or the
            weights do not fit the model.
        OSError: If ImageNet weights must be downloaded and the download fails.
    """
    return _convnext("base", **locals())


def ConvNeXtLarge(  # noqa: N802 - Keras's name
    include_top: bool = True,
    include_preprocessing: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    input_shape: Any = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    name: str = "convnext_large",
) -> Any:
    """Build ConvNeXtLarge (default input 224x224x3, at least 32x32; ``channels_last`` only).

    Without the top, the output (after the optional global pooling) is layer-normalized, as in Keras.

    Args:
        include_top: Whether to include the classifier head (global average pooling, layer
            normalization and a dense layer named ``{name}_head_dense``). Defaults to ``True``.
        include_preprocessing: Whether the model starts with a ``Normalization`` layer that takes
            ``[0, 255]`` pixels (with ImageNet's mean and variance); only for 3-channel inputs. Defaults to ``True``.
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
        name: The model's name. Defaults to ``"convnext_large"``.

    Returns:
        A functional ``kerax.Model``.

    Raises:
        ValueError: If an argument is invalid, the image data format is ``channels_first``, or the
            weights do not fit the model.
        OSError: If ImageNet weights must be downloaded and the download fails.
    """
    return _convnext("large", **locals())


def ConvNeXtXLarge(  # noqa: N802 - Keras's name
    include_top: bool = True,
    include_preprocessing: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    input_shape: Any = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    name: str = "convnext_xlarge",
) -> Any:
    """Build ConvNeXtXLarge (default input 224x224x3, at least 32x32; ``channels_last`` only).

    Without the top, the output (after the optional global pooling) is layer-normalized, as in Keras.

    Args:
        include_top: Whether to include the classifier head (global average pooling, layer
            normalization and a dense layer named ``{name}_head_dense``). Defaults to ``True``.
        include_preprocessing: Whether the model starts with a ``Normalization`` layer that takes
            ``[0, 255]`` pixels (with ImageNet's mean and variance); only for 3-channel inputs. Defaults to ``True``.
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
        name: The model's name. Defaults to ``"convnext_xlarge"``.

    Returns:
        A functional ``kerax.Model``.

    Raises:
        ValueError: If an argument is invalid, the image data format is ``channels_first``, or the
            weights do not fit the model.
        OSError: If ImageNet weights must be downloaded and the download fails.
    """
    return _convnext("xlarge", **locals())


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """Return ``x`` unchanged: ConvNeXt models normalize their ``[0, 255]`` inputs themselves.

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
