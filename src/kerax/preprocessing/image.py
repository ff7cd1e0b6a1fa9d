"""Image preprocessing, as ``keras.preprocessing.image``: image files and arrays, and ``smart_resize``."""

from kerax.utils._image_utils import array_to_img, img_to_array, load_img, save_img, smart_resize

__all__ = ["array_to_img", "img_to_array", "load_img", "save_img", "smart_resize"]


def __dir__() -> list[str]:
    """The public names: not the modules and helpers the namespace is built from."""
    return list(__all__)
