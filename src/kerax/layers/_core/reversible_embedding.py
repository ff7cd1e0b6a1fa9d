"""``ReversibleEmbedding``: an embedding that can also project hidden states back to vocabulary logits."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from kerax.backend._masking import set_keras_mask
from kerax.layers._core.embedding import Embedding


class ReversibleEmbedding(Embedding):
    """An ``Embedding`` that, called with ``reverse=True``, maps ``(..., output_dim)`` hidden states to
    ``(..., input_dim)`` logits: by default with the transposed embedding matrix (tied weights, Press and
    Wolf, 2016), or with a separate ``reverse_embeddings`` weight.

    Args:
        input_dim: the vocabulary size (largest index + 1), a positive int.
        output_dim: the width of each embedding vector, a positive int.
        tie_weights: whether the reverse projection uses the transposed ``embeddings`` (default ``True``)
            or a separate trainable ``(output_dim, input_dim)`` matrix ``reverse_embeddings``.
        embeddings_initializer: the initializer of ``embeddings`` (default ``"uniform"``); also
            initializes ``reverse_embeddings``.
        embeddings_regularizer: a regularizer applied to ``embeddings``, or ``None`` (default).
        embeddings_constraint: a constraint applied to ``embeddings`` after each update, or ``None``
            (default).
        mask_zero: whether index 0 is padding (default ``False``; forward calls only, the output carries
            the mask).
        reverse_dtype: the dtype of the reverse projection, or ``None`` (default) for the compute dtype.
        logit_soft_cap: a positive number: reverse logits become ``tanh(logits / cap) * cap``; ``None``
            (default) for no cap.
        **kwargs: other ``Embedding`` arguments (``weights``) and base layer keyword arguments such as
            ``name`` and ``dtype``.

    Call arguments:
        inputs: integer indices (forward) or hidden states (reverse).
        reverse: whether to project back to logits (default ``False``).

    Raises:
        ValueError: if ``logit_soft_cap`` is not positive.

    Input shape:
        Forward: integer indices ``(batch, ...)``; reverse: ``(batch, ..., output_dim)``.

    Output shape:
        Forward: ``(batch, ..., output_dim)``; reverse: ``(batch, ..., input_dim)``.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> layer = kerax.layers.ReversibleEmbedding(10, 4)
        >>> hidden = layer(np.array([[1, 2]]))
        >>> hidden.shape
        (1, 2, 4)
        >>> layer(hidden, reverse=True).shape
        (1, 2, 10)
    """

    def __init__(
        self,
        input_dim: int,
        output_dim: int,
        tie_weights: bool = True,
        embeddings_initializer: Any = "uniform",
        embeddings_regularizer: Any = None,
        embeddings_constraint: Any = None,
        mask_zero: bool = False,
        reverse_dtype: Any = None,
        logit_soft_cap: float | None = None,
        **kwargs: Any,
    ) -> None:
        # Set before Embedding's constructor, which builds the layer when given `weights`.
        self.tie_weights = bool(tie_weights)
        self.reverse_dtype = reverse_dtype
        self.logit_soft_cap = logit_soft_cap
        super().__init__(
            input_dim,
            output_dim,
            embeddings_initializer=embeddings_initializer,
            embeddings_regularizer=embeddings_regularizer,
            embeddings_constraint=embeddings_constraint,
            mask_zero=mask_zero,
            **kwargs,
        )
        if logit_soft_cap is not None and not (isinstance(logit_soft_cap, int | float) and logit_soft_cap > 0):
            raise ValueError(
                f"ReversibleEmbedding '{self.name}': `logit_soft_cap` must be a positive number or None, "
                f"received {logit_soft_cap!r}."
            )
        # The mask is attached in call() (forward calls only), so the output of a reverse call has none.
        self.supports_masking = True

    def build(self, input_shape: Any = None) -> None:
        if self.built:
            return
        super().build(input_shape)
        if not self.tie_weights:
            self.reverse_embeddings = self.add_weight(
                (self.output_dim, self.input_dim), self.embeddings_initializer, name="reverse_embeddings"
            )

    def call(self, inputs: jax.Array, reverse: bool = False) -> jax.Array:
        if not reverse:
            outputs = super().call(inputs)
            if self.mask_zero:
                set_keras_mask(outputs, jnp.not_equal(jnp.asarray(inputs), 0))
            return outputs
        kernel = self.embeddings.value.T if self.tie_weights else self.reverse_embeddings.value
        dtype = self.reverse_dtype or self.compute_dtype
        logits = jnp.matmul(jnp.asarray(inputs).astype(dtype), kernel.astype(dtype))
        if self.logit_soft_cap is not None:
            cap = jnp.asarray(self.logit_soft_cap, logits.dtype)
            logits = jnp.tanh(logits / cap) * cap
        return logits

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        """None: a forward call attaches the padding mask itself, a reverse call has none."""
        return None

    def compute_output_shape(self, input_shape: Any, reverse: bool = False) -> tuple:
        shape = tuple(input_shape)
        if reverse:
            return (*shape[:-1], self.input_dim)
        return (*shape, self.output_dim)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "tie_weights": self.tie_weights,
            "reverse_dtype": self.reverse_dtype,
            "logit_soft_cap": self.logit_soft_cap,
        }
