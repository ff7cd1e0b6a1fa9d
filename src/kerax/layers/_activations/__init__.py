"""Activation layers: ``ReLU``, ``LeakyReLU``, ``PReLU``, ``ELU``, ``Softmax``."""

from kerax.layers._activations.elu import ELU
from kerax.layers._activations.leaky_relu import LeakyReLU
from kerax.layers._activations.prelu import PReLU
from kerax.layers._activations.relu import ReLU
from kerax.layers._activations.softmax import Softmax

__all__ = ["ELU", "LeakyReLU", "PReLU", "ReLU", "Softmax"]
