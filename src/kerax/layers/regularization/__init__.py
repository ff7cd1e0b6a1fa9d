"""Regularization layers."""

from kerax.layers.regularization.activity_regularization import ActivityRegularization
from kerax.layers.regularization.alpha_dropout import AlphaDropout
from kerax.layers.regularization.dropout import Dropout
from kerax.layers.regularization.gaussian_dropout import GaussianDropout
from kerax.layers.regularization.gaussian_noise import GaussianNoise
from kerax.layers.regularization.spatial_dropout import SpatialDropout1D, SpatialDropout2D, SpatialDropout3D

__all__ = [
    "ActivityRegularization",
    "AlphaDropout",
    "Dropout",
    "GaussianDropout",
    "GaussianNoise",
    "SpatialDropout1D",
    "SpatialDropout2D",
    "SpatialDropout3D",
]
