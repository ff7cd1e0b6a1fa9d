"""``SpatialDropout1D/2D/3D``: dropout of whole feature maps (channels) instead of single values."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers._conv_utils import normalize_data_format
from kerax.layers._input_spec import InputSpec
from kerax.layers._regularization.dropout import Dropout


class _SpatialDropout(Dropout):
    _rank = 1  # spatial dimensions

    def __init__(self, rate: float, data_format: str | None = None, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(rate, seed=seed, **kwargs)
        self.data_format = normalize_data_format(data_format, f"{type(self).__name__} '{self.name}'")
        self.input_spec = InputSpec(ndim=self._rank + 2)

    def _mask_shape(self, shape: tuple[int, ...]) -> tuple[int, ...]:
        ones = (1,) * self._rank
        if self.data_format == "channels_first":
            return (shape[0], shape[1], *ones)
        return (shape[0], *ones, shape[-1])

    def call(self, inputs: jax.Array, training: bool | None = None) -> jax.Array:
        if not training or self.rate == 0:
            return inputs
        keep = 1.0 - self.rate
        mask = jax.random.bernoulli(self._key(), keep, self._mask_shape(tuple(inputs.shape)))
        return jnp.where(mask, inputs / jnp.asarray(keep, inputs.dtype), jnp.zeros((), inputs.dtype))

    def get_config(self) -> dict[str, Any]:
        # Keras's keys: no `trainable` and no `noise_shape` (the mask shape follows from the layer).
        config = {"rate": self.rate, "seed": self.seed, "name": self.name, "dtype": self.dtype}
        if self._batch_input_shape is not None:
            config["batch_input_shape"] = self._batch_input_shape
        return config


class SpatialDropout1D(_SpatialDropout):
    """Drop whole channels of ``(batch, steps, channels)`` inputs during training.

    Each channel of each sample is zeroed with probability ``rate`` at every step at once; the rest are
    scaled by ``1 / (1 - rate)``. Outside training the layer is the identity. Use it instead of
    ``Dropout`` when neighbouring steps are strongly correlated (after 1D convolutions).

    Args:
        rate: the fraction of channels to drop, in ``[0, 1)``.
        seed: an int for a repeatable sequence of masks in eager calls, or ``None`` (default).
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Input shape:
        ``(batch, steps, channels)``.

    Output shape:
        The same shape as the input.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> outputs = kerax.layers.SpatialDropout1D(0.5, seed=1)(np.ones((2, 3, 4)), training=True)
        >>> outputs.shape
        (2, 3, 4)
        >>> bool((outputs == outputs[:, :1, :]).all())  # a channel is kept or dropped at every step
        True
    """

    _rank = 1

    def __init__(self, rate: float, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(rate, data_format=None, seed=seed, **kwargs)


class SpatialDropout2D(_SpatialDropout):
    """Drop whole feature maps of images during training (all of a channel's pixels at once).

    Args:
        rate: the fraction of channels to drop, in ``[0, 1)``.
        data_format: ``"channels_last"`` (``(batch, rows, cols, channels)``) or ``"channels_first"``
            (``(batch, channels, rows, cols)``), or ``None`` (default) for
            ``kerax.config.image_data_format()``.
        seed: an int for a repeatable sequence of masks in eager calls, or ``None`` (default).
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Input shape:
        ``(batch, rows, cols, channels)``, or ``(batch, channels, rows, cols)`` with ``"channels_first"``.

    Output shape:
        The same shape as the input.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.SpatialDropout2D(0.5, seed=1)(np.ones((2, 3, 3, 4)), training=True).shape
        (2, 3, 3, 4)
    """

    _rank = 2

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "data_format": self.data_format}


class SpatialDropout3D(_SpatialDropout):
    """Drop whole feature maps of volumes during training; as ``SpatialDropout2D`` for 5D inputs.

    Args:
        rate: the fraction of channels to drop, in ``[0, 1)``.
        data_format: ``"channels_last"`` or ``"channels_first"``, or ``None`` (default) for
            ``kerax.config.image_data_format()``.
        seed: an int for a repeatable sequence of masks in eager calls, or ``None`` (default).
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Input shape:
        ``(batch, dim1, dim2, dim3, channels)``, or ``(batch, channels, dim1, dim2, dim3)`` with
        ``"channels_first"``.

    Output shape:
        The same shape as the input.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.SpatialDropout3D(0.5, seed=1)(np.ones((1, 2, 2, 2, 3)), training=True).shape
        (1, 2, 2, 2, 3)
    """

    _rank = 3

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "data_format": self.data_format}
