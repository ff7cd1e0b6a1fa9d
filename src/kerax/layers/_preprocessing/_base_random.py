"""The base of the random image augmentation layers: random when training (the default), identity otherwise."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers._conv_utils import normalize_data_format
from kerax.layers._layer import Layer
from kerax.layers._preprocessing._image_utils import (
    AFFINE_INTERPOLATIONS,
    FILL_MODES,
    affine_transform,
    check_choice,
    check_image_rank,
)
from kerax.layers._seeded import SeededKeys


class BaseRandomImageLayer(SeededKeys, Layer):
    """Cast images to the layer's dtype; when training, hand a batch and a fresh key to ``augment``.

    As in Keras 3, ``training`` defaults to ``True`` in ``call``: a direct call ``RandomFlip()(x)`` augments,
    while inside a model the outer call's flag wins (``fit`` augments, ``predict``/``evaluate`` do not).

    Keys come from ``kerax.backend.draw_key()`` (the training step's key inside a traced step, the global
    generator that ``set_random_seed`` seeds elsewhere); a layer given a ``seed`` draws a repeatable
    sequence of its own in eager calls, like ``Dropout``.
    """

    def __init__(self, seed: int | None = None, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._who = f"{type(self).__name__} '{self.name}'"
        self._keep_seed(seed)
        self.data_format = normalize_data_format(data_format, self._who, allowed=("channels_last",))

    def augment(self, images: jax.Array, key: jax.Array) -> jax.Array:
        """Transform a ``(batch, height, width, channels)`` batch at random."""
        raise NotImplementedError

    def call(self, inputs: jax.Array, training: bool | None = True) -> jax.Array:
        check_image_rank(inputs, self._who)
        images = inputs.astype(self.compute_dtype)
        if not training:
            return images
        return self._augment_any(images, self._key())

    def _augment_any(self, images: jax.Array, key: jax.Array | None) -> jax.Array:
        """``augment`` a batch, or one image given without its batch axis."""
        if images.ndim == 3:
            return self.augment(images[None], key)[0]
        return self.augment(images, key)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "data_format": self.data_format}


class AffineImageLayer(BaseRandomImageLayer):
    """A random layer that moves pixels by an affine transform (rotation, translation, zoom, shear).

    It keeps the fill and interpolation arguments, applies the transform with them and puts them in its config.
    """

    def _set_fill(self, fill_mode: str, interpolation: str, fill_value: float) -> None:
        self.fill_mode = check_choice(fill_mode, "fill_mode", FILL_MODES, self._who)
        self.interpolation = check_choice(interpolation, "interpolation", AFFINE_INTERPOLATIONS, self._who)
        self.fill_value = fill_value

    def _apply_affine(self, images: jax.Array, transform: jax.Array) -> jax.Array:
        return affine_transform(images, transform, self.interpolation, self.fill_mode, self.fill_value)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "fill_mode": self.fill_mode,
            "interpolation": self.interpolation,
            "seed": self.seed,
            "fill_value": self.fill_value,
        }


def check_factor(factor: Any, arg: str, bounds: tuple[float, float], who: str, open_lower: bool = False) -> tuple:
    """A number ``f`` -> ``(-|f|, |f|)``; a pair -> sorted; each value within ``bounds``."""
    low, high = bounds
    below = (lambda v: v <= low) if open_lower else (lambda v: v < low)
    interval = f"{'(' if open_lower else '['}{low}, {high}]"
    message = f"{who}: `{arg}` must be a number or a pair of numbers in {interval}, received {arg}={factor!r}."
    if isinstance(factor, list | tuple):
        given = tuple(factor)
        if len(given) != 2 or not all(_is_number(v) for v in given):
            raise ValueError(message)
        values = given
    elif _is_number(factor):
        given = (factor,)
        values = (-abs(factor), abs(factor))
    else:
        raise ValueError(message)
    if any(v > high or below(v) for v in given):
        raise ValueError(message)
    lower, upper = sorted(float(v) for v in values)
    return lower, upper


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def uniform(key: jax.Array, shape: tuple[int, ...], low: float, high: float) -> jax.Array:
    return jax.random.uniform(key, shape, jnp.float32, low, high)
