"""Decoding image files into NumPy pixels, with Pillow and NumPy alone: the part of the image readers that a
decoding worker process runs.

This module imports nothing from kerax (and not JAX), so that ``kerax.utils._decode_pool`` can start it as a
script, ``python -P _pixels.py``, in a process that starts in a tenth of a second. Run that way, it serves
decoding requests (``serve``); imported, it is the decoding and resizing code of ``load_img``,
``smart_resize`` and ``image_dataset_from_directory``.

Resizing is done in NumPy, with the same separable kernels and weights as ``jax.image.resize`` (which Keras's
JAX backend calls with ``antialias=False``), so it needs no compilation per image size and runs on any
thread or process.
"""

from __future__ import annotations

import functools
import io
import mmap
import os
import pathlib
import pickle
import select
import signal
import struct
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
from PIL import Image, UnidentifiedImageError


# -- Files to Pillow images ---------------------------------------------------------------------------
def open_image(path: Any, who: str) -> Image.Image:
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


def convert_mode(img: Image.Image, color_mode: str) -> Image.Image:
    if color_mode == "grayscale":
        # 8-, 16- and 32-bit grayscale images keep their depth; anything else becomes 8-bit grayscale.
        return img if img.mode in ("L", "I;16", "I") else img.convert("L")
    if color_mode == "rgba":
        return img if img.mode == "RGBA" else img.convert("RGBA")
    return img if img.mode == "RGB" else img.convert("RGB")


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


def load_pixels(
    path: str,
    image_size: tuple[int, int],
    num_channels: int,
    interpolation: str,
    crop_to_aspect_ratio: bool = False,
    pad_to_aspect_ratio: bool = False,
    who: str = "image_dataset_from_directory",
) -> np.ndarray:
    """One image file as a channels-last array of ``image_size`` with ``num_channels`` channels, as Keras reads it.

    An image that already has that size keeps Pillow's dtype (``uint8`` mostly): converting a whole batch to
    float32 at once costs less than converting each image. A resized image is float32.
    """
    color_mode = {1: "grayscale", 3: "rgb", 4: "rgba"}[num_channels]
    x = np.asarray(convert_mode(open_image(path, who), color_mode))
    if x.ndim == 2:
        x = x[:, :, None]
    if x.shape[:2] != tuple(image_size):  # at the target size, cropping and padding leave the image as it is
        x = resize_image(x.astype(np.float32), image_size, interpolation, crop_to_aspect_ratio, pad_to_aspect_ratio)
    return x


def load_pixels_into(out: np.ndarray, paths: list[str], *args: Any) -> None:
    """``load_pixels(path, *args)`` of each path, converted into the rows of ``out`` (a preallocated batch)."""
    for i, path in enumerate(paths):
        out[i] = load_pixels(path, *args)


# -- The decoding worker process ----------------------------------------------------------------------
# Frames on the pipes: an 8-byte little-endian length, then that many bytes of pickle. A started worker
# says ``("ready",)``. A request is
# ``(paths, shape, load_pixels arguments after the path)``; the worker writes the float32 batch ``shape`` at
# the start of the shared memory and answers ``("ok",)``, or ``("error", exception type name, message)``
# when a file cannot be read (the batch is abandoned; a ValueError's message names the file).
_HEADER = struct.Struct("<Q")


def read_frame(fd: int) -> Any:
    """The next object on ``fd``; None at the end of the stream (the other side closed it)."""
    header = _read_exactly(fd, _HEADER.size)
    if header is None:
        return None
    body = _read_exactly(fd, _HEADER.unpack(header)[0])
    if body is None:
        return None
    return pickle.loads(body)  # noqa: S301 - frames come only from kerax's own process, over its own pipe


def write_frame(fd: int, obj: Any) -> None:
    """Write ``obj`` as one frame to ``fd``."""
    body = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(_HEADER.pack(len(body)) + body)
    while view:
        view = view[os.write(fd, view) :]


def _read_exactly(fd: int, size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        chunk = os.read(fd, left)
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def serve(memory_fd: int, capacity: int, idle_seconds: float) -> None:
    """Answer decoding requests on stdin/stdout until stdin closes or none comes for ``idle_seconds``.

    The batches go to the shared memory ``memory_fd`` (``capacity`` bytes), which the parent maps too. The
    parent handles Ctrl-C (the worker ignores SIGINT), and stdout is kept for the frames: anything printed
    while decoding goes to stderr.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    memory = mmap.mmap(memory_fd, capacity)
    requests, replies = sys.stdin.fileno(), os.dup(sys.stdout.fileno())
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    write_frame(replies, ("ready",))
    while select.select([requests], [], [], idle_seconds)[0]:
        request = read_frame(requests)
        if request is None:
            return
        paths, shape, args = request
        try:
            load_pixels_into(np.ndarray(shape, np.float32, buffer=memory), paths, *args)
        except Exception as error:  # noqa: BLE001 - reported to the parent, which raises it
            reply = ("error", type(error).__name__, str(error))
        else:
            reply = ("ok",)
        try:
            write_frame(replies, reply)
        except OSError:  # the parent closed the pipe (it is shutting down): nobody waits for this batch
            return


if __name__ == "__main__":
    serve(int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]))
