"""``LayerNormalization``: normalise each sample over its feature axes."""

from __future__ import annotations

import warnings
from typing import Any

import jax
import jax.numpy as jnp

from kerax import initializers
from kerax.layers._input_spec import InputSpec
from kerax.layers._layer import Layer
from kerax.layers._normalization._axes import require_known, resolve_axes, validate_axis


class LayerNormalization(Layer):
    """Normalise every sample to mean 0 and variance 1 over ``axis``, then scale by ``gamma``, shift by ``beta``.

    Unlike ``BatchNormalization`` the statistics are per sample, so training and inference agree. The
    weights are ``gamma`` then ``beta``, each of shape ``tuple(input_shape[a] for a in sorted(axis))``.

    Args:
        axis: the axis or list of axes to normalise over (default -1, the features).
        epsilon: added to the variance before the square root (default 1e-3).
        center: whether to learn an offset ``beta`` (default ``True``).
        scale: whether to learn a scale ``gamma`` (default ``True``).
        beta_initializer: the initializer of ``beta`` (default ``"zeros"``).
        gamma_initializer: the initializer of ``gamma`` (default ``"ones"``).
        beta_regularizer: a regularizer applied to ``beta``, or ``None`` (default).
        gamma_regularizer: a regularizer applied to ``gamma``, or ``None`` (default).
        beta_constraint: a constraint applied to ``beta`` after each update, or ``None`` (default).
        gamma_constraint: a constraint applied to ``gamma`` after each update, or ``None`` (default).
        rms_scaling: Keras's deprecated flag (default ``False``): divide by ``sqrt(variance + epsilon)``
            without centring and keep only ``gamma`` (Keras warns; prefer ``RMSNormalization``).
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Input shape:
        Any shape with known sizes on ``axis``.

    Output shape:
        The same shape as the input.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> layer = kerax.layers.LayerNormalization()
        >>> np.asarray(layer(np.array([[1.0, 2.0, 3.0]]))).round(3)
        array([[-1.224,  0.   ,  1.224]], dtype=float32)
    """

    supports_masking = True

    def __init__(
        self,
        axis: int | list[int] = -1,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        beta_regularizer: Any = None,
        gamma_regularizer: Any = None,
        beta_constraint: Any = None,
        gamma_constraint: Any = None,
        rms_scaling: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        who = f"LayerNormalization '{self.name}'"
        self._keep_regularization(
            beta_regularizer=beta_regularizer,
            gamma_regularizer=gamma_regularizer,
            beta_constraint=beta_constraint,
            gamma_constraint=gamma_constraint,
        )
        if rms_scaling:
            warnings.warn(
                f"{who}: `rms_scaling=True` is deprecated in Keras: it scales by the variance, not the root "
                "mean square.",
                stacklevel=2,
            )
        if float(epsilon) <= 0:
            raise ValueError(f"{who}: `epsilon` must be positive, received {epsilon!r}.")
        self.axis = validate_axis(axis, who)
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        self.rms_scaling = bool(rms_scaling)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.autocast = False
        self.gamma = None
        self.beta = None

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        who = f"LayerNormalization '{self.name}'"
        axes = resolve_axes(self.axis, input_shape, who)
        require_known(axes, input_shape, who)
        # As Keras: once built, `axis` is a sorted list.
        self.axis = sorted(self.axis) if isinstance(self.axis, list) else [self.axis]
        shape = tuple(input_shape[a] for a in axes)
        # Not autocast, as in Keras: under mixed precision the normalization runs in float32.
        if self.scale or self.rms_scaling:
            self.gamma = self.add_weight(
                shape, self.gamma_initializer, name="gamma", autocast=False, **self._weight_penalties("gamma")
            )
        if self.center and not self.rms_scaling:
            self.beta = self.add_weight(
                shape, self.beta_initializer, name="beta", autocast=False, **self._weight_penalties("beta")
            )
        self._axes = tuple(axes)
        self.input_spec = InputSpec(min_ndim=len(input_shape), axes={a: input_shape[a] for a in axes})

    def call(self, inputs: jax.Array) -> jax.Array:
        x = inputs.astype(jnp.result_type(inputs.dtype, jnp.float32))
        broadcast = [1] * x.ndim
        for a in self._axes:
            broadcast[a] = x.shape[a]
        variance = jnp.var(x, axis=self._axes, keepdims=True)
        inv = jax.lax.rsqrt(variance + self.epsilon)
        if self.gamma is not None:
            inv = inv * jnp.reshape(self.gamma.value, broadcast).astype(x.dtype)
        if self.rms_scaling:
            out = x * inv
        else:
            mean = jnp.mean(x, axis=self._axes, keepdims=True)
            shift = -mean * inv
            if self.beta is not None:
                shift = shift + jnp.reshape(self.beta.value, broadcast).astype(x.dtype)
            out = x * inv + shift
        return out.astype(self.compute_dtype)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            **self.regularization_config(),
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "rms_scaling": self.rms_scaling,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
        }
