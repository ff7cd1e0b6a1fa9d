"""``Hashing``: strings or integers to hash buckets, with the same buckets as Keras (TensorFlow's hashes)."""

from __future__ import annotations

from typing import Any

import jax
import numpy as np

from kerax.backend._dtypes import is_string_array, is_string_dtype
from kerax.backend._symbolic import SymbolicTensor
from kerax.layers._host_layer import HostLayer
from kerax.layers._preprocessing._index_lookup import check_salt, hash_buckets, to_string_array
from kerax.layers._preprocessing.category_encoding import (
    check_output_mode,
    encode_categorical,
    encoded_shape,
    refuse_sparse,
)


def host_values(inputs: Any, who: str) -> np.ndarray:
    """Inputs to hash as a NumPy array: text as an object array of str, numbers as int64 (floats truncated)."""
    if is_string_array(inputs):
        return to_string_array(inputs, "utf-8", who)
    array = np.asarray(inputs)
    if array.dtype.kind == "f":
        return array.astype(np.int64)
    if array.dtype.kind in "iub":
        return array.astype(np.int64)
    raise TypeError(f"{who}: expected strings or integers, received dtype {array.dtype}.")


def reads_text(layer: Any) -> bool:
    """Whether ``layer`` must run on the host in a model: it was called on text (or not called yet).

    A hashing layer called only on numbers can be compiled with the rest of a model (its hash runs
    through ``jax.pure_callback``), so it may follow numeric layers such as ``IntegerLookup``.
    """
    nodes = getattr(layer, "_inbound_nodes", None) or []
    return not nodes or any(is_string_dtype(t.dtype) for node in nodes for t in node.input_tensors)


def is_traced(tree: Any) -> bool:
    """Whether any leaf of ``tree`` is a JAX tracer (the layer is called inside a compiled function)."""
    return any(isinstance(leaf, jax.core.Tracer) for leaf in jax.tree_util.tree_leaves(tree))


class Hashing(HostLayer):
    """Hash strings or integers into ``num_bins`` buckets (integers hash as their decimal text).

    The buckets are those of Keras: FarmHash ``Fingerprint64`` modulo the number of bins, or SipHash-2-4
    keyed by ``salt`` when one is given. With ``mask_value``, that value maps to bucket 0 and the others
    to ``[1, num_bins)``. The layer runs on the host (``host_call``, NumPy); called on traced JAX
    integers inside a compiled function it runs the same hash through ``jax.pure_callback``.

    Args:
        num_bins: the number of buckets (mask bucket included), a positive integer.
        mask_value: a value (string or integer) to map to bucket 0; None (default) for none.
        salt: an int or two ints: the key of the strong hash (SipHash); None uses FarmHash.
        output_mode: ``"int"`` (bucket ids), ``"one_hot"``, ``"multi_hot"`` or ``"count"``.
        sparse: must be False (kerax has no sparse tensors).
        **kwargs: base layer keyword arguments such as ``name`` and ``dtype``; ``dtype`` defaults to
            ``"int64"`` for ``"int"`` output, else ``"float32"``.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.Hashing(num_bins=3)(np.array([["A"], ["B"], ["C"], ["D"], ["E"]]))
        array([[1],
               [0],
               [1],
               [1],
               [2]])
    """

    def __init__(
        self,
        num_bins: int,
        mask_value: Any = None,
        salt: Any = None,
        output_mode: str = "int",
        sparse: bool = False,
        **kwargs: Any,
    ) -> None:
        if kwargs.get("dtype") is None:
            kwargs["dtype"] = "int64" if output_mode == "int" else "float32"
        super().__init__(**kwargs)
        who = f"Hashing '{self.name}'"
        if not isinstance(num_bins, int | np.integer) or isinstance(num_bins, bool) or num_bins <= 0:
            raise ValueError(f"{who}: `num_bins` must be a positive integer, received num_bins={num_bins!r}.")
        self.output_mode = check_output_mode(who, output_mode, ("int", "one_hot", "multi_hot", "count"))
        if self.output_mode == "int" and self.compute_dtype not in ("int32", "int64"):
            raise ValueError(
                f"{who}: with output_mode='int' the dtype must be 'int32' or 'int64', received "
                f"dtype={self.compute_dtype!r}."
            )
        self.sparse = refuse_sparse(who, sparse)
        self.num_bins = int(num_bins)
        self.mask_value = mask_value
        self.salt = check_salt(who, salt)
        self.strong_hash = self.salt is not None

    @property
    def runs_on_host(self) -> bool:  # type: ignore[override]
        return reads_text(self)

    def _hash(self, values: np.ndarray) -> np.ndarray:
        bins = self.num_bins
        mask = None
        if self.mask_value is not None and bins > 1:
            bins -= 1
            mask = values == self.mask_value
        hashed = hash_buckets(values, bins, self.salt)
        if mask is not None:
            hashed = np.where(mask, 0, hashed + 1)
        return hashed

    def host_call(self, inputs: Any) -> np.ndarray:
        """Hash ``inputs`` on the host.

        Args:
            inputs: strings or integers (a scalar, nested lists, a NumPy array); floats are truncated to
                integers first, as in Keras.

        Returns:
            A NumPy array: bucket ids in the layer's integer dtype, or float encodings.
        """
        if is_traced(inputs):
            return self._traced_call(inputs)
        values = host_values(inputs, f"Hashing '{self.name}'")
        return encode_categorical(self._hash(values), self.output_mode, self.num_bins, self.compute_dtype)

    def _traced_call(self, inputs: jax.Array) -> jax.Array:
        shape = tuple(inputs.shape)

        dtype = jax.dtypes.canonicalize_dtype(self.compute_dtype)  # 32 bits unless JAX's x64 mode is on

        def run(values: Any) -> np.ndarray:
            return np.asarray(self.host_call(np.asarray(values)), dtype)

        out_shape = self.compute_output_shape(shape)
        return jax.pure_callback(run, jax.ShapeDtypeStruct(out_shape, dtype), inputs)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return encoded_shape(tuple(input_shape), self.output_mode, self.num_bins)

    def compute_output_spec(self, inputs: Any) -> SymbolicTensor:
        return SymbolicTensor(self.compute_output_shape(tuple(inputs.shape)), self.compute_dtype)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "num_bins": self.num_bins,
            "salt": self.salt,
            "mask_value": self.mask_value,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
        }
