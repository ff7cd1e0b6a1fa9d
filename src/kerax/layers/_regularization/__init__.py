"""Regularization layers."""

from kerax.layers._regularization.activity_regularization import ActivityRegularization
from kerax.layers._regularization.alpha_dropout import AlphaDropout
from kerax.layers._regularization.dropout import Dropout
from kerax.layers._regularization.gaussian_dropout import GaussianDropout
from kerax.layers._regularization.gaussian_noise import GaussianNoise
from kerax.layers._regularization.spatial_dropout import SpatialDropout1D, SpatialDropout2D, SpatialDropout3D

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
