"""Image helpers shared by the preprocessing layers: resizing, affine warps with fill modes, checks.

Images are channels-last: ``(batch, height, width, channels)`` or one image ``(height, width, channels)``.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

FILL_MODES = ("reflect", "wrap", "constant", "nearest")
AFFINE_INTERPOLATIONS = ("nearest", "bilinear")
RESIZE_INTERPOLATIONS = ("bilinear", "nearest", "lanczos3", "lanczos5", "bicubic")


def check_image_rank(x: Any, who: str) -> None:
    if x.ndim not in (3, 4):
        raise ValueError(
            f"{who}: expected images of rank 3 (height, width, channels) or 4 (batch, height, width, "
            f"channels), received inputs of shape {tuple(x.shape)}."
        )


def check_seed(seed: Any, who: str) -> int | None:
    if seed is not None and (not isinstance(seed, numbers.Integral) or isinstance(seed, bool)):
        raise ValueError(f"{who}: `seed` must be an int or None, received {seed!r}.")
    return None if seed is None else int(seed)


def check_choice(value: Any, arg: str, allowed: tuple[str, ...], who: str) -> str:
    if value not in allowed:
        raise ValueError(f"{who}: `{arg}` must be one of {', '.join(map(repr, allowed))}, received {value!r}.")
    return value


def check_positive_int(value: Any, arg: str, who: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise ValueError(f"{who}: `{arg}` must be a positive integer, received {value!r}.")
    return int(value)


def saturate_cast(x: jax.Array, dtype: Any) -> jax.Array:
    """Cast ``x`` to ``dtype``, clipping to the dtype's range first (for float -> integer casts)."""
    dtype = jnp.dtype(dtype)
    if jnp.issubdtype(dtype, jnp.integer):
        info = jnp.iinfo(dtype)
        x = jnp.clip(x, info.min, info.max)
    return x.astype(dtype)


def crop_box_for_aspect_ratio(height: int, width: int, target_height: int, target_width: int) -> tuple[int, ...]:
    """The centred ``(top, left, crop_height, crop_width)`` box of the target's aspect ratio, as Keras picks it."""
    crop_height = max(min(height, int(float(width * target_height) / target_width)), 1)
    crop_width = max(min(width, int(float(height * target_width) / target_height)), 1)
    top = int(float(height - crop_height) / 2)
    left = int(float(width - crop_width) / 2)
    return top, left, crop_height, crop_width


def resize(
    images: jax.Array,
    height: int,
    width: int,
    interpolation: str = "bilinear",
    antialias: bool = False,
    crop_to_aspect_ratio: bool = False,
    pad_to_aspect_ratio: bool = False,
    fill_value: float = 0.0,
) -> jax.Array:
    """Resize channels-last ``images`` (rank 3 or 4) to ``(height, width)`` as Keras's JAX backend does.

    ``jax.image.resize`` antialiases by default when downsampling; Keras passes ``antialias`` (default
    ``False``) explicitly, and so does this function.
    """
    in_h, in_w = images.shape[-3], images.shape[-2]
    if crop_to_aspect_ratio:
        top, left, ch, cw = crop_box_for_aspect_ratio(in_h, in_w, height, width)
        images = images[..., top : top + ch, left : left + cw, :]
    elif pad_to_aspect_ratio:
        pad_h = max(in_h, int(float(in_w * height) / width))
        pad_w = max(in_w, int(float(in_h * width) / height))
        top = int(float(pad_h - in_h) / 2)
        left = int(float(pad_w - in_w) / 2)
        # Keras pads the same amount on both sides (so an odd difference leaves one row short).
        pads = [(0, 0)] * images.ndim
        if top > 0:
            pads[-3] = (top, top)
        elif left > 0:
            pads[-2] = (left, left)
        if top > 0 or left > 0:
            images = jnp.pad(images, pads, constant_values=jnp.asarray(fill_value, images.dtype))
    shape = (*images.shape[:-3], height, width, images.shape[-1])
    return jax.image.resize(images, shape, method=interpolation, antialias=antialias)


# -- affine warps ------------------------------------------------------------------------------------


def _fix_index(index: jax.Array, size: int, fill_mode: str) -> jax.Array:
    """Map integer indices outside ``[0, size)`` back inside, following ``fill_mode``."""
    if fill_mode == "nearest":
        return jnp.clip(index, 0, size - 1)
    if fill_mode == "wrap":
        return jnp.mod(index, size)
    if fill_mode == "reflect":
        # Half-sample symmetric reflection: (d c b a | a b c d | d c b a).
        period = 2 * size
        index = jnp.mod(index, period)
        return jnp.where(index >= size, period - 1 - index, index)
    return index  # constant: out-of-range corners are replaced by the fill value


def _sample(
    image: jax.Array, ys: jax.Array, xs: jax.Array, interpolation: str, fill_mode: str, fill_value: Any
) -> jax.Array:
    """Sample one ``(H, W, C)`` image at float coordinates ``ys``, ``xs`` (each ``(H', W')``)."""
    height, width = image.shape[0], image.shape[1]
    fill = jnp.asarray(fill_value, image.dtype)
    if interpolation == "nearest":
        y_nodes = [(jax.lax.round(ys).astype(jnp.int32), None)]
        x_nodes = [(jax.lax.round(xs).astype(jnp.int32), None)]
    else:
        y0, x0 = jnp.floor(ys), jnp.floor(xs)
        wy, wx = ys - y0, xs - x0
        y0, x0 = y0.astype(jnp.int32), x0.astype(jnp.int32)
        y_nodes = [(y0, 1 - wy), (y0 + 1, wy)]
        x_nodes = [(x0, 1 - wx), (x0 + 1, wx)]
    out = None
    for yi, wy_ in y_nodes:
        for xi, wx_ in x_nodes:
            value = image[_fix_index(yi, height, fill_mode), _fix_index(xi, width, fill_mode)]
            if fill_mode == "constant":
                valid = (yi >= 0) & (yi < height) & (xi >= 0) & (xi < width)
                value = jnp.where(valid[..., None], value, fill)
            if wy_ is not None:
                value = (wy_ * wx_)[..., None].astype(value.dtype) * value
            out = value if out is None else out + value
    return out


def affine_transform(
    images: jax.Array,
    transform: Any,
    interpolation: str = "bilinear",
    fill_mode: str = "constant",
    fill_value: float = 0.0,
) -> jax.Array:
    """Warp channels-last ``images`` by projective ``transform``s, as ``keras.ops.image.affine_transform``.

    Args:
        images: ``(batch, height, width, channels)`` or ``(height, width, channels)``.
        transform: ``[a0, a1, a2, b0, b1, b2, c0, c1]``, or one such row per image: the output pixel
            ``(x, y)`` takes the input's value at ``((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k)``
            with ``k = c0 x + c1 y + 1`` (the transform maps output points to input points).
        interpolation: ``"bilinear"`` or ``"nearest"``.
        fill_mode: how points outside the input are filled: ``"reflect"`` (d c b a | a b c d | d c b a),
            ``"wrap"`` (a b c d | a b c d | a b c d), ``"nearest"`` (a a a a | a b c d | d d d d) or
            ``"constant"`` (``fill_value``).
        fill_value: the value of outside points with ``fill_mode="constant"``.
    """
    check_choice(interpolation, "interpolation", AFFINE_INTERPOLATIONS, "affine_transform")
    check_choice(fill_mode, "fill_mode", FILL_MODES, "affine_transform")
    images = jnp.asarray(images)
    transform = jnp.asarray(transform, jnp.float32)
    single = images.ndim == 3
    if single:
        images = images[None]
    if transform.ndim == 1:
        transform = transform[None]
    transform = jnp.broadcast_to(transform, (images.shape[0], 8))
    height, width = images.shape[1], images.shape[2]
    y, x = jnp.meshgrid(jnp.arange(height, dtype=jnp.float32), jnp.arange(width, dtype=jnp.float32), indexing="ij")

    def warp(image: jax.Array, t: jax.Array) -> jax.Array:
        k = t[6] * x + t[7] * y + 1.0
        xs = (t[0] * x + t[1] * y + t[2]) / k
        ys = (t[3] * x + t[4] * y + t[5]) / k
        return _sample(image, ys, xs, interpolation, fill_mode, fill_value)

    work = images if jnp.issubdtype(images.dtype, jnp.floating) else images.astype(jnp.float32)
    out = jax.vmap(warp)(work, transform)
    if not jnp.issubdtype(images.dtype, jnp.floating):
        out = jax.lax.round(out).astype(images.dtype)
    return out[0] if single else out


def rotation_transform(angle_degrees: jax.Array, height: int, width: int) -> jax.Array:
    """Rows ``[a0, ..., c1]`` that rotate images about their centre by ``angle_degrees`` (one per image).

    A positive angle turns the content counter-clockwise on screen (rows grow downwards).
    """
    angle = jnp.asarray(angle_degrees, jnp.float32) * (math.pi / 180.0)
    cx, cy = 0.5 * (width - 1), 0.5 * (height - 1)
    cos, sin = jnp.cos(angle), jnp.sin(angle)
    zero = jnp.zeros_like(angle)
    return jnp.stack([cos, -sin, cx - cx * cos + cy * sin, sin, cos, cy - cx * sin - cy * cos, zero, zero], axis=-1)


def zoom_transform(height_zoom: jax.Array, width_zoom: jax.Array, height: int, width: int) -> jax.Array:
    """Rows that scale images about their centre: the output spans ``zoom`` times the input (>1 zooms out)."""
    zy = jnp.asarray(height_zoom, jnp.float32)
    zx = jnp.asarray(width_zoom, jnp.float32)
    zero = jnp.zeros_like(zx)
    x_offset = (width - 1.0) / 2.0 * (1.0 - zx)
    y_offset = (height - 1.0) / 2.0 * (1.0 - zy)
    return jnp.stack([zx, zero, x_offset, zero, zy, y_offset, zero, zero], axis=-1)


def translation_transform(dy: jax.Array, dx: jax.Array) -> jax.Array:
    """Rows that move image content by ``dx`` pixels right and ``dy`` pixels down."""
    dx = jnp.asarray(dx, jnp.float32)
    dy = jnp.asarray(dy, jnp.float32)
    one, zero = jnp.ones_like(dx), jnp.zeros_like(dx)
    return jnp.stack([one, zero, -dx, zero, one, -dy, zero, zero], axis=-1)


def to_list(value: Any) -> Any:
    """Arrays -> nested lists, so that configs stay JSON-serialisable."""
    if isinstance(value, np.ndarray | jax.Array):
        return np.asarray(value).tolist()
    return value
