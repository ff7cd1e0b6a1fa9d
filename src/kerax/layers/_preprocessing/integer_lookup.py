"""``IntegerLookup``: integer ids to vocabulary indices (or encodings of them), and back with ``invert``."""

from __future__ import annotations

import numbers
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from kerax.backend._dtypes import is_string_array
from kerax.layers._preprocessing._index_lookup import _MASKED, IndexLookup, int_output_dtype


class IntegerLookup(IndexLookup):
    """Map integer values (ids, codes, years...) to contiguous indices from a vocabulary.

    Index 0 is the mask value when ``mask_token`` is set (and ``output_mode="int"``), then come
    ``num_oov_indices`` indices for values outside the vocabulary (spread by ``x mod num_oov_indices``, or
    by hashing with ``oov_method="farmhash"``), then the vocabulary. The lookup is a sorted search in JAX,
    so the layer can sit inside a compiled model (``Input((3,), dtype="int32")`` then ``IntegerLookup``);
    an eager call on concrete data runs on the host and checks its inputs.

    Args:
        max_tokens: the largest vocabulary size (with the mask and OOV indices) ``adapt`` may learn; None
            for no limit.
        num_oov_indices: how many indices out-of-vocabulary values share (default 1); 0 makes them an
            error (checked on eager calls; inside a compiled model they get -1).
        mask_token: the value that stands for padding (index 0, or dropped in the encoded modes); None
            (default) for none.
        oov_token: the value the OOV indices give back with ``invert=True`` (default -1).
        vocabulary: a list, tuple or 1-D array of unique integers, or the path of a text file with one per
            line. It may start with the special tokens (mask, then OOV) in index order.
        vocabulary_dtype: must be ``"int64"`` (as in Keras).
        idf_weights: with ``output_mode="tf_idf"`` and a ``vocabulary``: one weight per entry.
        invert: map indices back to values instead.
        output_mode: ``"int"`` (indices), ``"one_hot"``, ``"multi_hot"``, ``"count"`` or ``"tf_idf"``.
        sparse: must be False (Keras allows True only on TensorFlow).
        pad_to_max_tokens: in the encoded modes, make the last axis ``max_tokens`` long.
        oov_method: ``"floormod"`` (default) or ``"farmhash"`` (hash the value's decimal text).
        salt: with ``oov_method="farmhash"``, the key (an int or two ints) of the strong hash.
        name: the layer's name.
        **kwargs: other base layer keyword arguments such as ``dtype``.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> layer = kerax.layers.IntegerLookup(vocabulary=[12, 36, 1138])
        >>> layer(np.array([[12, 1138], [42, 36]]))  # 42 is out of the vocabulary: index 0
        Array([[1, 3],
               [0, 2]], dtype=int32)
        >>> layer.get_vocabulary()
        [-1, 12, 36, 1138]
    """

    def __init__(
        self,
        max_tokens: int | None = None,
        num_oov_indices: int = 1,
        mask_token: int | None = None,
        oov_token: int = -1,
        vocabulary: Any = None,
        vocabulary_dtype: str = "int64",
        idf_weights: Any = None,
        invert: bool = False,
        output_mode: str = "int",
        sparse: bool = False,
        pad_to_max_tokens: bool = False,
        oov_method: str = "floormod",
        salt: Any = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        if vocabulary_dtype != "int64":
            raise ValueError(
                f"IntegerLookup: only vocabulary_dtype='int64' is supported, received vocabulary_dtype="
                f"{vocabulary_dtype!r}."
            )
        for arg, value in (("mask_token", mask_token), ("oov_token", oov_token)):
            if value is not None and (not isinstance(value, numbers.Integral) or isinstance(value, bool)):
                raise TypeError(f"IntegerLookup: `{arg}` must be an integer or None, received {value!r}.")
        super().__init__(
            max_tokens=max_tokens,
            num_oov_indices=num_oov_indices,
            mask_token=None if mask_token is None else int(mask_token),
            oov_token=None if oov_token is None else int(oov_token),
            vocabulary=vocabulary,
            vocabulary_dtype=vocabulary_dtype,
            idf_weights=idf_weights,
            invert=invert,
            output_mode=output_mode,
            sparse=sparse,
            pad_to_max_tokens=pad_to_max_tokens,
            oov_method=oov_method,
            salt=salt,
            name=name,
            **kwargs,
        )

    def _to_token(self, value: Any) -> int:
        if isinstance(value, numbers.Integral) and not isinstance(value, bool):
            return int(value)
        if isinstance(value, str | bytes):
            return int(value)
        if isinstance(value, numbers.Real) and float(value).is_integer():
            return int(value)
        raise TypeError(f"expected an integer token, received a {type(value).__name__}: {value!r}")

    def _host_tokens(self, data: Any) -> np.ndarray:
        array = np.asarray(data)
        if array.dtype.kind == "f":
            array = array.astype(np.int64)
        if array.dtype.kind not in "iu":
            raise TypeError(f"{self._who()}: expected integer inputs, received dtype {array.dtype}.")
        return array.astype(np.int64)

    def _oov_indices_host(self, values: np.ndarray) -> np.ndarray:
        if self.oov_method == "farmhash":
            return self._hash_oov(values)
        return np.mod(values, self.num_oov_indices)

    def _convert_input(self, x: Any) -> Any:
        if is_string_array(x):
            raise TypeError(f"{self._who()}: expected integer inputs, received text; use StringLookup for strings.")
        return super()._convert_input(x)

    def _lookup_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        cache = getattr(self, "_lookup_arrays_cache", None)
        if cache is None:
            keys = np.asarray(self._tokens, np.int64)
            order = np.argsort(keys)
            cache = (keys[order], (order + self._token_start_index()).astype(np.int64))
            self._lookup_arrays_cache = cache
        return cache

    def call(self, inputs: jax.Array) -> jax.Array:
        self._ensure_known_vocab_size()
        if not isinstance(inputs, jax.core.Tracer):
            # Concrete data: the exact host lookup (64-bit values, OOV errors), then back to JAX.
            values = self._host_tokens(inputs)
            if self.invert:
                out = self._invert_host(values).astype(np.int64).astype(int_output_dtype())
                return jnp.asarray(out)
            return jnp.asarray(self._encode(self._lookup_host(values)))
        x = inputs if jnp.issubdtype(inputs.dtype, jnp.integer) else inputs.astype("int32")
        if self.invert:
            return self._invert_traced(x)
        return self._encode(self._lookup_traced(x))

    def _invert_traced(self, x: jax.Array) -> jax.Array:
        dtype = int_output_dtype()
        start = self._token_start_index()
        table = jnp.asarray(np.asarray(self._tokens, np.int64), dtype)
        position = x - start
        valid = (position >= 0) & (position < len(self._tokens))
        if len(self._tokens):
            out = jnp.where(valid, table[jnp.clip(position, 0, len(self._tokens) - 1)], self.oov_token)
        else:
            out = jnp.full(x.shape, self.oov_token, dtype)
        if self.mask_token is not None:
            out = jnp.where(x == 0, self.mask_token, out)
        return out.astype(dtype)

    def _lookup_traced(self, x: jax.Array) -> jax.Array:
        keys, values = self._lookup_arrays()
        if len(keys):
            keys_j = jnp.asarray(keys, x.dtype)
            position = jnp.clip(jnp.searchsorted(keys_j, x), 0, len(keys) - 1)
            found = keys_j[position] == x
            lookups = jnp.where(found, jnp.asarray(values, "int32")[position], -1)
        else:
            lookups = jnp.full(x.shape, -1, "int32")
        if self.mask_token is not None:
            lookups = jnp.where(x == self.mask_token, 0 if self.output_mode == "int" else _MASKED, lookups)
        if self.num_oov_indices == 1:
            lookups = jnp.where(lookups == -1, self._oov_start_index(), lookups)
        elif self.num_oov_indices > 1:
            if self.oov_method == "farmhash":
                oov = jax.pure_callback(
                    lambda v: self._hash_oov(np.asarray(v)).astype(np.int32),
                    jax.ShapeDtypeStruct(x.shape, jnp.int32),
                    x,
                )
            else:
                oov = jnp.mod(x, self.num_oov_indices).astype("int32")
            lookups = jnp.where(lookups == -1, oov + self._oov_start_index(), lookups)
        return lookups

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        if config["vocabulary"] is not None:
            config["vocabulary"] = [int(v) for v in config["vocabulary"]]
        return config
