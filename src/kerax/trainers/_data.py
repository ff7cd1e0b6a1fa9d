"""Turn what users pass to fit/evaluate/predict into flat lists of arrays, refusing bad data up front."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np


def _as_array(x: Any, what: str, text: bool = False) -> np.ndarray:
    if hasattr(x, "numpy") and not isinstance(x, np.ndarray) and not hasattr(x, "__jax_array__"):
        try:
            x = x.numpy()  # torch tensors, tf tensors: without importing either
        except Exception:  # noqa: BLE001 - fall back to the array protocol below
            pass
    try:
        arr = np.asarray(x)
    except Exception as e:  # noqa: BLE001
        raise TypeError(f"{what}: expected an array, received {type(x).__name__}.") from e
    if text:
        return arr  # an input declared with dtype="string": the model's host layers read it
    if arr.dtype.kind in "US" or (arr.dtype == object and arr.size and isinstance(arr.flat[0], str | bytes)):
        raise TypeError(
            f"{what}: received strings (dtype {arr.dtype}); kerax computes on numbers. Map them to integers "
            "first, e.g. `classes, y = np.unique(y, return_inverse=True)`, or with a `StringLookup` layer."
        )
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


def flatten_structure(
    data: Any, names: list[str], what: str, text: frozenset[str] = frozenset()
) -> list[np.ndarray] | None:
    """One array, a list of arrays, or a dict keyed by ``names`` -> a list aligned with ``names``.

    The inputs named in ``text`` may hold strings (a model's ``Input(dtype="string")``).
    """
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
        return [_as_array(data[n], f"{what}['{n}']", n in text) for n in names]
    if isinstance(data, list | tuple) and len(names) == 1 and len(data) == 1 and hasattr(data[0], "shape"):
        return [_as_array(data[0], what, names[0] in text)]
    if isinstance(data, list | tuple) and len(names) > 1:
        if len(data) != len(names):
            raise ValueError(
                f"{what}: the model has {len(names)} ({', '.join(names)}), but a list of {len(data)} was given."
            )
        return [_as_array(d, f"{what}[{i}]", n in text) for i, (d, n) in enumerate(zip(data, names, strict=True))]
    if len(names) > 1:
        raise ValueError(
            f"{what}: the model has {len(names)} ({', '.join(names)}): pass a list or a dict keyed by name."
        )
    return [_as_array(data, what, names[0] in text)]


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


def is_indexed_batches(x: Any) -> bool:
    """True for an object read as ``len(x)`` batches ``x[0] .. x[len(x) - 1]`` (a ``PyDataset``/``Sequence``)."""
    if x is None or isinstance(x, np.ndarray | list | tuple | dict | str | bytes):
        return False
    if hasattr(x, "shape") and hasattr(x, "dtype"):
        return False
    return hasattr(x, "__len__") and hasattr(x, "__getitem__") and not hasattr(x, "__array__")


def is_batch_iterable(x: Any) -> bool:
    """True for generators, data loaders, ``PyDataset``s and other sources of batches (not arrays, lists
    or dicts)."""
    if x is None or isinstance(x, np.ndarray | list | tuple | dict | str | bytes):
        return False
    if hasattr(x, "shape") and hasattr(x, "dtype"):
        return False
    return is_indexed_batches(x) or isinstance(x, Iterable | Iterator) or hasattr(x, "__next__")


class IndexedBatches:
    """A ``PyDataset``-style object (``__len__`` and ``__getitem__``) read as an iterable: one pass is
    ``x[0] .. x[len(x) - 1]``, after which its ``on_epoch_end()`` runs, if it has one."""

    def __init__(self, source: Any) -> None:
        self.source = source

    def __len__(self) -> int:
        return len(self.source)

    def __iter__(self) -> Iterator[Any]:
        n = len(self.source)
        if not isinstance(n, int) or n < 0:
            raise ValueError(f"len() of the {type(self.source).__name__} must be a non-negative int, received {n!r}.")
        for i in range(n):
            try:
                batch = self.source[i]
            except Exception as e:
                raise type(e)(f"{type(self.source).__name__}[{i}] (batch {i} of {n}) raised: {e}") from e
            yield batch
        on_epoch_end = getattr(self.source, "on_epoch_end", None)
        if callable(on_epoch_end):
            on_epoch_end()


def as_batch_iterable(x: Any) -> Any:
    return IndexedBatches(x) if is_indexed_batches(x) else x


class Prefetcher:
    """Reads batches from an iterator on a background thread, ``size`` ahead of the consumer.

    ``close()`` (also on leaving a ``with`` block) stops the thread and waits for it, so that no reader
    outlives the ``fit``/``evaluate``/``predict`` call that started it, whether that call ended normally,
    early (``steps_per_epoch``) or with an error. An exception in the source is raised to the consumer.
    """

    _DONE = object()

    def __init__(self, iterator: Iterator[Any], size: int = 2) -> None:
        self._iterator = iterator
        self._queue: queue.Queue = queue.Queue(maxsize=size)
        self._stop = threading.Event()
        self._finished = False
        self._thread = threading.Thread(target=self._work, name="kerax-prefetch", daemon=True)
        self._thread.start()

    def _offer(self, item: Any) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def _work(self) -> None:
        try:
            for item in self._iterator:
                if not self._offer(item):
                    return
        except BaseException as e:  # noqa: BLE001 - handed to the consumer
            self._offer(_Failure(e))
            return
        self._offer(self._DONE)

    def __iter__(self) -> Prefetcher:
        return self

    def __next__(self) -> Any:
        if self._finished:
            raise StopIteration
        item = self._queue.get()
        if item is self._DONE:
            self._finished = True
            raise StopIteration
        if isinstance(item, _Failure):
            self._finished = True
            raise item.error
        return item

    def close(self) -> None:
        self._stop.set()
        self._finished = True
        while True:  # unblock a worker waiting to put
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break
        if self._thread is not threading.current_thread():
            # A source blocked inside its own next() cannot be interrupted; the daemon thread then ends with it.
            self._thread.join(timeout=5.0)

    def __enter__(self) -> Prefetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Failure:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def unpack_x_y_sample_weight(data: Any) -> tuple[Any, Any, Any]:
    """``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)`` (or a bare ``x``) -> ``(x, y, sample_weight)``.

    Args:
        data: a batch as ``fit`` hands it to ``train_step``.
    """
    return unpack_batch(data)


def pack_x_y_sample_weight(x: Any, y: Any = None, sample_weight: Any = None) -> Any:
    """The inverse of ``unpack_x_y_sample_weight``: ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)``.

    Args:
        x: the inputs.
        y: the targets, or None.
        sample_weight: the sample weights, or None.
    """
    if y is None:
        return (x,) if sample_weight is None else (x, None, sample_weight)
    return (x, y) if sample_weight is None else (x, y, sample_weight)


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
