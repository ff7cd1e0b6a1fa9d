"""Decoding worker processes for the image readers: the cores the GIL keeps a reading thread from using.

Decoding a small JPEG costs about 140 us, and half of it (opening the file, parsing its markers in Pillow's
Python code) holds the GIL, so reading threads in the training process cannot use a second core (measured:
two threads read no faster than one, for 45% more CPU). Processes can. Each worker is ``_pixels.py`` run
as a script: Python, NumPy and Pillow, no kerax and no JAX, so it starts in about 0.15 s, and it is not a
``multiprocessing`` child, so the user's script needs no ``if __name__ == "__main__"`` guard.

- A reading thread takes a free worker, sends it the batch's file paths (a pickled frame on the worker's
  stdin) and blocks, without the GIL, until the worker has decoded the batch as float32 into memory the two
  processes share (an anonymous ``memfd``, or an unlinked temporary file, handed over as a file
  descriptor), then copies it out. One worker per core; the image reader runs one reading thread per worker.
- No worker outlives its use: a worker exits when no request came for ``IDLE_SECONDS`` (the next request
  starts a new one), when its stdin closes (at ``shutdown()``, at interpreter exit, or when the training
  process dies in any way), and it ignores Ctrl-C, which the training process handles.
- Where workers cannot run (not POSIX, one core, ``KERAX_DECODE_WORKERS=0``), ``pool()`` is None and the
  reader decodes on its one thread; where a worker fails to start, or does not say it is ready within
  30 s, a warning says so and the same happens.
"""

from __future__ import annotations

import atexit
import mmap
import os
import queue
import select
import subprocess
import sys
import tempfile
import threading
import warnings

import numpy as np

from kerax.utils import _pixels

IDLE_SECONDS = 5.0
_MAX_WORKERS = 8
_EXIT_TIMEOUT_S = 30.0
_START_TIMEOUT_S = 30.0


def default_worker_count() -> int:
    """``KERAX_DECODE_WORKERS`` when set, else the cores this process may run on (at most 8); 0 means none."""
    if os.name != "posix":
        return 0  # the shared memory is handed over as a file descriptor (pass_fds)
    setting = os.environ.get("KERAX_DECODE_WORKERS", "").strip()
    if setting:
        try:
            count = int(setting)
        except ValueError:
            raise ValueError(
                f"KERAX_DECODE_WORKERS must be a whole number of worker processes (0 for none); received {setting!r}."
            ) from None
        return max(0, count)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return 0 if cores < 2 else min(cores, _MAX_WORKERS)


def _shared_memory(size: int) -> tuple[int, mmap.mmap]:
    """A file descriptor of ``size`` bytes that no path names, and the parent's mapping of it."""
    if hasattr(os, "memfd_create"):
        fd = os.memfd_create("kerax-decode")  # close-on-exec: only the workers it is passed to get it
    else:
        with tempfile.TemporaryFile() as f:  # already unlinked: nothing to remove later
            fd = os.dup(f.fileno())
    os.ftruncate(fd, size)
    return fd, mmap.mmap(fd, size)


class WorkerStartError(RuntimeError):
    """A decoding process could not start, or did not say it was ready in time: workers cannot run here."""


def _worker_environment() -> dict[str, str]:
    """This environment, with NumPy's and Pillow's folders first on ``PYTHONPATH``.

    The worker runs with ``-P`` (the current folder is not searched, so a user's ``numpy.py`` cannot shadow
    NumPy); naming the folders this process imported NumPy and Pillow from finds them even where this
    process put them on ``sys.path`` itself.
    """
    import PIL  # noqa: PLC0415 - already imported by _pixels; named here for its folder

    folders = [os.path.dirname(os.path.dirname(module.__file__)) for module in (np, PIL)]
    existing = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": os.pathsep.join(dict.fromkeys([*folders, *([existing] if existing else [])]))}


class _Worker:
    """One decoding process and the shared memory it writes batches to; started on first use."""

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None
        self.fd = -1
        self.memory: mmap.mmap | None = None
        self.capacity = 0

    def _start(self, needed: int) -> None:
        self.stop()
        if needed > self.capacity:  # a new, larger memory (a running worker would map the old one)
            self._release_memory()
            self.capacity = -(-needed // mmap.PAGESIZE) * mmap.PAGESIZE
            self.fd, self.memory = _shared_memory(self.capacity)
        try:
            self.process = subprocess.Popen(  # noqa: S603 - this interpreter, running kerax's own file
                [sys.executable, "-P", _pixels.__file__, str(self.fd), str(self.capacity), str(IDLE_SECONDS)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                pass_fds=(self.fd,),
                env=_worker_environment(),
            )
        except OSError as error:
            raise WorkerStartError(f"the image decoding process could not start ({error}).") from error
        replies = self.process.stdout.fileno()
        if not select.select([replies], [], [], _START_TIMEOUT_S)[0]:  # not Python, or a hung start
            self.process.kill()
            raise WorkerStartError(
                f"the image decoding process ({sys.executable}) did not start within {_START_TIMEOUT_S:.0f} s "
                f"(exit status {self._reap()})."
            )
        if _pixels.read_frame(replies) != ("ready",):
            raise WorkerStartError(f"the image decoding process could not start (exit status {self._reap()}).")

    def decode(self, paths: list[str], shape: tuple[int, ...], args: tuple) -> np.ndarray:
        """The float32 batch ``shape`` of ``load_pixels(path, *args)`` for ``paths``, decoded by this worker."""
        needed = int(np.prod(shape)) * 4
        for attempt in (0, 1):
            if self.process is None or self.process.poll() is not None or needed > self.capacity:
                self._start(needed)
            try:
                _pixels.write_frame(self.process.stdin.fileno(), (paths, shape, args))
                reply = _pixels.read_frame(self.process.stdout.fileno())
            except OSError:  # the worker ended (a broken pipe), or shutdown() closed the pipes meanwhile
                reply = None
            if reply is not None:
                break
            code = self._reap()
            if code != 0 or attempt:  # 0: it had just ended, idle; ask a new one once
                ended = f"was killed by signal {-code}" if code is not None and code < 0 else f"exited with {code}"
                raise RuntimeError(
                    f"image_dataset_from_directory: the image decoding process {ended} while decoding a batch of "
                    f"{len(paths)} files starting with {paths[0]!r}."
                )
        if reply[0] == "error":
            _, kind, message = reply
            raise ValueError(message) if kind == "ValueError" else RuntimeError(f"{kind}: {message}")
        return np.ndarray(shape, np.float32, buffer=self.memory).copy()

    def _reap(self) -> int | None:
        process, self.process = self.process, None
        if process is None:
            return None
        for pipe in (process.stdin, process.stdout):
            pipe.close()
        try:
            return process.wait(timeout=_EXIT_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            return process.wait()

    def stop(self) -> None:
        """End the process (it exits when its stdin closes) and wait for it."""
        try:
            self._reap()
        except OSError:
            pass

    def _release_memory(self) -> None:
        if self.memory is not None:
            try:
                self.memory.close()
            except BufferError:  # a reading thread is still copying a batch out: the memory goes at exit
                return
            os.close(self.fd)
        self.memory, self.fd, self.capacity = None, -1, 0

    def close(self) -> None:
        self.stop()
        self._release_memory()


class DecodePool:
    """``count`` decoding workers; ``decode`` blocks the calling thread until a worker has decoded its batch."""

    def __init__(self, count: int) -> None:
        self.count = count
        # Once the interpreter's exit began, or a worker could not start: decode on the calling thread.
        self.closed = False
        self._workers = [_Worker() for _ in range(count)]
        self._free: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
        for worker in self._workers:
            self._free.put(worker)

    def decode(self, paths: list[str], shape: tuple[int, ...], args: tuple) -> np.ndarray:
        """The float32 batch ``shape`` (``len(paths)`` images) of ``_pixels.load_pixels(path, *args)``."""
        worker = self._free.get()
        try:
            return worker.decode(paths, shape, args)
        except WorkerStartError as error:
            self.closed = True
            warnings.warn(
                f"image_dataset_from_directory: {error} Images are decoded on the reading thread instead.",
                RuntimeWarning,
                stacklevel=2,
            )
            return decode_here(paths, shape, args)
        finally:
            self._free.put(worker)

    def running(self) -> int:
        """How many worker processes are alive now."""
        return sum(w.process is not None and w.process.poll() is None for w in self._workers)

    def shutdown(self, final: bool = False) -> None:
        """End every worker now; the next ``decode`` starts new ones, unless ``final``."""
        self.closed = self.closed or final
        for worker in self._workers:
            worker.close()


_pool: DecodePool | None = None
_pool_lock = threading.Lock()


def pool() -> DecodePool | None:
    """The process-wide pool (made on first use), or None where decoding stays on the reading thread."""
    global _pool  # noqa: PLW0603 - one pool per process, made on first use
    with _pool_lock:
        if _pool is None:
            count = default_worker_count()
            if count == 0:
                return None
            _pool = DecodePool(count)
            atexit.register(_pool.shutdown, final=True)
        return _pool


def _forget_after_fork() -> None:
    """In a forked child: the parent's workers are the parent's; this process starts its own if it reads."""
    global _pool, _pool_lock  # noqa: PLW0603 - the child gets a pool and lock of its own
    _pool, _pool_lock = None, threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_after_fork)


def shutdown() -> None:
    """End the worker processes now, if any run."""
    if _pool is not None:
        _pool.shutdown()


def decode_batch(paths: list[str], shape: tuple[int, ...], args: tuple) -> np.ndarray:
    """``_pixels.load_pixels(path, *args)`` of ``paths`` as one float32 batch ``shape``: in a worker, or here."""
    workers = pool()
    if workers is None or workers.closed:
        return decode_here(paths, shape, args)
    return workers.decode(paths, shape, args)


def decode_here(paths: list[str], shape: tuple[int, ...], args: tuple) -> np.ndarray:
    """``decode_batch`` on the calling thread."""
    batch = np.empty(shape, np.float32)
    _pixels.load_pixels_into(batch, paths, *args)
    return batch


def reading_threads() -> int:
    """How many reading threads an image reader runs: one per worker, or one that decodes itself."""
    workers = pool()
    return 1 if workers is None else workers.count
