"""``RandomColorJitter``: random brightness, contrast, saturation and hue changes, in that order."""

from __future__ import annotations

from typing import Any

import jax

from kerax.layers._preprocessing._base_random import BaseRandomImageLayer
from kerax.layers._preprocessing._image_utils import check_value_range, compiled
from kerax.layers._preprocessing.random_brightness import RandomBrightness
from kerax.layers._preprocessing.random_contrast import RandomContrast
from kerax.layers._preprocessing.random_hue import RandomHue
from kerax.layers._preprocessing.random_saturation import RandomSaturation


class RandomColorJitter(BaseRandomImageLayer):
    """In training, apply ``RandomBrightness``, ``RandomContrast``, ``RandomSaturation`` and ``RandomHue``
    one after the other, each only when its factor is given.

    Args:
        value_range: the ``(min, max)`` range of the pixel values (default ``(0, 255)``), shared by the
            four steps.
        brightness_factor: ``RandomBrightness``'s ``factor``, or ``None`` (default) to skip the step.
        contrast_factor: ``RandomContrast``'s ``factor``, or ``None`` to skip it.
        saturation_factor: ``RandomSaturation``'s ``factor``, or ``None`` to skip it.
        hue_factor: ``RandomHue``'s ``factor``, or ``None`` to skip it.
        seed: an int, for a repeatable sequence of draws in eager calls, or ``None`` (default).
        data_format: ``"channels_last"`` or ``None`` (default: ``kerax.config.image_data_format()``, which
            must then be channels-last); these layers are channels-last only.
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Raises:
        ValueError: for a factor the matching layer refuses, or a malformed ``value_range``.

    Input shape:
        ``(batch, H, W, 3)`` or ``(H, W, 3)``.

    Output shape:
        The same shape, in the layer's dtype.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.RandomColorJitter(brightness_factor=0.2, hue_factor=0.1)(np.ones((2, 8, 8, 3))).shape
        (2, 8, 8, 3)
    """

    def __init__(
        self,
        value_range: tuple[float, float] = (0, 255),
        brightness_factor: Any = None,
        contrast_factor: Any = None,
        saturation_factor: Any = None,
        hue_factor: Any = None,
        seed: int | None = None,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        check_value_range(value_range, self._who)
        self.value_range = value_range
        self.brightness_factor = brightness_factor
        self.contrast_factor = contrast_factor
        self.saturation_factor = saturation_factor
        self.hue_factor = hue_factor
        steps = (
            (RandomBrightness, brightness_factor),
            (RandomContrast, contrast_factor),
            (RandomSaturation, saturation_factor),
            (RandomHue, hue_factor),
        )
        self._steps = [
            cls(factor, value_range=value_range, name=f"{self.name}_{cls.__name__.lower()}")
            for cls, factor in steps
            if factor is not None
        ]

    @compiled
    def augment(self, images: jax.Array, key: jax.Array) -> jax.Array:
        for index, step in enumerate(self._steps):
            images = step.augment(images, jax.random.fold_in(key, index))
        return images

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "value_range": self.value_range,
            "brightness_factor": self.brightness_factor,
            "contrast_factor": self.contrast_factor,
            "saturation_factor": self.saturation_factor,
            "hue_factor": self.hue_factor,
            "seed": self.seed,
        }
