"""``PyDataset`` (also named ``Sequence``): batches computed by Python code, read in parallel by ``fit``.

A subclass returns whole batches from ``__getitem__`` and their count from ``__len__`` (or ``num_batches``).
``fit``, ``evaluate`` and ``predict`` read it with ``workers`` threads, or ``workers`` processes when
``use_multiprocessing=True``, keeping at most ``max_queue_size`` batches in flight and delivering them in
order; the reading itself lives in ``kerax.trainers._data``.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Iterator
from typing import Any

# The defaults of the three reading options, also used when a subclass never called ``super().__init__``.
_DEFAULTS = {"_workers": 1, "_use_multiprocessing": False, "_max_queue_size": 10}


def check_reading_options(workers: Any, max_queue_size: Any, owner: str) -> None:
    """Refuse reading options that cannot configure a reader.

    Args:
        workers: the number of threads or processes; an int >= 0.
        max_queue_size: the most batches read ahead; an int >= 1.
        owner: what the options belong to, named in the error.

    Raises:
        ValueError: if an option has the wrong type or range.
    """
    if not isinstance(workers, int) or isinstance(workers, bool) or workers < 0:
        raise ValueError(f"{owner}: `workers` must be an integer >= 0, received {workers!r}.")
    if not isinstance(max_queue_size, int) or isinstance(max_queue_size, bool) or max_queue_size < 1:
        raise ValueError(f"{owner}: `max_queue_size` must be an integer >= 1, received {max_queue_size!r}.")


class PyDataset:
    """Base class for a data set whose batches are computed by Python code, possibly in parallel.

    A subclass implements ``__getitem__(index)``, which returns one whole batch -- ``(x,)``, ``(x, y)``,
    ``(x, y, sample_weight)`` or a dict of inputs -- and ``__len__()``, the number of batches (or the
    ``num_batches`` property, which may be None for an endless data set). It may also implement
    ``on_epoch_begin()`` and ``on_epoch_end()``, which ``fit``, ``evaluate`` and ``predict`` call around every
    pass. Its constructor passes the reading options on with ``super().__init__(**kwargs)``.

    ``fit``/``evaluate``/``predict`` read batch ``0`` to ``num_batches - 1`` (``fit`` in a new random order every
    epoch when ``shuffle=True``). With ``workers > 1`` they read on that many threads; with
    ``use_multiprocessing=True`` on that many worker processes, which receive a pickled copy of the data set:
    it must then be picklable and its class importable (defined at module level, not in ``__main__`` of an
    interactive session), and a script must start training under ``if __name__ == "__main__":``, since the
    processes are started with the ``"spawn"`` method. Batches are always delivered in index order. Iterating
    a ``PyDataset`` by hand reads it sequentially, without workers.

    Args:
        workers: the number of threads (or processes) that read batches; ``1`` reads one batch ahead on a
            background thread, ``0`` likewise. Defaults to ``1``.
        use_multiprocessing: read on ``workers`` processes instead of threads, which helps when
            ``__getitem__`` is CPU-bound Python code. Defaults to ``False``.
        max_queue_size: the most batches requested ahead of the training loop at any time; lower it to use
            less memory. Defaults to ``10``.

    Raises:
        ValueError: if an option has the wrong type or range.
    """

    def __init__(self, workers: int = 1, use_multiprocessing: bool = False, max_queue_size: int = 10) -> None:
        check_reading_options(workers, max_queue_size, type(self).__name__)
        self._workers = workers
        self._use_multiprocessing = use_multiprocessing
        self._max_queue_size = max_queue_size

    def _option(self, name: str) -> Any:
        """An option's value; when ``super().__init__`` was never called, its default and a hint."""
        if name not in self.__dict__:
            missing = [key for key in _DEFAULTS if key not in self.__dict__]
            for key in missing:
                self.__dict__[key] = _DEFAULTS[key]
            warnings.warn(
                f"{type(self).__name__}.__init__ does not call `super().__init__(**kwargs)`, so the reading "
                "options `workers`, `use_multiprocessing` and `max_queue_size` keep their defaults (1, False, 10). "
                "Accept `**kwargs` in the constructor and pass them to `super().__init__(**kwargs)`; `fit()` does "
                "not take these options.",
                stacklevel=3,
            )
        return self.__dict__[name]

    @property
    def workers(self) -> int:
        """The number of threads or processes that read batches."""
        return self._option("_workers")

    @workers.setter
    def workers(self, value: int) -> None:
        self._workers = value

    @property
    def use_multiprocessing(self) -> bool:
        """Whether the workers are processes rather than threads."""
        return self._option("_use_multiprocessing")

    @use_multiprocessing.setter
    def use_multiprocessing(self, value: bool) -> None:
        self._use_multiprocessing = value

    @property
    def max_queue_size(self) -> int:
        """The most batches requested ahead of the training loop."""
        return self._option("_max_queue_size")

    @max_queue_size.setter
    def max_queue_size(self, value: int) -> None:
        self._max_queue_size = value

    def __getitem__(self, index: int) -> Any:
        """The batch at position ``index``.

        Args:
            index: the batch's position, from 0.

        Returns:
            A batch: ``(x,)``, ``(x, y)``, ``(x, y, sample_weight)`` or a dict of inputs.

        Raises:
            NotImplementedError: always, in the base class: a subclass implements it.
        """
        raise NotImplementedError(
            f"{type(self).__name__} must implement `__getitem__(self, index)`, returning the batch at `index`."
        )

    @property
    def num_batches(self) -> int | None:
        """The number of batches: ``len(self)``, or None for an endless data set (override to say so).

        Raises:
            NotImplementedError: if the class defines neither ``__len__`` nor ``num_batches``.
        """
        if hasattr(self, "__len__"):
            return len(self)
        raise NotImplementedError(
            f"{type(self).__name__} must implement `__len__(self)` or the `num_batches` property (None for an "
            "endless data set)."
        )

    def __iter__(self) -> Iterator[Any]:
        """Batch ``0``, ``1``, ... up to ``num_batches - 1`` (without end when it is None), read sequentially."""
        try:
            count = self.num_batches
        except NotImplementedError:
            count = None
        indices = itertools.count() if count is None else range(count)
        for index in indices:
            yield self[index]

    def on_epoch_begin(self) -> None:
        """Called before every pass over the data set (every epoch, evaluation and prediction)."""

    def on_epoch_end(self) -> None:
        """Called after every pass over the data set (every epoch, evaluation and prediction)."""


Sequence = PyDataset
