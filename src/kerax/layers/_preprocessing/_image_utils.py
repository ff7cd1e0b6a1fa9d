"""Image helpers shared by the preprocessing layers: resizing, affine warps with fill modes, checks.

Images are channels-last: ``(batch, height, width, channels)`` or one image ``(height, width, channels)``.
"""

from __future__ import annotations

import functools
import math
import numbers
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

FILL_MODES = ("reflect", "wrap", "constant", "nearest")
AFFINE_INTERPOLATIONS = ("nearest", "bilinear")
RESIZE_INTERPOLATIONS = ("bilinear", "nearest", "lanczos3", "lanczos5", "bicubic")


def compiled(method: Any) -> Any:
    """Run a layer method ``f(self, *arrays)`` as one compiled program per layer (and input shapes).

    The augmentation layers draw and apply dozens of small operations; dispatched one by one in an eager
    call they cost far more than the work. Inside a traced step the compiled function is simply inlined.
    The method must depend on nothing but its array arguments and the layer's fixed configuration.
    """
    attribute = f"_compiled_{method.__name__}"

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any) -> Any:
        function = self.__dict__.get(attribute)
        if function is None:
            function = jax.jit(functools.partial(method, self))
            object.__setattr__(self, attribute, function)
        return function(*args)

    return wrapper


def check_image_rank(x: Any, who: str) -> None:
    if isinstance(x, dict):
        raise ValueError(
            f"{who}: expected an image tensor, received a dict with keys {sorted(map(str, x))}. Dict inputs "
            "(images with bounding boxes, segmentation masks or labels) are not supported: pass the images alone."
        )
    if x.ndim not in (3, 4):
        raise ValueError(
            f"{who}: expected images of rank 3 (height, width, channels) or 4 (batch, height, width, "
            f"channels), received inputs of shape {tuple(x.shape)}."
        )


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
    if fill_mode == "mirror":
        # Whole-sample symmetric reflection: (d c b | a b c d | c b a).
        if size == 1:
            return jnp.zeros_like(index)
        span = size - 1
        return jnp.abs(jnp.mod(index + span, 2 * span) - span)
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


def sample_at(
    images: jax.Array,
    ys: jax.Array,
    xs: jax.Array,
    interpolation: str = "bilinear",
    fill_mode: str = "constant",
    fill_value: float = 0.0,
) -> jax.Array:
    """Sample a ``(batch, H, W, C)`` batch at float coordinates ``ys``, ``xs`` (each ``(batch, H', W')``).

    Points outside the image follow ``fill_mode`` as in ``affine_transform`` (``"mirror"`` is accepted
    too: d c b | a b c d | c b a); integer images are sampled in float32 and rounded back.
    """
    work = images if jnp.issubdtype(images.dtype, jnp.floating) else images.astype(jnp.float32)
    out = jax.vmap(lambda im, y, x: _sample(im, y, x, interpolation, fill_mode, fill_value))(work, ys, xs)
    if not jnp.issubdtype(images.dtype, jnp.floating):
        out = jax.lax.round(out).astype(images.dtype)
    return out


# -- colour and filtering helpers of the colour augmentation layers ------------------------------------


def check_value_range(value_range: Any, who: str, sort: bool = True) -> Any:
    """A ``(min, max)`` pair of numbers: a sorted list (as Keras stores it) or, with ``sort=False``, as given."""
    if (
        not isinstance(value_range, list | tuple)
        or len(value_range) != 2
        or not all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in value_range)
    ):
        raise ValueError(f"{who}: `value_range` must be a pair of numbers (min, max), received {value_range!r}.")
    return sorted(value_range) if sort else value_range


def check_range_factor(factor: Any, arg: str, bounds: tuple[float, float], who: str) -> tuple:
    """Keras's factor rule: a number ``f`` -> ``(max(-|f|, low), |f|)``; a pair -> sorted; all within ``bounds``."""
    low, high = bounds
    message = f"{who}: `{arg}` must be a number or a pair of numbers in [{low}, {high}], received {arg}={factor!r}."
    if isinstance(factor, list | tuple):
        if len(factor) != 2 or not all(_is_real(v) for v in factor) or any(v < low or v > high for v in factor):
            raise ValueError(message)
        lower, upper = sorted(factor)
        return lower, upper
    if not _is_real(factor) or factor < low or factor > high:
        raise ValueError(message)
    return max(-abs(factor), low), abs(factor)


def _is_real(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_channels(images: Any, who: str, allowed: tuple[int, ...] = (3,)) -> None:
    channels = images.shape[-1]
    if channels is not None and channels not in allowed:
        expected = " or ".join(map(str, allowed))
        raise ValueError(
            f"{who}: expected images with {expected} channels (channels-last), received inputs of shape "
            f"{tuple(images.shape)}."
        )


def transform_value_range(images: jax.Array, source: Any, target: Any) -> jax.Array:
    """Map values linearly from the ``source`` range ``(min, max)`` to the ``target`` range."""
    if source[0] == target[0] and source[1] == target[1]:
        return images
    dtype = images.dtype
    unit = (images - jnp.asarray(source[0], dtype)) / (jnp.asarray(source[1], dtype) - jnp.asarray(source[0], dtype))
    return unit * (jnp.asarray(target[1], dtype) - jnp.asarray(target[0], dtype)) + jnp.asarray(target[0], dtype)


GRAYSCALE_WEIGHTS = (0.2989, 0.5870, 0.1140)


def rgb_to_grayscale(images: jax.Array) -> jax.Array:
    """The luma of RGB images, ``(..., 3)`` -> ``(..., 1)`` (ITU-R 601 weights, as Keras uses)."""
    weights = jnp.asarray(GRAYSCALE_WEIGHTS, images.dtype)
    return jnp.tensordot(images, weights, axes=((-1,), (0,)))[..., None]


def rgb_to_hsv(images: jax.Array) -> jax.Array:
    """RGB -> HSV on the last axis; hue, saturation and value each in [0, 1] for RGB in [0, 1]."""
    tiny = jnp.finfo(images.dtype).eps
    images = jnp.where(jnp.abs(images) < tiny, 0.0, images).astype(images.dtype)
    r, g, b = images[..., 0], images[..., 1], images[..., 2]
    value = jnp.maximum(jnp.maximum(r, g), b)
    chroma = value - jnp.minimum(jnp.minimum(r, g), b)
    saturation = jnp.where(value > 0, chroma / jnp.where(value > 0, value, 1.0), 0.0)
    inverse = 1.0 / (6.0 * jnp.where(chroma > 0, chroma, 1.0))
    hue = jnp.where(value == g, (b - r) * inverse + 2.0 / 6.0, (r - g) * inverse + 4.0 / 6.0)
    hue = jnp.where(value == r, (g - b) * inverse, hue)
    hue = jnp.where(chroma > 0, hue, 0.0) + (hue < 0.0).astype(hue.dtype)
    return jnp.stack([hue, saturation, value], axis=-1).astype(images.dtype)


def hsv_to_rgb(images: jax.Array) -> jax.Array:
    """HSV -> RGB on the last axis (the inverse of ``rgb_to_hsv``; hue wraps around)."""
    hue, saturation, value = images[..., 0], images[..., 1], images[..., 2]
    sector = jnp.mod(hue, 1.0) * 6.0
    red = jnp.clip(jnp.abs(sector - 3.0) - 1.0, 0.0, 1.0)
    green = jnp.clip(2.0 - jnp.abs(sector - 2.0), 0.0, 1.0)
    blue = jnp.clip(2.0 - jnp.abs(sector - 4.0), 0.0, 1.0)
    grey = 1.0 - saturation
    planes = [value * (grey + saturation * p) for p in (red, green, blue)]
    return jnp.stack(planes, axis=-1).astype(images.dtype)


def depthwise_filter(images: jax.Array, kernel: jax.Array) -> jax.Array:
    """Convolve every channel of a ``(batch, H, W, C)`` batch with one 2-D ``kernel`` ("same", zero padding)."""
    channels = images.shape[-1]
    kernel = jnp.tile(kernel.astype(images.dtype)[:, :, None, None], (1, 1, 1, channels))
    return jax.lax.conv_general_dilated(
        images,
        kernel,
        window_strides=(1, 1),
        padding="SAME",
        dimension_numbers=("NHWC", "HWIO", "NHWC"),
        feature_group_count=channels,
    )


def gaussian_kernel(size_x: int, size_y: int, sigma_x: jax.Array, sigma_y: jax.Array, dtype: Any) -> jax.Array:
    """A normalised ``(size_y, size_x)`` Gaussian kernel, the outer product of two 1-D ones."""

    def one_d(size: int, sigma: jax.Array) -> jax.Array:
        offsets = jnp.arange(size, dtype=dtype) - jnp.asarray((size - 1) / 2, dtype)
        weights = jnp.exp(-0.5 * jnp.square(offsets / sigma))
        return weights / jnp.sum(weights)

    return jnp.outer(one_d(size_y, sigma_y), one_d(size_x, sigma_x))


def gaussian_blur(images: jax.Array, kernel_size: tuple[int, int], sigma: jax.Array) -> jax.Array:
    """Blur a ``(batch, H, W, C)`` batch with a Gaussian of ``kernel_size = (kx, ky)``, ``sigma = (sx, sy)``."""
    sigma = jnp.asarray(sigma, images.dtype)
    kernel = gaussian_kernel(int(kernel_size[0]), int(kernel_size[1]), sigma[0], sigma[1], images.dtype)
    return depthwise_filter(images, kernel)
