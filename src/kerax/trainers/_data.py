"""Turn what users pass to fit/evaluate/predict into flat lists of arrays, refusing bad data up front."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np


def _as_array(x: Any, what: str) -> np.ndarray:
    if hasattr(x, "numpy") and not isinstance(x, np.ndarray) and not hasattr(x, "__jax_array__"):
        try:
            x = x.numpy()  # torch tensors, tf tensors: without importing either
        except Exception:  # noqa: BLE001 - fall back to the array protocol below
            pass
    try:
        arr = np.asarray(x)
    except Exception as e:  # noqa: BLE001
        raise TypeError(f"{what}: expected an array, received {type(x).__name__}.") from e
    if arr.dtype == object:
        raise TypeError(
            f"{what}: could not turn the data into a numeric array (got dtype=object); check that every "
            "sample has the same shape."
        )
    if arr.dtype == np.float64:
        arr = arr.astype(np.float32)
    elif arr.dtype == np.int64 or arr.dtype == np.uint64:
        arr = arr.astype(np.int32)
    elif arr.dtype == np.bool_:
        arr = arr.astype(np.float32)
    return arr


def flatten_structure(data: Any, names: list[str], what: str) -> list[np.ndarray] | None:
    """One array, a list of arrays, or a dict keyed by ``names`` -> a list aligned with ``names``."""
    if data is None:
        return None
    if isinstance(data, dict):
        missing = [n for n in names if n not in data]
        if missing:
            raise ValueError(
                f"{what}: the dict is missing {missing}. Expected keys: {names}; received keys: {list(data)}."
            )
        extra = [k for k in data if k not in names]
        if extra:
            raise ValueError(f"{what}: unexpected keys {extra}. Expected keys: {names}.")
        return [_as_array(data[n], f"{what}['{n}']") for n in names]
    if isinstance(data, list | tuple) and len(names) == 1 and len(data) == 1 and hasattr(data[0], "shape"):
        return [_as_array(data[0], what)]
    if isinstance(data, list | tuple) and len(names) > 1:
        if len(data) != len(names):
            raise ValueError(
                f"{what}: the model has {len(names)} ({', '.join(names)}), but a list of {len(data)} was given."
            )
        return [_as_array(d, f"{what}[{i}]") for i, d in enumerate(data)]
    if len(names) > 1:
        raise ValueError(
            f"{what}: the model has {len(names)} ({', '.join(names)}): pass a list or a dict keyed by name."
        )
    return [_as_array(data, what)]


@dataclass
class ArrayData:
    """Arrays for one of fit/evaluate/predict: inputs, targets and weights, all of the same length."""

    x: list[np.ndarray]
    y: list[np.ndarray] | None
    sample_weight: np.ndarray | None

    @property
    def num_samples(self) -> int:
        return int(self.x[0].shape[0])

    def slice(self, start: int, stop: int) -> ArrayData:
        return ArrayData(
            [a[start:stop] for a in self.x],
            None if self.y is None else [a[start:stop] for a in self.y],
            None if self.sample_weight is None else self.sample_weight[start:stop],
        )


class ArrayBatches:
    """Arrays served as an iterable of ``(x, y, sample_weight)`` batches, re-shuffled on every pass.

    The trainer feeds per-process data (``auto_shard_dataset=False`` in a multi-process job) this way:
    one step per batch, each batch this process's share of the global one.
    """

    def __init__(self, data: ArrayData, batch_size: int, shuffle: bool, next_seed: Any) -> None:
        self.data = data
        self.batch_size = batch_size
        self.shuffle = shuffle
        self._next_seed = next_seed

    def __iter__(self) -> Iterator[tuple[list[np.ndarray], list[np.ndarray] | None, np.ndarray | None]]:
        n = self.data.num_samples
        order = np.random.default_rng(self._next_seed()).permutation(n) if self.shuffle else np.arange(n)
        for start in range(0, n, self.batch_size):
            idx = order[start : start + self.batch_size]
            ys = None if self.data.y is None else [a[idx] for a in self.data.y]
            sw = None if self.data.sample_weight is None else self.data.sample_weight[idx]
            yield [a[idx] for a in self.data.x], ys, sw


def check_lengths(data: ArrayData, what: str) -> None:
    lengths = {f"x[{i}]": a.shape[0] if a.ndim else None for i, a in enumerate(data.x)}
    if data.y is not None:
        lengths.update({f"y[{i}]": a.shape[0] if a.ndim else None for i, a in enumerate(data.y)})
    if data.sample_weight is not None:
        lengths["sample_weight"] = data.sample_weight.shape[0] if data.sample_weight.ndim else None
    if any(n is None for n in lengths.values()):
        scalar = [k for k, n in lengths.items() if n is None]
        raise ValueError(f"{what}: {scalar} must be arrays with one row per sample, not scalars.")
    if len(set(lengths.values())) > 1:
        detail = ", ".join(f"{k}: {n}" for k, n in lengths.items())
        raise ValueError(
            f"{what}: all inputs, targets and sample weights must have the same number of samples; received {detail}."
        )
    if data.num_samples == 0:
        raise ValueError(f"{what}: the data set is empty (0 samples).")


def is_batch_iterable(x: Any) -> bool:
    """True for generators, data loaders and other iterables of batches (not arrays, lists or dicts)."""
    if x is None or isinstance(x, np.ndarray | list | tuple | dict | str | bytes):
        return False
    if hasattr(x, "shape") and hasattr(x, "dtype"):
        return False
    return isinstance(x, Iterable | Iterator) or hasattr(x, "__next__")


def unpack_batch(batch: Any) -> tuple[Any, Any, Any]:
    """``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)`` -> a triple."""
    if isinstance(batch, tuple | list):
        if not 1 <= len(batch) <= 3:
            raise ValueError(
                f"A batch must be (x,), (x, y) or (x, y, sample_weight); received a {type(batch).__name__} "
                f"of {len(batch)} elements."
            )
        x = batch[0]
        y = batch[1] if len(batch) > 1 else None
        sw = batch[2] if len(batch) > 2 else None
        return x, y, sw
    return batch, None, None
