"""Image files and arrays: ``load_img``, ``img_to_array``, ``array_to_img``, ``save_img`` and ``smart_resize``.

Images are read and written with Pillow. Resizing for the image datasets and for ``smart_resize`` on NumPy
input is done in NumPy, with the same separable kernels and weights as ``jax.image.resize`` (which Keras's
JAX backend calls with ``antialias=False``), so it needs no compilation per image size and runs on any
thread.
"""

from __future__ import annotations

import functools
import io
import os
import pathlib
import tempfile
import warnings
from collections.abc import Callable
from typing import Any

import jax.numpy as jnp
import numpy as np
from PIL import Image, UnidentifiedImageError

from kerax.backend import _config
from kerax.ops import image as image_ops

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


def _open_image(path: Any, who: str) -> Image.Image:
    """The decoded Pillow image at ``path`` (a path or ``io.BytesIO``); errors name the file."""
    if isinstance(path, io.BytesIO):
        source, name = path, "<BytesIO>"
    elif isinstance(path, str | bytes | pathlib.Path):
        name = os.fsdecode(path.resolve() if isinstance(path, pathlib.Path) else path)
        try:
            with open(name, "rb") as f:
                source = io.BytesIO(f.read())
        except OSError as error:
            raise ValueError(f"{who}: could not read the image file {name!r}: {error}") from error
    else:
        raise TypeError(f"{who}: `path` should be path-like or io.BytesIO, received {type(path).__name__}.")
    try:
        img = Image.open(source)
        img.load()
    except UnidentifiedImageError as error:
        raise ValueError(
            f"{who}: could not decode the image file {name!r}: Pillow does not recognise it as an image."
        ) from error
    except (OSError, SyntaxError, ValueError) as error:
        raise ValueError(f"{who}: could not decode the image file {name!r}: {error}") from error
    return img


def _convert_mode(img: Image.Image, color_mode: str) -> Image.Image:
    if color_mode == "grayscale":
        # 8-, 16- and 32-bit grayscale images keep their depth; anything else becomes 8-bit grayscale.
        return img if img.mode in ("L", "I;16", "I") else img.convert("L")
    if color_mode == "rgba":
        return img if img.mode == "RGBA" else img.convert("RGBA")
    return img if img.mode == "RGB" else img.convert("RGB")


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
    img = _convert_mode(_open_image(path, "load_img"), color_mode)
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


# -- NumPy resizing, as jax.image.resize(antialias=False) ---------------------------------------------
def _triangle(x: np.ndarray) -> np.ndarray:
    return np.maximum(np.float32(0), 1 - np.abs(x))


def _keys_cubic(x: np.ndarray) -> np.ndarray:
    out = ((1.5 * x - 2.5) * x) * x + 1.0
    out = np.where(x >= 1.0, ((-0.5 * x + 2.5) * x - 4.0) * x + 2.0, out)
    return np.where(x >= 2.0, np.float32(0), out)


def _lanczos(radius: float) -> Callable[[np.ndarray], np.ndarray]:
    def kernel(x: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            y = radius * np.sin(np.pi * x) * np.sin(np.pi * x / radius)
            out = np.where(x > 1e-3, y / np.where(x != 0, np.pi**2 * x**2, 1), 1)
        return np.where(x > radius, 0.0, out).astype(np.float32)

    return kernel


def _gaussian(x: np.ndarray) -> np.ndarray:
    # TensorFlow's "gaussian" resize kernel: sigma 0.5, cut off at radius 1.5.
    return np.where(x >= 1.5, np.float32(0), np.exp(-(x * x) / np.float32(0.5))).astype(np.float32)


def _mitchell_cubic(x: np.ndarray) -> np.ndarray:
    # TensorFlow's "mitchellcubic" resize kernel: the Mitchell-Netravali cubic with B = C = 1/3.
    near = ((7.0 / 6.0 * x - 2.0) * x) * x + 8.0 / 9.0
    far = ((-7.0 / 18.0 * x + 2.0) * x - 10.0 / 3.0) * x + 16.0 / 9.0
    return np.where(x >= 2.0, 0.0, np.where(x >= 1.0, far, near)).astype(np.float32)


_KERNELS: dict[str, Any] = {
    "bilinear": _triangle,
    "bicubic": _keys_cubic,
    "lanczos3": _lanczos(3.0),
    "lanczos5": _lanczos(5.0),
    "gaussian": _gaussian,
    "mitchellcubic": _mitchell_cubic,
    "area": "area",
}
RESIZE_INTERPOLATIONS = ("bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5", "gaussian", "mitchellcubic")


def _weight_matrix(in_size: int, out_size: int, interpolation: str) -> np.ndarray:
    """The ``(in_size, out_size)`` float32 weights that resample one axis (half-pixel centres)."""
    f32 = np.float32
    inv_scale = 1.0 / (out_size / in_size)
    kernel = _KERNELS[interpolation]
    if kernel == "area":
        left = np.arange(out_size, dtype=f32) * inv_scale
        right = left + inv_scale
        lo = np.arange(in_size, dtype=f32)
        weights = np.maximum(
            f32(0), np.minimum(right[None, :], lo[:, None] + 1) - np.maximum(left[None, :], lo[:, None])
        )
    else:
        sample = (np.arange(out_size, dtype=f32) + 0.5) * inv_scale - 0.5
        weights = kernel(np.abs(sample[None, :] - np.arange(in_size, dtype=f32)[:, None]))
    total = np.sum(weights, axis=0, keepdims=True)
    safe = np.where(total != 0, total, f32(1))
    return np.where(np.abs(total) > 1000.0 * float(np.finfo(np.float32).eps), weights / safe, 0).astype(f32)


def _nearest_indices(in_size: int, out_size: int) -> np.ndarray:
    f32 = np.float32
    offsets = (np.arange(out_size, dtype=f32) + f32(0.5)) * f32(in_size) / f32(out_size)
    return np.floor(offsets).astype(np.int32)


@functools.lru_cache(maxsize=256)
def _taps(in_size: int, out_size: int, interpolation: str) -> tuple[np.ndarray, np.ndarray]:
    """The weight matrix as taps: ``indices[k, j]`` and ``weights[k, j]`` for output ``j``'s ``k``-th input.

    Each output reads a short run of inputs, so a few gathers and multiply-adds replace the dense product
    (which would run on BLAS threads and oversubscribe the cores that decode images in parallel).
    """
    dense = _weight_matrix(in_size, out_size, interpolation)
    nonzero = dense != 0
    any_nonzero = nonzero.any(axis=0)
    first = np.where(any_nonzero, nonzero.argmax(axis=0), 0)
    last = np.where(any_nonzero, in_size - 1 - nonzero[::-1].argmax(axis=0), 0)
    count = int(max(1, (last - first + 1).max()))
    rows = first[None, :] + np.arange(count)[:, None]
    inside = rows <= last[None, :]
    rows = np.minimum(rows, in_size - 1)
    weights = np.where(inside, dense[rows, np.arange(out_size)[None, :]], np.float32(0)).astype(np.float32)
    return rows, weights


def _resample_axis(x: np.ndarray, axis: int, out_size: int, interpolation: str) -> np.ndarray:
    rows, weights = _taps(x.shape[axis], out_size, interpolation)
    shape = [1] * x.ndim
    shape[axis] = out_size
    out = np.take(x, rows[0], axis=axis) * weights[0].reshape(shape)
    for k in range(1, rows.shape[0]):
        out += np.take(x, rows[k], axis=axis) * weights[k].reshape(shape)
    return out


def resize_hwc(image: np.ndarray, size: tuple[int, int], interpolation: str = "bilinear") -> np.ndarray:
    """Resize one float32 ``(height, width, channels)`` image to ``size``, as ``jax.image.resize`` does."""
    height, width = size
    in_h, in_w = image.shape[0], image.shape[1]
    if interpolation == "nearest":
        return image[_nearest_indices(in_h, height)][:, _nearest_indices(in_w, width)]
    x = image.astype(np.float32, copy=False)
    if in_h != height:
        x = _resample_axis(x, 0, height, interpolation)
    if in_w != width:
        x = _resample_axis(x, 1, width, interpolation)
    return np.ascontiguousarray(x)


def crop_box(height: int, width: int, target_height: int, target_width: int) -> tuple[int, int, int, int]:
    """The centred ``(top, left, crop_height, crop_width)`` box of the target's aspect ratio, as Keras picks it."""
    crop_height = max(min(height, int(float(width * target_height) / target_width)), 1)
    crop_width = max(min(width, int(float(height * target_width) / target_height)), 1)
    return int(float(height - crop_height) / 2), int(float(width - crop_width) / 2), crop_height, crop_width


def resize_image(
    image: np.ndarray,
    size: tuple[int, int],
    interpolation: str = "bilinear",
    crop_to_aspect_ratio: bool = False,
    pad_to_aspect_ratio: bool = False,
    fill_value: float = 0.0,
) -> np.ndarray:
    """Resize one ``(height, width, channels)`` image, cropping or padding to the target aspect ratio first.

    Crop and pad boxes are Keras's (``keras.ops.image.resize``): the pad is the same on both sides, so an odd
    difference leaves the padded image one row or column short of the exact ratio.
    """
    height, width = image.shape[0], image.shape[1]
    target_height, target_width = size
    if crop_to_aspect_ratio:
        top, left, crop_height, crop_width = crop_box(height, width, target_height, target_width)
        image = image[top : top + crop_height, left : left + crop_width]
    elif pad_to_aspect_ratio:
        pad_height = max(height, int(float(width * target_height) / target_width))
        pad_width = max(width, int(float(height * target_width) / target_height))
        top = int(float(pad_height - height) / 2)
        left = int(float(pad_width - width) / 2)
        if top > 0:
            image = np.pad(image, ((top, top), (0, 0), (0, 0)), constant_values=fill_value)
        elif left > 0:
            image = np.pad(image, ((0, 0), (left, left), (0, 0)), constant_values=fill_value)
    return resize_hwc(image, size, interpolation)


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
