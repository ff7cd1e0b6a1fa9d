"""Sequence preprocessing, as ``keras.preprocessing.sequence``."""

from kerax.utils._sequences import pad_sequences

__all__ = ["pad_sequences"]


def __dir__() -> list[str]:
    """The public names: not the modules and helpers the namespace is built from."""
    return list(__all__)
