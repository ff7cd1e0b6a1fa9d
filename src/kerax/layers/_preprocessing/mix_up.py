"""``MixUp``: blend each image (and its label) with another image of the batch, during training."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers._preprocessing._base_random import BaseRandomImageLayer, _is_number
from kerax.layers._preprocessing._image_utils import check_image_rank, compiled


def split_images_and_labels(inputs: Any, who: str) -> tuple[Any, Any]:
    """``images`` or ``{"images": ..., "labels": ...}`` -> ``(images, labels or None)``."""
    if not isinstance(inputs, dict):
        return inputs, None
    unknown = sorted(set(map(str, inputs)) - {"images", "labels"})
    if "images" not in inputs or unknown:
        raise ValueError(
            f"{who}: a dict input must have an 'images' key and may have a 'labels' key (bounding boxes and "
            f"segmentation masks are not supported), received keys {sorted(map(str, inputs))}."
        )
    return inputs["images"], inputs.get("labels")


def check_labels(labels: Any, batch: int, who: str) -> None:
    shape = tuple(getattr(labels, "shape", jnp.shape(labels)))
    if len(shape) != 2 or shape[0] != batch:
        raise ValueError(
            f"{who}: expected labels of shape (batch, num_classes) with batch {batch}, received labels of shape "
            f"{shape}."
        )


def mix_labels(labels: jax.Array, permutation: jax.Array, weight: jax.Array) -> jax.Array:
    """``w * y + (1 - w) * y[permutation]`` for ``(batch, classes)`` labels (one-hot or soft)."""
    labels = labels.astype(jnp.result_type(labels.dtype, jnp.float32))
    weight = weight.reshape(-1, 1).astype(labels.dtype)
    return weight * labels + (1.0 - weight) * labels[permutation]


class MixUp(BaseRandomImageLayer):
    """In training, replace each image ``x`` by ``w * x + (1 - w) * x'``, ``x'`` another image of the batch.

    The partner images are a random permutation of the batch; ``w`` is drawn per image from
    Beta(``alpha``, ``alpha``). Pass ``{"images": x, "labels": y}`` (``y`` one-hot, ``(batch, classes)``)
    to mix the labels with the same weights; the layer then returns a dict of both.

    Args:
        alpha: the Beta distribution's concentration, a positive number (default 0.2).
        data_format: ``"channels_last"`` or ``None`` (default: ``kerax.config.image_data_format()``, which
            must then be channels-last); these layers are channels-last only.
        seed: an int, for a repeatable sequence of mixes in eager calls, or ``None`` (default).
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Raises:
        ValueError: for a non-positive ``alpha``, or dict inputs with keys other than images and labels.

    Input shape:
        ``(batch, H, W, C)`` or ``(H, W, C)``.

    Output shape:
        The same shape, in the layer's dtype.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.MixUp()(np.ones((2, 8, 8, 3))).shape
        (2, 8, 8, 3)
    """

    def __init__(self, alpha: float = 0.2, data_format: str | None = None, seed: int | None = None, **kwargs: Any):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        if not _is_number(alpha) or alpha <= 0:
            raise ValueError(f"{self._who}: `alpha` must be a positive number, received alpha={alpha!r}.")
        self.alpha = alpha

    def _draw(self, batch: int, key: jax.Array) -> tuple[jax.Array, jax.Array]:
        permutation_key, weight_key = jax.random.split(key)
        permutation = jax.random.permutation(permutation_key, batch)
        weight = jax.random.beta(weight_key, self.alpha, self.alpha, (batch,))
        return permutation, weight

    def _mix(self, images: jax.Array, permutation: jax.Array, weight: jax.Array) -> jax.Array:
        weight = weight.reshape(-1, 1, 1, 1).astype(images.dtype)
        return weight * images + (1.0 - weight) * images[permutation]

    @compiled
    def augment(self, images: jax.Array, key: jax.Array) -> jax.Array:
        return self._mix(images, *self._draw(images.shape[0], key))

    def call(self, inputs: Any, training: bool | None = True) -> Any:
        images, labels = split_images_and_labels(inputs, self._who)
        if labels is None:
            return super().call(images, training=training)
        check_image_rank(images, self._who)
        images = images.astype(self.compute_dtype)
        if not training or images.ndim == 3:
            return {"images": images, "labels": labels}
        check_labels(labels, images.shape[0], self._who)
        return self._mix_with_labels(images, jnp.asarray(labels), self._key())

    @compiled
    def _mix_with_labels(self, images: jax.Array, labels: jax.Array, key: jax.Array) -> dict[str, jax.Array]:
        permutation, weight = self._draw(images.shape[0], key)
        return {"images": self._mix(images, permutation, weight), "labels": mix_labels(labels, permutation, weight)}

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "alpha": self.alpha, "seed": self.seed}
