"""Image ops with Keras's names, signatures and defaults (``kerax.ops.image.resize``, ...)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from kerax import backend
from kerax.ops._nn import (
    conv_dimension_numbers,
    float_dtype,
    spatial_tuple,
    standardize_data_format,
    standardize_padding,
)
from kerax.ops._registry import op

__all__ = [
    "affine_transform",
    "crop_images",
    "elastic_transform",
    "extract_patches",
    "extract_patches_3d",
    "gaussian_blur",
    "hsv_to_rgb",
    "map_coordinates",
    "pad_images",
    "perspective_transform",
    "resize",
    "rgb_to_grayscale",
    "rgb_to_hsv",
    "scale_and_translate",
    "sobel_edges",
    "ssim",
]

RESIZE_INTERPOLATIONS = ("bilinear", "nearest", "lanczos3", "lanczos5", "bicubic")
WARP_INTERPOLATIONS = {"nearest": 0, "bilinear": 1}
FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")
SCALE_AND_TRANSLATE_METHODS = (
    "linear",
    "bilinear",
    "trilinear",
    "cubic",
    "bicubic",
    "tricubic",
    "lanczos3",
    "lanczos5",
)


def _check_rank(images: Any, who: str, name: str = "images") -> None:
    if images.ndim not in (3, 4):
        raise ValueError(
            f"{who}: `{name}` must have rank 3 (one image) or 4 (a batch of images), received shape {images.shape}."
        )


def _choice(value: Any, allowed: Any, arg: str, who: str) -> Any:
    if value not in allowed:
        raise ValueError(f"{who}: `{arg}` must be one of {tuple(allowed)}, received {value!r}.")
    return value


def _to_batched_nhwc(images: jax.Array, data_format: str) -> tuple[jax.Array, Callable[[jax.Array], jax.Array]]:
    """A (batch, height, width, channels) view of ``images`` and the function that undoes it."""
    single = images.ndim == 3
    x = images[None] if single else images
    if data_format == "channels_first":
        x = jnp.transpose(x, (0, 2, 3, 1))

    def restore(y: jax.Array) -> jax.Array:
        if data_format == "channels_first":
            y = jnp.transpose(y, (0, 3, 1, 2))
        return y[0] if single else y

    return x, restore


def _channel_axis(data_format: str) -> int:
    return -1 if data_format == "channels_last" else -3


# -- Colour spaces -----------------------------------------------------------------------------------
@op("RGBToGrayscale")
def rgb_to_grayscale(images: Any, data_format: str | None = None) -> jax.Array:
    """Convert RGB images to grayscale (one channel) with the ITU-R 601 luma weights.

    Images with one channel are returned as they are.

    Args:
        images: One image (rank 3) or a batch of images (rank 4), laid out as ``data_format`` says.
        data_format: ``"channels_last"`` (``(..., height, width, channels)``) or ``"channels_first"``; ``None``
            (default) means ``kerax.config.image_data_format()``.
    """
    who = "rgb_to_grayscale"
    data_format = standardize_data_format(data_format, who)
    images = jnp.asarray(images)
    _check_rank(images, who)
    axis = _channel_axis(data_format)
    if images.shape[axis] not in (1, 3):
        raise ValueError(f"{who}: images must have 1 or 3 channels, received shape {images.shape}.")
    if images.shape[axis] == 1:
        return images
    x = images.astype(float_dtype(images.dtype))
    weights = jnp.asarray([0.2989, 0.587, 0.114], dtype=x.dtype)
    return jnp.expand_dims(jnp.tensordot(x, weights, axes=(axis, 0)), axis).astype(images.dtype)


def _split_channels(images: Any, data_format: Any, who: str) -> tuple[jax.Array, int, list[jax.Array]]:
    data_format = standardize_data_format(data_format, who)
    images = jnp.asarray(images)
    _check_rank(images, who)
    if not jnp.issubdtype(images.dtype, jnp.floating):
        raise ValueError(f"{who}: images must have a float dtype, received {images.dtype}.")
    axis = _channel_axis(data_format)
    if images.shape[axis] != 3:
        raise ValueError(f"{who}: images must have 3 channels, received shape {images.shape}.")
    return images, axis, [jnp.take(images, i, axis=axis) for i in range(3)]


@op("RGBToHSV")
def rgb_to_hsv(images: Any, data_format: str | None = None) -> jax.Array:
    """Convert RGB images to HSV, all channels in ``[0, 1]`` (float images only).

    Args:
        images: One image (rank 3) or a batch of images (rank 4), laid out as ``data_format`` says.
        data_format: ``"channels_last"`` (``(..., height, width, channels)``) or ``"channels_first"``; ``None``
            (default) means ``kerax.config.image_data_format()``.
    """
    images, axis, _ = _split_channels(images, data_format, "rgb_to_hsv")
    images = jnp.where(jnp.abs(images) < jnp.finfo(images.dtype).eps, 0.0, images)
    red, green, blue = (jnp.take(images, i, axis=axis) for i in range(3))
    value = jnp.maximum(jnp.maximum(red, green), blue)
    spread = value - jnp.minimum(jnp.minimum(red, green), blue)
    saturation = jnp.where(value > 0, spread / jnp.where(value > 0, value, 1.0), 0.0)
    scale = 1.0 / (6.0 * jnp.where(spread > 0, spread, 1.0))
    hue = jnp.where(
        value == red,
        scale * (green - blue),
        jnp.where(value == green, scale * (blue - red) + 2.0 / 6.0, scale * (red - green) + 4.0 / 6.0),
    )
    hue = jnp.where(spread > 0, hue, 0.0) + (hue < 0.0).astype(hue.dtype)
    return jnp.stack([hue, saturation, value], axis=axis)


@op("HSVToRGB")
def hsv_to_rgb(images: Any, data_format: str | None = None) -> jax.Array:
    """Convert HSV images to RGB, all channels in ``[0, 1]`` (float images only).

    Args:
        images: One image (rank 3) or a batch of images (rank 4), laid out as ``data_format`` says.
        data_format: ``"channels_last"`` (``(..., height, width, channels)``) or ``"channels_first"``; ``None``
            (default) means ``kerax.config.image_data_format()``.
    """
    _, axis, (hue, saturation, value) = _split_channels(images, data_format, "hsv_to_rgb")
    sector = jnp.mod(hue, 1.0) * 6.0
    weights = (
        jnp.clip(jnp.abs(sector - 3.0) - 1.0, 0.0, 1.0),
        jnp.clip(2.0 - jnp.abs(sector - 2.0), 0.0, 1.0),
        jnp.clip(2.0 - jnp.abs(sector - 4.0), 0.0, 1.0),
    )
    return jnp.stack([value * (1.0 - saturation + saturation * w) for w in weights], axis=axis)


# -- Resizing, cropping, padding ---------------------------------------------------------------------
def _saturate_to(x: jax.Array, dtype: Any) -> jax.Array:
    dtype = jnp.dtype(dtype)
    if jnp.issubdtype(dtype, jnp.integer):
        info = jnp.iinfo(dtype)
        x = jnp.clip(jnp.round(x), float(info.min), float(info.max))
    return x.astype(dtype)


@op("Resize")
def resize(
    images: Any,
    size: Any,
    interpolation: str = "bilinear",
    antialias: bool = False,
    crop_to_aspect_ratio: bool = False,
    pad_to_aspect_ratio: bool = False,
    fill_mode: str = "constant",
    fill_value: float = 0.0,
    data_format: str | None = None,
) -> jax.Array:
    """Resize images to ``size``.

    Args:
        images: One image (rank 3) or a batch of images (rank 4), laid out as ``data_format`` says.
        size: ``(height, width)`` of the output.
        interpolation: ``"bilinear"`` (default), ``"nearest"``, ``"bicubic"``, ``"lanczos3"`` or ``"lanczos5"``.
        antialias: Whether to filter when downsampling (default ``False``).
        crop_to_aspect_ratio: Whether to crop the images' centres to the output's aspect ratio first (default
            ``False``).
        pad_to_aspect_ratio: Whether to pad the images to the output's aspect ratio first (default ``False``); exclusive
            with ``crop_to_aspect_ratio``.
        fill_mode: How padding is filled: only ``"constant"`` (default).
        fill_value: The padding value (default 0.0).
        data_format: ``"channels_last"`` (``(..., height, width, channels)``) or ``"channels_first"``; ``None``
            (default) means ``kerax.config.image_data_format()``.
    """
    who = "resize"
    data_format = standardize_data_format(data_format, who)
    images = jnp.asarray(images)
    if len(size) != 2:
        raise ValueError(f"{who}: `size` must be a tuple of 2 integers (height, width), received {size!r}.")
    height, width = (int(s) for s in size)
    if height <= 0 or width <= 0:
        raise ValueError(f"{who}: `size` must have a positive height and width, received {size!r}.")
    _check_rank(images, who)
    _choice(interpolation, RESIZE_INTERPOLATIONS, "interpolation", who)
    if fill_mode != "constant":
        raise ValueError(f"{who}: `fill_mode` must be 'constant', received {fill_mode!r}.")
    if pad_to_aspect_ratio and crop_to_aspect_ratio:
        raise ValueError(f"{who}: only one of `pad_to_aspect_ratio` and `crop_to_aspect_ratio` can be True.")
    x, restore = _to_batched_nhwc(images, data_format)
    in_h, in_w = x.shape[1], x.shape[2]
    if crop_to_aspect_ratio:
        crop_h = max(min(in_h, int(float(in_w * height) / width)), 1)
        crop_w = max(min(in_w, int(float(in_h * width) / height)), 1)
        top, left = int(float(in_h - crop_h) / 2), int(float(in_w - crop_w) / 2)
        x = x[:, top : top + crop_h, left : left + crop_w]
    elif pad_to_aspect_ratio:
        pad_h = int(float(max(in_h, int(float(in_w * height) / width)) - in_h) / 2)
        pad_w = int(float(max(in_w, int(float(in_h * width) / height)) - in_w) / 2)
        widths = ((0, 0), (pad_h, pad_h), (0, 0), (0, 0)) if pad_h > 0 else ((0, 0), (0, 0), (pad_w, pad_w), (0, 0))
        x = jnp.pad(x, widths, constant_values=fill_value)
    out = jax.image.resize(x, (x.shape[0], height, width, x.shape[3]), method=interpolation, antialias=antialias)
    return restore(out if out.dtype == images.dtype else _saturate_to(out, images.dtype))


def _exactly_two(values: dict[str, Any], who: str) -> None:
    if list(values.values()).count(None) != 1:
        described = ", ".join(f"{k}={v}" for k, v in values.items())
        raise ValueError(f"{who}: specify exactly two of {', '.join(values)}; received {described}.")


def _non_negative(who: str, **values: Any) -> None:
    for name, value in values.items():
        if value is not None and value < 0:
            raise ValueError(f"{who}: `{name}` must be >= 0, received {name}={value}.")


def _checked_borders(
    who: str, kind: str, images: Any, data_format: str | None, rows: tuple[Any, ...], cols: tuple[Any, ...]
) -> tuple[jax.Array, int, int, int]:
    """The checks `pad_images` and `crop_images` share (`kind` is "padding" or "cropping").

    `rows` is (top, bottom, target_height) and `cols` (left, right, target_width); exactly two of each must
    be given, none negative. Returns the images as an array, the height axis, the height and the width.
    """
    data_format = standardize_data_format(data_format, who)
    images = jnp.asarray(images)
    _check_rank(images, who)
    named_rows = dict(zip((f"top_{kind}", f"bottom_{kind}", "target_height"), rows, strict=True))
    named_cols = dict(zip((f"left_{kind}", f"right_{kind}", "target_width"), cols, strict=True))
    _exactly_two(named_rows, who)
    _exactly_two(named_cols, who)
    _non_negative(who, **named_rows, **named_cols)
    h_axis = images.ndim - 3 if data_format == "channels_last" else images.ndim - 2
    return images, h_axis, images.shape[h_axis], images.shape[h_axis + 1]


@op("PadImages")
def pad_images(
    images: Any,
    top_padding: int | None = None,
    left_padding: int | None = None,
    bottom_padding: int | None = None,
    right_padding: int | None = None,
    target_height: int | None = None,
    target_width: int | None = None,
    data_format: str | None = None,
) -> jax.Array:
    """Zero-pad images: for the height and for the width, give exactly two of the two paddings and the target.

    Args:
        images: One image (rank 3) or a batch of images (rank 4), laid out as ``data_format`` says.
        top_padding: Rows added above.
        left_padding: Columns added on the left.
        bottom_padding: Rows added below.
        right_padding: Columns added on the right.
        target_height: Height of the output.
        target_width: Width of the output.
        data_format: ``"channels_last"`` (``(..., height, width, channels)``) or ``"channels_first"``; ``None``
            (default) means ``kerax.config.image_data_format()``.
    """
    who = "pad_images"
    rows, cols = (top_padding, bottom_padding, target_height), (left_padding, right_padding, target_width)
    images, h_axis, height, width = _checked_borders(who, "padding", images, data_format, rows, cols)
    if top_padding is None:
        top_padding = target_height - bottom_padding - height
    if bottom_padding is None:
        bottom_padding = target_height - top_padding - height
    if left_padding is None:
        left_padding = target_width - right_padding - width
    if right_padding is None:
        right_padding = target_width - left_padding - width
    _non_negative(who, top_padding=top_padding, bottom_padding=bottom_padding)
    _non_negative(who, left_padding=left_padding, right_padding=right_padding)
    widths = [(0, 0)] * images.ndim
    widths[h_axis], widths[h_axis + 1] = (top_padding, bottom_padding), (left_padding, right_padding)
    return jnp.pad(images, widths)


@op("CropImages")
def crop_images(
    images: Any,
    top_cropping: int | None = None,
    left_cropping: int | None = None,
    bottom_cropping: int | None = None,
    right_cropping: int | None = None,
    target_height: int | None = None,
    target_width: int | None = None,
    data_format: str | None = None,
) -> jax.Array:
    """Crop images: for the height and for the width, give exactly two of the two croppings and the target.

    Args:
        images: One image (rank 3) or a batch of images (rank 4), laid out as ``data_format`` says.
        top_cropping: Rows removed at the top.
        left_cropping: Columns removed on the left.
        bottom_cropping: Rows removed at the bottom.
        right_cropping: Columns removed on the right.
        target_height: Height of the output.
        target_width: Width of the output.
        data_format: ``"channels_last"`` (``(..., height, width, channels)``) or ``"channels_first"``; ``None``
            (default) means ``kerax.config.image_data_format()``.
    """
    who = "crop_images"
    rows, cols = (top_cropping, bottom_cropping, target_height), (left_cropping, right_cropping, target_width)
    images, h_axis, height, width = _checked_borders(who, "cropping", images, data_format, rows, cols)
    if top_cropping is None:
        top_cropping = height - target_height - bottom_cropping
    if target_height is None:
        target_height = height - bottom_cropping - top_cropping
    if left_cropping is None:
        left_cropping = width - target_width - right_cropping
    if target_width is None:
        target_width = width - right_cropping - left_cropping
    _non_negative(
        who,
        top_cropping=top_cropping,
        target_height=target_height,
        left_cropping=left_cropping,
        target_width=target_width,
    )
    if top_cropping + target_height > height or left_cropping + target_width > width:
        raise ValueError(
            f"{who}: the crop (top={top_cropping}, height={target_height}, left={left_cropping}, "
            f"width={target_width}) does not fit images of shape {images.shape}."
        )
    index = [slice(None)] * images.ndim
    index[h_axis] = slice(top_cropping, top_cropping + target_height)
    index[h_axis + 1] = slice(left_cropping, left_cropping + target_width)
    return images[tuple(index)]


# -- Geometric warps ---------------------------------------------------------------------------------
def _sample(x: jax.Array, rows: jax.Array, cols: jax.Array, order: int, mode: str, cval: Any) -> jax.Array:
    """Sample each image of ``x`` (batch, height, width, channels) at per-image ``rows``/``cols`` (batch, h, w)."""

    def one_channel(channel: jax.Array, r: jax.Array, c: jax.Array) -> jax.Array:
        return jax.scipy.ndimage.map_coordinates(channel, [r, c], order=order, mode=mode, cval=cval)

    per_image = jax.vmap(one_channel, in_axes=(2, None, None), out_axes=2)
    return jax.vmap(per_image)(x, rows, cols)


def _check_transform_args(interpolation: str, fill_mode: str, who: str) -> int:
    _choice(interpolation, tuple(WARP_INTERPOLATIONS), "interpolation", who)
    _choice(fill_mode, FILL_MODES, "fill_mode", who)
    return WARP_INTERPOLATIONS[interpolation]


@op("AffineTransform")
def affine_transform(
    images: Any,
    transform: Any,
    interpolation: str = "bilinear",
    fill_mode: str = "constant",
    fill_value: float = 0,
    data_format: str | None = None,
) -> jax.Array:
    """Apply projective transforms to images (rotation, shear, translation, zoom...).

    Args:
        images: One image (rank 3) or a batch of images (rank 4), laid out as ``data_format`` says.
        transform: ``(8,)`` or ``(batch, 8)``: ``[a0, a1, a2, b0, b1, b2, c0, c1]``, mapping each output point ``(x,
            y)`` to the input point ``((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k)`` with ``k = c0 x + c1 y + 1``.
        interpolation: ``"bilinear"`` (default) or ``"nearest"``.
        fill_mode: How to fill points outside the image: ``"constant"``, ``"nearest"``, ``"wrap"``, ``"mirror"`` or
            ``"reflect"``. Default ``"constant"``.
        fill_value: The value of points outside the image when ``fill_mode`` is ``"constant"`` (default 0).
        data_format: ``"channels_last"`` (``(..., height, width, channels)``) or ``"channels_first"``; ``None``
            (default) means ``kerax.config.image_data_format()``.
    """
    who = "affine_transform"
    data_format = standardize_data_format(data_format, who)
    order = _check_transform_args(interpolation, fill_mode, who)
    images, transform = jnp.asarray(images), jnp.asarray(transform)
    _check_rank(images, who)
    if transform.ndim not in (1, 2) or transform.shape[-1] != 8:
        raise ValueError(f"{who}: `transform` must have shape (8,) or (batch, 8), received {transform.shape}.")
    x, restore = _to_batched_nhwc(images, data_format)
    transform = jnp.broadcast_to(transform.reshape(-1, 8), (x.shape[0], 8)).astype(float_dtype(transform.dtype))
    rows, cols = jnp.meshgrid(jnp.arange(x.shape[1]), jnp.arange(x.shape[2]), indexing="ij")
    a0, a1, a2, b0, b1, b2, c0, c1 = (transform[:, i, None, None] for i in range(8))
    denominator = c0 * cols + c1 * rows + 1.0
    src_cols = (a0 * cols + a1 * rows + a2) / denominator
    src_rows = (b0 * cols + b1 * rows + b2) / denominator
    return restore(_sample(x, src_rows, src_cols, order, fill_mode, fill_value))


def homographies(start_points: jax.Array, end_points: jax.Array) -> jax.Array:
    """Rows ``[a0, ..., c1]`` (as ``affine_transform`` takes) mapping each ``end_points`` quad to ``start_points``.

    Both are ``(batch, 4, 2)`` ``(x, y)`` corners; the output pixel at an end point samples the input at
    the matching start point, so the image's ``start_points`` move to ``end_points``.
    """
    sx, sy = start_points[..., 0], start_points[..., 1]
    ex, ey = end_points[..., 0], end_points[..., 1]
    zero, one = jnp.zeros_like(ex), jnp.ones_like(ex)
    x_rows = jnp.stack([ex, ey, one, zero, zero, zero, -sx * ex, -sx * ey], axis=-1)
    y_rows = jnp.stack([zero, zero, zero, ex, ey, one, -sy * ex, -sy * ey], axis=-1)
    system = jnp.concatenate([x_rows, y_rows], axis=1)
    return jnp.linalg.solve(system, jnp.concatenate([sx, sy], axis=-1)[..., None])[..., 0]


@op("PerspectiveTransform")
def perspective_transform(
    images: Any,
    start_points: Any,
    end_points: Any,
    interpolation: str = "bilinear",
    fill_value: float = 0,
    data_format: str | None = None,
) -> jax.Array:
    """Warp images so the four ``start_points`` move to the four ``end_points``.

    Args:
        images: One image (rank 3) or a batch of images (rank 4), laid out as ``data_format`` says.
        start_points: ``(4, 2)`` or ``(batch, 4, 2)``: four ``(x, y)`` points of the input.
        end_points: Where those points go in the output, the shape of ``start_points``.
        interpolation: ``"bilinear"`` (default) or ``"nearest"``.
        fill_value: The value of points outside the image (default 0).
        data_format: ``"channels_last"`` (``(..., height, width, channels)``) or ``"channels_first"``; ``None``
            (default) means ``kerax.config.image_data_format()``.
    """
    who = "perspective_transform"
    data_format = standardize_data_format(data_format, who)
    order = _check_transform_args(interpolation, "constant", who)
    images = jnp.asarray(images)
    start_points, end_points = jnp.asarray(start_points, "float32"), jnp.asarray(end_points, "float32")
    _check_rank(images, who)
    for name, points in (("start_points", start_points), ("end_points", end_points)):
        if points.ndim not in (2, 3) or points.shape[-2:] != (4, 2):
            raise ValueError(f"{who}: `{name}` must have shape (4, 2) or (batch, 4, 2), received {points.shape}.")
    if start_points.shape != end_points.shape:
        raise ValueError(
            f"{who}: `start_points` and `end_points` must have the same shape, received {start_points.shape} "
            f"and {end_points.shape}."
        )
    x, restore = _to_batched_nhwc(images, data_format)
    h = homographies(start_points.reshape(-1, 4, 2), end_points.reshape(-1, 4, 2))
    h = jnp.broadcast_to(h, (x.shape[0], 8))
    rows, cols = jnp.meshgrid(jnp.arange(x.shape[1]), jnp.arange(x.shape[2]), indexing="ij")
    a0, a1, a2, b0, b1, b2, c0, c1 = (h[:, i, None, None] for i in range(8))
    denominator = c0 * cols + c1 * rows + 1.0
    src_cols = (a0 * cols + a1 * rows + a2) / denominator
    src_rows = (b0 * cols + b1 * rows + b2) / denominator
    return restore(_sample(x, src_rows, src_cols, order, "constant", fill_value))


@op("MapCoordinates")
def map_coordinates(
    inputs: Any, coordinates: Any, order: int, fill_mode: str = "constant", fill_value: float = 0
) -> jax.Array:
    """Sample ``inputs`` at the given (fractional) coordinates by interpolation.

    Args:
        inputs: Tensor to sample.
        coordinates: Tensor ``(inputs.ndim, *output_shape)``: for each output point, its coordinate along each axis of
            ``inputs``.
        order: Interpolation order: 0 (nearest) or 1 (linear).
        fill_mode: How to fill points outside the image: ``"constant"``, ``"nearest"``, ``"wrap"``, ``"mirror"`` or
            ``"reflect"``. Default ``"constant"``.
        fill_value: The value of points outside the image when ``fill_mode`` is ``"constant"`` (default 0).
    """
    who = "map_coordinates"
    inputs, coordinates = jnp.asarray(inputs), jnp.asarray(coordinates)
    if coordinates.ndim < 2:
        raise ValueError(f"{who}: `coordinates` must have rank >= 2, received shape {coordinates.shape}.")
    if coordinates.shape[0] != inputs.ndim:
        raise ValueError(
            f"{who}: coordinates.shape[0] ({coordinates.shape[0]}) must equal the rank of `inputs` ({inputs.ndim})."
        )
    _choice(fill_mode, FILL_MODES, "fill_mode", who)
    _choice(order, (0, 1), "order", who)
    return jax.scipy.ndimage.map_coordinates(inputs, list(coordinates), order, fill_mode, fill_value)


@op("ScaleAndTranslate")
def scale_and_translate(
    images: Any,
    output_shape: Any,
    scale: Any,
    translation: Any,
    spatial_dims: Any,
    method: str,
    antialias: bool = True,
) -> jax.Array:
    """Resample images with a scale and a translation (``jax.image.scale_and_translate``).

    Args:
        images: Input tensor.
        output_shape: Shape of the output (all axes).
        scale: One scale factor per axis of ``spatial_dims``.
        translation: One translation per axis of ``spatial_dims``.
        spatial_dims: The axes to resample.
        method: ``"linear"``/``"bilinear"``/``"trilinear"``, ``"cubic"``/``"bicubic"``/``"tricubic"``, ``"lanczos3"`` or
            ``"lanczos5"``.
        antialias: Whether to filter when downsampling (default ``True``).
    """
    _choice(method, SCALE_AND_TRANSLATE_METHODS, "method", "scale_and_translate")
    images, scale, translation = jnp.asarray(images), jnp.asarray(scale), jnp.asarray(translation)
    return jax.image.scale_and_translate(
        images, tuple(output_shape), tuple(spatial_dims), scale, translation, method, antialias
    )


# -- Filters -----------------------------------------------------------------------------------------
def _depthwise_2d(x: jax.Array, kernel: jax.Array, padding: str) -> jax.Array:
    """Filter every channel of ``x`` (batch, height, width, channels) with the 2D ``kernel``."""
    channels = x.shape[-1]
    weights = jnp.broadcast_to(kernel[:, :, None, None], (*kernel.shape, 1, channels))
    return lax.conv_general_dilated(
        x,
        weights.astype(x.dtype),
        (1, 1),
        padding,
        dimension_numbers=conv_dimension_numbers(2, "channels_last"),
        feature_group_count=channels,
    )


def _gaussian_1d(size: int, sigma: Any, dtype: Any) -> jax.Array:
    offsets = jnp.arange(size, dtype=dtype) - jnp.asarray((size - 1) / 2, dtype=dtype)
    weights = jnp.exp(-0.5 * (offsets / sigma) ** 2)
    return weights / jnp.sum(weights)


@op("GaussianBlur")
def gaussian_blur(
    images: Any, kernel_size: Any = (3, 3), sigma: Any = (1.0, 1.0), data_format: str | None = None
) -> jax.Array:
    """Blur images with a Gaussian kernel, channel by channel (zero padding, same size).

    Args:
        images: One image (rank 3) or a batch of images (rank 4), laid out as ``data_format`` says.
        kernel_size: Size of the kernel: an int or a pair (default ``(3, 3)``).
        sigma: Standard deviation of the Gaussian: a float or a pair (default ``(1.0, 1.0)``).
        data_format: ``"channels_last"`` (``(..., height, width, channels)``) or ``"channels_first"``; ``None``
            (default) means ``kerax.config.image_data_format()``.
    """
    who = "gaussian_blur"
    data_format = standardize_data_format(data_format, who)
    images = jnp.asarray(images)
    _check_rank(images, who)
    size_x, size_y = spatial_tuple(kernel_size, 2, "kernel_size", who)
    sigma = jnp.broadcast_to(jnp.asarray(sigma, dtype=images.dtype), (2,))
    kernel = jnp.outer(_gaussian_1d(size_y, sigma[1], images.dtype), _gaussian_1d(size_x, sigma[0], images.dtype))
    x, restore = _to_batched_nhwc(images, data_format)
    return restore(_depthwise_2d(x, kernel, "SAME"))


def _seed_key(seed: Any, who: str) -> jax.Array:
    if seed is None:
        return backend.draw_key()
    if isinstance(seed, int | np.integer) and not isinstance(seed, bool):
        return jnp.asarray([int(seed) & 0xFFFFFFFF, 0], dtype="uint32")
    if isinstance(seed, jax.Array):
        return seed
    raise ValueError(f"{who}: `seed` must be an int, a JAX PRNG key or None, received {seed!r}.")


@op("ElasticTransform")
def elastic_transform(
    images: Any,
    alpha: float = 20.0,
    sigma: float = 5.0,
    interpolation: str = "bilinear",
    fill_mode: str = "reflect",
    fill_value: float = 0.0,
    seed: Any = None,
    data_format: str | None = None,
) -> jax.Array:
    """Distort images with a random smooth displacement field (elastic deformation).

    Args:
        images: One image (rank 3) or a batch of images (rank 4), laid out as ``data_format`` says.
        alpha: Scale of the displacements (default 20.0).
        sigma: Standard deviation of the Gaussian that smooths them (default 5.0).
        interpolation: ``"bilinear"`` (default) or ``"nearest"``.
        fill_mode: How to fill points outside the image: ``"constant"``, ``"nearest"``, ``"wrap"``, ``"mirror"`` or
            ``"reflect"``. Default ``"reflect"``.
        fill_value: The value of points outside the image when ``fill_mode`` is ``"constant"`` (default 0.0).
        seed: An int, a JAX PRNG key, or ``None`` (default: a key from kerax's global seed).
        data_format: ``"channels_last"`` (``(..., height, width, channels)``) or ``"channels_first"``; ``None``
            (default) means ``kerax.config.image_data_format()``.
    """
    who = "elastic_transform"
    data_format = standardize_data_format(data_format, who)
    order = _check_transform_args(interpolation, fill_mode, who)
    images = jnp.asarray(images)
    _check_rank(images, who)
    x, restore = _to_batched_nhwc(images, data_format)
    batch, height, width, _ = x.shape
    size = int(6 * float(sigma)) | 1
    # One key for both displacement fields, as Keras's JAX backend draws them.
    noise = jax.random.normal(_seed_key(seed, who), (batch, height, width), dtype=images.dtype) * sigma
    kernel = jnp.outer(_gaussian_1d(size, sigma, images.dtype), _gaussian_1d(size, sigma, images.dtype))
    displacement = alpha * _depthwise_2d(noise[..., None], kernel, "SAME")[..., 0]
    rows, cols = jnp.meshgrid(jnp.arange(height), jnp.arange(width), indexing="ij")
    warped = _sample(x, rows + displacement, cols + displacement, order, fill_mode, fill_value)
    return restore(warped.astype(images.dtype))


@op("SobelEdges")
def sobel_edges(images: Any, data_format: str | None = None) -> jax.Array:
    """Sobel edge maps of images: vertical and horizontal gradients stacked on a new last axis.

    Args:
        images: A batch of images (rank 4), laid out as ``data_format`` says.
        data_format: ``"channels_last"`` (``(..., height, width, channels)``) or ``"channels_first"``; ``None``
            (default) means ``kerax.config.image_data_format()``.
    """
    who = "sobel_edges"
    data_format = standardize_data_format(data_format, who)
    images = jnp.asarray(images)
    if images.ndim != 4:
        raise ValueError(f"{who}: `images` must have rank 4 (a batch of images), received shape {images.shape}.")
    x, restore = _to_batched_nhwc(images, data_format)
    along_x = jnp.asarray([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=images.dtype)
    edges = [restore(_depthwise_2d(x, kernel, "SAME")) for kernel in (along_x.T, along_x)]
    return jnp.stack(edges, axis=-1)


@op("SSIM")
def ssim(
    image1: Any,
    image2: Any,
    max_val: float = 1.0,
    filter_size: int = 11,
    filter_sigma: float = 1.5,
    k1: float = 0.01,
    k2: float = 0.03,
    data_format: str | None = None,
) -> jax.Array:
    """Structural similarity index between two images or batches of images (one value per image).

    Args:
        image1: First image (rank 3) or batch of images (rank 4).
        image2: Second image or batch, the shape of ``image1``.
        max_val: The dynamic range of the pixel values (default 1.0).
        filter_size: Size of the Gaussian window (default 11).
        filter_sigma: Standard deviation of the Gaussian window (default 1.5).
        k1: Stability constant of the means (default 0.01).
        k2: Stability constant of the variances (default 0.03).
        data_format: ``"channels_last"`` (``(..., height, width, channels)``) or ``"channels_first"``; ``None``
            (default) means ``kerax.config.image_data_format()``.
    """
    who = "ssim"
    data_format = standardize_data_format(data_format, who)
    image1, image2 = jnp.asarray(image1), jnp.asarray(image2)
    _check_rank(image1, who, "image1")
    _check_rank(image2, who, "image2")
    original = image1.dtype
    dtype = float_dtype(original)
    x, restore = _to_batched_nhwc(image1.astype(dtype), data_format)
    y, _ = _to_batched_nhwc(image2.astype(dtype), data_format)
    offsets = jnp.arange(filter_size, dtype=dtype) - (filter_size - 1) / 2.0
    weights = jnp.exp(-(offsets**2) / (2.0 * filter_sigma**2))
    weights = weights / jnp.sum(weights)
    kernel = jnp.outer(weights, weights)

    def blur(z: jax.Array) -> jax.Array:
        return _depthwise_2d(z, kernel, "VALID")

    c1, c2 = (k1 * max_val) ** 2, (k2 * max_val) ** 2
    mu_x, mu_y = blur(x), blur(y)
    var_x = blur(x * x) - mu_x * mu_x
    var_y = blur(y * y) - mu_y * mu_y
    cov = blur(x * y) - mu_x * mu_y
    similarity = (2.0 * mu_x * mu_y + c1) * (2.0 * cov + c2) / ((mu_x**2 + mu_y**2 + c1) * (var_x + var_y + c2))
    per_image = jnp.mean(jnp.mean(similarity, axis=(1, 2)), axis=-1)
    return (per_image[0] if image1.ndim == 3 else per_image).astype(original)


# -- Patches -----------------------------------------------------------------------------------------
def _patches(x: Any, size: Any, strides: Any, dilation_rate: Any, padding: str, data_format: Any, who: str) -> Any:
    data_format = standardize_data_format(data_format, who)
    padding = standardize_padding(padding, who)
    n = len(size)
    x = jnp.asarray(x)
    if x.ndim not in (n + 1, n + 2):
        raise ValueError(f"{who}: inputs must have rank {n + 1} or {n + 2}, received shape {x.shape}.")
    single = x.ndim == n + 1
    if single:
        x = x[None]
    spatial = "DHW"[3 - n :]
    layout = "N" + spatial + "C" if data_format == "channels_last" else "NC" + spatial
    patches = lax.conv_general_dilated_patches(
        x,
        filter_shape=size,
        window_strides=spatial_tuple(strides or size, n, "strides", who),
        padding=padding,
        rhs_dilation=spatial_tuple(dilation_rate, n, "dilation_rate", who),
        dimension_numbers=(layout, "OI" + spatial, layout),
        precision=lax.Precision.HIGHEST,
    )
    # lax orders a patch's values channel-major; Keras orders them position-major, channel last.
    channels, window = x.shape[-1 if data_format == "channels_last" else 1], int(np.prod(size))
    if data_format == "channels_last":
        lead = patches.shape[:-1]
        patches = patches.reshape(*lead, channels, window).swapaxes(-1, -2).reshape(*lead, channels * window)
    else:
        rest = patches.shape[2:]
        patches = patches.reshape(x.shape[0], channels, window, *rest).swapaxes(1, 2).reshape(x.shape[0], -1, *rest)
    return patches[0] if single else patches


@op("ExtractPatches")
def extract_patches(
    images: Any,
    size: Any,
    strides: Any = None,
    dilation_rate: Any = 1,
    padding: str = "valid",
    data_format: str | None = None,
) -> jax.Array:
    """Extract patches from images, flattened on the channel axis.

    Args:
        images: One image (rank 3) or a batch of images (rank 4), laid out as ``data_format`` says.
        size: Size of the patches: an int (square 2-D patches) or a tuple of 2 ints (or 3, for volumes).
        strides: Step between patches: an int or one per spatial axis; ``None`` (default) means ``size`` (no overlap).
        dilation_rate: Spacing between the sampled pixels of a patch: an int or one per spatial axis (default 1).
        padding: ``"valid"`` (default: only whole patches) or ``"same"`` (zero-pad so every pixel starts one).
        data_format: ``"channels_last"`` (``(..., height, width, channels)``) or ``"channels_first"``; ``None``
            (default) means ``kerax.config.image_data_format()``.
    """
    who = "extract_patches"
    if not isinstance(size, int):
        if not isinstance(size, tuple | list):
            raise TypeError(f"{who}: `size` must be an int or a tuple, received {size!r}.")
        if len(size) not in (2, 3):
            raise ValueError(f"{who}: `size` must be an int or a tuple of 2 or 3 ints, received {size!r}.")
    n = 2 if isinstance(size, int) else len(size)
    return _patches(images, spatial_tuple(size, n, "size", who), strides, dilation_rate, padding, data_format, who)


@op("ExtractPatches3D")
def extract_patches_3d(
    volumes: Any,
    size: Any,
    strides: Any = None,
    dilation_rate: Any = 1,
    padding: str = "valid",
    data_format: str | None = None,
) -> jax.Array:
    """Extract patches from volumes, flattened on the channel axis.

    Args:
        volumes: One volume (rank 4) or a batch of volumes (rank 5), laid out as ``data_format`` says.
        size: Size of the patches: an int or one per spatial axis.
        strides: Step between patches: an int or one per spatial axis; ``None`` (default) means ``size`` (no overlap).
        dilation_rate: Spacing between the sampled pixels of a patch: an int or one per spatial axis (default 1).
        padding: ``"valid"`` (default: only whole patches) or ``"same"`` (zero-pad so every pixel starts one).
        data_format: ``"channels_last"`` (``(..., height, width, channels)``) or ``"channels_first"``; ``None``
            (default) means ``kerax.config.image_data_format()``.
    """
    who = "extract_patches_3d"
    return _patches(volumes, spatial_tuple(size, 3, "size", who), strides, dilation_rate, padding, data_format, who)
