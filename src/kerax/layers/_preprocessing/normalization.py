"""``Normalization``: shift and scale features to mean 0 and variance 1, with statistics from ``adapt``."""

from __future__ import annotations

import itertools
import math
import numbers
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from kerax.backend import epsilon
from kerax.layers._layer import Layer


def _first_of(batch: Any) -> Any:
    """The inputs of a batch given as ``(x, y)`` or ``(x, y, sample_weight)``."""
    return batch[0] if isinstance(batch, tuple) else batch


class Normalization(Layer):
    """Compute ``(inputs - mean) / sqrt(variance)`` (or the inverse), per index of the kept ``axis``.

    The statistics are either given (``mean`` and ``variance``) or computed from data by ``adapt``; the
    adapted ones are non-trainable weights ``mean``, ``variance`` and ``count`` (as Keras names them, in
    that order), so they are saved and restored with the model's weights.

    Args:
        axis: the axis or axes that keep a separate mean and variance per index (default -1, the
            features); ``None`` normalises everything with one scalar mean and variance.
        mean: a fixed mean, broadcast to the kept axes, or ``None`` (default) to learn it with ``adapt``;
            give both ``mean`` and ``variance`` or neither.
        variance: a fixed variance, broadcast to the kept axes, or ``None`` (default).
        invert: compute ``mean + inputs * sqrt(variance)`` instead, undoing a normalisation (default
            ``False``).
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Input shape:
        Any shape.

    Output shape:
        The same shape, in the layer's dtype.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> layer = kerax.layers.Normalization()
        >>> layer.adapt(np.array([[0.0, 7.0], [2.0, 9.0]]))
        >>> layer(np.array([[0.0, 7.0]]))
        Array([[-1., -1.]], dtype=float32)
        >>> fixed = kerax.layers.Normalization(mean=3.0, variance=4.0)
        >>> fixed(np.array([1.0, 5.0]))
        Array([-1.,  1.], dtype=float32)
    """

    supports_masking = True

    def __init__(
        self,
        axis: int | tuple[int, ...] | None = -1,
        mean: Any = None,
        variance: Any = None,
        invert: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        who = f"Normalization '{self.name}'"
        if axis is None:
            axis = ()
        elif isinstance(axis, numbers.Integral) and not isinstance(axis, bool):
            axis = (int(axis),)
        elif isinstance(axis, list | tuple) and all(
            isinstance(a, numbers.Integral) and not isinstance(a, bool) for a in axis
        ):
            axis = tuple(int(a) for a in axis)
        else:
            raise ValueError(f"{who}: `axis` must be an int, a tuple of ints or None, received {axis!r}.")
        self.axis = axis
        if (mean is None) != (variance is None):
            raise ValueError(
                f"{who}: give both `mean` and `variance`, or neither; received mean={mean!r} and variance={variance!r}."
            )
        if mean is not None:
            if np.shape(mean) != np.shape(variance):
                raise ValueError(
                    f"{who}: `mean` and `variance` must have the same shape, received shapes "
                    f"{np.shape(mean)} and {np.shape(variance)}."
                )
            if np.ndim(mean) > len(self.axis):
                raise ValueError(
                    f"{who}: `mean` may have at most one dimension per kept axis ({len(self.axis)} for "
                    f"axis={self.axis}), received shape {np.shape(mean)}."
                )
        self.input_mean = mean
        self.input_variance = variance
        self.invert = bool(invert)
        self._fixed: tuple[np.ndarray, np.ndarray] | None = None

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        who = f"Normalization '{self.name}'"
        ndim = len(input_shape)
        if any(not -ndim <= a < ndim for a in self.axis):
            raise ValueError(f"{who}: `axis` {self.axis} is out of range for inputs of shape {input_shape}.")
        self._keep_axis = tuple(sorted(a % ndim for a in self.axis))
        for a in self._keep_axis:
            if input_shape[a] is None:
                raise ValueError(
                    f"{who}: the kept axes must have known sizes; axis {a} of input shape {input_shape} is unknown."
                )
        self._build_input_shape = tuple(input_shape)
        self._reduce_axis = tuple(d for d in range(ndim) if d not in self._keep_axis)
        self._broadcast_shape = tuple(input_shape[d] if d in self._keep_axis else 1 for d in range(ndim))
        self._stats_shape = tuple(input_shape[d] for d in self._keep_axis)
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(self._stats_shape, "zeros", trainable=False, name="mean")
            self.adapt_variance = self.add_weight(self._stats_shape, "ones", trainable=False, name="variance")
            self.count = self.add_weight((), "zeros", dtype="int32", trainable=False, name="count")
            return
        mean = np.asarray(self.input_mean, np.float64)
        variance = np.asarray(self.input_variance, np.float64)
        if mean.ndim:
            # The given statistics line up with the last kept axes.
            expanded = [1] * ndim
            for i in range(1, mean.ndim + 1):
                expanded[self._keep_axis[-i]] = mean.shape[-i]
            mean, variance = mean.reshape(expanded), variance.reshape(expanded)
        try:
            mean = np.broadcast_to(mean, self._broadcast_shape)
            variance = np.broadcast_to(variance, self._broadcast_shape)
        except ValueError as error:
            raise ValueError(
                f"{who}: `mean` of shape {np.shape(self.input_mean)} cannot be broadcast to the kept axes "
                f"{self._stats_shape} of inputs of shape {input_shape}."
            ) from error
        self._fixed = (mean, variance)

    def adapt(self, data: Any) -> None:
        """Compute the mean and variance of ``data`` and store them in the layer's weights.

        Args:
            data: a NumPy or JAX array (the whole data set, batch axis first), or an iterable of batches
                (a list of arrays, a generator; ``(x, y)`` batches use ``x``).
        """
        who = f"Normalization '{self.name}'"
        if self.input_mean is not None:
            raise ValueError(f"{who}: `adapt` cannot be used on a layer given a fixed `mean` and `variance`.")
        batches: Any = None
        if isinstance(data, np.ndarray | jax.Array):
            shape = tuple(data.shape)
        elif hasattr(data, "__iter__"):
            iterator = iter(data)
            first = next(iterator, None)
            if first is None:
                raise ValueError(f"{who}: `adapt` received an empty iterable; it needs at least one batch.")
            first = _first_of(first)
            if not hasattr(first, "shape"):
                raise TypeError(f"{who}: `adapt` expects batches that are arrays, received a {type(first).__name__}.")
            shape = tuple(first.shape)
            batches = itertools.chain([first], iterator)
        else:
            raise TypeError(
                f"{who}: `adapt` accepts an array or an iterable of batches, received a {type(data).__name__}."
            )
        if not self.built:
            self.build(shape)
            self.built = True
        self._check_kept_sizes(shape, who)

        if batches is None:
            if isinstance(data, np.ndarray):
                mean = np.mean(data, axis=self._reduce_axis)
                variance = np.var(data, axis=self._reduce_axis)
            else:
                mean = jnp.mean(data, axis=self._reduce_axis)
                variance = jnp.var(data, axis=self._reduce_axis)
        else:
            mean = jnp.zeros(self._stats_shape)
            variance = jnp.zeros(self._stats_shape)
            total = 0
            for batch in batches:
                batch = jnp.asarray(_first_of(batch), self.compute_dtype)
                self._check_kept_sizes(tuple(batch.shape), who)
                batch_mean = jnp.mean(batch, axis=self._reduce_axis)
                batch_var = jnp.var(batch, axis=self._reduce_axis)
                count = math.prod(batch.shape[d] for d in self._reduce_axis)
                total += count
                weight = float(count) / total
                keep = 1.0 - weight
                new_mean = mean * keep + batch_mean * weight
                variance = (variance + (mean - new_mean) ** 2) * keep + (
                    batch_var + (batch_mean - new_mean) ** 2
                ) * weight
                mean = new_mean
        self.adapt_mean.assign(mean)
        self.adapt_variance.assign(variance)

    def _check_kept_sizes(self, shape: tuple, who: str) -> None:
        if len(shape) != len(self._build_input_shape) or any(
            shape[d] != self._build_input_shape[d] for d in self._keep_axis
        ):
            raise ValueError(
                f"{who}: the layer was built for inputs of shape {self._build_input_shape}, but received "
                f"data of shape {shape}."
            )

    def call(self, inputs: jax.Array) -> jax.Array:
        dtype = self.compute_dtype
        x = inputs.astype(dtype)
        if self._fixed is not None:
            mean = jnp.asarray(self._fixed[0], dtype)
            variance = jnp.asarray(self._fixed[1], dtype)
        else:
            mean = jnp.reshape(self.adapt_mean.value, self._broadcast_shape).astype(dtype)
            variance = jnp.reshape(self.adapt_variance.value, self._broadcast_shape).astype(dtype)
        std = jnp.maximum(jnp.sqrt(variance), jnp.asarray(epsilon(), dtype))
        if self.invert:
            return mean + x * std
        return (x - mean) / std

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "axis": self.axis,
            "invert": self.invert,
            "mean": np.array(self.input_mean).tolist(),
            "variance": np.array(self.input_variance).tolist(),
        }
