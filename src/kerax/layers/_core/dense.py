"""``Dense``: ``activation(inputs @ kernel + bias)``."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax import activations, initializers
from kerax.layers._core._lora import LoRAKernel
from kerax.layers._input_spec import InputSpec
from kerax.layers._layer import Layer


class Dense(LoRAKernel, Layer):
    """A densely connected layer: ``activation(inputs @ kernel + bias)`` on the last axis.

    The weights are ``kernel``, of shape ``(input_dim, units)``, and ``bias``, of shape ``(units,)``.
    Inputs of rank above 2 are multiplied along their last axis. With LoRA (``lora_rank``, or
    ``enable_lora(rank)`` on a built layer) the kernel is frozen and a low-rank update
    ``(lora_alpha / lora_rank) * lora_kernel_a @ lora_kernel_b`` is trained instead; saving merges it
    into the kernel, as Keras does.

    Args:
        units: the output width, a positive int.
        activation: the activation, a name (``"relu"``) or a callable, or ``None`` (default) for none
            (linear).
        use_bias: whether to add a bias (default ``True``).
        kernel_initializer: the initializer of the kernel (default ``"glorot_uniform"``).
        bias_initializer: the initializer of the bias (default ``"zeros"``).
        kernel_regularizer: a regularizer applied to the kernel, or ``None`` (default).
        bias_regularizer: a regularizer applied to the bias, or ``None`` (default).
        activity_regularizer: a regularizer applied to the layer's output, or ``None`` (default).
        kernel_constraint: a constraint applied to the kernel after each update, or ``None`` (default).
        bias_constraint: a constraint applied to the bias after each update, or ``None`` (default).
        lora_rank: a positive int: the layer is built with LoRA enabled at this rank; ``None`` (default)
            for no LoRA.
        lora_alpha: the LoRA scale numerator: the update is ``(lora_alpha / lora_rank) * A @ B``;
            ``None`` (default) for ``lora_rank``.
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Input shape:
        ``(batch, ..., input_dim)``, at least 2-D.

    Output shape:
        ``(batch, ..., units)``.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> layer = kerax.layers.Dense(4, activation="relu")
        >>> layer(np.ones((2, 3))).shape
        (2, 4)
        >>> [weight.shape for weight in layer.weights]
        [(3, 4), (4,)]
    """

    supports_masking = True

    def __init__(
        self,
        units: int,
        activation: Any = None,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        lora_rank: int | None = None,
        lora_alpha: float | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if not isinstance(units, int) or isinstance(units, bool) or units <= 0:
            raise ValueError(f"Dense '{self.name}': `units` must be a positive integer, received {units!r}.")
        self._keep_regularization(
            kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint,
        )
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.input_spec = InputSpec(min_ndim=2)
        self._init_lora(lora_rank, lora_alpha)

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(
                f"Dense '{self.name}': the last dimension of the input must be known, received shape {input_shape}."
            )
        self._kernel = self.add_weight(
            (input_dim, self.units), self.kernel_initializer, name="kernel", **self._weight_penalties("kernel")
        )
        self.bias = (
            self.add_weight((self.units,), self.bias_initializer, name="bias", **self._weight_penalties("bias"))
            if self.use_bias
            else None
        )
        self.input_spec = InputSpec(min_ndim=2, axes={-1: input_dim})
        self._build_lora()

    def call(self, inputs: jax.Array) -> jax.Array:
        x = jnp.matmul(inputs, self._kernel_value())
        if self.bias is not None:
            x = x + self.bias.value
        return self.activation(x)

    def _saves_own_variables(self) -> bool:
        return self.lora_enabled  # else the plain weights, as every Dense saved before LoRA

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            **self.regularization_config(),
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            **self._lora_config(),
        }
