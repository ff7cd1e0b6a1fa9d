"""Keras's ready-made image classification models, with Keras's layer names and ImageNet weights.

Each family has its own module with the model functions, ``preprocess_input`` and
``decode_predictions`` (``kerax.applications.resnet50``, ``.resnet_v2``, ``.mobilenet_v2``, ...); the
models are also available here (``kerax.applications.ResNet50``). ``weights="imagenet"`` downloads
Keras's published weights into ``$KERAX_HOME/models`` (checked against their published hashes).
"""

from kerax.applications import (
    efficientnet,
    imagenet_utils,
    mobilenet_v2,
    resnet,
    resnet50,
    resnet_v2,
    vgg16,
    vgg19,
    xception,
)
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
from kerax.applications.mobilenet_v2 import MobileNetV2
from kerax.applications.resnet import ResNet50, ResNet101, ResNet152
from kerax.applications.resnet_v2 import ResNet50V2, ResNet101V2, ResNet152V2
from kerax.applications.vgg16 import VGG16
from kerax.applications.vgg19 import VGG19
from kerax.applications.xception import Xception

__all__ = [
    "EfficientNetB0",
    "EfficientNetB1",
    "EfficientNetB2",
    "EfficientNetB3",
    "EfficientNetB4",
    "EfficientNetB5",
    "EfficientNetB6",
    "EfficientNetB7",
    "MobileNetV2",
    "ResNet101",
    "ResNet101V2",
    "ResNet152",
    "ResNet152V2",
    "ResNet50",
    "ResNet50V2",
    "VGG16",
    "VGG19",
    "Xception",
    "efficientnet",
    "imagenet_utils",
    "mobilenet_v2",
    "resnet",
    "resnet50",
    "resnet_v2",
    "vgg16",
    "vgg19",
    "xception",
]
