"""``StringLookup``: strings to vocabulary indices (or encodings of them), and back with ``invert``."""

from __future__ import annotations

from typing import Any

import numpy as np

from kerax.backend._symbolic import SymbolicTensor
from kerax.layers._host_layer import HostLayer
from kerax.layers._preprocessing._index_lookup import IndexLookup, to_string_array


class StringLookup(IndexLookup, HostLayer):
    """Map strings to integer indices from a vocabulary (given, read from a file, or learned by ``adapt``).

    Index 0 is the mask token when ``mask_token`` is set (and ``output_mode="int"``), then come
    ``num_oov_indices`` indices for out-of-vocabulary strings (spread by hashing when there are several),
    then the vocabulary. The layer runs on the host, in NumPy (``host_call``): call it on strings, lists of
    strings or NumPy string/bytes/object arrays, in a data pipeline or on a batch; it returns NumPy arrays.

    Args:
        max_tokens: the largest vocabulary size (with the mask and OOV indices) ``adapt`` may learn; None
            for no limit.
        num_oov_indices: how many indices out-of-vocabulary strings share (default 1); 0 makes them an error.
        mask_token: the string that stands for padding (index 0, or dropped in the encoded modes); None
            (default) for none.
        oov_token: the token the OOV indices give back with ``invert=True`` (default ``"[UNK]"``).
        vocabulary: a list, tuple or 1-D array of unique strings, or the path of a text file with one per
            line. It may start with the special tokens (mask, then OOV) in index order.
        idf_weights: with ``output_mode="tf_idf"`` and a ``vocabulary``: one weight per entry.
        invert: map indices back to strings instead.
        output_mode: ``"int"`` (indices), ``"one_hot"``, ``"multi_hot"``, ``"count"`` or ``"tf_idf"``.
        pad_to_max_tokens: in the encoded modes, make the last axis ``max_tokens`` long whatever the
            vocabulary size.
        sparse: must be False (Keras allows True only on TensorFlow).
        encoding: the text encoding of bytes inputs and of the vocabulary file (default ``"utf-8"``).
        name: the layer's name, or ``None`` (default).
        salt: with several OOV indices, the key (an int or two ints) of the strong hash that spreads OOV
            strings; None hashes with FarmHash.
        **kwargs: other base layer keyword arguments such as ``dtype``.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> layer = kerax.layers.StringLookup(vocabulary=["a", "b", "c"])
        >>> layer(np.array([["a", "c"], ["d", "b"]]))  # "d" is out of the vocabulary: index 0
        array([[1, 3],
               [0, 2]], dtype=int32)
        >>> layer.get_vocabulary()
        ['[UNK]', 'a', 'b', 'c']
    """

    def __init__(
        self,
        max_tokens: int | None = None,
        num_oov_indices: int = 1,
        mask_token: str | None = None,
        oov_token: str = "[UNK]",
        vocabulary: Any = None,
        idf_weights: Any = None,
        invert: bool = False,
        output_mode: str = "int",
        pad_to_max_tokens: bool = False,
        sparse: bool = False,
        encoding: str = "utf-8",
        name: str | None = None,
        salt: Any = None,
        **kwargs: Any,
    ) -> None:
        self.encoding = encoding
        kwargs.pop("vocabulary_dtype", None)
        super().__init__(
            max_tokens=max_tokens,
            num_oov_indices=num_oov_indices,
            mask_token=mask_token,
            oov_token=oov_token,
            vocabulary=vocabulary,
            idf_weights=idf_weights,
            invert=invert,
            output_mode=output_mode,
            pad_to_max_tokens=pad_to_max_tokens,
            sparse=sparse,
            name=name,
            salt=salt,
            vocabulary_dtype="string",
            **kwargs,
        )

    def _to_token(self, value: Any) -> str:
        if isinstance(value, bytes):
            return value.decode(self.encoding)
        if isinstance(value, str):
            return value
        raise TypeError(f"expected a string token, received a {type(value).__name__}: {value!r}")

    def _host_tokens(self, data: Any) -> np.ndarray:
        return to_string_array(data, self.encoding, self._who())

    def host_call(self, inputs: Any) -> np.ndarray:
        """Look ``inputs`` up on the host.

        Args:
            inputs: strings (a str, nested lists, a NumPy str/bytes/object array); with ``invert=True``,
                integer indices.

        Returns:
            A NumPy array: int ids, one-hot, multi-hot or count vectors (int64 with JAX's x64 mode, else
            int32, as Keras gives int64), float32 ``tf_idf`` vectors, or with ``invert=True`` an object
            array of str.
        """
        self._ensure_known_vocab_size()
        if self.invert:
            indices = np.asarray(inputs)
            if indices.dtype.kind not in "iu":
                raise TypeError(
                    f"{self._who()}: with invert=True the inputs are integer indices, received dtype {indices.dtype}."
                )
            return self._invert_host(indices)
        return self._encode(self._lookup_host(to_string_array(inputs, self.encoding, self._who())))

    def compute_output_spec(self, inputs: Any) -> SymbolicTensor:
        return SymbolicTensor(self._output_shape(tuple(inputs.shape)), self._output_dtype())

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        del config["vocabulary_dtype"]
        return {**config, "encoding": self.encoding}
