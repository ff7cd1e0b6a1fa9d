"""Host memory on the CPU backend: fit and evaluate copy large arrays into reused aligned host buffers (fast, and
never mixed up), and freed host memory is reused across compiled calls (no page faults per call)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import jax
import numpy as np
import pytest

import kerax
from kerax.backend import _staging
from kerax.backend._staging import padded_rows
from kerax.trainers._data import ArrayData
from kerax.trainers._steps import placed_rows

pytestmark = pytest.mark.skipif(jax.default_backend() != "cpu", reason="staging applies to the CPU backend")

N, FEATURES = 2048, 160  # 1.25 MiB of float32 inputs: above the staging threshold


def _unaligned(a: np.ndarray) -> np.ndarray:
    """A copy of ``a`` whose data starts 16 bytes past a 64-byte boundary, as NumPy's own arrays often do."""
    raw = np.empty(a.nbytes + 128, np.uint8)
    offset = (16 - raw.ctypes.data) % 64
    out = raw[offset : offset + a.nbytes].view(a.dtype).reshape(a.shape)
    out[...] = a
    assert out.ctypes.data % 64 == 16
    return out


def _data(seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = _unaligned(rng.standard_normal((N, FEATURES)).astype("float32"))
    return x, rng.integers(0, 3, N).astype("int32")


def _placed_bytes(x: np.ndarray, y: np.ndarray) -> int:
    """The bytes of the buffer that holds ``x`` on the device: fit pads small data sets to one shared length."""
    return placed_rows(ArrayData([x], [y], None)) * x[0].nbytes


def _model() -> kerax.Model:
    kerax.utils.set_random_seed(3)
    model = kerax.Sequential([kerax.Input((FEATURES,)), kerax.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


@pytest.fixture
def pool(monkeypatch):
    pool = _staging.StagingPool(64 << 20)
    monkeypatch.setattr(_staging, "_POOL", pool)
    return pool


def test_lease_reuses_a_returned_buffer_and_adopts_it_without_a_copy(pool):
    x = _unaligned(np.arange(N * FEATURES, dtype="float32").reshape(N, FEATURES))
    lease = _staging.Lease()
    first = lease.put(x)
    pointer = first.unsafe_buffer_pointer()
    assert pointer % 64 == 0 and pointer != x.ctypes.data
    np.testing.assert_array_equal(np.asarray(first), x)
    lease.release(first)
    assert pool.held_bytes == x.nbytes
    del first

    second = _staging.Lease()
    y = _unaligned(x[::-1].copy())
    on_device = second.put(y)
    assert on_device.unsafe_buffer_pointer() == pointer  # the same pages, already mapped
    assert pool.held_bytes == 0  # leased out: a nested lease cannot get it
    np.testing.assert_array_equal(np.asarray(on_device), y)
    other = _staging.Lease().put(x)
    assert other.unsafe_buffer_pointer() != pointer
    np.testing.assert_array_equal(np.asarray(on_device), y)


def test_small_and_aligned_arrays_go_straight_to_jax(pool):
    lease = _staging.Lease()
    small = np.ones((8, 4), "float32")
    np.testing.assert_array_equal(np.asarray(lease.put(small)), small)
    aligned = np.empty(N * FEATURES + 16, "float32")
    start = (-aligned.ctypes.data % 64) // 4
    aligned = aligned[start : start + N * FEATURES].reshape(N, FEATURES)
    aligned[...] = 2.0
    assert lease.put(aligned).unsafe_buffer_pointer() == aligned.ctypes.data  # JAX adopts it as it is
    lease.release()
    assert pool.held_bytes == 0


def test_pool_keeps_at_most_its_limit():
    pool = _staging.StagingPool(3 << 20)
    buffers = [pool.take((1 << 18,), np.dtype("float32")) for _ in range(4)]  # 1 MiB each
    pool.give_back(buffers)
    assert pool.held_bytes == 3 << 20
    pool.give_back([pool.take((1 << 21,), np.dtype("float32"))])  # 8 MiB: larger than the whole pool
    assert pool.held_bytes == 3 << 20
    pool.clear()
    assert pool.held_bytes == 0


def test_a_reused_buffer_trains_on_the_new_data(pool, monkeypatch):
    """The second fit overwrites the buffer the first one used; it must train on its own data."""
    (xa, ya), (xb, yb) = _data(0), _data(1)
    _model().fit(xa, ya, epochs=1, batch_size=64, verbose=0)
    assert pool.held_bytes == _placed_bytes(xa, ya)
    reused = _model()
    during = []
    watch = kerax.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: during.append(pool.held_bytes))
    history = reused.fit(xb, yb, epochs=2, batch_size=64, verbose=0, shuffle=False, callbacks=[watch])
    assert during == [0, 0] and pool.held_bytes == _placed_bytes(xa, ya)  # the first fit's buffer, taken and returned

    monkeypatch.setattr(
        _staging.Lease, "put", lambda self, a, rows=None: jax.device_put(np.array(padded_rows(a, rows or len(a))))
    )  # no staging
    fresh = _model()
    expected = fresh.fit(xb, yb, epochs=2, batch_size=64, verbose=0, shuffle=False)
    np.testing.assert_allclose(history.history["loss"], expected.history["loss"], rtol=1e-6)
    for got, want in zip(reused.get_weights(), fresh.get_weights(), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)


def test_validation_data_of_the_same_shape_gets_its_own_buffer(pool):
    (x, y), (xv, yv) = _data(2), _data(3)
    model = _model()
    history = model.fit(x, y, epochs=2, batch_size=64, verbose=0, validation_data=(xv, yv))
    loss, accuracy = model.evaluate(xv, yv, batch_size=64, verbose=0)
    assert history.history["val_loss"][-1] == pytest.approx(loss, rel=1e-6)
    assert history.history["val_accuracy"][-1] == pytest.approx(accuracy, rel=1e-6)
    train_loss = model.evaluate(x, y, batch_size=64, verbose=0)[0]
    assert abs(train_loss - loss) > 1e-4  # the two data sets did not share a buffer
    assert pool.held_bytes == 2 * _placed_bytes(x, y)  # both buffers returned for the next call


def test_clear_session_frees_the_pool(pool):
    x, y = _data(4)
    model = _model()
    model.evaluate(x, y, verbose=0)
    assert pool.held_bytes == _placed_bytes(x, y)
    kerax.utils.clear_session()
    assert pool.held_bytes == 0


def test_an_interrupted_fit_still_returns_its_buffers(pool):
    x, y = _data(5)
    model = _model()

    class Stop(kerax.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        model.fit(x, y, epochs=3, verbose=0, callbacks=[Stop()])
    assert pool.held_bytes == _placed_bytes(x, y)


def test_buffers_are_aligned_with_and_without_map_populate(monkeypatch):
    for populate in (True, False):
        if not populate:
            monkeypatch.delattr(_staging.mmap, "MAP_POPULATE", raising=False)
        buf = _staging._aligned_empty((333, 7), np.dtype("float32"))
        assert buf.shape == (333, 7) and buf.dtype == np.float32 and buf.flags.writeable
        assert buf.ctypes.data % 64 == 0
        buf[...] = 1.5
        assert float(buf.sum()) == 1.5 * 333 * 7


# -- freed host memory is kept for the next compiled call (glibc malloc tuning) ------------------------------------
_GLIBC = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc on the CPU backend")

_SCRIPT = textwrap.dedent(
    """
    import ctypes
    import resource
    from kerax.backend import _staging

    tuned = _staging.keep_freed_host_memory()
    libc = ctypes.CDLL(None)
    libc.malloc.restype = ctypes.c_void_p
    libc.free.argtypes = [ctypes.c_void_p]
    size = 64 << 20  # what XLA:CPU mallocs for a call's working buffers, written through
    faults = []
    for _ in range(4):
        before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        block = libc.malloc(size)
        ctypes.memset(block, 1, size)
        libc.free(block)
        faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
    print(tuned, min(faults[1:]))
    """
)


def _run(**env: str) -> tuple[bool, int]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_") and k != "KERAX_KEEP_FREED_MEMORY"}
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT], env={**environ, **env}, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    tuned, faults = done.stdout.split()
    return tuned == "True", int(faults)


@_GLIBC
def test_a_freed_block_is_reused_without_faulting_its_pages_in_again() -> None:
    tuned, faults = _run()
    assert tuned
    assert faults < 1000  # 64 MiB is 16,384 pages: fresh pages would fault each time


def _huge_pages_always() -> bool:
    try:
        with open("/sys/kernel/mm/transparent_hugepage/enabled") as f:
            return "[always]" in f.read()
    except OSError:
        return False


@_GLIBC
def test_the_switch_leaves_malloc_as_it_is() -> None:
    tuned, faults = _run(KERAX_KEEP_FREED_MEMORY="0")
    assert not tuned
    if not _huge_pages_always():  # with huge pages a fresh mapping faults in 2 MiB at a time
        assert faults > 10_000  # glibc maps and unmaps a block this large on every allocation
