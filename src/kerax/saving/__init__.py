"""Saving and loading models: kerax's own zip format and Keras 3 files, safe by construction.

Loading builds objects only from kerax's classes, classes registered with ``register_keras_serializable``
and the caller's ``custom_objects``: it never imports a module, calls a function named by a file,
unpickles, or runs bytecode.
"""

from kerax._serialization._registry import (
    CustomObjectScope,
    UnsafeConfigError,
    custom_object_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)
from kerax._serialization._serialize import deserialize_keras_object, serialize_keras_object
from kerax.saving._api import load_model, load_weights, save_model, save_weights
from kerax.saving._file_editor import KerasFileEditor
from kerax.saving._zip import UnsafeArchiveError

__all__ = [
    "CustomObjectScope",
    "KerasFileEditor",
    "UnsafeArchiveError",
    "UnsafeConfigError",
    "custom_object_scope",
    "deserialize_keras_object",
    "get_custom_objects",
    "get_registered_name",
    "get_registered_object",
    "load_model",
    "load_weights",
    "register_keras_serializable",
    "save_model",
    "save_weights",
    "serialize_keras_object",
]


def __dir__() -> list[str]:
    """The public names: not the modules and helpers the namespace is built from."""
    return list(__all__)
