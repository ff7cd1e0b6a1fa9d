"""``AdaptiveAveragePooling3D``: the average over 3 spatial axes, to a fixed output size."""

from __future__ import annotations

from typing import Any

from kerax.layers._pooling._base_adaptive_pooling import BaseAdaptivePooling


class AdaptiveAveragePooling3D(BaseAdaptivePooling):
    """Adaptive average pooling over (depth, height, width): the window sizes follow from the input and output sizes.

    Output bin ``i`` of an axis of length ``L`` pooled to ``n`` bins takes the average of inputs
    ``floor(i * L / n)`` up to ``ceil((i + 1) * L / n)`` (exclusive), so bins may overlap by one element.

    Args:
        output_size: an int (used for every spatial axis) or a tuple of 3 ints.
        data_format: ``"channels_last"`` (default: ``kerax.config.image_data_format()``) or
            ``"channels_first"``.
        **kwargs: base layer arguments (``name``, ``dtype``, ``trainable``).

    Raises:
        TypeError: if ``output_size`` is neither an int nor a tuple of 3.
        ValueError: if a size is not positive, or ``data_format`` is unknown.

    Shapes:
        ``(batch, depth, height, width, channels)`` -> ``(batch, out_depth, out_height, out_width, channels)``
        (channels first: the channels axis follows the batch).

    Example:
        >>> AdaptiveAveragePooling3D(2)(jnp.ones((1, 5, 6, 7, 2))).shape
        (1, 2, 2, 2, 2)
    """

    _reduce = "mean"

    def __init__(self, output_size: Any, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(output_size, data_format, pool_dimensions=3, **kwargs)
