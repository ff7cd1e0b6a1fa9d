"""Keras's ready-made image classification models, with Keras's layer names and ImageNet weights.

Each family has its own module with the model functions, ``preprocess_input`` and
``decode_predictions`` (``kerax.applications.resnet50``, ``.resnet_v2``, ``.mobilenet_v2``, ``.densenet``,
``.convnext``, ...); the models are also available here (``kerax.applications.ResNet50``).
``weights="imagenet"`` downloads Keras's published weights into ``$KERAX_HOME/models`` (checked against
their published hashes).
"""

from kerax.applications import (
    convnext,
    densenet,
    efficientnet,
    efficientnet_v2,
    imagenet_utils,
    inception_resnet_v2,
    inception_v3,
    mobilenet,
    mobilenet_v2,
    mobilenet_v3,
    nasnet,
    resnet,
    resnet50,
    resnet_v2,
    vgg16,
    vgg19,
    xception,
)
from kerax.applications.convnext import (
    ConvNeXtBase,
    ConvNeXtLarge,
    ConvNeXtSmall,
    ConvNeXtTiny,
    ConvNeXtXLarge,
)
from kerax.applications.densenet import DenseNet121, DenseNet169, DenseNet201
from kerax.applications.efficientnet import (
    EfficientNetB0,
    EfficientNetB1,
    EfficientNetB2,
    EfficientNetB3,
    EfficientNetB4,
    EfficientNetB5,
    EfficientNetB6,
    EfficientNetB7,
)
from kerax.applications.efficientnet_v2 import (
    EfficientNetV2B0,
    EfficientNetV2B1,
    EfficientNetV2B2,
    EfficientNetV2B3,
    EfficientNetV2L,
    EfficientNetV2M,
    EfficientNetV2S,
)
from kerax.applications.inception_resnet_v2 import InceptionResNetV2
from kerax.applications.inception_v3 import InceptionV3
from kerax.applications.mobilenet import MobileNet
from kerax.applications.mobilenet_v2 import MobileNetV2
from kerax.applications.mobilenet_v3 import MobileNetV3Large, MobileNetV3Small
from kerax.applications.nasnet import NASNetLarge, NASNetMobile
from kerax.applications.resnet import ResNet50, ResNet101, ResNet152
from kerax.applications.resnet_v2 import ResNet50V2, ResNet101V2, ResNet152V2
from kerax.applications.vgg16 import VGG16
from kerax.applications.vgg19 import VGG19
from kerax.applications.xception import Xception

__all__ = [
    "ConvNeXtBase",
    "ConvNeXtLarge",
    "ConvNeXtSmall",
    "ConvNeXtTiny",
    "ConvNeXtXLarge",
    "DenseNet121",
    "DenseNet169",
    "DenseNet201",
    "EfficientNetB0",
    "EfficientNetB1",
    "EfficientNetB2",
    "EfficientNetB3",
    "EfficientNetB4",
    "EfficientNetB5",
    "EfficientNetB6",
    "EfficientNetB7",
    "EfficientNetV2B0",
    "EfficientNetV2B1",
    "EfficientNetV2B2",
    "EfficientNetV2B3",
    "EfficientNetV2L",
    "EfficientNetV2M",
    "EfficientNetV2S",
    "InceptionResNetV2",
    "InceptionV3",
    "MobileNet",
    "MobileNetV2",
    "MobileNetV3Large",
    "MobileNetV3Small",
    "NASNetLarge",
    "NASNetMobile",
    "ResNet101",
    "ResNet101V2",
    "ResNet152",
    "ResNet152V2",
    "ResNet50",
    "ResNet50V2",
    "VGG16",
    "VGG19",
    "Xception",
    "convnext",
    "densenet",
    "efficientnet",
    "efficientnet_v2",
    "imagenet_utils",
    "inception_resnet_v2",
    "inception_v3",
    "mobilenet",
    "mobilenet_v2",
    "mobilenet_v3",
    "nasnet",
    "resnet",
    "resnet50",
    "resnet_v2",
    "vgg16",
    "vgg19",
    "xception",
]


def __dir__() -> list[str]:
    """The public names: not the modules and helpers the namespace is built from."""
    return list(__all__)
