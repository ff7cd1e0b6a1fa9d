"""``BatchNormalization``: normalise with batch statistics in training, moving averages at inference."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax import initializers
from kerax.backend import epsilon
from kerax.layers._input_spec import InputSpec
from kerax.layers._layer import Layer


class BatchNormalization(Layer):
    """Normalise the inputs over every axis but ``axis``, then scale by ``gamma`` and shift by ``beta``.

    In training (``training=True`` and the layer trainable) it uses the batch's mean and (biased)
    variance and updates ``moving = moving * momentum + batch * (1 - momentum)``. Otherwise it uses the
    moving statistics. As in Keras 3, a layer with ``trainable = False`` runs in inference mode even when
    called with ``training=True`` (the usual setting when fine-tuning a frozen backbone).
    A ``mask`` (one dimension less than the inputs, e.g. from ``Embedding(mask_zero=True)``) restricts
    the batch statistics to the unmasked positions. The weights are ``gamma``, ``beta`` (trainable),
    ``moving_mean`` and ``moving_variance`` (non-trainable), each of shape ``(input_shape[axis],)``, in that
    order.

    Args:
        axis: the features axis, an int (default -1, the channels of channels-last data).
        momentum: the moving averages' momentum, in ``[0, 1]`` (default 0.99).
        epsilon: a positive number added to the variance before the square root (default 1e-3).
        center: whether to learn an offset ``beta`` (default ``True``).
        scale: whether to learn a scale ``gamma`` (default ``True``).
        beta_initializer: the initializer of ``beta`` (default ``"zeros"``).
        gamma_initializer: the initializer of ``gamma`` (default ``"ones"``).
        moving_mean_initializer: the initializer of ``moving_mean`` (default ``"zeros"``).
        moving_variance_initializer: the initializer of ``moving_variance`` (default ``"ones"``).
        beta_regularizer: a regularizer applied to ``beta``, or ``None`` (default).
        gamma_regularizer: a regularizer applied to ``gamma``, or ``None`` (default).
        beta_constraint: a constraint applied to ``beta`` after each update, or ``None`` (default).
        gamma_constraint: a constraint applied to ``gamma`` after each update, or ``None`` (default).
        renorm: accepted for Keras compatibility; kerax has no batch renormalization, so it must be
            ``False`` (default).
        renorm_clipping: accepted for Keras compatibility; must be ``None`` (default).
        renorm_momentum: accepted for Keras compatibility and kept in the config (default 0.99); unused
            without ``renorm``.
        synchronized: accepted for Keras compatibility; must be ``False`` (default), as on Keras's
            backends other than TensorFlow.
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Call arguments:
        inputs: the inputs.
        training: whether to use (and update) the batch statistics.
        mask: an optional boolean mask with one dimension less than the inputs.

    Input shape:
        Any shape with a known size on ``axis``.

    Output shape:
        The same shape as the input.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> layer = kerax.layers.BatchNormalization(momentum=0.5)
        >>> x = np.array([[0.0, 1.0], [2.0, 3.0]])
        >>> np.asarray(layer(x, training=True)).round(4)  # (x - mean) / sqrt(variance + epsilon)
        array([[-0.9995, -0.9995],
               [ 0.9995,  0.9995]], dtype=float32)
        >>> np.asarray(layer.moving_mean.value)
        array([0.5, 1. ], dtype=float32)
    """

    supports_masking = True

    def __init__(
        self,
        axis: int = -1,
        momentum: float = 0.99,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        moving_mean_initializer: Any = "zeros",
        moving_variance_initializer: Any = "ones",
        beta_regularizer: Any = None,
        gamma_regularizer: Any = None,
        beta_constraint: Any = None,
        gamma_constraint: Any = None,
        renorm: bool = False,
        renorm_clipping: dict[str, float] | None = None,
        renorm_momentum: float = 0.99,
        synchronized: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        who = f"BatchNormalization '{self.name}'"
        self._keep_regularization(
            beta_regularizer=beta_regularizer,
            gamma_regularizer=gamma_regularizer,
            beta_constraint=beta_constraint,
            gamma_constraint=gamma_constraint,
        )
        self._refuse_unsupported(renorm_clipping=renorm_clipping)
        if renorm:
            raise ValueError(f"{who}: kerax does not implement batch renormalization; `renorm` must be False.")
        if synchronized:
            raise ValueError(f"{who}: `synchronized=True` is only supported by Keras's TensorFlow backend.")
        if isinstance(axis, bool) or not isinstance(axis, int):
            raise ValueError(f"{who}: `axis` must be an integer, received {axis!r}.")
        if not 0 <= float(momentum) <= 1:
            raise ValueError(f"{who}: `momentum` must be in [0, 1], received {momentum!r}.")
        if float(epsilon) <= 0:
            raise ValueError(f"{who}: `epsilon` must be positive, received {epsilon!r}.")
        self.axis = axis
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        self.renorm_momentum = renorm_momentum
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.gamma = None
        self.beta = None

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        ndim = len(input_shape)
        if not -ndim <= self.axis < ndim:
            raise ValueError(
                f"BatchNormalization '{self.name}': axis {self.axis} is out of bounds for inputs of shape "
                f"{input_shape} (rank {ndim})."
            )
        size = input_shape[self.axis]
        if size is None:
            raise ValueError(
                f"BatchNormalization '{self.name}': the size of axis {self.axis} must be known, "
                f"received input shape {input_shape}."
            )
        shape = (size,)
        # As in Keras, no weight is autocast: under mixed precision the normalization runs in float32.
        if self.scale:
            self.gamma = self.add_weight(
                shape, self.gamma_initializer, name="gamma", autocast=False, **self._weight_penalties("gamma")
            )
        if self.center:
            self.beta = self.add_weight(
                shape, self.beta_initializer, name="beta", autocast=False, **self._weight_penalties("beta")
            )
        self.moving_mean = self.add_weight(
            shape, self.moving_mean_initializer, trainable=False, name="moving_mean", autocast=False
        )
        self.moving_variance = self.add_weight(
            shape, self.moving_variance_initializer, trainable=False, name="moving_variance", autocast=False
        )
        self._axis = self.axis % ndim
        self._reduction_axes = tuple(a for a in range(ndim) if a != self._axis)
        self.input_spec = InputSpec(ndim=ndim, axes={self.axis: size})

    def call(self, inputs: jax.Array, training: bool | None = None, mask: Any = None) -> jax.Array:
        if mask is not None and jnp.ndim(mask) != inputs.ndim - 1:
            raise ValueError(
                f"BatchNormalization '{self.name}': the mask must have one dimension less than the inputs, "
                f"received mask shape {tuple(jnp.shape(mask))} for inputs of shape {tuple(inputs.shape)}."
            )
        x = inputs.astype(jnp.result_type(inputs.dtype, jnp.float32))
        if training and self.trainable:
            mean, variance = self._moments(x, mask)
            m = self.momentum
            self.moving_mean.assign(self.moving_mean.value * m + mean * (1.0 - m))
            self.moving_variance.assign(self.moving_variance.value * m + variance * (1.0 - m))
        else:
            mean = self.moving_mean.value.astype(x.dtype)
            variance = self.moving_variance.value.astype(x.dtype)
        broadcast = [1] * x.ndim
        broadcast[self._axis] = mean.shape[0]
        inv = jax.lax.rsqrt(jnp.reshape(variance, broadcast) + self.epsilon)
        if self.gamma is not None:
            inv = inv * jnp.reshape(self.gamma.value, broadcast)
        shift = -jnp.reshape(mean, broadcast) * inv
        if self.beta is not None:
            shift = shift + jnp.reshape(self.beta.value, broadcast)
        return (x * inv + shift).astype(self.compute_dtype)

    def _moments(self, x: jax.Array, mask: Any) -> tuple[jax.Array, jax.Array]:
        """Batch mean and variance over the reduction axes; with a mask, over the unmasked positions only."""
        if mask is None:
            return jnp.mean(x, axis=self._reduction_axes), jnp.var(x, axis=self._reduction_axes)
        keep = jnp.broadcast_to(jnp.expand_dims(jnp.asarray(mask).astype(bool), -1), x.shape)
        count = jnp.sum(keep.astype(x.dtype), axis=self._reduction_axes, keepdims=True) + epsilon()
        mean = jnp.sum(jnp.where(keep, x, 0.0), axis=self._reduction_axes, keepdims=True) / count
        variance = jnp.sum(jnp.where(keep, x - mean, 0.0) ** 2, axis=self._reduction_axes, keepdims=True) / count
        return jnp.reshape(mean, (-1,)), jnp.reshape(variance, (-1,))

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            **self.regularization_config(),
            "axis": self.axis,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
            "moving_variance_initializer": initializers.serialize(self.moving_variance_initializer),
            "synchronized": False,
            "renorm": False,
            "renorm_clipping": None,
            "renorm_momentum": self.renorm_momentum,
        }
