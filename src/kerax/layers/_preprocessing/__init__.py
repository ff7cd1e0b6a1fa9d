"""Preprocessing layers that run inside the model: rescaling, normalisation, resizing, cropping and
random image augmentation (active only in training)."""

from kerax.layers._preprocessing._image_utils import affine_transform
from kerax.layers._preprocessing.center_crop import CenterCrop
from kerax.layers._preprocessing.normalization import Normalization
from kerax.layers._preprocessing.random_contrast import RandomContrast
from kerax.layers._preprocessing.random_flip import RandomFlip
from kerax.layers._preprocessing.random_rotation import RandomRotation
from kerax.layers._preprocessing.random_translation import RandomTranslation
from kerax.layers._preprocessing.random_zoom import RandomZoom
from kerax.layers._preprocessing.rescaling import Rescaling
from kerax.layers._preprocessing.resizing import Resizing

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
