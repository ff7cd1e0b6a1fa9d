"""Regularization layers."""
