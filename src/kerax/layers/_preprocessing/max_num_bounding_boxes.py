"""``MaxNumBoundingBoxes``: pad or cut the bounding boxes of a batch to a fixed number."""

from __future__ import annotations

import numbers
from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers._preprocessing._base_random import BaseRandomImageLayer
from kerax.layers._preprocessing._image_utils import check_image_rank


class MaxNumBoundingBoxes(BaseRandomImageLayer):
    """Give every image exactly ``max_number`` boxes: extra boxes are dropped, missing ones are filled.

    The input is a dict ``{"images": ..., "bounding_boxes": {"boxes": (batch, n, 4), "labels":
    (batch, n)}}`` (or the unbatched ``(n, 4)``/``(n,)``); boxes and labels are cut to the first
    ``max_number`` or padded with ``fill_value``. Images, and inputs given as plain image tensors, pass
    through unchanged. Deterministic: the same in training and inference.

    Args:
        max_number: the number of boxes per image, a positive integer.
        fill_value: the value of padding boxes and labels (default -1).
        bounding_box_format: the format of the boxes (e.g. ``"xyxy"``), required when the input has
            bounding boxes; ``None`` (default) otherwise.
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``, and ``data_format``
            (``"channels_last"`` or ``None``).

    Raises:
        ValueError: for a non-positive ``max_number``, bounding boxes without a ``bounding_box_format``,
            or a dict with other keys.

    Input shape:
        A dict with boxes ``(batch, n, 4)`` and labels ``(batch, n)``.

    Output shape:
        The same dict with boxes ``(batch, max_number, 4)`` and labels ``(batch, max_number)``; images
        unchanged.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> layer = kerax.layers.MaxNumBoundingBoxes(3, bounding_box_format="xyxy")
        >>> boxes = {"boxes": np.ones((1, 1, 4)), "labels": np.ones((1, 1))}
        >>> out = layer({"images": np.ones((1, 4, 4, 3)), "bounding_boxes": boxes})
        >>> out["bounding_boxes"]["boxes"].shape
        (1, 3, 4)
    """

    def __init__(
        self, max_number: int, fill_value: int = -1, bounding_box_format: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        if isinstance(max_number, bool) or not isinstance(max_number, numbers.Real) or int(max_number) <= 0:
            raise ValueError(f"{self._who}: `max_number` must be a positive integer, received {max_number!r}.")
        if isinstance(fill_value, bool) or not isinstance(fill_value, numbers.Real):
            raise ValueError(f"{self._who}: `fill_value` must be a number, received {fill_value!r}.")
        if bounding_box_format is not None and not isinstance(bounding_box_format, str):
            raise ValueError(
                f"{self._who}: `bounding_box_format` must be a string such as 'xyxy' or None, received "
                f"{bounding_box_format!r}."
            )
        self.max_number = int(max_number)
        self.fill_value = int(fill_value)
        self.bounding_box_format = bounding_box_format

    def _fit(self, values: jax.Array, boxes_rank: int) -> jax.Array:
        """Cut or pad axis ``boxes_rank - 2`` (the box axis) of ``values`` to ``max_number``."""
        axis = boxes_rank - 2
        values = jnp.asarray(values)
        values = jax.lax.slice_in_dim(values, 0, min(values.shape[axis], self.max_number), axis=axis)
        pads = [(0, 0)] * values.ndim
        pads[axis] = (0, self.max_number - values.shape[axis])
        return jnp.pad(values, pads, constant_values=jnp.asarray(self.fill_value, values.dtype))

    def call(self, inputs: Any, training: bool | None = True) -> Any:
        if not isinstance(inputs, dict):
            check_image_rank(inputs, self._who)
            return inputs
        unknown = sorted(set(map(str, inputs)) - {"images", "bounding_boxes", "labels"})
        if unknown:
            raise ValueError(
                f"{self._who}: a dict input may have the keys 'images', 'bounding_boxes' and 'labels', received "
                f"{sorted(map(str, inputs))}."
            )
        out = dict(inputs)
        if "bounding_boxes" in inputs:
            if self.bounding_box_format is None:
                raise ValueError(
                    f"{self._who}: the input has 'bounding_boxes' but the layer has no `bounding_box_format`; "
                    "pass one, e.g. bounding_box_format='xyxy'."
                )
            given = inputs["bounding_boxes"]
            if not isinstance(given, dict) or set(given) - {"boxes", "labels"} or "boxes" not in given:
                raise ValueError(
                    f"{self._who}: 'bounding_boxes' must be a dict with 'boxes' and 'labels', received "
                    f"{sorted(given) if isinstance(given, dict) else type(given).__name__}."
                )
            boxes = jnp.asarray(given["boxes"])
            if boxes.ndim not in (2, 3) or boxes.shape[-1] != 4:
                raise ValueError(
                    f"{self._who}: expected boxes of shape (batch, num_boxes, 4) or (num_boxes, 4), received "
                    f"{tuple(boxes.shape)}."
                )
            fitted = {"boxes": self._fit(boxes, boxes.ndim)}
            if "labels" in given:
                fitted["labels"] = self._fit(given["labels"], boxes.ndim)
            out["bounding_boxes"] = fitted
        return out

    def get_config(self) -> dict[str, Any]:
        config = {**super().get_config(), "max_number": self.max_number, "fill_value": self.fill_value}
        if self.bounding_box_format is not None:
            config["bounding_box_format"] = self.bounding_box_format
        return config
