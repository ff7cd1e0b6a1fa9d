"""Image files and arrays: ``load_img``, ``img_to_array``, ``array_to_img``, ``save_img`` and ``smart_resize``.

Images are read and written with Pillow. Decoding files and resizing NumPy images (for the image datasets
and for ``smart_resize`` on NumPy input) live in ``_pixels``, which a decoding worker process runs alone.
"""

from __future__ import annotations

import os
import pathlib
import tempfile
import warnings
from typing import Any

import jax.numpy as jnp
import numpy as np
from PIL import Image

from kerax.backend import _config
from kerax.ops import image as image_ops
from kerax.utils._pixels import RESIZE_INTERPOLATIONS, convert_mode, crop_box, open_image, resize_hwc

__all__ = ["array_to_img", "img_to_array", "load_img", "save_img", "smart_resize"]

PIL_INTERPOLATION_METHODS = {
    "nearest": Image.Resampling.NEAREST,
    "bilinear": Image.Resampling.BILINEAR,
    "bicubic": Image.Resampling.BICUBIC,
    "hamming": Image.Resampling.HAMMING,
    "box": Image.Resampling.BOX,
    "lanczos": Image.Resampling.LANCZOS,
}
COLOR_MODES = ("grayscale", "rgb", "rgba")


# -- Pillow images <-> arrays -----------------------------------------------------------------------
def array_to_img(x: Any, data_format: str | None = None, scale: bool = True, dtype: Any = None) -> Image.Image:
    """Converts a 3D array to a Pillow image.

    Args:
        x: The image, anything NumPy can turn into a rank-3 array: `(height, width, channels)`, or
            `(channels, height, width)` with `data_format="channels_first"`; 1, 3 or 4 channels.
        data_format: `"channels_last"` or `"channels_first"`; `None` means
            `kerax.backend.image_data_format()`. Defaults to `None`.
        scale: Whether to shift and rescale the values so that the minimum becomes 0 and the maximum 255.
            Defaults to `True`.
        dtype: The dtype the values are converted to first; `None` means `kerax.backend.floatx()`. Defaults to `None`.

    Returns:
        A `PIL.Image.Image`: mode `"L"` (or `"I"` for one channel with values above 255), `"RGB"` or
        `"RGBA"`.

    Raises:
        ValueError: If `x` is not of rank 3, has another number of channels, or `data_format` is invalid.
    """
    data_format = _config.standardize_data_format(data_format)
    if dtype is None:
        dtype = _config.floatx()
    x = np.asarray(x, dtype=dtype)
    if x.ndim != 3:
        raise ValueError(
            f"array_to_img: expected an image array of rank 3 (one image), received an array of shape {x.shape}."
        )
    if data_format == "channels_first":
        x = x.transpose(1, 2, 0)
    if scale:
        x = x - np.min(x)
        x_max = np.max(x)
        if x_max != 0:
            x /= x_max
        x *= 255
    channels = x.shape[2]
    if channels == 4:
        return Image.fromarray(x.astype("uint8"), "RGBA")
    if channels == 3:
        return Image.fromarray(x.astype("uint8"), "RGB")
    if channels == 1:
        if np.max(x) > 255:
            # Values beyond 8 bits: a 32-bit signed integer grayscale image.
            return Image.fromarray(x[:, :, 0].astype("int32"), "I")
        return Image.fromarray(x[:, :, 0].astype("uint8"), "L")
    raise ValueError(
        f"array_to_img: expected 1, 3 or 4 channels, received an array of shape {x.shape} ({channels} channels)."
    )


def img_to_array(img: Any, data_format: str | None = None, dtype: Any = None) -> np.ndarray:
    """Converts a Pillow image to a 3D NumPy array.

    Args:
        img: A `PIL.Image.Image` (or anything NumPy can turn into a rank-2 or rank-3 array).
        data_format: `"channels_last"` or `"channels_first"`; `None` means
            `kerax.backend.image_data_format()`. Defaults to `None`.
        dtype: The dtype of the result; `None` means `kerax.backend.floatx()`. Defaults to `None`.

    Returns:
        A NumPy array `(height, width, channels)` (or `(channels, height, width)`); a grayscale image gets
        a channel axis of size 1.

    Raises:
        ValueError: If the image does not give a rank-2 or rank-3 array, or `data_format` is invalid.
    """
    data_format = _config.standardize_data_format(data_format)
    if dtype is None:
        dtype = _config.floatx()
    x = np.asarray(img, dtype=dtype)
    if x.ndim == 3:
        if data_format == "channels_first":
            x = x.transpose(2, 0, 1)
    elif x.ndim == 2:
        x = x.reshape((1, *x.shape) if data_format == "channels_first" else (*x.shape, 1))
    else:
        raise ValueError(
            f"img_to_array: expected an image of rank 2 or 3 (height, width[, channels]), received shape {x.shape}."
        )
    return x


def save_img(
    path: Any,
    x: Any,
    data_format: str | None = None,
    file_format: str | None = None,
    scale: bool = True,
    **kwargs: Any,
) -> None:
    """Saves an image stored as an array to a path or a file object.

    A path is written atomically: the image goes to a temporary file in the same folder, which then
    replaces `path`.

    Args:
        path: A path (`str` or `pathlib.Path`) or a writable binary file object.
        x: The image array, as for `array_to_img`.
        data_format: `"channels_last"` or `"channels_first"`; `None` means
            `kerax.backend.image_data_format()`. Defaults to `None`.
        file_format: The file format (`"png"`, `"jpeg"`, ...); `None` means the path's extension. Needed
            when `path` is a file object. Defaults to `None`.
        scale: Whether to rescale the values to `[0, 255]`, as in `array_to_img`. Defaults to `True`.
        **kwargs: Passed on to `PIL.Image.Image.save`.

    Raises:
        ValueError: If the array is not an image (see `array_to_img`), or no file format can be found.
    """
    data_format = _config.standardize_data_format(data_format)
    is_path = isinstance(path, str | pathlib.Path)
    if file_format is None and is_path:
        file_format = pathlib.Path(path).suffix[1:].lower() or None
    if file_format is None:
        raise ValueError(
            f"save_img: could not tell the file format of {path!r}; pass `file_format` (e.g. 'png' or 'jpeg')."
        )
    file_format = file_format.lower()
    if file_format == "jpg":
        file_format = "jpeg"
    img = array_to_img(x, data_format=data_format, scale=scale)
    if img.mode == "RGBA" and file_format == "jpeg":
        warnings.warn("The JPEG format does not support RGBA images, converting to RGB.", stacklevel=2)
        img = img.convert("RGB")
    if not is_path:
        img.save(path, format=file_format, **kwargs)
        return
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=os.path.basename(path), dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            img.save(f, format=file_format, **kwargs)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def load_img(
    path: Any,
    color_mode: str = "rgb",
    target_size: tuple[int, int] | None = None,
    interpolation: str = "nearest",
    keep_aspect_ratio: bool = False,
) -> Image.Image:
    """Loads an image file into a Pillow image.

    Args:
        path: Path to the image file (`str`, `bytes` or `pathlib.Path`), or an `io.BytesIO`.
        color_mode: One of `"grayscale"`, `"rgb"`, `"rgba"`: the mode the image is converted to. Defaults to `"rgb"`.
        target_size: `None` (keep the file's size) or `(height, width)` to resize to. Defaults to `None`.
        interpolation: The Pillow resampling used when resizing: `"nearest"`, `"bilinear"`, `"bicubic"`,
            `"hamming"`, `"box"` or `"lanczos"`. Defaults to `"nearest"`.
        keep_aspect_ratio: Whether to resize without distortion: the largest centred box of the target's
            aspect ratio is cropped out and resized. Defaults to `False`.

    Returns:
        A `PIL.Image.Image`.

    Raises:
        TypeError: If `path` is neither path-like nor an `io.BytesIO`.
        ValueError: If `color_mode` or `interpolation` is unknown, or the file cannot be read or decoded
            (the message names the file).
    """
    if color_mode not in COLOR_MODES:
        raise ValueError(f'load_img: `color_mode` must be "grayscale", "rgb", or "rgba", received {color_mode!r}.')
    img = convert_mode(open_image(path, "load_img"), color_mode)
    if target_size is None:
        return img
    if len(target_size) != 2:
        raise ValueError(f"load_img: `target_size` must be (height, width), received {target_size!r}.")
    width_height = (int(target_size[1]), int(target_size[0]))
    if img.size == width_height:
        return img
    if interpolation not in PIL_INTERPOLATION_METHODS:
        raise ValueError(
            f"load_img: invalid interpolation method {interpolation!r}. Supported methods are "
            f"{', '.join(PIL_INTERPOLATION_METHODS)}."
        )
    resample = PIL_INTERPOLATION_METHODS[interpolation]
    if not keep_aspect_ratio:
        return img.resize(width_height, resample)
    width, height = img.size
    target_width, target_height = width_height
    crop_height = min(height, (width * target_height) // target_width)
    crop_width = min(width, (height * target_width) // target_height)
    top = (height - crop_height) // 2
    left = (width - crop_width) // 2
    return img.resize(width_height, resample, box=(left, top, left + crop_width, top + crop_height))


def smart_resize(
    x: Any,
    size: tuple[int, int],
    interpolation: str = "bilinear",
    data_format: str = "channels_last",
    **kwargs: Any,
) -> Any:
    """Resizes images to a target size without aspect-ratio distortion.

    The largest centred crop of each image with the aspect ratio of `size` is taken, then resized to
    `size`.

    Args:
        x: One image `(height, width, channels)` or a batch `(batch, height, width, channels)` (channels
            first with `data_format="channels_first"`), as a NumPy array or a JAX array.
        size: `(height, width)`, the target size.
        interpolation: `"bilinear"`, `"nearest"`, `"bicubic"`, `"lanczos3"` or `"lanczos5"` (NumPy input
            also takes `"area"`, `"gaussian"` and `"mitchellcubic"`). Defaults to `"bilinear"`.
        data_format: `"channels_last"` or `"channels_first"` (`None` means
            `kerax.backend.image_data_format()`). Defaults to `"channels_last"`.
        **kwargs: Not accepted; present for Keras's signature.

    Returns:
        The resized image(s): a float NumPy array for NumPy input, otherwise a JAX array.

    Raises:
        TypeError: If extra keyword arguments are given.
        ValueError: If `size` is not a pair, `x` has another rank, or `interpolation` is unknown.
    """
    if kwargs:
        raise TypeError(f"smart_resize() got unexpected keyword arguments: {list(kwargs)}")
    if len(size) != 2:
        raise ValueError(f"smart_resize: expected `size` to be a tuple of 2 integers, received {size!r}.")
    data_format = _config.standardize_data_format(data_format)
    target_height, target_width = (int(s) for s in size)
    is_numpy = isinstance(x, np.ndarray)
    shape = np.shape(x)
    if len(shape) not in (3, 4):
        raise ValueError(
            "smart_resize: expected an image array with shape (height, width, channels) or (batch_size, height, "
            f"width, channels), received an input of shape {shape}."
        )
    h_axis = len(shape) - 3 if data_format == "channels_last" else len(shape) - 2
    top, left, crop_height, crop_width = crop_box(shape[h_axis], shape[h_axis + 1], target_height, target_width)
    index = [slice(None)] * len(shape)
    index[h_axis] = slice(top, top + crop_height)
    index[h_axis + 1] = slice(left, left + crop_width)
    if not is_numpy:
        return image_ops.resize(
            jnp.asarray(x)[tuple(index)],
            (target_height, target_width),
            interpolation=interpolation,
            data_format=data_format,
        )
    if interpolation not in RESIZE_INTERPOLATIONS:
        raise ValueError(
            f"smart_resize: `interpolation` must be one of {RESIZE_INTERPOLATIONS}, received {interpolation!r}."
        )
    images = np.asarray(x)[tuple(index)]
    # Keras's result dtype on JAX (64-bit types off): "nearest" keeps the input's, the others give floats.
    dtype = {"float64": np.float32, "int64": np.int32, "uint64": np.uint32}.get(images.dtype.name, images.dtype)
    if interpolation != "nearest" and not np.issubdtype(dtype, np.floating):
        dtype = np.dtype(np.float32)
    batch = images if len(shape) == 4 else images[None]
    if data_format == "channels_first":
        batch = batch.transpose(0, 2, 3, 1)
    out = np.stack([resize_hwc(img, (target_height, target_width), interpolation) for img in batch])
    if data_format == "channels_first":
        out = out.transpose(0, 3, 1, 2)
    out = out.astype(dtype, copy=False)
    return out if len(shape) == 4 else out[0]
