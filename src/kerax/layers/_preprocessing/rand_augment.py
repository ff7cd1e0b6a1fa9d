"""``RandAugment``: apply ``num_ops`` augmentations picked at random from a fixed list, during training."""

from __future__ import annotations

import numbers
from typing import Any

import jax

from kerax.layers._preprocessing._base_random import BaseRandomImageLayer
from kerax.layers._preprocessing._image_utils import AFFINE_INTERPOLATIONS, check_choice, check_range_factor, compiled
from kerax.layers._preprocessing.auto_contrast import AutoContrast
from kerax.layers._preprocessing.equalization import Equalization
from kerax.layers._preprocessing.random_brightness import RandomBrightness
from kerax.layers._preprocessing.random_color_degeneration import RandomColorDegeneration
from kerax.layers._preprocessing.random_contrast import RandomContrast
from kerax.layers._preprocessing.random_posterization import RandomPosterization
from kerax.layers._preprocessing.random_rotation import RandomRotation
from kerax.layers._preprocessing.random_sharpness import RandomSharpness
from kerax.layers._preprocessing.random_shear import RandomShear
from kerax.layers._preprocessing.random_translation import RandomTranslation
from kerax.layers._preprocessing.solarization import Solarization


def augmentation_ops(factor: tuple, value_range: Any, interpolation: str, name: str) -> dict[str, Any]:
    """The augmentation layers RandAugment and AugMix pick from, each of strength ``factor``, by name."""
    return {
        "random_shear": RandomShear(factor, factor, interpolation=interpolation, name=f"{name}_shear"),
        "random_translation": RandomTranslation(
            factor, factor, interpolation=interpolation, name=f"{name}_translation"
        ),
        "random_rotation": RandomRotation(factor, interpolation=interpolation, name=f"{name}_rotation"),
        "random_brightness": RandomBrightness(factor, value_range=value_range, name=f"{name}_brightness"),
        "random_color_degeneration": RandomColorDegeneration(
            factor, value_range=value_range, name=f"{name}_color_degeneration"
        ),
        "random_contrast": RandomContrast(factor, value_range=value_range, name=f"{name}_contrast"),
        "random_sharpness": RandomSharpness(factor, value_range=value_range, name=f"{name}_sharpness"),
        "random_posterization": RandomPosterization(
            max(1, int(8 * factor[1])), value_range=value_range, name=f"{name}_posterization"
        ),
        "solarization": Solarization(factor, factor, value_range=value_range, name=f"{name}_solarization"),
        "auto_contrast": AutoContrast(value_range=value_range, name=f"{name}_auto_contrast"),
        "equalization": Equalization(value_range=value_range, name=f"{name}_equalization"),
    }


class RandAugment(BaseRandomImageLayer):
    """In training, apply ``num_ops`` operations in a row, each picked uniformly (per call, for the whole
    batch) from: shear, translation, rotation, brightness, colour degeneration, contrast, sharpness,
    posterization, solarization, auto-contrast and equalization.

    Every operation uses ``factor`` as its strength (posterization keeps ``max(1, int(8 * upper))``
    bits); an operation picked twice in one call repeats the same random draw.

    Args:
        value_range: the ``(min, max)`` range of the pixel values (default ``(0, 255)``).
        num_ops: how many operations to apply in a row (default 2).
        factor: the strength, a number ``f`` in [0, 1] (range ``[0, f]``) or a pair within [0, 1]
            (default 0.5).
        interpolation: ``"bilinear"`` (default) or ``"nearest"``, for the geometric operations.
        seed: an int, for a repeatable sequence of draws in eager calls, or ``None`` (default).
        data_format: ``"channels_last"`` or ``None`` (default: ``kerax.config.image_data_format()``, which
            must then be channels-last); these layers are channels-last only.
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Raises:
        ValueError: for a factor outside [0, 1], a negative ``num_ops``, an unknown ``interpolation`` or
            a malformed ``value_range``.

    Input shape:
        ``(batch, H, W, 3)`` or ``(H, W, 3)``.

    Output shape:
        The same shape, in the layer's dtype.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.RandAugment()(np.ones((2, 8, 8, 3))).shape
        (2, 8, 8, 3)
    """

    def __init__(
        self,
        value_range: tuple[float, float] = (0, 255),
        num_ops: int = 2,
        factor: float | tuple[float, float] = 0.5,
        interpolation: str = "bilinear",
        seed: int | None = None,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        if isinstance(num_ops, bool) or not isinstance(num_ops, numbers.Integral) or num_ops < 0:
            raise ValueError(f"{self._who}: `num_ops` must be a non-negative integer, received {num_ops!r}.")
        self.value_range = value_range
        self.num_ops = int(num_ops)
        self.factor = check_range_factor(factor, "factor", (0, 1), self._who)
        self.interpolation = check_choice(interpolation, "interpolation", AFFINE_INTERPOLATIONS, self._who)
        self._ops = list(augmentation_ops(self.factor, value_range, interpolation, self.name).values())

    @compiled
    def augment(self, images: jax.Array, key: jax.Array) -> jax.Array:
        pick_key, ops_key = jax.random.split(key)
        picks = jax.random.randint(pick_key, (self.num_ops,), 0, len(self._ops))
        op_keys = jax.random.split(ops_key, len(self._ops))  # one draw per operation and call
        branches = [
            (lambda x, op=op, k=k: op.augment(x, k).astype(x.dtype)) for op, k in zip(self._ops, op_keys, strict=True)
        ]
        # A scan over the steps traces every operation once; only the picked one runs.
        images, _ = jax.lax.scan(lambda x, pick: (jax.lax.switch(pick, branches, x), None), images, picks)
        return images

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "value_range": self.value_range,
            "num_ops": self.num_ops,
            "factor": self.factor,
            "interpolation": self.interpolation,
            "seed": self.seed,
        }
