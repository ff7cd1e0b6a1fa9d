"""Preprocessing layers that run inside the model: rescaling, normalisation, resizing, cropping and
random image augmentation (active only in training)."""

from kerax.layers._preprocessing._image_utils import affine_transform
from kerax.layers._preprocessing.aug_mix import AugMix
from kerax.layers._preprocessing.auto_contrast import AutoContrast
from kerax.layers._preprocessing.category_encoding import CategoryEncoding
from kerax.layers._preprocessing.center_crop import CenterCrop
from kerax.layers._preprocessing.clahe import ContrastLimitedAdaptiveHistogramEqualization
from kerax.layers._preprocessing.cut_mix import CutMix
from kerax.layers._preprocessing.discretization import Discretization
from kerax.layers._preprocessing.equalization import Equalization
from kerax.layers._preprocessing.hashed_crossing import HashedCrossing
from kerax.layers._preprocessing.hashing import Hashing
from kerax.layers._preprocessing.integer_lookup import IntegerLookup
from kerax.layers._preprocessing.max_num_bounding_boxes import MaxNumBoundingBoxes
from kerax.layers._preprocessing.mel_spectrogram import MelSpectrogram
from kerax.layers._preprocessing.mix_up import MixUp
from kerax.layers._preprocessing.normalization import Normalization
from kerax.layers._preprocessing.rand_augment import RandAugment
from kerax.layers._preprocessing.random_brightness import RandomBrightness
from kerax.layers._preprocessing.random_color_degeneration import RandomColorDegeneration
from kerax.layers._preprocessing.random_color_jitter import RandomColorJitter
from kerax.layers._preprocessing.random_contrast import RandomContrast
from kerax.layers._preprocessing.random_crop import RandomCrop
from kerax.layers._preprocessing.random_elastic_transform import RandomElasticTransform
from kerax.layers._preprocessing.random_erasing import RandomErasing
from kerax.layers._preprocessing.random_flip import RandomFlip
from kerax.layers._preprocessing.random_gaussian_blur import RandomGaussianBlur
from kerax.layers._preprocessing.random_grayscale import RandomGrayscale
from kerax.layers._preprocessing.random_hue import RandomHue
from kerax.layers._preprocessing.random_invert import RandomInvert
from kerax.layers._preprocessing.random_perspective import RandomPerspective
from kerax.layers._preprocessing.random_posterization import RandomPosterization
from kerax.layers._preprocessing.random_rotation import RandomRotation
from kerax.layers._preprocessing.random_saturation import RandomSaturation
from kerax.layers._preprocessing.random_sharpness import RandomSharpness
from kerax.layers._preprocessing.random_shear import RandomShear
from kerax.layers._preprocessing.random_translation import RandomTranslation
from kerax.layers._preprocessing.random_zoom import RandomZoom
from kerax.layers._preprocessing.rescaling import Rescaling
from kerax.layers._preprocessing.resizing import Resizing
from kerax.layers._preprocessing.solarization import Solarization
from kerax.layers._preprocessing.stft_spectrogram import STFTSpectrogram
from kerax.layers._preprocessing.string_lookup import StringLookup
from kerax.layers._preprocessing.text_vectorization import TextVectorization

__all__ = [
    "AugMix",
    "AutoContrast",
    "CategoryEncoding",
    "CenterCrop",
    "ContrastLimitedAdaptiveHistogramEqualization",
    "CutMix",
    "Discretization",
    "Equalization",
    "HashedCrossing",
    "Hashing",
    "IntegerLookup",
    "MaxNumBoundingBoxes",
    "MelSpectrogram",
    "MixUp",
    "Normalization",
    "RandAugment",
    "RandomBrightness",
    "RandomColorDegeneration",
    "RandomColorJitter",
    "RandomContrast",
    "RandomCrop",
    "RandomElasticTransform",
    "RandomErasing",
    "RandomFlip",
    "RandomGaussianBlur",
    "RandomGrayscale",
    "RandomHue",
    "RandomInvert",
    "RandomPerspective",
    "RandomPosterization",
    "RandomRotation",
    "RandomSaturation",
    "RandomSharpness",
    "RandomShear",
    "RandomTranslation",
    "RandomZoom",
    "Rescaling",
    "Resizing",
    "STFTSpectrogram",
    "Solarization",
    "StringLookup",
    "TextVectorization",
    "affine_transform",
]
