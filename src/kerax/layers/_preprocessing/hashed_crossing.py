"""``HashedCrossing``: cross categorical features (strings or integers) into hash buckets, as Keras does."""

from __future__ import annotations

from typing import Any

import jax
import numpy as np

from kerax.backend._dtypes import is_string_array
from kerax.backend._symbolic import SymbolicTensor
from kerax.layers._host_layer import HostLayer
from kerax.layers._preprocessing import _hashes
from kerax.layers._preprocessing._index_lookup import to_string_array
from kerax.layers._preprocessing.category_encoding import (
    check_output_mode,
    encode_categorical,
    encoded_shape,
    refuse_sparse,
)
from kerax.layers._preprocessing.hashing import is_traced, reads_text


class HashedCrossing(HostLayer):
    """Cross two or more categorical features: each row's combination hashes to one of ``num_bins`` bins.

    The bins are those of Keras (``tf.sparse.cross_hashed``): strings enter as their FarmHash fingerprint,
    integers as their value, combined in input order by ``FingerprintCat64`` from TensorFlow's seed. The
    layer runs on the host (``host_call``, NumPy).

    Args:
        num_bins: the number of hash bins.
        output_mode: ``"int"`` (bin ids) or ``"one_hot"``.
        sparse: must be False (kerax has no sparse tensors).
        name: the layer's name, or ``None`` (default).
        dtype: the output dtype, or ``None`` (default) for ``"int64"`` with ``"int"`` output, else the float
            policy.
        **kwargs: other base layer keyword arguments such as ``trainable``.

    Input shape:
        A list or tuple of inputs, all of shape ``()``, ``(batch,)`` or ``(batch, 1)``.

    Output shape:
        The same shape (``"int"``) or that shape with a last axis of ``num_bins`` (``"one_hot"``).

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> kerax.layers.HashedCrossing(num_bins=5)((np.array([1, 2]), np.array(["A", "B"])))
        array([2, 3])
    """

    def __init__(
        self,
        num_bins: int,
        output_mode: str = "int",
        sparse: bool = False,
        name: str | None = None,
        dtype: Any = None,
        **kwargs: Any,
    ) -> None:
        if output_mode == "int" and dtype is None:
            dtype = "int64"
        super().__init__(name=name, dtype=dtype, **kwargs)
        who = f"HashedCrossing '{self.name}'"
        if not isinstance(num_bins, int | np.integer) or isinstance(num_bins, bool) or num_bins <= 0:
            raise ValueError(f"{who}: `num_bins` must be a positive integer, received num_bins={num_bins!r}.")
        self.sparse = refuse_sparse(who, sparse)
        self.output_mode = check_output_mode(who, output_mode, ("int", "one_hot"))
        self.num_bins = int(num_bins)

    @property
    def runs_on_host(self) -> bool:  # type: ignore[override]
        return reads_text(self)

    def _check_inputs(self, inputs: Any) -> None:
        who = f"HashedCrossing '{self.name}'"
        if not isinstance(inputs, list | tuple):
            raise ValueError(f"{who}: expected a list or tuple of inputs, received a {type(inputs).__name__}.")
        if len(inputs) < 2:
            raise ValueError(f"{who}: expected at least two inputs to cross, received {len(inputs)}.")

    def _check_shapes(self, shapes: list[tuple]) -> None:
        who = f"HashedCrossing '{self.name}'"
        first = shapes[0]
        if len(first) > 2 or (len(first) == 2 and first[-1] != 1):
            raise ValueError(f"{who}: every input must have shape (), (batch,) or (batch, 1); received shape {first}.")
        if any(tuple(s) != tuple(first) for s in shapes[1:]):
            raise ValueError(f"{who}: every input must have the same shape; received shapes {shapes}.")

    def _features(self, value: Any) -> np.ndarray:
        """One input as the per-element features of the cross: fingerprints of strings, int64 values."""
        who = f"HashedCrossing '{self.name}'"
        if is_string_array(value):
            return _hashes.hash_array(to_string_array(value, "utf-8", who), _hashes.fingerprint64)
        array = np.asarray(value)
        if array.dtype.kind not in "iu":
            raise ValueError(f"{who}: every input must have an integer or string dtype, received {array.dtype}.")
        return array.astype(np.int64).astype(np.uint64)

    def host_call(self, inputs: Any) -> np.ndarray:
        """Cross ``inputs`` on the host.

        Args:
            inputs: a list or tuple of at least two arrays (or lists) of strings or integers, all of shape
                ``()``, ``(batch,)`` or ``(batch, 1)``.

        Returns:
            A NumPy array of bin ids (``"int"``) or one-hot vectors.
        """
        self._check_inputs(inputs)
        if is_traced(inputs):
            return self._traced_call(inputs)
        features = [self._features(x) for x in inputs]
        self._check_shapes([f.shape for f in features])
        shape = features[0].shape
        columns = [f.reshape(-1).tolist() for f in features]
        crossed = np.fromiter(
            (_hashes.cross_fingerprint(list(row)) % self.num_bins for row in zip(*columns, strict=True)),
            np.int64,
            len(columns[0]),
        ).reshape(shape)
        return encode_categorical(crossed, self.output_mode, self.num_bins, self.compute_dtype)

    def _traced_call(self, inputs: Any) -> jax.Array:
        out_shape = self.compute_output_shape([tuple(x.shape) for x in inputs])
        dtype = jax.dtypes.canonicalize_dtype(self.compute_dtype)  # 32 bits unless JAX's x64 mode is on

        def run(*values: Any) -> np.ndarray:
            return np.asarray(self.host_call([np.asarray(v) for v in values]), dtype)

        return jax.pure_callback(run, jax.ShapeDtypeStruct(out_shape, dtype), *inputs)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shapes = [tuple(s) for s in input_shape]
        if len(shapes) < 2:
            raise ValueError(
                f"HashedCrossing '{self.name}': expected the shapes of at least two inputs, received {input_shape}."
            )
        self._check_shapes(shapes)
        return encoded_shape(shapes[0], self.output_mode, self.num_bins)

    def compute_output_spec(self, inputs: Any) -> SymbolicTensor:
        self._check_inputs(inputs)
        return SymbolicTensor(self.compute_output_shape([tuple(x.shape) for x in inputs]), self.compute_dtype)

    def get_config(self) -> dict[str, Any]:
        return {
            "num_bins": self.num_bins,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
            "name": self.name,
            "dtype": self.variable_dtype,
        }
