"""``RMSNormalization``: divide each sample by its root mean square, then scale."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax.layers._layer import Layer
from kerax.layers._normalization._axes import require_known, resolve_axes, validate_axis


class RMSNormalization(Layer):
    """Root-mean-square normalization (Zhang and Sennrich, 2019): ``x * rsqrt(mean(x**2) + epsilon) * scale``.

    The mean is taken over ``axis`` of each sample, without centring; a learned ``scale`` (initialised to
    ones) multiplies the result. The computation runs in at least float32 and the output keeps the input's
    dtype.

    Args:
        axis: the axis or list of axes to normalise over (default -1, the features).
        epsilon: added to the mean square before the square root (default 1e-6).
        **kwargs: base layer keyword arguments such as ``name``, ``dtype`` and ``trainable``.

    Raises:
        TypeError: if ``axis`` is not an int or a list of ints.
        ValueError: if ``epsilon`` is negative, or an axis is out of range for the input.

    Input shape:
        Any shape with known sizes on ``axis``.

    Output shape:
        The same shape as the input; the weight ``scale`` has shape ``tuple(input_shape[a] for a in axis)``.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> layer = kerax.layers.RMSNormalization()
        >>> np.asarray(layer(np.array([[3.0, 4.0]]))).round(3)
        array([[0.849, 1.131]], dtype=float32)
    """

    supports_masking = True

    def __init__(self, axis: int | list[int] = -1, epsilon: float = 1e-6, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        who = f"RMSNormalization '{self.name}'"
        self.axis = validate_axis(axis, who)
        try:
            epsilon = float(epsilon)
        except (TypeError, ValueError) as error:
            raise ValueError(f"{who}: `epsilon` must be a non-negative float, received {epsilon!r}.") from error
        if epsilon < 0:
            raise ValueError(f"{who}: `epsilon` must be a non-negative float, received {epsilon!r}.")
        self.epsilon = epsilon
        self.scale = None

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        who = f"RMSNormalization '{self.name}'"
        axes = resolve_axes(self.axis, input_shape, who)
        require_known(axes, input_shape, who)
        # As Keras: once built, `axis` is a list (sorted when a list was given) and the weight follows it.
        self.axis = sorted(self.axis) if isinstance(self.axis, list) else [self.axis]
        ndim = len(input_shape)
        self._axes = tuple(a % ndim for a in self.axis)
        self.scale = self.add_weight(tuple(input_shape[a] for a in self._axes), "ones", name="scale")

    def call(self, x: jax.Array) -> jax.Array:
        original = x.dtype
        x = x.astype(jnp.result_type(original, jnp.float32))
        broadcast = [1] * x.ndim
        for a in self._axes:
            broadcast[a] = x.shape[a]
        mean_square = jnp.mean(jnp.square(x), axis=self._axes, keepdims=True)
        out = x * jax.lax.rsqrt(mean_square + self.epsilon)
        out = out * jnp.reshape(self.scale.value, broadcast).astype(x.dtype)
        return out.astype(original)

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        resolve_axes(self.axis, input_shape, f"RMSNormalization '{self.name}'")
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon}
