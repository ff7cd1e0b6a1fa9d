"""Convolutional layers."""
