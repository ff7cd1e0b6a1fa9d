"""``Embedding``: look up a learned vector for each integer index."""

from __future__ import annotations

import warnings
from typing import Any

import jax
import jax.numpy as jnp

from kerax import initializers
from kerax.layers._layer import Layer


def _check_positive_int(value: Any, what: str, who: str) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"{who}: `{what}` must be a positive integer, received {what}={value!r}.")


class Embedding(Layer):
    """Map each non-negative integer index to a row of a trainable ``(input_dim, output_dim)`` matrix.

    The weight is ``embeddings``, of shape ``(input_dim, output_dim)``. Float inputs are truncated to int32.

    Args:
        input_dim: the vocabulary size (largest index + 1), a positive int.
        output_dim: the width of each embedding vector, a positive int.
        embeddings_initializer: the initializer of the matrix (default ``"uniform"``: uniform in
            ``[-0.05, 0.05]``).
        embeddings_regularizer: a regularizer applied to the matrix, or ``None`` (default).
        embeddings_constraint: a constraint applied to the matrix after each update, or ``None`` (default).
        mask_zero: whether index 0 is padding (default ``False``); the output then carries the mask
            ``inputs != 0`` to the layers that consume masks.
        weights: an initial ``(input_dim, output_dim)`` matrix (the layer is then built at once), or ``None``
            (default).
        lora_rank: accepted for Keras compatibility; kerax's ``Embedding`` has no LoRA, so it must be ``None``.
        lora_alpha: accepted for Keras compatibility; must be ``None``.
        quantization_config: accepted for Keras compatibility; must be ``None``.
        **kwargs: base layer keyword arguments such as ``name``, ``dtype`` and ``activity_regularizer``;
            Keras 2's ``input_length`` is accepted with a warning and ignored.

    Input shape:
        Integer indices of any shape ``(batch, ...)``.

    Output shape:
        ``(batch, ..., output_dim)``.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> layer = kerax.layers.Embedding(10, 4, mask_zero=True)
        >>> layer(np.array([[1, 2, 0]])).shape
        (1, 3, 4)
        >>> layer.compute_mask(np.array([[1, 2, 0]]))
        Array([[ True,  True, False]], dtype=bool)
    """

    def __init__(
        self,
        input_dim: int,
        output_dim: int,
        embeddings_initializer: Any = "uniform",
        embeddings_regularizer: Any = None,
        embeddings_constraint: Any = None,
        mask_zero: bool = False,
        weights: Any = None,
        lora_rank: int | None = None,
        lora_alpha: float | None = None,
        quantization_config: Any = None,
        **kwargs: Any,
    ) -> None:
        input_length = kwargs.pop("input_length", None)
        if input_length is not None:
            warnings.warn("Embedding: argument `input_length` is deprecated and ignored; remove it.", stacklevel=2)
        activity_regularizer = kwargs.pop("activity_regularizer", None)
        kwargs.setdefault("autocast", False)
        super().__init__(**kwargs)
        who = f"Embedding '{self.name}'"
        _check_positive_int(input_dim, "input_dim", who)
        _check_positive_int(output_dim, "output_dim", who)
        self._keep_regularization(
            embeddings_regularizer=embeddings_regularizer,
            embeddings_constraint=embeddings_constraint,
            activity_regularizer=activity_regularizer,
        )
        self._refuse_unsupported(lora_rank=lora_rank, lora_alpha=lora_alpha, quantization_config=quantization_config)
        self.input_dim = input_dim
        self.output_dim = output_dim
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.mask_zero = bool(mask_zero)
        self.supports_masking = self.mask_zero
        if weights is not None:
            self.build()
            if not (isinstance(weights, list) and len(weights) == 1):
                weights = [weights]
            self.set_weights(weights)

    def build(self, input_shape: Any = None) -> None:
        if self.built:
            return
        self.embeddings = self.add_weight(
            (self.input_dim, self.output_dim),
            self.embeddings_initializer,
            name="embeddings",
            **self._weight_penalties("embeddings"),
        )

    def call(self, inputs: jax.Array) -> jax.Array:
        inputs = jnp.asarray(inputs)
        if inputs.dtype not in (jnp.dtype("int32"), jnp.dtype("int64")):
            inputs = inputs.astype("int32")
        outputs = jnp.take(self.embeddings.value, inputs, axis=0)
        return outputs.astype(self.compute_dtype)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        """``inputs != 0`` when ``mask_zero``, else ``None``."""
        if not self.mask_zero:
            return None
        return jnp.not_equal(jnp.asarray(inputs), 0)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return (*tuple(input_shape), self.output_dim)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            **self.regularization_config(),
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
            "mask_zero": self.mask_zero,
            "quantization_config": None,
        }
