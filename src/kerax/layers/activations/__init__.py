"""Activation layers: ``ReLU``, ``LeakyReLU``, ``PReLU``, ``ELU``, ``Softmax``."""

from kerax.layers.activations.elu import ELU
from kerax.layers.activations.leaky_relu import LeakyReLU
from kerax.layers.activations.prelu import PReLU
from kerax.layers.activations.relu import ReLU
from kerax.layers.activations.softmax import Softmax

__all__ = ["ELU", "LeakyReLU", "PReLU", "ReLU", "Softmax"]
