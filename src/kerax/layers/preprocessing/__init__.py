"""Preprocessing layers that run inside the model: rescaling, normalisation, resizing, cropping and
random image augmentation (active only in training)."""

from kerax.layers.preprocessing._image_utils import affine_transform
from kerax.layers.preprocessing.center_crop import CenterCrop
from kerax.layers.preprocessing.normalization import Normalization
from kerax.layers.preprocessing.random_contrast import RandomContrast
from kerax.layers.preprocessing.random_flip import RandomFlip
from kerax.layers.preprocessing.random_rotation import RandomRotation
from kerax.layers.preprocessing.random_translation import RandomTranslation
from kerax.layers.preprocessing.random_zoom import RandomZoom
from kerax.layers.preprocessing.rescaling import Rescaling
from kerax.layers.preprocessing.resizing import Resizing

__all__ = [
    "CenterCrop",
    "Normalization",
    "RandomContrast",
    "RandomFlip",
    "RandomRotation",
    "RandomTranslation",
    "RandomZoom",
    "Rescaling",
    "Resizing",
    "affine_transform",
]
