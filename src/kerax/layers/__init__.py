"""Layers with Keras 3's names, arguments, weights and configs (``kerax.layers.Dense(4)``)."""

from kerax.layers._input_spec import InputSpec
from kerax.layers._layer import Layer
from kerax.layers.convolutional.conv2d import Conv2D
from kerax.layers.core.activation import Activation
from kerax.layers.core.dense import Dense
from kerax.layers.core.input_layer import Input, InputLayer
from kerax.layers.merging.add import Add, add
from kerax.layers.merging.average import Average, average
from kerax.layers.merging.concatenate import Concatenate, concatenate
from kerax.layers.merging.maximum import Maximum, maximum
from kerax.layers.merging.minimum import Minimum, minimum
from kerax.layers.merging.multiply import Multiply, multiply
from kerax.layers.merging.subtract import Subtract, subtract
from kerax.layers.normalization.batch_normalization import BatchNormalization
from kerax.layers.pooling.average_pooling2d import AveragePooling2D
from kerax.layers.pooling.global_average_pooling2d import GlobalAveragePooling2D
from kerax.layers.pooling.global_max_pooling2d import GlobalMaxPooling2D
from kerax.layers.pooling.max_pooling2d import MaxPooling2D
from kerax.layers.regularization.dropout import Dropout
from kerax.layers.reshaping.flatten import Flatten
from kerax.layers.reshaping.reshape import Reshape

# Keras's alternative names.
Convolution2D = Conv2D
MaxPool2D = MaxPooling2D
AvgPool2D = AveragePooling2D
GlobalAvgPool2D = GlobalAveragePooling2D
GlobalMaxPool2D = GlobalMaxPooling2D

__all__ = [
    "Activation",
    "Add",
    "Average",
    "AveragePooling2D",
    "AvgPool2D",
    "BatchNormalization",
    "Concatenate",
    "Conv2D",
    "Convolution2D",
    "Dense",
    "Dropout",
    "Flatten",
    "GlobalAveragePooling2D",
    "GlobalAvgPool2D",
    "GlobalMaxPool2D",
    "GlobalMaxPooling2D",
    "Input",
    "InputLayer",
    "InputSpec",
    "Layer",
    "MaxPool2D",
    "MaxPooling2D",
    "Maximum",
    "Minimum",
    "Multiply",
    "Reshape",
    "Subtract",
    "add",
    "average",
    "concatenate",
    "maximum",
    "minimum",
    "multiply",
    "subtract",
]
