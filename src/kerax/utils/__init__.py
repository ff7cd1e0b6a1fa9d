"""Utilities with Keras 3's ``keras.utils`` names: labels and sequences, serialization, plotting, session control."""

from kerax._serialization._registry import (
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)
from kerax._serialization._registry import register_builtins as _register_builtins
from kerax._serialization._serialize import deserialize_keras_object, serialize_keras_object
from kerax.backend._config import (
    disable_interactive_logging,
    enable_interactive_logging,
    is_interactive_logging_enabled,
)
from kerax.backend._dtypes import standardize_dtype
from kerax.backend._progbar import Progbar
from kerax.backend._symbolic import is_keras_tensor
from kerax.trainers._data import pack_x_y_sample_weight, unpack_x_y_sample_weight
from kerax.trainers._py_dataset import PyDataset, Sequence
from kerax.utils._audio_dataset import audio_dataset_from_directory
from kerax.utils._config import Config
from kerax.utils._dataset_utils import split_dataset
from kerax.utils._feature_space import FeatureSpace
from kerax.utils._file_utils import get_file
from kerax.utils._graph_utils import get_source_inputs
from kerax.utils._image_dataset import image_dataset_from_directory
from kerax.utils._image_utils import array_to_img, img_to_array, load_img, save_img
from kerax.utils._numerical import normalize, to_categorical
from kerax.utils._plot_model import model_to_dot, model_to_graph, plot_model
from kerax.utils._sequences import pad_sequences
from kerax.utils._session import clear_session, set_random_seed
from kerax.utils._text_dataset import text_dataset_from_directory
from kerax.utils._timeseries_dataset import timeseries_dataset_from_array

__all__ = [
    "Config",
    "CustomObjectScope",
    "FeatureSpace",
    "Progbar",
    "PyDataset",
    "Sequence",
    "array_to_img",
    "audio_dataset_from_directory",
    "clear_session",
    "custom_object_scope",
    "deserialize_keras_object",
    "disable_interactive_logging",
    "enable_interactive_logging",
    "get_custom_objects",
    "get_file",
    "get_registered_name",
    "get_registered_object",
    "get_source_inputs",
    "image_dataset_from_directory",
    "img_to_array",
    "is_interactive_logging_enabled",
    "is_keras_tensor",
    "load_img",
    "model_to_dot",
    "model_to_graph",
    "normalize",
    "pack_x_y_sample_weight",
    "pad_sequences",
    "plot_model",
    "register_keras_serializable",
    "save_img",
    "serialize_keras_object",
    "set_random_seed",
    "split_dataset",
    "standardize_dtype",
    "text_dataset_from_directory",
    "timeseries_dataset_from_array",
    "to_categorical",
    "unpack_x_y_sample_weight",
]

_register_builtins("utils", {"FeatureSpace": FeatureSpace})  # the one object of keras.utils that files hold


def __dir__() -> list[str]:
    """The public names: not the modules and helpers the namespace is built from."""
    return list(__all__)
