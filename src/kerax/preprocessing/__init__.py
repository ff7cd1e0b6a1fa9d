"""Keras 3's ``keras.preprocessing`` namespace: ``image``, ``sequence`` and the dataset-building functions."""

from kerax.preprocessing import image, sequence
from kerax.utils._image_dataset import image_dataset_from_directory
from kerax.utils._text_dataset import text_dataset_from_directory
from kerax.utils._timeseries_dataset import timeseries_dataset_from_array

__all__ = [
    "image",
    "image_dataset_from_directory",
    "sequence",
    "text_dataset_from_directory",
    "timeseries_dataset_from_array",
]


def __dir__() -> list[str]:
    """The public names: not the modules and helpers the namespace is built from."""
    return list(__all__)
