"""The vocabulary machinery shared by ``StringLookup``, ``IntegerLookup`` and ``TextVectorization``.

A vocabulary maps tokens to indices: index 0 is the mask token (when there is one and the output is
``"int"``), then ``num_oov_indices`` out-of-vocabulary indices, then the tokens. ``adapt`` counts tokens
and keeps the most frequent ones (ties broken by the larger token first, as Keras orders them), and for
``"tf_idf"`` computes inverse document frequencies ``log(1 + documents / (1 + documents_with_token))``.
"""

from __future__ import annotations

import collections
import os
from collections.abc import Iterable
from typing import Any

import jax
import numpy as np

from kerax.layers._layer import Layer
from kerax.layers._preprocessing import _hashes
from kerax.layers._preprocessing.category_encoding import (
    check_output_mode,
    encode_categorical,
    encoded_shape,
    refuse_sparse,
)

LOOKUP_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")
_MASKED = -2  # the id a masked token gets in the encoded modes: outside every vocabulary, so it is dropped


def int_output_dtype() -> str:
    """The dtype of integer ids: ``int64`` as in Keras when JAX's x64 mode is on, else ``int32``."""
    return "int64" if jax.config.jax_enable_x64 else "int32"


def to_string_array(inputs: Any, encoding: str = "utf-8", who: str = "layer") -> np.ndarray:
    """Host text (a str, bytes, nested lists of them, a NumPy str/bytes/object array) as an object array of str.

    Args:
        inputs: the text.
        encoding: the encoding of ``bytes`` elements.
        who: the caller, for error messages.

    Returns:
        A NumPy array of dtype object holding Python ``str``.

    Raises:
        TypeError: if an element is not text.
    """
    if hasattr(inputs, "numpy") and not isinstance(inputs, np.ndarray):
        inputs = inputs.numpy()
    array = np.asarray(inputs, dtype=object) if not isinstance(inputs, np.ndarray) else inputs
    if array.dtype.kind == "U":
        return array.astype(object)
    if array.dtype.kind == "S":
        return (
            np.vectorize(lambda b: b.decode(encoding), otypes=[object])(array) if array.size else array.astype(object)
        )
    if array.dtype.kind != "O":
        raise TypeError(f"{who}: expected text (str or bytes), received an array of dtype {array.dtype}.")
    out = np.empty(array.shape, dtype=object)
    flat_in, flat_out = array.reshape(-1), out.reshape(-1)
    for i, value in enumerate(flat_in.tolist()):
        if isinstance(value, bytes):
            value = value.decode(encoding)
        elif not isinstance(value, str):
            raise TypeError(f"{who}: expected text (str or bytes), received an element of type {type(value).__name__}.")
        flat_out[i] = value
    return out


def hash_buckets(values: np.ndarray, num_buckets: int, salt: list[int] | None, encoding: str = "utf-8") -> np.ndarray:
    """TensorFlow's ``to_hash_bucket_fast`` (or ``_strong`` with ``salt``) of text or integer values.

    Args:
        values: an array of str, bytes or integers (integers hash as their decimal text).
        num_buckets: the number of buckets.
        salt: the two 64-bit key words of the strong hash, or None for FarmHash.
        encoding: the encoding of ``str`` elements.

    Returns:
        An int64 array of buckets, of the shape of ``values``.
    """
    if salt is None:
        hashed = _hashes.hash_array(values, _hashes.fingerprint64, encoding)
    else:
        key = (int(salt[0]), int(salt[1]))
        hashed = _hashes.hash_array(values, lambda b: _hashes.siphash24(key, b), encoding)
    return (hashed % np.uint64(num_buckets)).astype(np.int64)


def check_salt(who: str, salt: Any) -> list[int] | None:
    """``salt`` as Keras stores it: None, or a list of two ints (one int is used twice)."""
    if salt is None:
        return None
    if isinstance(salt, tuple | list) and len(salt) == 2 and all(isinstance(s, int | np.integer) for s in salt):
        return [int(s) for s in salt]
    if isinstance(salt, int | np.integer) and not isinstance(salt, bool):
        return [int(salt), int(salt)]
    raise ValueError(f"{who}: `salt` must be an integer or a tuple of 2 integers, received salt={salt!r}.")


def is_batch_iterable(data: Any) -> bool:
    """Whether ``adapt`` should read ``data`` batch by batch (not an array, list, tuple or string)."""
    return hasattr(data, "__iter__") and not isinstance(data, list | tuple | np.ndarray | jax.Array | str | bytes)


class IndexLookup(Layer):
    """The shared base of the lookup layers: a vocabulary of tokens and the encodings of their indices.

    Subclasses fix the token type (``vocabulary_dtype``) and convert inputs; the arguments are those of
    ``StringLookup`` and ``IntegerLookup``, which document them.
    """

    def __init__(
        self,
        max_tokens: int | None,
        num_oov_indices: int,
        mask_token: Any,
        oov_token: Any,
        vocabulary_dtype: str,
        vocabulary: Any = None,
        idf_weights: Any = None,
        invert: bool = False,
        output_mode: str = "int",
        sparse: bool = False,
        pad_to_max_tokens: bool = False,
        oov_method: str = "floormod",
        name: str | None = None,
        salt: Any = None,
        *,
        vocabulary_size: int | None = None,
        has_input_vocabulary: bool | None = None,
        **kwargs: Any,
    ) -> None:
        # ``vocabulary_size`` and ``has_input_vocabulary`` come back from configs (as in Keras): the size
        # the encoded outputs were built for, and whether the vocabulary was given (then no ``adapt``).
        frozen_vocab_size = vocabulary_size
        if has_input_vocabulary is None:
            has_input_vocabulary = vocabulary is not None
        kwargs.pop("dtype", None)  # the lookups compute in their vocabulary's dtype
        super().__init__(name=name, **kwargs)
        who = self._who()
        if max_tokens is not None and (not isinstance(max_tokens, int | np.integer) or max_tokens <= 1):
            raise ValueError(
                f"{who}: `max_tokens` must be an integer greater than 1, received max_tokens={max_tokens!r}."
            )
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError(f"{who}: `pad_to_max_tokens=True` needs `max_tokens` to be set, received max_tokens=None.")
        if not isinstance(num_oov_indices, int | np.integer) or num_oov_indices < 0:
            raise ValueError(
                f"{who}: `num_oov_indices` must be an integer >= 0, received num_oov_indices={num_oov_indices!r}."
            )
        if oov_method not in ("floormod", "farmhash"):
            raise ValueError(
                f"{who}: `oov_method` must be 'floormod' or 'farmhash', received oov_method={oov_method!r}."
            )
        if salt is not None and vocabulary_dtype == "int64" and oov_method != "farmhash":
            raise ValueError(f"{who}: `salt` can only be used with oov_method='farmhash', received {oov_method!r}.")
        salt = check_salt(who, salt)
        output_mode = check_output_mode(who, output_mode, LOOKUP_MODES)
        if invert and output_mode != "int":
            raise ValueError(f"{who}: `invert=True` needs output_mode='int', received output_mode={output_mode!r}.")
        refuse_sparse(who, sparse)
        if idf_weights is not None and output_mode != "tf_idf":
            raise ValueError(
                f"{who}: `idf_weights` may only be given when output_mode='tf_idf', received "
                f"output_mode={output_mode!r}."
            )
        self.invert = bool(invert)
        self.max_tokens = None if max_tokens is None else int(max_tokens)
        self.num_oov_indices = int(num_oov_indices)
        self.mask_token = mask_token
        self.oov_token = oov_token
        self.output_mode = output_mode
        self.sparse = False
        self.pad_to_max_tokens = bool(pad_to_max_tokens)
        self.vocabulary_dtype = vocabulary_dtype
        self.oov_method = oov_method
        self.salt = salt
        self._frozen_vocab_size = frozen_vocab_size
        self.input_vocabulary = vocabulary if not isinstance(vocabulary, str) else None
        self.input_idf_weights = idf_weights
        self._has_input_vocabulary = bool(has_input_vocabulary)
        self._tokens: list[Any] = []  # the learned tokens, in index order (after the special indices)
        self._token_index: dict[Any, int] = {}
        self._idf_weights: np.ndarray | None = None
        if output_mode == "tf_idf" and self._has_input_vocabulary and idf_weights is None:
            raise ValueError(f"{who}: with output_mode='tf_idf', a `vocabulary` needs `idf_weights` as well.")
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)
        self.reset_state()

    # -- naming and indices ----------------------------------------------------------------------------
    def _who(self) -> str:
        return f"{type(self).__name__} '{self.name}'"

    def _oov_start_index(self) -> int:
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start_index(self) -> int:
        return self._oov_start_index() + self.num_oov_indices

    def _to_token(self, value: Any) -> Any:
        """A vocabulary entry as the layer's token type."""
        return value

    # -- vocabulary ------------------------------------------------------------------------------------
    def vocabulary_size(self) -> int:
        """The size of the vocabulary, counting the mask and OOV indices."""
        return len(self._tokens) + self._token_start_index()

    def get_vocabulary(self, include_special_tokens: bool = True) -> list[Any]:
        """The vocabulary, in index order.

        Args:
            include_special_tokens: if True (default), include the mask and OOV tokens, so that a token's
                position is its index; if False, only the learned or given tokens.

        Returns:
            A list of tokens.
        """
        vocab = [self.oov_token] * self._token_start_index() + list(self._tokens)
        if self.mask_token is not None and self.output_mode == "int":
            vocab[0] = self.mask_token
        if not include_special_tokens:
            vocab = vocab[self._token_start_index() :]
        return vocab

    def _read_vocabulary_file(self, path: str) -> list[Any]:
        who = self._who()
        if not os.path.isfile(path):
            raise ValueError(f"{who}: the vocabulary file {path!r} does not exist.")
        with open(path, encoding=getattr(self, "encoding", "utf-8")) as f:
            lines = f.read().splitlines()
        while lines and lines[-1] == "":
            lines.pop()
        try:
            return [self._to_token(line) for line in lines]
        except ValueError as error:
            raise ValueError(
                f"{who}: the vocabulary file {path!r} holds a line that is not a token: {error}"
            ) from error

    def set_vocabulary(self, vocabulary: Any, idf_weights: Any = None) -> None:
        """Set the vocabulary (and, for ``"tf_idf"``, the idf weights), replacing any present.

        Args:
            vocabulary: a list, tuple or 1-D array of unique tokens, or the path of a text file with one
                token per line. It may start with the special tokens (mask, then OOV) in index order.
            idf_weights: for ``output_mode="tf_idf"`` (and only then), one weight per vocabulary entry.

        Raises:
            ValueError: for an empty vocabulary, repeated tokens, special tokens out of place, a vocabulary
                larger than ``max_tokens``, or missing or mismatched ``idf_weights``.
        """
        who = self._who()
        if self.output_mode == "tf_idf":
            if idf_weights is None:
                raise ValueError(f"{who}: `idf_weights` must be given with the vocabulary when output_mode='tf_idf'.")
        elif idf_weights is not None:
            raise ValueError(
                f"{who}: `idf_weights` may only be given when output_mode='tf_idf', received "
                f"output_mode={self.output_mode!r}."
            )
        if isinstance(vocabulary, str | os.PathLike):
            if self.output_mode == "tf_idf":
                raise ValueError(f"{who}: output_mode='tf_idf' cannot read its vocabulary from a file.")
            tokens = self._read_vocabulary_file(os.fspath(vocabulary))
            self._check_tokens(tokens, tokens)
            self._install(tokens)
            return
        if hasattr(vocabulary, "tolist"):
            vocabulary = vocabulary.tolist()
        if not isinstance(vocabulary, list | tuple):
            raise TypeError(
                f"{who}: `vocabulary` must be a list, tuple or 1-D array of tokens or a file path, received a "
                f"{type(vocabulary).__name__}."
            )
        try:
            vocabulary = [self._to_token(v) for v in vocabulary]
        except (TypeError, ValueError) as error:
            raise TypeError(f"{who}: `vocabulary` holds an entry of the wrong type: {error}") from error
        if not vocabulary:
            raise ValueError(f"{who}: cannot set an empty vocabulary.")
        token_start = self._token_start_index()
        tokens, special = self._without_special_tokens(vocabulary)
        found_special = len(tokens) != len(vocabulary)
        self._check_tokens(tokens, vocabulary, special)
        if self.max_tokens is not None and token_start + len(tokens) > self.max_tokens:
            raise ValueError(
                f"{who}: the vocabulary has {token_start + len(tokens)} entries (with the special ones), more "
                f"than max_tokens={self.max_tokens}."
            )
        weights = None
        if self.output_mode == "tf_idf":
            weights = np.asarray(idf_weights.tolist() if hasattr(idf_weights, "tolist") else idf_weights, np.float64)
            if weights.ndim != 1:
                raise ValueError(f"{who}: `idf_weights` must be 1-D, received shape {weights.shape}.")
            if len(weights) != len(vocabulary):
                raise ValueError(
                    f"{who}: `idf_weights` must have one weight per vocabulary entry; received "
                    f"{len(weights)} weights for {len(vocabulary)} entries."
                )
            front = 0 if found_special else token_start
            front_value = 0.0 if found_special else float(np.average(weights))
            back = self.max_tokens - front - len(weights) if self.pad_to_max_tokens else 0
            weights = np.concatenate([np.full(front, front_value), weights, np.zeros(max(back, 0))]).astype("float32")
        self._install(tokens)
        if weights is not None:
            self._idf_weights = weights

    def _check_tokens(self, tokens: list[Any], vocabulary: list[Any], special: list[Any] | None = None) -> None:
        who = self._who()
        counts = collections.Counter(tokens)
        repeated = [t for t, c in counts.items() if c > 1]
        if repeated:
            raise ValueError(f"{who}: the vocabulary repeats the token(s) {repeated}; each token must appear once.")
        if self.mask_token is not None and self.mask_token in counts:
            raise ValueError(
                f"{who}: the mask token {self.mask_token!r} appears in the vocabulary at index "
                f"{len(vocabulary) - 1 - vocabulary[::-1].index(self.mask_token)}. Leave the mask and OOV tokens "
                f"out of `vocabulary`, or put them only at its start in this order: {special}."
            )
        if self.oov_token is not None and self.invert and self.oov_token in counts:
            raise ValueError(
                f"{who}: the OOV token {self.oov_token!r} appears in the vocabulary at index "
                f"{len(vocabulary) - 1 - vocabulary[::-1].index(self.oov_token)}. Leave the mask and OOV tokens "
                f"out of `vocabulary`, or put them only at its start in this order: {special}."
            )

    def _without_special_tokens(self, vocabulary: list[Any]) -> tuple[list[Any], list[Any]]:
        """The tokens of ``vocabulary`` without its leading special tokens (mask, then OOV), if it has them."""
        special = [self.mask_token] * self._oov_start_index() + [self.oov_token] * self.num_oov_indices
        if vocabulary[: self._token_start_index()] == special:
            return vocabulary[self._token_start_index() :], special
        return vocabulary, special

    def load_assets(self, dir_path: str | None) -> None:
        """Read the vocabulary Keras saves beside an adapted layer (``vocabulary.txt``), when the config has none.

        Args:
            dir_path: the folder of this layer's assets in a ``.keras`` file, or None if it has none.
        """
        if dir_path is None or self._has_input_vocabulary or self._tokens:
            return
        path = os.path.join(dir_path, "vocabulary.txt")
        if not os.path.isfile(path):
            return
        vocabulary = self._read_vocabulary_file(path)
        tokens, special = self._without_special_tokens(vocabulary)
        self._check_tokens(tokens, vocabulary, special)
        self._install(tokens)

    def _install(self, tokens: list[Any]) -> None:
        """Make ``tokens`` the vocabulary (after the special indices) and record its size."""
        start = self._token_start_index()
        new_size = start + len(tokens)
        if (
            self.output_mode != "int"
            and not self.pad_to_max_tokens
            and self._frozen_vocab_size is not None
            and new_size != self._frozen_vocab_size
        ):
            raise ValueError(
                f"{self._who()}: with output_mode={self.output_mode!r} and pad_to_max_tokens=False the "
                f"vocabulary size cannot change once set (its outputs have that size): it was "
                f"{self._frozen_vocab_size}, the new vocabulary has {new_size}."
            )
        self._tokens = list(tokens)
        self._token_index = {t: start + i for i, t in enumerate(self._tokens)}
        self._frozen_vocab_size = new_size
        self._lookup_arrays_cache = None

    # -- adapt -----------------------------------------------------------------------------------------
    def reset_state(self) -> None:
        """Forget the token counts gathered by ``update_state``."""
        self._token_counts: collections.Counter = collections.Counter()
        self._document_counts: collections.Counter = collections.Counter()
        self._num_documents = 0

    def _host_tokens(self, data: Any) -> np.ndarray:
        """One batch of ``adapt`` data as a NumPy array of tokens (subclasses convert)."""
        return np.asarray(data)

    def adapt(self, data: Any, steps: int | None = None) -> None:
        """Learn the vocabulary (and idf weights) from ``data``: the most frequent tokens first.

        Args:
            data: an array or (nested) list of tokens, each row one document; or an iterable of batches
                (a Grain dataset, a generator, any iterable that is not a list or tuple), each batch one
                document if it is 1-D, else one document per row. ``(x, y)`` batches use ``x``.
            steps: with an iterable of batches, the number of batches to read (default: all).

        Raises:
            ValueError: if the layer was given a vocabulary when it was created.
        """
        self.reset_state()
        if is_batch_iterable(data):
            for batch in iterate_batches(data, steps):
                self.update_state(batch)
        else:
            array = self._host_tokens(data)
            if array.ndim == 1:
                array = array[:, None]
            self.update_state(array)
        self.finalize_state()

    def _rows(self, data: Any) -> list[list[Any]]:
        """A batch as its documents (rows of tokens): ragged lists pass through, arrays are read by row."""
        if isinstance(data, list) and data and all(isinstance(r, list) for r in data):
            return [[self._to_token(t) for t in r] for r in data]
        array = self._host_tokens(data)
        if array.ndim == 0:
            array = array[None]
        if array.ndim == 1:
            array = array[None]
        return [row.reshape(-1).tolist() for row in array]

    def update_state(self, data: Any) -> None:
        """Count the tokens of one batch of documents.

        Args:
            data: an array or list of tokens; a 1-D batch is one document, a 2-D one a document per row.

        Raises:
            ValueError: if the layer was given a vocabulary when it was created.
        """
        if self._has_input_vocabulary:
            raise ValueError(
                f"{self._who()}: cannot adapt a layer given a fixed vocabulary (the `vocabulary` argument)."
            )
        rows = self._rows(data)
        for row in rows:
            self._token_counts.update(row)
        if self.output_mode == "tf_idf":
            for row in rows:
                self._document_counts.update(set(row))
            self._num_documents += len(rows)

    def finalize_state(self) -> None:
        """Build the vocabulary from the counted tokens (the most frequent first) and compute idf weights."""
        if self._has_input_vocabulary or not self._token_counts:
            return
        counts = dict(self._token_counts)
        counts.pop(self.mask_token, None)
        counts.pop(self.oov_token, None)
        tokens = sorted(counts, key=lambda t: (counts[t], t), reverse=True)
        token_start = self._token_start_index()
        if self.max_tokens:
            tokens = tokens[: self.max_tokens - token_start]
        self._install(tokens)
        if self.output_mode == "tf_idf":
            documents = np.array([self._document_counts[t] for t in tokens], np.float64)
            idf = np.log(1 + self._num_documents / (1 + documents)).astype("float32")
            front = np.full(token_start, np.mean(idf, dtype=np.float32) if idf.size else 0.0, "float32")
            back_size = self.max_tokens - token_start - idf.size if self.pad_to_max_tokens else 0
            self._idf_weights = np.concatenate([front, idf, np.zeros(back_size, "float32")])
        self.reset_state()

    # -- lookups ---------------------------------------------------------------------------------------
    def _depth(self) -> int:
        return self.max_tokens if self.pad_to_max_tokens else self._frozen_vocab_size

    def _ensure_known_vocab_size(self) -> None:
        if self.output_mode == "int" or self.pad_to_max_tokens:
            return
        if self._frozen_vocab_size is None:
            raise ValueError(
                f"{self._who()}: with output_mode={self.output_mode!r} and pad_to_max_tokens=False, set the "
                "vocabulary before calling the layer: pass `vocabulary`, or call `adapt` on sample data."
            )

    def _hash_oov(self, values: np.ndarray) -> np.ndarray:
        """The OOV bucket (in ``[0, num_oov_indices)``) of each value, as Keras hashes it."""
        return hash_buckets(values, self.num_oov_indices, self.salt, getattr(self, "encoding", "utf-8"))

    def _lookup_host(self, values: np.ndarray) -> np.ndarray:
        """Token -> index on the host (NumPy), with the mask and OOV rules; returns an int64 array."""
        flat = values.reshape(-1)
        get = self._token_index.get
        lookups = np.fromiter((get(u, -1) for u in flat.tolist()), np.int64, flat.size)
        if self.mask_token is not None:
            lookups[flat == self.mask_token] = 0 if self.output_mode == "int" else _MASKED
        missing = lookups == -1
        if missing.any():
            if self.num_oov_indices == 0:
                raise ValueError(
                    f"{self._who()}: with num_oov_indices=0 every input must be in the vocabulary; found the "
                    f"out-of-vocabulary value(s) {np.unique(flat[missing]).tolist()[:10]}. Consider "
                    "num_oov_indices=1."
                )
            if self.num_oov_indices == 1:
                lookups[missing] = self._oov_start_index()
            else:
                lookups[missing] = self._oov_indices_host(flat[missing]) + self._oov_start_index()
        return lookups.reshape(values.shape)

    def _oov_indices_host(self, values: np.ndarray) -> np.ndarray:
        return self._hash_oov(values)

    def _invert_host(self, indices: np.ndarray) -> np.ndarray:
        """Index -> token on the host: unknown indices give the OOV token, 0 the mask token."""
        table = np.empty(len(self._tokens), dtype=object)
        table[:] = self._tokens
        start = self._token_start_index()
        flat = np.asarray(indices).reshape(-1).astype(np.int64)
        valid = (flat >= start) & (flat < start + len(self._tokens))
        out = np.full(flat.shape, self.oov_token, dtype=object)
        out[valid] = table[flat[valid] - start]
        if self.mask_token is not None:
            out[flat == 0] = self.mask_token
        return out.reshape(np.shape(indices))

    def _encode(self, lookups: Any) -> Any:
        """Ids -> the output encoding: NumPy ids on the host, or JAX ids in a traced call (of the same kind)."""
        if self.output_mode == "int":
            return lookups.astype(int_output_dtype())
        depth = self._depth()
        if self.output_mode == "tf_idf":
            counts = encode_categorical(lookups, "count", depth, "float32")
            return counts * self._idf_weights[:depth]
        return encode_categorical(lookups, self.output_mode, depth, int_output_dtype())

    def _output_dtype(self) -> str:
        """The dtype of the outputs: Keras's lookups give integer ids and counts, and float ``tf_idf``."""
        if self.invert:
            return "string" if self.vocabulary_dtype == "string" else int_output_dtype()
        return "float32" if self.output_mode == "tf_idf" else int_output_dtype()

    def _output_shape(self, input_shape: tuple) -> tuple:
        if self.output_mode == "int":
            return tuple(input_shape)
        mode = "count" if self.output_mode == "tf_idf" else self.output_mode
        return encoded_shape(input_shape, mode, self._depth())

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return self._output_shape(input_shape)

    def build(self, input_shape: Any = None) -> None:
        self.built = True

    def get_build_config(self) -> dict[str, Any]:
        return {}

    def build_from_config(self, config: dict[str, Any]) -> None:
        self.build(None)

    # -- saving ----------------------------------------------------------------------------------------
    def _config_vocabulary(self) -> Any:
        return self.input_vocabulary.tolist() if hasattr(self.input_vocabulary, "tolist") else self.input_vocabulary

    def get_config(self) -> dict[str, Any]:
        idf = self.input_idf_weights
        config: dict[str, Any] = {
            "invert": self.invert,
            "max_tokens": self.max_tokens,
            "num_oov_indices": self.num_oov_indices,
            "oov_token": self.oov_token,
            "mask_token": self.mask_token,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
            "pad_to_max_tokens": self.pad_to_max_tokens,
            "vocabulary_dtype": self.vocabulary_dtype,
            "idf_weights": idf.tolist() if hasattr(idf, "tolist") else idf,
            "vocabulary": self._config_vocabulary(),
            "vocabulary_size": self._frozen_vocab_size,
            "oov_method": self.oov_method,
            "salt": self.salt,
        }
        if config["vocabulary"] is None and self._tokens:
            # An adapted vocabulary (or one read from a file), which Keras saves as an asset file, travels
            # in the config here; the layer built from it may be adapted again.
            config["vocabulary"] = self.get_vocabulary(include_special_tokens=True)
            config["has_input_vocabulary"] = False
            if self.output_mode == "tf_idf" and self._idf_weights is not None:
                config["idf_weights"] = self._idf_weights[: len(config["vocabulary"])].tolist()
        return {**super().get_config(), **config}

    def save_own_variables(self, store: dict[str, Any]) -> None:
        """Save the idf weights (key ``"idf_weights"``) of a ``"tf_idf"`` layer."""
        if self.output_mode == "tf_idf" and self._idf_weights is not None:
            store["idf_weights"] = np.asarray(self._idf_weights)

    def load_own_variables(self, store: dict[str, Any]) -> None:
        """Restore the idf weights saved by ``save_own_variables``."""
        if self.output_mode == "tf_idf" and "idf_weights" in store:
            self._idf_weights = np.asarray(store["idf_weights"], "float32")


def iterate_batches(data: Iterable[Any], steps: int | None) -> Iterable[Any]:
    """The first ``steps`` batches of ``data`` (all when None), with ``(x, y)`` batches reduced to ``x``."""
    for i, batch in enumerate(data):
        if steps is not None and i >= steps:
            return
        yield batch[0] if isinstance(batch, tuple) else batch
