"""``ContrastLimitedAdaptiveHistogramEqualization`` (CLAHE): local, clipped histogram equalisation."""

from __future__ import annotations

import numbers
from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers._preprocessing._base_random import BaseRandomImageLayer
from kerax.layers._preprocessing._image_utils import (
    check_image_rank,
    check_value_range,
    compiled,
    transform_value_range,
)


class ContrastLimitedAdaptiveHistogramEqualization(BaseRandomImageLayer):
    """Equalise each channel tile by tile, with clipped histograms, and blend neighbouring tiles bilinearly.

    The image (mapped from ``value_range`` to 0-255) is cut into a ``tile_grid_size`` grid (padded at the
    bottom and right by mirroring when the sizes do not divide); each tile's 256-bin histogram is clipped
    at ``clip_limit`` times the mean bin count, the clipped excess spread over all bins, and its
    cumulative histogram used as the tile's mapping. Each pixel's new value interpolates the mappings of
    the four nearest tile centres. Deterministic: applied in training and inference alike.

    Args:
        value_range: the ``(min, max)`` range of the pixel values (default ``(0, 255)``).
        clip_limit: the clipping threshold relative to the mean bin count; 0 or less disables clipping
            (default 4.0).
        tile_grid_size: the ``(rows, columns)`` of the tile grid (default ``(8, 8)``).
        data_format: ``"channels_last"`` or ``None`` (default: ``kerax.config.image_data_format()``, which
            must then be channels-last); these layers are channels-last only.
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Raises:
        ValueError: for a malformed ``value_range``, ``clip_limit`` or ``tile_grid_size``.

    Input shape:
        ``(batch, H, W, C)`` or ``(H, W, C)``.

    Output shape:
        The same shape, in the layer's dtype.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> layer = kerax.layers.ContrastLimitedAdaptiveHistogramEqualization(tile_grid_size=(2, 2))
        >>> layer(np.ones((1, 8, 8, 3))).shape
        (1, 8, 8, 3)
    """

    def __init__(
        self,
        value_range: tuple[float, float] = (0, 255),
        clip_limit: float = 4.0,
        tile_grid_size: tuple[int, int] = (8, 8),
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data_format=data_format, **kwargs)
        check_value_range(value_range, self._who)
        if isinstance(clip_limit, bool) or not isinstance(clip_limit, numbers.Real):
            raise ValueError(f"{self._who}: `clip_limit` must be a number, received clip_limit={clip_limit!r}.")
        if (
            not isinstance(tile_grid_size, list | tuple)
            or len(tile_grid_size) != 2
            or not all(isinstance(v, numbers.Integral) and not isinstance(v, bool) and v > 0 for v in tile_grid_size)
        ):
            raise ValueError(
                f"{self._who}: `tile_grid_size` must be a pair of positive integers (rows, columns), received "
                f"tile_grid_size={tile_grid_size!r}."
            )
        self.value_range = value_range
        self.clip_limit = clip_limit
        self.tile_grid_size = tile_grid_size

    def call(self, inputs: jax.Array, training: bool | None = True) -> jax.Array:
        check_image_rank(inputs, self._who)
        return self._augment_any(inputs.astype(self.compute_dtype), None)

    @compiled
    def augment(self, images: jax.Array, key: jax.Array | None) -> jax.Array:
        dtype = images.dtype
        scaled = transform_value_range(images.astype(jnp.float32), self.value_range, (0, 255))
        out = self._equalize(scaled)
        return transform_value_range(out, (0, 255), self.value_range).astype(dtype)

    def _equalize(self, images: jax.Array) -> jax.Array:
        batch, height, width, channels = images.shape
        rows, cols = int(self.tile_grid_size[0]), int(self.tile_grid_size[1])
        tile_h, tile_w = -(-height // rows), -(-width // cols)
        padded = jnp.pad(
            images, [(0, 0), (0, tile_h * rows - height), (0, tile_w * cols - width), (0, 0)], mode="symmetric"
        )
        tiles = padded.reshape(batch, rows, tile_h, cols, tile_w, channels).transpose(0, 1, 3, 5, 2, 4)
        levels = jnp.clip(tiles.reshape(batch, rows, cols, channels, tile_h * tile_w).astype(jnp.int32), 0, 255)
        histograms = jnp.sum(jax.nn.one_hot(levels, 256, dtype=jnp.float32), axis=-2)
        area = tile_h * tile_w
        if self.clip_limit > 0:
            limit = jnp.float32(self.clip_limit * area / 256.0)
            clipped = jnp.clip(histograms, 0, limit)
            histograms = clipped + jnp.sum(histograms - clipped, axis=-1, keepdims=True) / 256.0
        cdf = jnp.cumsum(histograms, axis=-1)
        cdf_min = jnp.min(cdf, axis=-1, keepdims=True)
        denominator = jnp.float32(area) - cdf_min
        denominator = jnp.where(denominator == 0, 1.0, denominator)
        mapping = jnp.clip((cdf - cdf_min) * 255.0 / denominator, 0, 255)
        # One ring of edge tiles around the grid, so that border pixels interpolate between equal mappings.
        mapping = jnp.pad(mapping, [(0, 0), (1, 1), (1, 1), (0, 0), (0, 0)], mode="edge")

        def neighbours(size: int, tile: int, count: int) -> tuple[jax.Array, jax.Array, jax.Array]:
            position = (jnp.arange(size, dtype=jnp.float32) - tile / 2.0) / tile + 1.0
            lower = jnp.floor(position)
            weight = position - lower
            first = jnp.clip(lower, 0, count + 1).astype(jnp.int32)
            second = jnp.clip(lower + 1.0, 0, count + 1).astype(jnp.int32)
            return first, second, weight

        y0, y1, wy = neighbours(tile_h * rows, tile_h, rows)
        x0, x1, wx = neighbours(tile_w * cols, tile_w, cols)
        pixels = jnp.clip(padded, 0, 255).astype(jnp.int32)
        b = jnp.arange(batch)[:, None, None, None]
        c = jnp.arange(channels)[None, None, None, :]
        y0, y1, wy = y0[None, :, None, None], y1[None, :, None, None], wy[None, :, None, None]
        x0, x1, wx = x0[None, None, :, None], x1[None, None, :, None], wx[None, None, :, None]
        top = mapping[b, y0, x0, c, pixels] * (1.0 - wx) + mapping[b, y0, x1, c, pixels] * wx
        bottom = mapping[b, y1, x0, c, pixels] * (1.0 - wx) + mapping[b, y1, x1, c, pixels] * wx
        return (top * (1.0 - wy) + bottom * wy)[:, :height, :width, :]

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "value_range": self.value_range,
            "clip_limit": self.clip_limit,
            "tile_grid_size": self.tile_grid_size,
        }
