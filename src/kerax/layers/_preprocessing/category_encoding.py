"""``CategoryEncoding``: integer category ids to one-hot, multi-hot or count vectors.

``encode_categorical`` is the shared encoder of the lookup, hashing and discretization layers; it runs on
NumPy arrays (host layers) and on JAX arrays (layers compiled into a model) alike.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from kerax.layers._layer import Layer

ENCODING_MODES = ("one_hot", "multi_hot", "count")


def encode_categorical(
    indices: Any,
    output_mode: str,
    depth: int,
    dtype: Any,
    count_weights: Any = None,
) -> Any:
    """Encode integer ids as Keras's ``encode_categorical_inputs`` does.

    Ids outside ``[0, depth)`` contribute nothing. ``one_hot`` adds an axis of size ``depth`` (replacing a
    trailing axis of size 1); ``multi_hot`` and ``count`` replace the last axis by one of size ``depth``.
    A scalar is treated as a vector of one id.

    Args:
        indices: a NumPy or JAX integer array of ids.
        output_mode: ``"int"`` (only cast), ``"one_hot"``, ``"multi_hot"`` or ``"count"``.
        depth: the number of categories.
        dtype: the output dtype.
        count_weights: for ``"count"``, per-id weights of the shape of ``indices`` (the output then takes
            their dtype).

    Returns:
        An array of the same kind (NumPy or JAX) as ``indices``.
    """
    xp = np if isinstance(indices, np.ndarray) else jnp
    if output_mode == "int":
        return indices.astype(dtype)
    if indices.ndim == 0:
        indices = indices[None]
        if count_weights is not None:
            count_weights = xp.reshape(count_weights, (1,))
    if output_mode == "one_hot" and indices.ndim > 1 and indices.shape[-1] == 1:
        indices = indices.reshape(indices.shape[:-1])
    one_hot = indices[..., None] == xp.arange(depth, dtype=indices.dtype)
    if output_mode == "one_hot":
        return one_hot.astype(dtype)
    if output_mode == "multi_hot":
        return xp.any(one_hot, axis=-2).astype(dtype)
    if count_weights is not None:
        dtype = count_weights.dtype
        return xp.sum(one_hot.astype(dtype) * count_weights[..., None], axis=-2)
    return xp.sum(one_hot, axis=-2).astype(dtype)


def encoded_shape(input_shape: tuple, output_mode: str, depth: int | None) -> tuple:
    """The shape ``encode_categorical`` gives for inputs of ``input_shape``.

    Args:
        input_shape: the shape of the ids (``None`` for unknown sizes).
        output_mode: as for ``encode_categorical``.
        depth: the number of categories.

    Returns:
        The output shape.
    """
    input_shape = tuple(input_shape)
    if output_mode == "int":
        return input_shape
    if not input_shape:
        return (1, depth) if output_mode == "one_hot" else (depth,)
    if output_mode == "one_hot":
        if len(input_shape) > 1 and input_shape[-1] == 1:
            return (*input_shape[:-1], depth)
        return (*input_shape, depth)
    return (*input_shape[:-1], depth)


def check_output_mode(who: str, output_mode: Any, allowed: tuple[str, ...]) -> str:
    """Check ``output_mode`` against ``allowed`` (``"binary"`` reads as ``"multi_hot"``, ``"tf-idf"`` as
    ``"tf_idf"``, as in Keras) and return it."""
    if output_mode == "binary":
        output_mode = "multi_hot"
    if output_mode == "tf-idf":
        output_mode = "tf_idf"
    if output_mode not in allowed:
        raise ValueError(f"{who}: `output_mode` must be one of {allowed}, received output_mode={output_mode!r}.")
    return output_mode


def refuse_sparse(who: str, sparse: Any) -> bool:
    """kerax has no sparse tensors: ``sparse=True`` is refused (as Keras refuses it off TensorFlow)."""
    if sparse:
        raise ValueError(
            f"{who}: `sparse=True` is not supported (kerax runs on JAX, which has no sparse tensors here; "
            "Keras likewise allows it only with the TensorFlow backend). Received sparse=True; use sparse=False."
        )
    return False


class CategoryEncoding(Layer):
    """Encode integer category ids (in ``[0, num_tokens)``) as dense one-hot, multi-hot or count vectors.

    Args:
        num_tokens: the number of categories; ids must lie in ``[0, num_tokens)`` (others are dropped).
        output_mode: ``"multi_hot"`` (default; ``"binary"`` is an alias): a 1 for each id present in the
            last axis; ``"one_hot"``: one vector per id (a trailing axis of size 1 is replaced);
            ``"count"``: how many times each id appears in the last axis (weighted by ``count_weights``).
        sparse: must be ``False`` (default; kerax has no sparse tensors).
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``.

    Call arguments:
        inputs: the integer ids.
        count_weights: with ``output_mode="count"``, weights of the shape of ``inputs``, or ``None``.

    Input shape:
        ``(batch, k)``; for ``"one_hot"``, ``(batch,)`` or ``(batch, 1)``.

    Output shape:
        ``(batch, num_tokens)``.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> layer = kerax.layers.CategoryEncoding(num_tokens=4, output_mode="multi_hot")
        >>> layer(np.array([[0, 1], [2, 2]]))
        Array([[1., 1., 0., 0.],
               [0., 0., 1., 0.]], dtype=float32)
        >>> kerax.layers.CategoryEncoding(num_tokens=4, output_mode="count")(np.array([[2, 2, 3]]))
        Array([[0., 0., 2., 1.]], dtype=float32)
    """

    def __init__(
        self, num_tokens: int | None = None, output_mode: str = "multi_hot", sparse: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        who = f"CategoryEncoding '{self.name}'"
        output_mode = check_output_mode(who, output_mode, ENCODING_MODES)
        if num_tokens is None:
            raise ValueError(
                f"{who}: `num_tokens` must be set (the number of categories). If it is not known beforehand, "
                "use the IntegerLookup layer instead."
            )
        if not isinstance(num_tokens, int | np.integer) or isinstance(num_tokens, bool) or num_tokens < 1:
            raise ValueError(f"{who}: `num_tokens` must be an integer >= 1, received num_tokens={num_tokens!r}.")
        self.num_tokens = int(num_tokens)
        self.output_mode = output_mode
        self.sparse = refuse_sparse(who, sparse)

    def call(self, inputs: jax.Array, count_weights: Any = None) -> jax.Array:
        if count_weights is not None:
            if self.output_mode != "count":
                raise ValueError(
                    f"CategoryEncoding '{self.name}': `count_weights` is only used when output_mode='count', "
                    f"received count_weights with output_mode={self.output_mode!r}."
                )
            count_weights = jnp.asarray(count_weights, self.compute_dtype)
        inputs = jnp.asarray(inputs)
        if not jnp.issubdtype(inputs.dtype, jnp.integer):
            inputs = inputs.astype("int32")
        return encode_categorical(inputs, self.output_mode, self.num_tokens, self.compute_dtype, count_weights)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return encoded_shape(input_shape, self.output_mode, self.num_tokens)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "num_tokens": self.num_tokens, "output_mode": self.output_mode}
