"""Tests of kerax.layers."""
