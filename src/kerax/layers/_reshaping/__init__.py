"""Reshaping layers."""

from kerax.layers._reshaping.cropping1d import Cropping1D
from kerax.layers._reshaping.cropping2d import Cropping2D
from kerax.layers._reshaping.cropping3d import Cropping3D
from kerax.layers._reshaping.flatten import Flatten
from kerax.layers._reshaping.permute import Permute
from kerax.layers._reshaping.repeat_vector import RepeatVector
from kerax.layers._reshaping.reshape import Reshape
from kerax.layers._reshaping.up_sampling1d import UpSampling1D
from kerax.layers._reshaping.up_sampling2d import UpSampling2D
from kerax.layers._reshaping.up_sampling3d import UpSampling3D
from kerax.layers._reshaping.zero_padding1d import ZeroPadding1D
from kerax.layers._reshaping.zero_padding2d import ZeroPadding2D
from kerax.layers._reshaping.zero_padding3d import ZeroPadding3D

__all__ = [
    "Cropping1D",
    "Cropping2D",
    "Cropping3D",
    "Flatten",
    "Permute",
    "RepeatVector",
    "Reshape",
    "UpSampling1D",
    "UpSampling2D",
    "UpSampling3D",
    "ZeroPadding1D",
    "ZeroPadding2D",
    "ZeroPadding3D",
]
