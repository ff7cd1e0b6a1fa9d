"""Pooling layers."""

from kerax.layers._pooling.adaptive_average_pooling1d import AdaptiveAveragePooling1D
from kerax.layers._pooling.adaptive_average_pooling2d import AdaptiveAveragePooling2D
from kerax.layers._pooling.adaptive_average_pooling3d import AdaptiveAveragePooling3D
from kerax.layers._pooling.adaptive_max_pooling1d import AdaptiveMaxPooling1D
from kerax.layers._pooling.adaptive_max_pooling2d import AdaptiveMaxPooling2D
from kerax.layers._pooling.adaptive_max_pooling3d import AdaptiveMaxPooling3D
from kerax.layers._pooling.average_pooling1d import AveragePooling1D
from kerax.layers._pooling.average_pooling2d import AveragePooling2D
from kerax.layers._pooling.average_pooling3d import AveragePooling3D
from kerax.layers._pooling.global_average_pooling1d import GlobalAveragePooling1D
from kerax.layers._pooling.global_average_pooling2d import GlobalAveragePooling2D
from kerax.layers._pooling.global_average_pooling3d import GlobalAveragePooling3D
from kerax.layers._pooling.global_max_pooling1d import GlobalMaxPooling1D
from kerax.layers._pooling.global_max_pooling2d import GlobalMaxPooling2D
from kerax.layers._pooling.global_max_pooling3d import GlobalMaxPooling3D
from kerax.layers._pooling.max_pooling1d import MaxPooling1D
from kerax.layers._pooling.max_pooling2d import MaxPooling2D
from kerax.layers._pooling.max_pooling3d import MaxPooling3D

# Keras's alternative names.
MaxPool1D = MaxPooling1D
MaxPool2D = MaxPooling2D
MaxPool3D = MaxPooling3D
AvgPool1D = AveragePooling1D
AvgPool2D = AveragePooling2D
AvgPool3D = AveragePooling3D
GlobalMaxPool1D = GlobalMaxPooling1D
GlobalMaxPool2D = GlobalMaxPooling2D
GlobalMaxPool3D = GlobalMaxPooling3D
GlobalAvgPool1D = GlobalAveragePooling1D
GlobalAvgPool2D = GlobalAveragePooling2D
GlobalAvgPool3D = GlobalAveragePooling3D

__all__ = [
    "AdaptiveAveragePooling1D",
    "AdaptiveAveragePooling2D",
    "AdaptiveAveragePooling3D",
    "AdaptiveMaxPooling1D",
    "AdaptiveMaxPooling2D",
    "AdaptiveMaxPooling3D",
    "AveragePooling1D",
    "AveragePooling2D",
    "AveragePooling3D",
    "AvgPool1D",
    "AvgPool2D",
    "AvgPool3D",
    "GlobalAveragePooling1D",
    "GlobalAveragePooling2D",
    "GlobalAveragePooling3D",
    "GlobalAvgPool1D",
    "GlobalAvgPool2D",
    "GlobalAvgPool3D",
    "GlobalMaxPool1D",
    "GlobalMaxPool2D",
    "GlobalMaxPool3D",
    "GlobalMaxPooling1D",
    "GlobalMaxPooling2D",
    "GlobalMaxPooling3D",
    "MaxPool1D",
    "MaxPool2D",
    "MaxPool3D",
    "MaxPooling1D",
    "MaxPooling2D",
    "MaxPooling3D",
]
