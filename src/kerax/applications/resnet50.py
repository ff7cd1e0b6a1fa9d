"""``kerax.applications.resnet50``: ResNet50 with its preprocessing and decoding (as in ``resnet``)."""

from kerax.applications.resnet import ResNet50, decode_predictions, preprocess_input

__all__ = ["ResNet50", "decode_predictions", "preprocess_input"]


def __dir__() -> list[str]:
    """The public names: not the modules and helpers the namespace is built from."""
    return list(__all__)
