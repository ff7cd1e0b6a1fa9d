"""Normalization layers."""

from kerax.layers._normalization.batch_normalization import BatchNormalization
from kerax.layers._normalization.group_normalization import GroupNormalization
from kerax.layers._normalization.layer_normalization import LayerNormalization
from kerax.layers._normalization.rms_normalization import RMSNormalization
from kerax.layers._normalization.spectral_normalization import SpectralNormalization
from kerax.layers._normalization.unit_normalization import UnitNormalization

__all__ = [
    "BatchNormalization",
    "GroupNormalization",
    "LayerNormalization",
    "RMSNormalization",
    "SpectralNormalization",
    "UnitNormalization",
]
