"""``TextVectorization``: raw text to token ids or bag-of-words vectors, on the host, as Keras does it."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np

from kerax._serialization._serialize import deserialize_keras_object
from kerax.backend._symbolic import SymbolicTensor
from kerax.layers._host_layer import HostLayer
from kerax.layers._preprocessing._index_lookup import (
    int_output_dtype,
    is_batch_iterable,
    iterate_batches,
    to_string_array,
)
from kerax.layers._preprocessing.category_encoding import check_output_mode, refuse_sparse
from kerax.layers._preprocessing.string_lookup import StringLookup

# TensorFlow's ``regex_replace`` pattern in Keras: ASCII punctuation (string.punctuation).
_PUNCTUATION = re.compile(r"[!\"#$%&()*+,\-./:;<=>?@\[\\\]^_`{|}~']")
# ``tf.strings.lower`` without an encoding changes ASCII letters only.
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
# ``tf.strings.split`` with no separator splits on ASCII whitespace and drops empty pieces.
_WHITESPACE = re.compile(r"[ \t\n\v\f\r]+")

Rows = list[list[str]]


def _ngrams(tokens: list[str], widths: tuple[int, ...]) -> list[str]:
    """All n-grams of ``tokens`` joined by a space, for each width in ``widths`` in turn."""
    grams: list[str] = []
    for width in widths:
        grams.extend(" ".join(tokens[i : i + width]) for i in range(len(tokens) - width + 1))
    return grams


class TextVectorization(HostLayer):
    """Turn strings into sequences of token ids, or into multi-hot, count or TF-IDF vectors.

    Each string is standardized (lower-cased, punctuation stripped), split into tokens (on whitespace),
    optionally turned into n-grams, then looked up in a vocabulary learned by ``adapt`` (most frequent
    tokens first) or given. Index 0 is padding (the mask token ``""``) and 1 the out-of-vocabulary token
    ``"[UNK]"``. The layer runs on the host, in NumPy (``host_call``): call it on a batch of strings,
    map it over a Grain dataset, or put it after ``Input(shape=(1,), dtype="string")`` in a model.

    Args:
        max_tokens: the largest vocabulary (padding and OOV included) ``adapt`` may learn; None for no limit.
        standardize: ``"lower_and_strip_punctuation"`` (default), ``"lower"``, ``"strip_punctuation"``,
            None, or a callable taking and returning a NumPy array of strings.
        split: ``"whitespace"`` (default), ``"character"`` (Unicode code points), None (each string is
            one token), or a callable taking a 1-D NumPy array of strings and returning one list of
            tokens per string.
        ngrams: None, an int ``n`` (all 1- to ``n``-grams), or a tuple of n-gram widths.
        output_mode: ``"int"`` (token ids, padded with 0), ``"multi_hot"``, ``"count"``, ``"tf_idf"``,
            or ``"one_hot"`` (only with ``split=None``).
        output_sequence_length: with ``"int"``, pad or truncate every sequence to this length; None pads
            to the longest sequence of the batch.
        pad_to_max_tokens: in the vector modes, make the last axis ``max_tokens`` long.
        vocabulary: a list of tokens, or the path of a text file with one per line.
        idf_weights: with ``"tf_idf"`` and a ``vocabulary``, one weight per entry.
        sparse: must be False (Keras allows True only on TensorFlow).
        ragged: must be False (kerax has no ragged tensors; Keras allows True only on TensorFlow).
        encoding: the text encoding of bytes inputs (default ``"utf-8"``).
        name: the layer's name, or ``None`` (default).
        vocabulary_size: (keyword only) the vocabulary size the outputs were built for, as a saved config
            records it; leave it ``None`` (default).
        has_input_vocabulary: (keyword only) whether the vocabulary was given rather than adapted, as a
            saved config records it; ``None`` (default) for ``vocabulary is not None``.
        **kwargs: other base layer keyword arguments such as ``dtype``.

    Example:
        >>> import numpy as np
        >>> import kerax
        >>> layer = kerax.layers.TextVectorization(output_sequence_length=4)
        >>> layer.adapt(["The cat sat.", "The dog ran!"])
        >>> layer.get_vocabulary()  # by frequency; ties by the larger token first
        ['', '[UNK]', 'the', 'sat', 'ran', 'dog', 'cat']
        >>> layer(["the cat ran"])
        array([[2, 6, 4, 0]], dtype=int32)
    """

    def __init__(
        self,
        max_tokens: int | None = None,
        standardize: str | Callable | None = "lower_and_strip_punctuation",
        split: str | Callable | None = "whitespace",
        ngrams: int | tuple[int, ...] | None = None,
        output_mode: str = "int",
        output_sequence_length: int | None = None,
        pad_to_max_tokens: bool = False,
        vocabulary: Any = None,
        idf_weights: Any = None,
        sparse: bool = False,
        ragged: bool = False,
        encoding: str = "utf-8",
        name: str | None = None,
        *,
        vocabulary_size: int | None = None,
        has_input_vocabulary: bool | None = None,
        **kwargs: Any,
    ) -> None:
        # Both come back from configs, as in Keras: the vocabulary size the outputs were built for, and
        # whether the vocabulary was given (then no ``adapt``).
        if has_input_vocabulary is None:
            has_input_vocabulary = vocabulary is not None
        super().__init__(name=name, **kwargs)
        who = f"TextVectorization '{self.name}'"
        refuse_sparse(who, sparse)
        if ragged:
            raise ValueError(
                f"{who}: `ragged=True` is not supported (kerax has no ragged tensors; Keras allows it only with "
                "the TensorFlow backend). Use output_sequence_length or the default padding instead."
            )
        if not (
            callable(standardize) or standardize in (None, "lower_and_strip_punctuation", "lower", "strip_punctuation")
        ):
            raise ValueError(
                f"{who}: `standardize` must be 'lower_and_strip_punctuation', 'lower', 'strip_punctuation', None "
                f"or a callable, received standardize={standardize!r}."
            )
        if not (callable(split) or split in (None, "whitespace", "character")):
            raise ValueError(
                f"{who}: `split` must be 'whitespace', 'character', None or a callable, received split={split!r}."
            )
        output_mode = check_output_mode(who, output_mode, ("int", "one_hot", "multi_hot", "count", "tf_idf"))
        if not (
            ngrams is None
            or (isinstance(ngrams, int) and not isinstance(ngrams, bool))
            or (isinstance(ngrams, tuple) and all(isinstance(n, int) for n in ngrams))
        ):
            raise ValueError(f"{who}: `ngrams` must be None, an integer or a tuple of integers, received {ngrams!r}.")
        if output_mode == "int" and not (output_sequence_length is None or isinstance(output_sequence_length, int)):
            raise ValueError(
                f"{who}: `output_sequence_length` must be None or an integer, received {output_sequence_length!r}."
            )
        if output_mode != "int" and output_sequence_length is not None:
            raise ValueError(
                f"{who}: `output_sequence_length` may only be set with output_mode='int', received "
                f"output_sequence_length={output_sequence_length} with output_mode={output_mode!r}."
            )
        self._standardize = standardize
        self._split = split
        self._ngrams_arg = ngrams
        self._ngrams = tuple(range(1, ngrams + 1)) if isinstance(ngrams, int) else ngrams
        self._output_mode = output_mode
        self._output_sequence_length = output_sequence_length
        self._encoding = encoding
        self._has_input_vocabulary = has_input_vocabulary
        self._lookup_layer = StringLookup(
            max_tokens=max_tokens,
            vocabulary=vocabulary,
            idf_weights=idf_weights,
            pad_to_max_tokens=pad_to_max_tokens,
            mask_token="",
            output_mode=output_mode,
            sparse=False,
            has_input_vocabulary=has_input_vocabulary,
            encoding=encoding,
            vocabulary_size=vocabulary_size,
        )

    # -- preprocessing ---------------------------------------------------------------------------------
    def _standardized(self, strings: np.ndarray) -> np.ndarray:
        standardize = self._standardize
        if callable(standardize):
            result = standardize(strings.astype(str) if strings.size else np.asarray(strings, dtype=str))
            return to_string_array(np.asarray(result), self._encoding, f"TextVectorization '{self.name}'")
        if standardize is None:
            return strings
        out = np.empty(strings.shape, dtype=object)
        flat_out = out.reshape(-1)
        lower = standardize in ("lower", "lower_and_strip_punctuation")
        strip = standardize in ("strip_punctuation", "lower_and_strip_punctuation")
        for i, text in enumerate(strings.reshape(-1).tolist()):
            if lower:
                text = text.translate(_ASCII_LOWER)
            if strip:
                text = _PUNCTUATION.sub("", text)
            flat_out[i] = text
        return out

    def _split_rows(self, strings: np.ndarray) -> Rows | np.ndarray:
        """Split standardized strings into rows of tokens (a list of lists), or keep them dense (split=None)."""
        who = f"TextVectorization '{self.name}'"
        if self._split is None:
            return strings
        if strings.ndim > 1:
            if strings.shape[-1] != 1:
                raise ValueError(
                    f"{who}: to split strings into tokens the inputs must be 1-D or have a last axis of size 1; "
                    f"received shape {strings.shape}."
                )
            strings = strings.reshape(strings.shape[:-1])
        if strings.ndim > 1:
            raise ValueError(
                f"{who}: expected a batch of strings of shape (batch,) or (batch, 1), received "
                f"shape {strings.shape + (1,)}."
            )
        texts = strings.reshape(-1).tolist()
        if self._split == "whitespace":
            return [[t for t in _WHITESPACE.split(text) if t] for text in texts]
        if self._split == "character":
            return [list(text) for text in texts]
        result = self._split(np.asarray(texts, dtype=str) if texts else np.zeros((0,), str))
        try:
            return [[str(t) for t in (row.tolist() if hasattr(row, "tolist") else row)] for row in result]
        except TypeError as error:
            raise TypeError(f"{who}: a callable `split` must return one sequence of tokens per string.") from error

    def _preprocess(self, inputs: Any) -> tuple[Rows | np.ndarray, bool]:
        """Standardize, split and n-gram; returns the tokens and whether the input was one scalar string."""
        strings = to_string_array(inputs, self._encoding, f"TextVectorization '{self.name}'")
        scalar = strings.ndim == 0
        if scalar:
            strings = strings.reshape(1)
        tokens = self._split_rows(self._standardized(strings))
        if self._ngrams is not None:
            rows = tokens if isinstance(tokens, list) else [list(r) for r in tokens.reshape(len(tokens), -1).tolist()]
            tokens = [_ngrams(row, self._ngrams) for row in rows]
        return tokens, scalar

    # -- vocabulary ------------------------------------------------------------------------------------
    def adapt(self, data: Any, batch_size: int | None = None, steps: int | None = None) -> None:
        """Learn the vocabulary (and idf weights) from text.

        Args:
            data: a list or array of strings (each one document), or an iterable of batches of strings (a
                Grain dataset, a generator; ``(x, y)`` batches use ``x``).
            batch_size: accepted for Keras compatibility (the data are read whole or batch by batch).
            steps: with an iterable of batches, the number of batches to read (default: all).

        Raises:
            ValueError: if the layer was given a vocabulary when it was created.
        """
        self.reset_state()
        if is_batch_iterable(data):
            for batch in iterate_batches(data, steps):
                self.update_state(batch)
        else:
            strings = to_string_array(data, self._encoding, f"TextVectorization '{self.name}'")
            if strings.ndim == 1:
                strings = strings[:, None]
            self.update_state(strings)
        self.finalize_state()

    def update_state(self, data: Any) -> None:
        """Count the tokens of one batch of text."""
        tokens, _ = self._preprocess(data)
        self._lookup_layer.update_state(tokens if isinstance(tokens, list) else tokens)

    def finalize_state(self) -> None:
        """Build the vocabulary from the counted tokens."""
        self._lookup_layer.finalize_state()

    def reset_state(self) -> None:
        """Forget the counted tokens."""
        self._lookup_layer.reset_state()

    def get_vocabulary(self, include_special_tokens: bool = True) -> list[str]:
        """The vocabulary in index order (with ``""`` and ``"[UNK]"`` first unless excluded).

        Args:
            include_special_tokens: whether to include the padding and OOV tokens.

        Returns:
            A list of str.
        """
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def vocabulary_size(self) -> int:
        """The size of the vocabulary, padding and OOV tokens included."""
        return self._lookup_layer.vocabulary_size()

    def set_vocabulary(self, vocabulary: Any, idf_weights: Any = None) -> None:
        """Set the vocabulary (and idf weights for ``"tf_idf"``); see ``StringLookup.set_vocabulary``."""
        self._lookup_layer.set_vocabulary(vocabulary, idf_weights=idf_weights)

    # -- calling ---------------------------------------------------------------------------------------
    def host_call(self, inputs: Any) -> np.ndarray:
        """Vectorize text on the host.

        Args:
            inputs: a batch of strings: a list, a NumPy array of shape ``(batch,)`` or ``(batch, 1)``, or
                one string.

        Returns:
            A NumPy array: int token ids of shape ``(batch, length)`` (int64 with JAX's x64 mode, else
            int32), or float32 vectors of shape ``(batch, vocabulary size)``.
        """
        lookup = self._lookup_layer
        lookup._ensure_known_vocab_size()
        tokens, scalar = self._preprocess(inputs)
        if not isinstance(tokens, list):  # split=None: a dense array of tokens
            ids = lookup.host_call(tokens)
            if self._output_mode == "int" and self._output_sequence_length is not None:
                ids = self._fit_length(ids, self._output_sequence_length)
            return ids[0] if scalar and self._output_mode == "int" else ids
        if self._output_mode == "one_hot":
            raise ValueError(
                f"TextVectorization '{self.name}': output_mode='one_hot' encodes one token per string, so it "
                f"needs split=None; received split={self._split!r}. Use 'multi_hot' or 'count' for split text."
            )
        flat = np.empty(sum(len(r) for r in tokens), dtype=object)
        flat[:] = [t for row in tokens for t in row]
        ids = lookup._lookup_host(flat)
        lengths = [len(r) for r in tokens]
        starts = np.cumsum([0, *lengths])
        if self._output_mode == "int":
            length = self._output_sequence_length
            if length is None:
                length = max(lengths, default=0)
            out = np.zeros((len(tokens), length), int_output_dtype())
            rows = np.repeat(np.arange(len(tokens)), lengths)
            positions = np.arange(len(ids)) - np.repeat(starts[:-1], lengths)
            kept = positions < length  # longer sequences are truncated
            out[rows[kept], positions[kept]] = ids[kept]
            return out[0] if scalar else out
        depth = lookup._depth()
        mode = "count" if self._output_mode == "tf_idf" else self._output_mode
        # Per-row bag of ids: count every (row, id) pair with an id in range, then keep presence for multi_hot.
        row_of = np.repeat(np.arange(len(tokens)), lengths).astype(np.int64)
        kept = (ids >= 0) & (ids < depth)
        counts = np.bincount(row_of[kept] * depth + ids[kept], minlength=len(tokens) * depth)
        rows = counts.reshape(len(tokens), depth)
        if mode == "multi_hot":
            rows = rows > 0
        rows = rows.astype("float32" if self._output_mode == "tf_idf" else int_output_dtype())
        if self._output_mode == "tf_idf":
            rows = rows * lookup._idf_weights[:depth]
        return rows[0] if scalar else rows

    @staticmethod
    def _fit_length(ids: np.ndarray, length: int) -> np.ndarray:
        ids = ids[..., :length]
        if ids.shape[-1] < length:
            pad = [(0, 0)] * (ids.ndim - 1) + [(0, length - ids.shape[-1])]
            ids = np.pad(ids, pad)
        return ids

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        input_shape = tuple(input_shape)
        if self._output_mode == "int":
            if self._split is None:
                shape = input_shape or (1,)
                if self._output_sequence_length is not None:
                    shape = (*shape[:-1], self._output_sequence_length)
                return shape
            return (input_shape[0] if input_shape else None, self._output_sequence_length)
        if self._split is None:
            shape = input_shape if len(input_shape) > 1 else (*input_shape, 1)
        else:
            shape = (*input_shape[:1], None)
        return self._lookup_layer.compute_output_shape(shape)

    def compute_output_spec(self, inputs: Any) -> SymbolicTensor:
        return SymbolicTensor(self.compute_output_shape(tuple(inputs.shape)), self._lookup_layer._output_dtype())

    # -- saving ----------------------------------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        lookup_config = self._lookup_layer.get_config()
        config = {
            "max_tokens": self._lookup_layer.max_tokens,
            "standardize": self._standardize,
            "split": self._split,
            "ngrams": self._ngrams_arg,
            "output_mode": self._output_mode,
            "output_sequence_length": self._output_sequence_length,
            "pad_to_max_tokens": self._lookup_layer.pad_to_max_tokens,
            "sparse": False,
            "ragged": False,
            "vocabulary": lookup_config["vocabulary"],
            "idf_weights": lookup_config["idf_weights"],
            "encoding": self._encoding,
            "vocabulary_size": self.vocabulary_size(),
        }
        if "has_input_vocabulary" in lookup_config:
            config["has_input_vocabulary"] = lookup_config["has_input_vocabulary"]
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> TextVectorization:
        config = dict(config)
        for key in ("standardize", "split"):
            if config.get(key) is not None and not isinstance(config[key], str) and not callable(config[key]):
                config[key] = deserialize_keras_object(config[key])
        if isinstance(config.get("ngrams"), list):
            config["ngrams"] = tuple(config["ngrams"])
        return cls(**config)

    def save_own_variables(self, store: dict[str, Any]) -> None:
        """Save the idf weights of a ``"tf_idf"`` layer (key ``"idf_weights"``)."""
        self._lookup_layer.save_own_variables(store)

    def load_own_variables(self, store: dict[str, Any]) -> None:
        """Restore the idf weights saved by ``save_own_variables``."""
        self._lookup_layer.load_own_variables(store)

    def load_assets(self, dir_path: str | None) -> None:
        """Read the vocabulary Keras saves beside an adapted layer (``vocabulary.txt``), when the config has none.

        Args:
            dir_path: the folder of this layer's assets in a ``.keras`` file, or None if it has none.
        """
        self._lookup_layer.load_assets(dir_path)
