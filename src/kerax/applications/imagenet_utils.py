"""ImageNet helpers shared by the applications: input preprocessing, label decoding, input-shape checks.

``preprocess_input`` has the three conventions Keras's pretrained models were trained with:

- ``"caffe"``: RGB to BGR, then each channel minus the ImageNet mean pixel (no scaling);
- ``"tf"``: pixels from ``[0, 255]`` to ``[-1, 1]``;
- ``"torch"``: pixels to ``[0, 1]``, then each channel standardised with ImageNet's mean and std.

``decode_predictions`` maps the 1000 ImageNet class indices to ``(wordnet id, label, score)`` with the
class index file Keras publishes, downloaded once into ``$KERAX_HOME/models``.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from kerax import activations, ops
from kerax.applications import _weights
from kerax.backend import floatx, image_data_format

__all__ = ["decode_predictions", "preprocess_input"]

CLASS_INDEX: dict[str, list[str]] | None = None
CLASS_INDEX_PATH = "https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json"
CLASS_INDEX_HASH = "c2c37ea517e94d9795004a39431a14cb"  # MD5, as Keras checks it

_MODES = ("caffe", "tf", "torch")
_CAFFE_MEAN_BGR = (103.939, 116.779, 123.68)
_TORCH_MEAN = (0.485, 0.456, 0.406)
_TORCH_STD = (0.229, 0.224, 0.225)


def _data_format(data_format: Any) -> str:
    if data_format is None:
        return image_data_format()
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError(
            "Expected data_format to be one of `channels_first` or `channels_last`. "
            f"Received: data_format={data_format!r}"
        )
    return data_format


def preprocess_input(x: Any, data_format: str | None = None, mode: str = "caffe") -> Any:
    """Preprocess a batch of images (or one image) the way an ImageNet model expects them.

    Args:
        x: A NumPy array or a tensor (a JAX array, or a symbolic tensor inside a functional model),
            3D (one image) or 4D (a batch), with 3 colour channels and values in ``[0, 255]``.
            Integer arrays are converted to ``floatx()`` first. The input is not modified.
        data_format: ``"channels_last"`` or ``"channels_first"``; ``None`` uses
            ``kerax.backend.image_data_format()``. Defaults to ``None``.
        mode: ``"caffe"`` (RGB to BGR, then minus the ImageNet mean pixel), ``"tf"`` (scaled to
            ``[-1, 1]``) or ``"torch"`` (scaled to ``[0, 1]``, then standardised per channel). Defaults to ``"caffe"``.

    Returns:
        The preprocessed images: a NumPy array for a NumPy input, else a tensor.

    Raises:
        ValueError: If ``mode`` or ``data_format`` is not one of the accepted values, or ``x`` is not
            3D or 4D with 3 channels on the channel axis.
    """
    if mode not in _MODES:
        raise ValueError(f"Expected mode to be one of `caffe`, `tf` or `torch`. Received: mode={mode!r}")
    data_format = _data_format(data_format)
    shape = tuple(getattr(x, "shape", np.shape(x)))
    if len(shape) not in (3, 4):
        raise ValueError(f"preprocess_input expects a 3D image or a 4D batch of images; received shape {shape}.")
    channel_axis = -1 if data_format == "channels_last" else len(shape) - 3
    if shape[channel_axis] is not None and shape[channel_axis] != 3:
        raise ValueError(
            f"preprocess_input expects 3 colour channels on axis {channel_axis} ({data_format}); "
            f"received shape {shape}."
        )
    if isinstance(x, np.ndarray) or not hasattr(x, "shape"):
        return _preprocess(np.asarray(x), data_format, mode, np)

    return _preprocess(x, data_format, mode, ops)


def _preprocess(x: Any, data_format: str, mode: str, xp: Any) -> Any:
    ndim = len(x.shape)
    dtype = str(x.dtype)
    if not (dtype.startswith("float") or dtype.startswith("bfloat")):
        x = x.astype(floatx()) if xp is np else xp.cast(x, floatx())
        dtype = floatx()
    if mode == "tf":
        return x / np.asarray(127.5, dtype) - np.asarray(1.0, dtype)
    channel_axis = ndim - 1 if data_format == "channels_last" else ndim - 3
    broadcast = [1] * ndim
    broadcast[channel_axis] = 3
    if mode == "torch":
        mean = np.reshape(np.asarray(_TORCH_MEAN, dtype), broadcast)
        std = np.reshape(np.asarray(_TORCH_STD, dtype), broadcast)
        return (x / np.asarray(255.0, dtype) - mean) / std
    flipped = xp.flip(x, axis=channel_axis)
    return flipped - np.reshape(np.asarray(_CAFFE_MEAN_BGR, dtype), broadcast)


def _load_class_index() -> dict[str, list[str]]:
    global CLASS_INDEX
    if CLASS_INDEX is None:
        path = _weights.download("imagenet_class_index.json", CLASS_INDEX_PATH, CLASS_INDEX_HASH)
        try:
            with open(path, encoding="utf8") as f:
                index = json.load(f)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            raise ValueError(f"decode_predictions: cannot read the ImageNet class index {path}: {err}") from err
        problems = [
            key
            for key in map(str, range(1000))
            if not (
                isinstance(index, dict)
                and isinstance(index.get(key), list)
                and len(index[key]) == 2
                and all(isinstance(part, str) for part in index[key])
            )
        ]
        if problems:
            raise ValueError(
                f"decode_predictions: the ImageNet class index {path} must map '0'..'999' to "
                f"[wordnet id, label] pairs; entries {problems[:5]} are missing or malformed."
            )
        CLASS_INDEX = index
    return CLASS_INDEX


def decode_predictions(preds: Any, top: int = 5) -> list[list[tuple[str, str, Any]]]:
    """Turn ImageNet class scores into ``(wordnet id, label, score)`` tuples, best first.

    The class index (``imagenet_class_index.json``) is downloaded from Keras's address into
    ``$KERAX_HOME/models`` the first time, checked against its published hash, and kept in memory.

    Args:
        preds: Scores of shape ``(samples, 1000)``: a NumPy array or a tensor.
        top: How many of the best classes to return per sample. Defaults to ``5``.

    Returns:
        One list per sample of ``top`` tuples ``(class_name, class_description, score)``, highest
        score first.

    Raises:
        ValueError: If ``preds`` is not 2D with 1000 columns, ``top`` is not a positive integer, or the
            class index file does not match its hash or is malformed.
        OSError: If the class index has to be downloaded and the download fails.
    """
    if isinstance(top, bool) or not isinstance(top, int | np.integer) or top < 1:
        raise ValueError(f"decode_predictions: `top` must be a positive integer; received top={top!r}.")
    shape = tuple(getattr(preds, "shape", np.shape(preds)))
    if len(shape) != 2 or shape[1] != 1000:
        raise ValueError(
            "`decode_predictions` expects a batch of predictions (i.e. a 2D array of shape (samples, 1000)). "
            f"Received array with shape: {shape}"
        )
    index = _load_class_index()
    scores = np.asarray(preds)
    results = []
    for row in scores:
        best = row.argsort()[-int(top) :][::-1]
        entries = [(index[str(i)][0], index[str(i)][1], row[i]) for i in best]
        entries.sort(key=lambda entry: entry[2], reverse=True)
        results.append(entries)
    return results


def obtain_input_shape(
    input_shape: Sequence[int | None] | None,
    default_size: int,
    min_size: int,
    data_format: str,
    require_flatten: bool,
    weights: Any = None,
) -> tuple[int | None, ...]:
    """Check a user's ``input_shape`` for an application, or pick the default one.

    Args:
        input_shape: ``None`` for the default, or a 3-tuple of the image shape (without the batch).
        default_size: The model's default image height and width.
        min_size: The smallest height and width the model accepts.
        data_format: ``"channels_last"`` or ``"channels_first"``.
        require_flatten: Whether the model has its classifier top (then the shape must be fully known).
        weights: ``"imagenet"``, ``None`` or a weights file; ImageNet weights need 3 channels and,
            with the top, exactly the default shape.

    Returns:
        The image shape to build the model with (height and width may be ``None`` without a top).

    Raises:
        ValueError: If the shape does not have 3 entries, is too small, has other than 3 channels
            with ImageNet weights, differs from the default with ImageNet weights and a top, or is
            not fully known with a top.
    """
    _data_format(data_format)
    if input_shape is not None:
        try:
            input_shape = tuple(None if d is None else int(d) for d in input_shape)
        except (TypeError, ValueError) as err:
            raise ValueError(
                f"`input_shape` must be a tuple of three integers (or None); received input_shape={input_shape!r}."
            ) from err
    channels_first = data_format == "channels_first"
    if weights != "imagenet" and input_shape and len(input_shape) == 3:
        channels = input_shape[0] if channels_first else input_shape[-1]
        if channels not in (1, 3):
            warnings.warn(
                f"This model usually expects 1 or 3 input channels. However, it was passed an input_shape "
                f"with {channels} input channels.",
                stacklevel=3,
            )
        default_shape = (
            (input_shape[0], default_size, default_size)
            if channels_first
            else (default_size, default_size, input_shape[-1])
        )
    else:
        default_shape = (3, default_size, default_size) if channels_first else (default_size, default_size, 3)
    if weights == "imagenet" and require_flatten:
        if input_shape is not None and input_shape != default_shape:
            raise ValueError(
                "When setting `include_top=True` and loading `imagenet` weights, "
                f"`input_shape` should be {default_shape}.  Received: input_shape={input_shape}"
            )
        return default_shape
    if input_shape:
        if len(input_shape) != 3:
            raise ValueError(f"`input_shape` must be a tuple of three integers. Received: input_shape={input_shape}")
        channels = input_shape[0] if channels_first else input_shape[-1]
        if channels != 3 and weights == "imagenet":
            raise ValueError(f"The input must have 3 channels; Received `input_shape={input_shape}`")
        spatial = input_shape[1:] if channels_first else input_shape[:2]
        if any(d is not None and d < min_size for d in spatial):
            raise ValueError(f"Input size must be at least {min_size}x{min_size}; Received: input_shape={input_shape}")
    elif require_flatten:
        input_shape = default_shape
    else:
        input_shape = (3, None, None) if channels_first else (None, None, 3)
    if require_flatten and None in input_shape:
        raise ValueError(
            f"If `include_top` is True, you should specify a static `input_shape`. Received: input_shape={input_shape}"
        )
    return input_shape


def correct_pad(inputs: Any, kernel_size: int | Sequence[int]) -> tuple[tuple[int, int], tuple[int, int]]:
    """The zero padding that makes a strided ``"valid"`` convolution behave like TensorFlow's ``"same"``.

    Args:
        inputs: A 4D symbolic tensor (its height and width are read from its shape).
        kernel_size: The convolution's kernel size: an integer or a pair.

    Returns:
        ``((top, bottom), (left, right))`` for ``ZeroPadding2D``.
    """
    first = 2 if image_data_format() == "channels_first" else 1
    size = tuple(inputs.shape[first : first + 2])
    kernel = (kernel_size, kernel_size) if isinstance(kernel_size, int) else tuple(kernel_size)
    adjust = (1, 1) if size[0] is None else (1 - size[0] % 2, 1 - size[1] % 2)
    half = (kernel[0] // 2, kernel[1] // 2)
    return ((half[0] - adjust[0], half[0]), (half[1] - adjust[1], half[1]))


def validate_activation(classifier_activation: Any, weights: Any) -> None:
    """Refuse a classifier activation other than softmax or none (linear) with pretrained weights.

    Args:
        classifier_activation: A name, a callable or ``None``.
        weights: The ``weights`` argument of the application; ``None`` allows any activation.

    Raises:
        ValueError: If pretrained weights are loaded and the activation is neither softmax nor linear.
    """
    if weights is None:
        return

    if activations.get(classifier_activation) not in (activations.get("softmax"), activations.get(None)):
        raise ValueError(
            "Only `None` and `softmax` activations are allowed for the `classifier_activation` argument "
            "when using pretrained weights, with `include_top=True`; Received: "
            f"classifier_activation={classifier_activation!r}"
        )


def __dir__() -> list[str]:
    """The public names: not the modules and helpers the namespace is built from."""
    return list(__all__)
