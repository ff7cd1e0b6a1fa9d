"""Sequence preprocessing, as ``keras.preprocessing.sequence``."""

from kerax.utils._sequences import pad_sequences

__all__ = ["pad_sequences"]
