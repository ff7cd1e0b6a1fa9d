"""Keras 3's ``keras.preprocessing`` namespace: ``sequence.pad_sequences``."""

from kerax.preprocessing import sequence

__all__ = ["sequence"]
