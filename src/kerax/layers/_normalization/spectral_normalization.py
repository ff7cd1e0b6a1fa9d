"""``SpectralNormalization``: divide a wrapped layer's kernel by its largest singular value while training."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax import initializers
from kerax.backend import _config
from kerax.layers._core.wrapper import Wrapper
from kerax.layers._input_spec import InputSpec


def _l2_normalize(x: jax.Array) -> jax.Array:
    """``x`` divided by its L2 norm over all entries (the norm floored at ``epsilon()``)."""
    inv_norm = jax.lax.rsqrt(jnp.sum(jnp.square(x)))
    return x * jnp.minimum(inv_norm, 1.0 / _config.epsilon())


class SpectralNormalization(Wrapper):
    """Spectral normalization (Miyato et al., 2018) of the weights of a wrapped layer.

    In a training call the wrapped layer's ``kernel`` (or ``embeddings``) is replaced by ``kernel / sigma``,
    where ``sigma``, its largest singular value, is estimated by ``power_iterations`` steps of the power
    method from the vector ``vector_u`` (a non-trainable weight, updated by the call). The kernel is left
    alone while it is all zeros. Inference calls use the kernel as it is, as in Keras.

    Args:
        layer: the layer to wrap; it must have a ``kernel`` (``Dense``, ``Conv2D``...) or an ``embeddings``
            (``Embedding``) weight.
        power_iterations: the number of power-method steps per training call (default 1).
        **kwargs: base layer keyword arguments such as ``name``, ``dtype`` and ``trainable``.

    Raises:
        ValueError: if ``power_iterations`` is not a positive integer, or the wrapped layer has neither a
            ``kernel`` nor an ``embeddings`` weight.

    Input shape:
        That of the wrapped layer.

    Output shape:
        That of the wrapped layer. The weights are the wrapped layer's, plus ``vector_u`` of shape
        ``(1, kernel.shape[-1])``.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> layer = kerax.layers.SpectralNormalization(kerax.layers.Dense(4))
        >>> layer(np.ones((2, 3)), training=True).shape
        (2, 4)
        >>> sorted(tuple(weight.shape) for weight in layer.weights)
        [(1, 4), (3, 4), (4,)]
    """

    def __init__(self, layer: Any, power_iterations: int = 1, **kwargs: Any) -> None:
        super().__init__(layer, **kwargs)
        if not isinstance(power_iterations, int) or isinstance(power_iterations, bool) or power_iterations <= 0:
            raise ValueError(
                f"SpectralNormalization '{self.name}': `power_iterations` must be a positive integer, received "
                f"power_iterations={power_iterations!r}."
            )
        self.power_iterations = power_iterations

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        super().build(input_shape)
        self.input_spec = InputSpec(min_ndim=1, axes={-1: input_shape[-1]})
        kernel = getattr(self.layer, "kernel", None)
        if kernel is None:
            kernel = getattr(self.layer, "embeddings", None)
        if kernel is None or not hasattr(kernel, "assign"):
            raise ValueError(
                f"SpectralNormalization '{self.name}': the wrapped {type(self.layer).__name__} "
                f"'{self.layer.name}' has neither a `kernel` nor an `embeddings` weight to normalize."
            )
        self.kernel = kernel
        self.kernel_shape = tuple(kernel.shape)
        self.vector_u = self.add_weight(
            (1, self.kernel_shape[-1]),
            initializers.TruncatedNormal(stddev=0.02),
            dtype=kernel.dtype,
            trainable=False,
            name="vector_u",
        )

    def call(self, inputs: jax.Array, training: bool = False) -> Any:
        if training:
            kernel = self.kernel.value
            new_u, new_kernel = jax.lax.cond(
                jnp.all(kernel == 0),
                lambda k, u: (u, k),
                self._normalized,
                kernel,
                self.vector_u.value,
            )
            self.vector_u.assign(new_u)
            self.kernel.assign(new_kernel)
        outputs = self.layer(inputs)
        return jax.tree_util.tree_map(lambda y: y.astype(inputs.dtype), outputs)

    def _normalized(self, kernel: jax.Array, vector_u: jax.Array) -> tuple[jax.Array, jax.Array]:
        """``(new vector_u, kernel / sigma)`` after ``power_iterations`` power-method steps."""
        weights = jnp.reshape(kernel, (-1, self.kernel_shape[-1]))
        u = vector_u.astype(weights.dtype)
        v = u
        for _ in range(self.power_iterations):
            v = _l2_normalize(u @ weights.T)
            u = _l2_normalize(v @ weights)
        u = jax.lax.stop_gradient(u)
        v = jax.lax.stop_gradient(v)
        sigma = (v @ weights) @ u.T
        new_kernel = jnp.reshape(kernel / sigma, self.kernel_shape)
        return u.astype(vector_u.dtype), new_kernel.astype(kernel.dtype)

    def normalized_weights(self) -> tuple[jax.Array, jax.Array]:
        """The values a training call would assign: ``(vector_u, kernel / sigma)``.

        Returns:
            The updated power-method vector and the spectrally normalized kernel.
        """
        return self._normalized(self.kernel.value, self.vector_u.value)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return self.layer.compute_output_shape(input_shape)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "power_iterations": self.power_iterations}
