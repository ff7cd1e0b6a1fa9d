"""Host-to-device transfers of whole data sets, without paying for fresh memory on every ``fit``.

On the CPU backend ``jax.device_put`` of a NumPy array copies it into newly allocated memory unless the
array is 64-byte aligned, in which case the device array adopts the host buffer as it is. Fresh memory is
what costs: touching the pages of a 188 MB Fashion-MNIST copy takes 100 to 150 ms on a small machine,
about a quarter of an MLP epoch, while copying into pages that are already mapped takes about 20 ms.

So ``fit`` and ``evaluate`` take a ``Lease`` from the process-wide pool, copy each large array
into an aligned buffer of the pool, and hand that buffer to JAX; when the call ends, the lease waits
for the computations that read the buffers and gives them back for the next call. Buffers are only
reused after their device arrays are gone from every computation, and never shared by two live leases.
Other backends (a GPU copies to its own memory anyway) and small arrays take plain ``jax.device_put``.

The pool keeps at most 1/8 of physical memory; ``kerax.utils.clear_session()`` empties it.
"""

from __future__ import annotations

import ctypes
import mmap
import os
import sys
import threading
from typing import Any

import jax
import numpy as np

_ALIGN = 64  # what XLA:CPU needs to adopt a host buffer without copying it
_MIN_BYTES = 1 << 20  # below this the copy is cheap and a fresh buffer costs nothing worth saving


def padded_rows(array: np.ndarray, rows: int) -> np.ndarray:
    """``array`` with ``rows`` rows: those past its own are zeros (and never read)."""
    n = array.shape[0]
    if rows == n:
        return array
    out = np.zeros((rows, *array.shape[1:]), array.dtype)
    out[:n] = array
    return out


def _physical_memory() -> int:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return 8 << 30


def _aligned_empty(shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """A new page-aligned buffer, its pages mapped up front where the OS can (``MAP_POPULATE``): faster than
    faulting them in one by one, and NumPy's own large allocations ask for huge pages, whose faults stall."""
    nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    populate = getattr(mmap, "MAP_POPULATE", None)
    if populate is not None and nbytes:
        region = mmap.mmap(-1, nbytes, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | populate)
        return np.frombuffer(region, dtype).reshape(shape)
    raw = np.empty(nbytes + _ALIGN, np.uint8)
    offset = (-raw.ctypes.data) % _ALIGN
    return raw[offset : offset + nbytes].view(dtype).reshape(shape)


class StagingPool:
    """Free aligned host buffers, by shape and dtype, up to ``limit_bytes`` in all."""

    def __init__(self, limit_bytes: int) -> None:
        self.limit_bytes = int(limit_bytes)
        self._free: list[np.ndarray] = []  # oldest first
        self._lock = threading.Lock()

    @property
    def held_bytes(self) -> int:
        with self._lock:
            return sum(b.nbytes for b in self._free)

    def take(self, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
        with self._lock:
            for i, buf in enumerate(self._free):
                if buf.shape == shape and buf.dtype == dtype:
                    return self._free.pop(i)
        return _aligned_empty(shape, dtype)

    def give_back(self, buffers: list[np.ndarray]) -> None:
        with self._lock:
            self._free.extend(b for b in buffers if b.nbytes <= self.limit_bytes)
            total = sum(b.nbytes for b in self._free)
            while total > self.limit_bytes:
                total -= self._free.pop(0).nbytes

    def clear(self) -> None:
        with self._lock:
            self._free.clear()


_POOL = StagingPool(_physical_memory() // 8)


class Lease:
    """The pool's buffers one ``fit`` or ``evaluate`` call is using; see the module's docstring."""

    def __init__(self, pool: StagingPool | None = None) -> None:
        self._pool = _POOL if pool is None else pool
        self._buffers: list[np.ndarray] = []

    def put(self, array: np.ndarray, rows: int | None = None) -> jax.Array:
        """``jax.device_put(array)``, through a reused aligned buffer where that saves time.

        With ``rows`` (at least ``len(array)``), the placed array has that many rows; those past the
        array's own are left as the buffer holds them (callers never read them).
        """
        rows = array.shape[0] if rows is None else rows
        padded = rows != array.shape[0]
        if (
            jax.default_backend() != "cpu"
            or array.nbytes * rows < _MIN_BYTES * max(array.shape[0], 1)
            or (array.ctypes.data % _ALIGN == 0 and not padded)  # JAX adopts an aligned array as it is
            or array.dtype.kind not in "biuf"
        ):
            return jax.device_put(padded_rows(array, rows))
        buf = self._pool.take((rows, *array.shape[1:]), array.dtype)
        np.copyto(buf[: array.shape[0]], array)
        self._buffers.append(buf)
        return jax.device_put(buf)

    def release(self, *pending: Any) -> None:
        """Wait for ``pending`` (what the computations reading the buffers produced), then give them back."""
        if not self._buffers:
            return
        leaves = jax.tree_util.tree_leaves(pending)
        jax.block_until_ready([p for p in leaves if isinstance(p, jax.Array) and not p.is_deleted()])
        buffers, self._buffers = self._buffers, []
        self._pool.give_back(buffers)


_M_TRIM_THRESHOLD, _M_MMAP_MAX = -1, -4  # glibc's mallopt parameters
_allocator_tuned = False


def keep_freed_host_memory() -> bool:
    """On the CPU backend with glibc: let malloc reuse freed memory rather than unmap it and map it again.

    XLA:CPU allocates each call's working buffers with malloc. Large blocks come from fresh ``mmap``
    pages that glibc unmaps on free, so every call of a compiled loop faults its working memory in
    again: with the progress bar (a call every ~0.1 s) that was 1.1 million page faults in three short
    Transformer epochs and 1.4x the time of one call per epoch. Served from the heap and kept there,
    the blocks are reused across calls. Done once, the first time an epoch runs as several calls; the process's
    resident memory then stays near its peak (the usual trade of a caching allocator). Off with
    ``KERAX_KEEP_FREED_MEMORY=0``. Returns whether the setting is in effect.
    """
    global _allocator_tuned
    if _allocator_tuned:
        return True
    if os.environ.get("KERAX_KEEP_FREED_MEMORY", "").strip().lower() in ("0", "false", "off", "no"):
        return False
    if jax.default_backend() != "cpu" or not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None)
        libc.gnu_get_libc_version  # noqa: B018 - glibc only: other C libraries have other knobs
    except (OSError, AttributeError):
        return False
    _allocator_tuned = bool(libc.mallopt(_M_MMAP_MAX, 0)) and bool(libc.mallopt(_M_TRIM_THRESHOLD, 2**31 - 1))
    return _allocator_tuned


def clear() -> None:
    """Drop the pool's free buffers (``kerax.utils.clear_session``)."""
    _POOL.clear()
