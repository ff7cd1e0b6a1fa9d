"""Turn what users pass to fit/evaluate/predict into flat lists of arrays, refusing bad data up front."""

from __future__ import annotations

import collections
import hashlib
import itertools
import os
import pickle
import queue
import shutil
import signal
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, wait
from dataclasses import dataclass
from typing import Any

import numpy as np

from kerax.backend import _random
from kerax.trainers._py_dataset import PyDataset, check_reading_options


def _as_array(x: Any, what: str, text: bool = False) -> np.ndarray:
    if hasattr(x, "to_numpy") and not isinstance(x, np.ndarray):
        try:
            x = x.to_numpy()  # pandas DataFrame and Series, without importing pandas
        except Exception as e:  # noqa: BLE001
            raise TypeError(f"{what}: could not convert the {type(x).__name__} with to_numpy(): {e}") from e
    if hasattr(x, "numpy") and not isinstance(x, np.ndarray) and not hasattr(x, "__jax_array__"):
        try:
            if hasattr(x, "detach") and hasattr(x, "cpu"):
                x = x.detach().cpu()  # a torch tensor that needs gradients or lives on a GPU
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


# -- reading batches: PyDatasets, generators, data loaders -------------------------------------------

# Every thread that reads batches has this name (tests count them).
_THREAD_NAME = "kerax-prefetch"
# How long closing a reader waits for a call still running inside the user's ``__getitem__`` or ``next()``.
_JOIN_TIMEOUT_S = 10.0
# What a read returns once an iterator is exhausted.
_END = object()
# The names of a batch's parts, as ``unpack_batch`` reads them.
_PARTS = ("x", "y", "sample_weight")


def is_grain_dataset(x: Any) -> bool:
    """True for a Grain ``MapDataset``, ``IterDataset`` or ``DataLoader`` (recognized without importing Grain)."""
    return any(
        c.__name__ in ("MapDataset", "IterDataset", "DataLoader") and c.__module__.split(".")[0] == "grain"
        for c in type(x).__mro__
    )


def _is_py_dataset(x: Any) -> bool:
    return isinstance(x, PyDataset)


def _is_array_like(x: Any) -> bool:
    """Arrays and tensors of any library, and pandas objects (``to_numpy``), which are data, not batches."""
    return (hasattr(x, "shape") and hasattr(x, "dtype")) or hasattr(x, "to_numpy") or hasattr(x, "__array__")


def is_indexed_batches(x: Any) -> bool:
    """True for a ``PyDataset`` and any other object read as batches ``x[0] .. x[n - 1]`` (``__len__`` and
    ``__getitem__``); not for arrays, pandas objects or Grain data sets (which are iterated)."""
    if x is None or isinstance(x, np.ndarray | list | tuple | dict | str | bytes):
        return False
    if _is_py_dataset(x):
        return True
    if _is_array_like(x) or is_grain_dataset(x):
        return False
    return hasattr(x, "__len__") and hasattr(x, "__getitem__")


def is_batch_iterable(x: Any) -> bool:
    """True for sources of batches: ``PyDataset``s, generators, Grain data sets and loaders, ``tf.data``
    data sets, PyTorch data loaders (not arrays, pandas objects, lists or dicts)."""
    if x is None or isinstance(x, np.ndarray | list | tuple | dict | str | bytes):
        return False
    if is_indexed_batches(x):
        return True
    if _is_array_like(x):
        return False
    return isinstance(x, Iterable | Iterator) or hasattr(x, "__next__") or hasattr(x, "as_numpy_iterator")


def _raise_in_context(error: BaseException, context: str) -> None:
    """Raise ``error`` with ``context`` in front of its message: as a new exception of the same type when one
    can be made from a message, else as ``error`` itself with ``context`` added as a note."""
    message = f"{context}: {error}"
    new = None
    if isinstance(error, Exception):
        try:
            new = type(error)(message)
        except Exception:  # noqa: BLE001 - a type that needs other arguments: fall back to a note
            new = None
        if new is not None and (type(new) is not type(error) or context not in str(new)):
            new = None
    if new is None:
        error.add_note(context)
        raise error
    raise new from error


class _Threads:
    """``count`` daemon threads that run submitted calls, taken in the order they were submitted."""

    def __init__(self, count: int) -> None:
        self._tasks: queue.SimpleQueue = queue.SimpleQueue()
        self._threads = [threading.Thread(target=self._work, name=_THREAD_NAME, daemon=True) for _ in range(count)]
        for thread in self._threads:
            thread.start()

    def _work(self) -> None:
        while True:
            task = self._tasks.get()
            if task is None:
                return
            future, fn, args = task
            if not future.set_running_or_notify_cancel():
                continue  # cancelled before it started
            try:
                result = fn(*args)
            except BaseException as e:  # noqa: BLE001 - handed to the consumer through the future
                future.set_exception(e)
            else:
                future.set_result(result)
            del future, fn, args, task

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        future: Future = Future()
        self._tasks.put((future, fn, args))
        return future

    def shutdown(self) -> int:
        """Stop the threads once their current call returns; the number still running after the wait."""
        for _ in self._threads:
            self._tasks.put(None)
        deadline = time.monotonic() + _JOIN_TIMEOUT_S
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join(max(0.0, deadline - time.monotonic()))
        return sum(thread.is_alive() for thread in self._threads)


class _Processes:
    """``count`` worker processes, started with ``"spawn"`` (forking a process that runs JAX is unsafe)."""

    def __init__(self, count: int) -> None:
        # here, not at the top: multiprocessing and the process pool add 3 ms to every `import kerax`
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self._executor = ProcessPoolExecutor(
            count, mp_context=multiprocessing.get_context("spawn"), initializer=_process_start
        )

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        return self._executor.submit(fn, *args)

    def shutdown(self) -> int:
        self._executor.shutdown(wait=True, cancel_futures=True)
        return 0


# A worker process's copy of the data set, and the file it was read from.
_worker_copy: dict[str, Any] = {}


def _process_start() -> None:
    """In a worker process: leave Ctrl-C to the parent, which stops the workers."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _process_read(path: str, index: int) -> Any:
    """In a worker process: batch ``index`` of the data set pickled at ``path`` (loaded once per version)."""
    if _worker_copy.get("path") != path:
        try:
            with open(path, "rb") as f:
                data = pickle.load(f)
        except Exception as e:  # noqa: BLE001 - reported to the parent with what to do
            raise RuntimeError(
                f"a worker process could not load its copy of the data set ({type(e).__name__}: {e}); with "
                "use_multiprocessing=True the data set's class must be importable in a new Python process "
                "(defined in a module, or in a script's top level)"
            ) from None
        _worker_copy.clear()
        _worker_copy.update(path=path, data=data)
    return _worker_copy["data"][index]


def _next_or_end(iterator: Iterator[Any]) -> Any:
    return next(iterator, _END)


class BatchReader:
    """One pass over a ``BatchStream``: batches requested up to ``ahead`` in advance on the stream's workers,
    and delivered in order.

    ``close()`` cancels the requests that have not started, waits for those running, then calls ``finish``
    (which closes an iterator the stream made); it runs on its own once the pass is over or a read failed.
    The stream's ``close()`` stops the workers.

    Args:
        stream: the stream read; it says how far ahead to read, checks batches and words errors.
        submit: requests the batch at an index from the workers.
        indices: the indices to read, in delivery order.
        finish: called once the reads have stopped, or None.
    """

    def __init__(
        self,
        stream: BatchStream,
        submit: Callable[[int], Future],
        indices: Iterator[int],
        finish: Callable[[], None] | None = None,
    ) -> None:
        self._stream = stream
        self._submit = submit
        self._indices = indices
        self._finish = finish
        self._pending: collections.deque[tuple[int, Future]] = collections.deque()
        self._exhausted = False
        self.closed = False
        self.index: int | None = None  # the index of the batch delivered last

    def _fill(self) -> None:
        while not self._exhausted and len(self._pending) < self._stream.ahead:
            index = next(self._indices, None)
            if index is None:
                self._exhausted = True
                return
            self._pending.append((index, self._submit(index)))

    def __iter__(self) -> BatchReader:
        return self

    def __next__(self) -> Any:
        if self.closed:
            raise StopIteration
        try:
            self._fill()
            if not self._pending:
                raise StopIteration
            index, future = self._pending.popleft()
            try:
                batch = future.result()
            except Exception as e:  # noqa: BLE001 - raised again with the batch's index
                self._stream.raise_read_error(e, index)
            if batch is _END:
                raise StopIteration
            self._fill()  # keep the workers busy while the caller uses this batch
            self.index = index
            self._stream.check(batch, index)
            return batch
        except BaseException:
            self.close()
            raise

    def settle(self) -> None:
        """Wait until every requested batch is read (before ``on_epoch_end`` changes the data set)."""
        wait([future for _, future in self._pending])

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        running = [future for _, future in self._pending if not future.cancel()]
        self._pending.clear()
        if running and wait(running, timeout=_JOIN_TIMEOUT_S).not_done:
            return  # a read still runs (the stream's close() reports it): leave its iterator alone
        if self._finish is not None:
            self._finish()

    def __enter__(self) -> BatchReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class BatchStream:
    """What ``fit``/``evaluate``/``predict`` read batch by batch, behind one interface.

    A ``PyDataset`` (or any object with ``__len__`` and ``__getitem__``) is read by index on ``workers``
    threads, or worker processes with ``use_multiprocessing=True``, at most ``max_queue_size`` batches ahead;
    ``fit`` shuffles the order of its batches with ``shuffle=True``. Anything else (generators, Grain data sets
    and loaders, ``tf.data`` data sets, PyTorch data loaders) is iterated on one thread, two batches ahead.
    Batches arrive in order, each checked against the first (same structure; for a ``PyDataset`` the same
    shapes, except a smaller last batch). ``close()`` (also on leaving a ``with`` block) stops every worker.

    Args:
        data: the source of batches.
        what: the calling method, named in errors (``"fit"``).
        shuffle: read the batches of a finite ``PyDataset`` in a new random order on every pass.
    """

    def __init__(self, data: Any, what: str, shuffle: bool = False) -> None:
        self.data = data
        self.what = what
        self.name = type(data).__name__
        self.indexed = is_indexed_batches(data)
        self._pool: _Threads | _Processes | None = None
        self._reader: BatchReader | None = None
        self._in_epoch = False
        self._reference: tuple[int, Any, bool] | None = None
        self._folder: str | None = None
        self._digest: bytes | None = None
        self._path: str | None = None
        self._version = 0
        self.processes = False
        self.workers = 1
        self.ahead = 2
        self.shuffle = False
        if self.indexed:
            self.num_batches = _count_batches(data, what)
            workers = getattr(data, "workers", 1)
            max_queue_size = getattr(data, "max_queue_size", 10)
            check_reading_options(workers, max_queue_size, f"{what}: {self.name}")
            self.processes = bool(getattr(data, "use_multiprocessing", False)) and workers > 0
            if workers > 1 or self.processes:  # as Keras: parallel readers from 2 threads or 1 process
                self.workers = workers
                self.ahead = max_queue_size
            else:
                self.ahead = min(2, max_queue_size)
            self.shuffle = bool(shuffle) and self.num_batches is not None
            self.reiterable = True
            if self.processes:
                self._pickled()  # refuse an unpicklable data set before any worker starts
        else:
            self.num_batches = _length(data)
            self.reiterable = not isinstance(data, Iterator)  # a generator is read once

    # -- passes ---------------------------------------------------------------------------------------
    def epoch_begin(self) -> None:
        """Start a pass: the data set's ``on_epoch_begin()``; no-op when a pass is under way."""
        if self._in_epoch:
            return
        self._in_epoch = True
        if self.indexed:
            hook = getattr(self.data, "on_epoch_begin", None)
            if callable(hook):
                hook()
            if self.processes and self._reader is not None and not self._reader.closed:
                self._publish()  # the workers read the data set as on_epoch_begin left it

    def epoch_end(self) -> None:
        """End a pass: wait for the batches requested, then the data set's ``on_epoch_end()``."""
        if not self._in_epoch:
            return
        self._in_epoch = False
        if self.indexed:
            if self._reader is not None and not self._reader.closed:
                self._reader.settle()
            hook = getattr(self.data, "on_epoch_end", None)
            if callable(hook):
                hook()

    def open(self) -> BatchReader:
        """A reader for a new pass over the data (the previous one is closed)."""
        if self._reader is not None:
            self._reader.close()
        if self._pool is None:
            self._pool = _Processes(self.workers) if self.processes else _Threads(self.workers)
        pool = self._pool
        if self.indexed:
            n = self.num_batches
            if n is None:
                indices: Iterator[int] = itertools.count()
            elif self.shuffle:
                indices = iter(np.random.default_rng(_random.next_seed_int()).permutation(n).tolist())
            else:
                indices = iter(range(n))
            if self.processes:
                self._publish()

                def submit(index: int) -> Future:
                    return pool.submit(_process_read, self._path, index)

            else:
                read = self.data.__getitem__

                def submit(index: int) -> Future:
                    return pool.submit(read, index)

            finish = None
        else:
            iterator = self._iterate()
            indices = itertools.count()

            def submit(index: int) -> Future:
                return pool.submit(_next_or_end, iterator)

            def finish() -> None:
                # An iterator made here from a re-iterable source (a data loader's) is closed with the pass, which
                # ends the threads some keep; the caller's own iterator (a generator) is left as it is.
                close = getattr(iterator, "close", None)
                if iterator is not self.data and callable(close):
                    close()

        self._reader = BatchReader(self, submit, indices, finish)
        return self._reader

    def _iterate(self) -> Iterator[Any]:
        data = self.data
        as_numpy = getattr(data, "as_numpy_iterator", None)  # a tf.data.Dataset, without importing TensorFlow
        if callable(as_numpy) and not isinstance(data, Iterator):
            return iter(as_numpy())
        if hasattr(data, "__next__") and not hasattr(data, "__iter__"):
            return data
        try:
            return iter(data)
        except TypeError as e:
            raise TypeError(f"{self.what}: cannot iterate over the {self.name} to read batches: {e}") from e

    def _pickled(self) -> bytes:
        """The data set, pickled for the worker processes; a clear error when it cannot be."""
        if type(self.data).__module__ == "__main__" and not hasattr(sys.modules.get("__main__"), "__file__"):
            raise TypeError(
                f"{self.what}: {self.name} has use_multiprocessing=True, but its class is defined in an interactive "
                "session's __main__, which worker processes cannot import. Define the class in a module (a .py "
                "file), or set use_multiprocessing=False to read it on threads."
            )
        try:
            payload = pickle.dumps(self.data, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as e:  # noqa: BLE001 - pickling errors come in many types
            raise TypeError(
                f"{self.what}: {self.name} has use_multiprocessing=True, so it is sent to worker processes, but it "
                f"cannot be pickled ({type(e).__name__}: {e}). Keep only picklable state on it (no open files, "
                "locks, generators or lambdas), define its class at module level, or set use_multiprocessing=False "
                "to read it on threads."
            ) from e
        return payload

    def _publish(self) -> None:
        """Put the data set, pickled, where the worker processes read it (a new file when it changed)."""
        payload = self._pickled()
        digest = hashlib.blake2b(payload, digest_size=32).digest()
        if digest == self._digest:
            return
        if self._folder is None:
            self._folder = tempfile.mkdtemp(prefix="kerax-pydataset-")
        self._version += 1
        fd, temp = tempfile.mkstemp(dir=self._folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
        path = os.path.join(self._folder, f"data-{self._version}.pkl")
        os.replace(temp, path)
        # Every read of the previous version has returned (the last pass was settled or closed): drop it.
        previous, self._digest, self._path = self._path, digest, path
        if previous is not None:
            os.remove(previous)

    # -- errors and checks ----------------------------------------------------------------------------
    def raise_read_error(self, error: Exception, index: int) -> None:
        """Raise an error from reading batch ``index``, saying which batch of what it was."""
        if self.indexed:
            of = "" if self.num_batches is None else f" of {self.num_batches}"
            context = f"{self.what}: {self.name}[{index}] (batch {index}{of}) raised"
        else:
            context = f"{self.what}: reading batch {index} from the {self.name} raised"
        if type(error).__name__ == "BrokenProcessPool":
            context += (
                " (a worker process ended abruptly; with use_multiprocessing=True the workers are started with "
                "'spawn', so a script must start training under `if __name__ == '__main__':`)"
            )
        _raise_in_context(error, context)

    def check(self, batch: Any, index: int) -> None:
        """Refuse a batch whose structure (or, for a ``PyDataset``, shapes) differs from the first batch's."""
        spec = _spec(tuple(batch) if isinstance(batch, list) else batch)
        last = self.indexed and self.num_batches is not None and index == self.num_batches - 1
        if self._reference is None:
            self._reference = (index, spec, last)
            return
        ref_index, ref_spec, ref_last = self._reference
        if _skeleton(spec) != _skeleton(ref_spec):
            raise ValueError(
                f"{self.what}: batch {index} of the {self.name} has a different structure from the first batch "
                f"(batch {ref_index}): expected {_describe(ref_spec)}, received {_describe(spec)}. Every batch "
                "must have the same parts: (x,), (x, y) or (x, y, sample_weight), with the same inputs."
            )
        if not self.indexed:
            return  # a generator's batches may change shape (e.g. sequence lengths); the model is traced again
        for path, new, old in _paired_shapes(spec, ref_spec, "batch"):
            if new == old:
                continue
            same_rank = len(new) == len(old)
            smaller_last = (last and new[:1] < old[:1]) or (ref_last and old[:1] < new[:1])
            if same_rank and new[1:] == old[1:] and smaller_last:
                continue
            raise ValueError(
                f"{self.what}: batch {index} of the {self.name} does not match the first batch (batch {ref_index}): "
                f"{path} has shape {new}, but {old} in batch {ref_index}. Every batch must have the same shapes; "
                "only the last batch may hold fewer samples."
            )
        if ref_last and not last:
            self._reference = (index, spec, last)

    # -- closing --------------------------------------------------------------------------------------
    def close(self) -> None:
        """Close the reader and stop every worker thread or process; remove the workers' copy of the data."""
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        pool, self._pool = self._pool, None
        try:
            left = pool.shutdown() if pool is not None else 0
        finally:
            if self._folder is not None:
                shutil.rmtree(self._folder, ignore_errors=True)
                self._folder, self._digest, self._path = None, None, None
        if left:
            warnings.warn(
                f"{self.what}: {left} reader thread(s) of the {self.name} are still inside a call to it after "
                f"{_JOIN_TIMEOUT_S:.0f} s; they end when that call returns.",
                RuntimeWarning,
                stacklevel=2,
            )

    def __enter__(self) -> BatchStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _count_batches(data: Any, what: str) -> int | None:
    """The number of batches of an indexed data set: ``num_batches`` when it has one, else ``len()``."""
    name = type(data).__name__
    try:
        count = data.num_batches if hasattr(type(data), "num_batches") else len(data)
    except NotImplementedError as e:
        raise TypeError(f"{what}: {e}") from e
    if count is None:
        return None
    if not isinstance(count, int | np.integer) or isinstance(count, bool) or count < 0:
        raise ValueError(
            f"{what}: the number of batches of the {name} (len() or num_batches) must be an integer >= 0, or None "
            f"for an endless data set; received {count!r}."
        )
    return int(count)


def _length(data: Any) -> int | None:
    if is_grain_dataset(data):
        return None  # Grain's len() counts records before filtering, and sys.maxsize when repeated
    try:
        n = len(data)
    except (TypeError, NotImplementedError):
        return None
    return int(n) if isinstance(n, int | np.integer) and n >= 0 else None


class _Leaf:
    """A leaf of a batch's structure: its shape."""

    __slots__ = ("shape",)

    def __init__(self, shape: tuple) -> None:
        self.shape = shape

    def __repr__(self) -> str:
        return str(self.shape)


def _is_node_item(value: Any) -> bool:
    return value is None or isinstance(value, dict | list | tuple) or hasattr(value, "shape")


def _spec(value: Any) -> Any:
    """A batch's structure with each array replaced by its shape."""
    if value is None:
        return None
    if isinstance(value, dict):
        return {k: _spec(v) for k, v in value.items()}
    if isinstance(value, list | tuple) and value and all(_is_node_item(v) for v in value):
        return tuple(_spec(v) for v in value)
    shape = getattr(value, "shape", None)
    if shape is None:
        try:
            shape = np.shape(value)
        except Exception:  # noqa: BLE001 - ragged nested lists: compared by structure only
            shape = ()
    return _Leaf(tuple(None if d is None else int(d) for d in shape))


def _skeleton(spec: Any) -> Any:
    if isinstance(spec, dict):
        return {k: _skeleton(v) for k, v in spec.items()}
    if isinstance(spec, tuple):
        return tuple(_skeleton(v) for v in spec)
    return None if spec is None else "array"


def _describe(spec: Any) -> str:
    if isinstance(spec, tuple) and 1 <= len(spec) <= 3:
        return "(" + ", ".join(f"{name}={_describe_part(s)}" for name, s in zip(_PARTS, spec, strict=False)) + ")"
    return _describe_part(spec)


def _describe_part(spec: Any) -> str:
    if isinstance(spec, dict):
        return "{" + ", ".join(f"{k!r}: {_describe_part(v)}" for k, v in spec.items()) + "}"
    if isinstance(spec, tuple):
        return "[" + ", ".join(_describe_part(v) for v in spec) + "]"
    return repr(spec)


def _paired_shapes(new: Any, old: Any, path: str) -> Iterator[tuple[str, tuple, tuple]]:
    """``(path, new shape, old shape)`` for every array of two batches of the same structure."""
    if isinstance(new, dict):
        for k in new:
            yield from _paired_shapes(new[k], old[k], f"{path}[{k!r}]")
    elif isinstance(new, tuple):
        top = path == "batch" and 1 <= len(new) <= 3
        for i, (a, b) in enumerate(zip(new, old, strict=True)):
            yield from _paired_shapes(a, b, _PARTS[i] if top else f"{path}[{i}]")
    elif new is not None:
        yield path, new.shape, old.shape


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
        y: the targets, or None. Defaults to ``None``.
        sample_weight: the sample weights, or None. Defaults to ``None``.
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
