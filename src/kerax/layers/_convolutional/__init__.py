"""Convolutional layers."""

from kerax.layers._convolutional.conv1d import Conv1D
from kerax.layers._convolutional.conv1d_transpose import Conv1DTranspose
from kerax.layers._convolutional.conv2d import Conv2D
from kerax.layers._convolutional.conv2d_transpose import Conv2DTranspose
from kerax.layers._convolutional.conv3d import Conv3D
from kerax.layers._convolutional.conv3d_transpose import Conv3DTranspose
from kerax.layers._convolutional.depthwise_conv1d import DepthwiseConv1D
from kerax.layers._convolutional.depthwise_conv2d import DepthwiseConv2D
from kerax.layers._convolutional.separable_conv1d import SeparableConv1D
from kerax.layers._convolutional.separable_conv2d import SeparableConv2D

# Keras's alternative names.
Convolution1D = Conv1D
Convolution2D = Conv2D
Convolution3D = Conv3D
Convolution1DTranspose = Conv1DTranspose
Convolution2DTranspose = Conv2DTranspose
Convolution3DTranspose = Conv3DTranspose
SeparableConvolution1D = SeparableConv1D
SeparableConvolution2D = SeparableConv2D

__all__ = [
    "Conv1D",
    "Conv1DTranspose",
    "Conv2D",
    "Conv2DTranspose",
    "Conv3D",
    "Conv3DTranspose",
    "Convolution1D",
    "Convolution1DTranspose",
    "Convolution2D",
    "Convolution2DTranspose",
    "Convolution3D",
    "Convolution3DTranspose",
    "DepthwiseConv1D",
    "DepthwiseConv2D",
    "SeparableConv1D",
    "SeparableConv2D",
    "SeparableConvolution1D",
    "SeparableConvolution2D",
]
