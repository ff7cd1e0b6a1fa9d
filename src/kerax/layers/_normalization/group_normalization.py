"""``GroupNormalization``: normalise each sample over groups of channels."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax import initializers
from kerax.layers._input_spec import InputSpec
from kerax.layers._layer import Layer
from kerax.layers._normalization._axes import require_known, resolve_axes, validate_axis


class GroupNormalization(Layer):
    """Split the channels into ``groups`` and normalise each sample within each group (Wu & He, 2018).

    The mean and variance of a group are taken over its channels and every other non-batch axis; then
    each channel is scaled by ``gamma`` and shifted by ``beta``. ``groups=1`` normalises over all channels
    together; ``groups=-1`` (one group per channel) is instance normalisation. The weights are ``gamma``
    then ``beta``, each of shape ``(channels,)``.

    Args:
        groups: the number of groups, which must divide the number of channels, or -1 for one group per
            channel (default 32).
        axis: the channels axis (default -1).
        epsilon: added to the variance before the square root (default 1e-3).
        center: whether to learn an offset ``beta`` (default ``True``).
        scale: whether to learn a scale ``gamma`` (default ``True``).
        beta_initializer: the initializer of ``beta`` (default ``"zeros"``).
        gamma_initializer: the initializer of ``gamma`` (default ``"ones"``).
        beta_regularizer: a regularizer applied to ``beta``, or ``None`` (default).
        gamma_regularizer: a regularizer applied to ``gamma``, or ``None`` (default).
        beta_constraint: a constraint applied to ``beta`` after each update, or ``None`` (default).
        gamma_constraint: a constraint applied to ``gamma`` after each update, or ``None`` (default).
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Input shape:
        Any shape with a known size on ``axis``.

    Output shape:
        The same shape as the input.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.GroupNormalization(groups=2)(np.ones((2, 5, 4))).shape
        (2, 5, 4)
    """

    supports_masking = True

    def __init__(
        self,
        groups: int = 32,
        axis: int = -1,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        beta_regularizer: Any = None,
        gamma_regularizer: Any = None,
        beta_constraint: Any = None,
        gamma_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        who = f"GroupNormalization '{self.name}'"
        self._keep_regularization(
            beta_regularizer=beta_regularizer,
            gamma_regularizer=gamma_regularizer,
            beta_constraint=beta_constraint,
            gamma_constraint=gamma_constraint,
        )
        if isinstance(groups, bool) or not isinstance(groups, int) or (groups <= 0 and groups != -1):
            raise ValueError(
                f"{who}: `groups` must be a positive integer (or -1 for instance normalization), "
                f"received groups={groups!r}."
            )
        if float(epsilon) <= 0:
            raise ValueError(f"{who}: `epsilon` must be positive, received {epsilon!r}.")
        self.groups = groups
        self.axis = validate_axis(axis, who, allow_list=False)
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.autocast = False
        self.gamma = None
        self.beta = None

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        who = f"GroupNormalization '{self.name}'"
        (axis,) = resolve_axes(self.axis, input_shape, who)
        if axis == 0:
            raise ValueError(f"{who}: `axis` cannot be the batch axis 0, received axis={self.axis}.")
        require_known([axis], input_shape, who)
        channels = int(input_shape[axis])
        if self.groups == -1:
            self.groups = channels  # as Keras: the config then shows the resolved number
        if channels < self.groups:
            raise ValueError(
                f"{who}: the number of groups ({self.groups}) cannot be more than the number of channels "
                f"({channels}) on axis {self.axis} of input shape {tuple(input_shape)}."
            )
        if channels % self.groups != 0:
            raise ValueError(
                f"{who}: the number of groups ({self.groups}) must divide the number of channels "
                f"({channels}) on axis {self.axis} of input shape {tuple(input_shape)}."
            )
        if self.scale:
            self.gamma = self.add_weight(
                (channels,), self.gamma_initializer, name="gamma", autocast=False, **self._weight_penalties("gamma")
            )
        if self.center:
            self.beta = self.add_weight(
                (channels,), self.beta_initializer, name="beta", autocast=False, **self._weight_penalties("beta")
            )
        self._axis = axis
        self.input_spec = InputSpec(ndim=len(input_shape), axes={self.axis: channels})

    def call(self, inputs: jax.Array) -> jax.Array:
        x = inputs.astype(jnp.result_type(inputs.dtype, jnp.float32))
        a, groups = self._axis, self.groups
        shape = x.shape
        grouped_shape = (*shape[:a], groups, shape[a] // groups, *shape[a + 1 :])
        grouped = jnp.reshape(x, grouped_shape)
        # Statistics over everything but the batch axis and the groups axis (now at position `a`).
        reduce = tuple(i for i in range(1, grouped.ndim) if i != a)
        mean = jnp.mean(grouped, axis=reduce, keepdims=True)
        variance = jnp.var(grouped, axis=reduce, keepdims=True)
        broadcast = [1] * grouped.ndim
        broadcast[a], broadcast[a + 1] = groups, shape[a] // groups
        inv = jax.lax.rsqrt(variance + self.epsilon)
        if self.gamma is not None:
            inv = inv * jnp.reshape(self.gamma.value, broadcast).astype(x.dtype)
        shift = -mean * inv
        if self.beta is not None:
            shift = shift + jnp.reshape(self.beta.value, broadcast).astype(x.dtype)
        out = jnp.reshape(grouped * inv + shift, shape)
        return out.astype(self.compute_dtype)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            **self.regularization_config(),
            "groups": self.groups,
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
        }
