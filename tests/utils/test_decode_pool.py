"""The image readers' decoding processes: same pixels as decoding in place, and none outlives its use."""

from __future__ import annotations

import os
import pathlib
import signal
import subprocess
import sys
import textwrap
import threading
import time

import numpy as np
import pytest
from PIL import Image

import kerax
from kerax.utils import _decode_pool, _pixels

pytestmark = pytest.mark.skipif(os.name != "posix", reason="decoding processes need POSIX file-descriptor passing")


@pytest.fixture(scope="module")
def images(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Ten files of several sizes and modes: JPEG, RGBA PNG, grayscale PNG."""
    root = tmp_path_factory.mktemp("decode_pool")
    rng = np.random.default_rng(0)
    paths = []
    for i in range(10):
        shape = [(9, 7, 3), (6, 6, 4), (8, 11)][i % 3]
        path = root / f"{i:02d}.{'jpg' if i % 3 == 0 else 'png'}"
        Image.fromarray(rng.integers(0, 256, shape).astype("uint8")).save(path)
        paths.append(str(path))
    return paths


@pytest.fixture
def pool() -> _decode_pool.DecodePool:
    """One worker (two batches in a row go to the same one)."""
    workers = _decode_pool.DecodePool(1)
    yield workers
    workers.shutdown()


def _gone(pid: int, seconds: float = 10.0) -> bool:
    """Whether process ``pid`` has ended (or is a zombie) within ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return True
        except FileNotFoundError:
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize(
    "args",
    [
        ((6, 7), 3, "bilinear", False, False),
        ((5, 5), 1, "bicubic", True, False),
        ((8, 4), 4, "area", False, True),
        ((6, 6), 3, "nearest", False, False),
    ],
)
def test_a_worker_decodes_exactly_what_the_reading_thread_decodes(
    pool: _decode_pool.DecodePool, images: list[str], args: tuple
) -> None:
    (height, width), channels = args[0], args[1]
    shape = (len(images), height, width, channels)
    expected = _decode_pool.decode_here(images, shape, args)
    got = pool.decode(images, shape, args)
    assert got.dtype == np.float32 and got.shape == shape
    np.testing.assert_array_equal(got, expected)
    assert pool.running() == 1


def test_workers_run_beside_the_reading_threads_and_shut_down(images: list[str]) -> None:
    pool = _decode_pool.DecodePool(2)
    args = ((4, 4), 3, "bilinear", False, False)
    barrier = threading.Barrier(2)
    results: list[np.ndarray] = []

    def read() -> None:
        barrier.wait()
        results.append(pool.decode(images, (len(images), 4, 4, 3), args))

    threads = [threading.Thread(target=read) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 2
    np.testing.assert_array_equal(results[0], results[1])
    pids = [w.process.pid for w in pool._workers if w.process is not None]
    assert pool.running() == 2 and len(pids) == 2
    pool.shutdown()
    assert pool.running() == 0 and all(_gone(pid) for pid in pids)
    np.testing.assert_array_equal(pool.decode(images, (len(images), 4, 4, 3), args), results[0])  # starts anew
    pool.shutdown()


def test_an_idle_worker_exits_and_the_next_batch_starts_a_new_one(
    pool: _decode_pool.DecodePool, images: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_decode_pool, "IDLE_SECONDS", 0.2)
    args = ((4, 4), 3, "bilinear", False, False)
    first = pool.decode(images[:2], (2, 4, 4, 3), args)
    (worker,) = pool._workers
    pid = worker.process.pid
    assert _gone(pid, 5.0)
    np.testing.assert_array_equal(pool.decode(images[:2], (2, 4, 4, 3), args), first)
    assert worker.process.pid != pid


def test_a_larger_batch_gets_a_larger_shared_memory(pool: _decode_pool.DecodePool, images: list[str]) -> None:
    small = pool.decode(images[:1], (1, 2, 2, 3), ((2, 2), 3, "bilinear", False, False))
    large = pool.decode(images, (len(images), 64, 64, 3), ((64, 64), 3, "bilinear", False, False))
    assert small.shape == (1, 2, 2, 3) and large.shape == (10, 64, 64, 3)
    assert max(w.capacity for w in pool._workers) >= large.nbytes


def test_a_bad_file_is_named_and_the_worker_goes_on(
    pool: _decode_pool.DecodePool, images: list[str], tmp_path: pathlib.Path
) -> None:
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"not an image")
    args = ((4, 4), 3, "bilinear", False, False)
    with pytest.raises(ValueError, match=r"could not decode the image file .*bad\.png"):
        pool.decode([images[0], str(bad)], (2, 4, 4, 3), args)
    with pytest.raises(ValueError, match=r"could not read the image file .*missing\.jpg"):
        pool.decode([str(tmp_path / "missing.jpg")], (1, 4, 4, 3), args)
    assert pool.decode(images[:1], (1, 4, 4, 3), args).shape == (1, 4, 4, 3)


def test_a_worker_killed_while_decoding_is_reported(
    pool: _decode_pool.DecodePool, images: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ((4, 4), 3, "bilinear", False, False)
    (worker,) = pool._workers  # its first request: a crash is not taken for a failed start
    write = _pixels.write_frame

    def kill_then_write(fd: int, obj: object) -> None:  # dies as the request goes out (not reaped yet)
        worker.process.send_signal(signal.SIGKILL)
        assert _gone(worker.process.pid)
        write(fd, obj)

    monkeypatch.setattr(_pixels, "write_frame", kill_then_write)
    with pytest.raises(RuntimeError, match=r"decoding process was killed by signal 9 .* 2 files starting with"):
        pool.decode(images[:2], (2, 4, 4, 3), args)
    monkeypatch.setattr(_pixels, "write_frame", write)
    assert pool.decode(images[:1], (1, 4, 4, 3), args).shape == (1, 4, 4, 3)  # a new worker


def test_where_no_worker_can_start_the_reading_thread_decodes(
    images: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_decode_pool.sys, "executable", "/bin/false")
    workers = _decode_pool.DecodePool(1)
    args = ((4, 4), 3, "bilinear", False, False)
    with pytest.warns(RuntimeWarning, match="could not start .* decoded on the reading thread"):
        got = workers.decode(images, (len(images), 4, 4, 3), args)
    np.testing.assert_array_equal(got, _decode_pool.decode_here(images, (len(images), 4, 4, 3), args))
    assert workers.closed
    workers.shutdown()


def test_a_worker_that_never_answers_is_given_up_on(
    images: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path
) -> None:
    hangs = tmp_path / "hangs.sh"
    hangs.write_text("#!/bin/sh\nexec sleep 60\n")
    hangs.chmod(0o755)
    monkeypatch.setattr(_decode_pool.sys, "executable", str(hangs))
    monkeypatch.setattr(_decode_pool, "_START_TIMEOUT_S", 0.5)
    workers = _decode_pool.DecodePool(1)
    args = ((4, 4), 3, "bilinear", False, False)
    started = time.monotonic()
    with pytest.warns(RuntimeWarning, match="did not start within 0 s .* decoded on the reading thread"):
        got = workers.decode(images[:2], (2, 4, 4, 3), args)
    assert time.monotonic() - started < 30
    np.testing.assert_array_equal(got, _decode_pool.decode_here(images[:2], (2, 4, 4, 3), args))
    assert workers.running() == 0
    workers.shutdown()


@pytest.mark.parametrize(("setting", "expected"), [("0", 0), ("3", 3), (" 1 ", 1)])
def test_the_worker_count_can_be_set(monkeypatch: pytest.MonkeyPatch, setting: str, expected: int) -> None:
    monkeypatch.setenv("KERAX_DECODE_WORKERS", setting)
    assert _decode_pool.default_worker_count() == expected


def test_a_bad_worker_count_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KERAX_DECODE_WORKERS", "two")
    with pytest.raises(ValueError, match="KERAX_DECODE_WORKERS must be a whole number .* received 'two'"):
        _decode_pool.default_worker_count()


def test_no_worker_outlives_the_training_process(tmp_path: pathlib.Path, images: list[str]) -> None:
    """Workers end when the process exits normally, and when it is killed without any chance to clean up."""
    folder = tmp_path / "c"
    folder.mkdir()
    for path in images[:4]:
        os.link(path, folder / os.path.basename(path))
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        os.environ["KERAX_DECODE_WORKERS"] = "2"
        import kerax
        from kerax.utils import _decode_pool
        ds = kerax.utils.image_dataset_from_directory({str(tmp_path)!r}, image_size=(4, 4), batch_size=1,
                                                      verbose=False)
        for _ in ds:
            pass
        print(" ".join(str(w.process.pid) for w in _decode_pool.pool()._workers if w.process), flush=True)
        if sys.argv[1] == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    for how in ("exit", "kill"):
        done = subprocess.run(
            [sys.executable, "-c", script, how], capture_output=True, text=True, timeout=120, check=False
        )
        pids = [int(p) for p in done.stdout.split()]
        assert pids, done.stderr
        assert all(_gone(pid) for pid in pids), how


def test_the_folder_reader_decodes_in_the_workers(tmp_path: pathlib.Path, images: list[str]) -> None:
    for i, path in enumerate(images):
        folder = tmp_path / f"class_{i % 2}"
        folder.mkdir(exist_ok=True)
        os.link(path, folder / os.path.basename(path))
    workers = _decode_pool.pool()
    if workers is None:
        pytest.skip("one core: the reading thread decodes")
    workers.shutdown()
    ds = kerax.utils.image_dataset_from_directory(
        tmp_path, image_size=(5, 5), batch_size=3, shuffle=False, verbose=False
    )
    images_read = np.concatenate([x for x, _ in ds])
    assert workers.running() >= 1
    expected = _decode_pool.decode_here(ds.file_paths, (10, 5, 5, 3), ((5, 5), 3, "bilinear", False, False))
    np.testing.assert_array_equal(images_read, expected)


def test_a_forked_child_does_not_share_the_parents_workers(images: list[str]) -> None:
    """A child forked after reading (a fork-based loader) starts workers of its own, never the parent's.

    In a fresh interpreter, where no JAX backend runs yet, so that forking is safe.
    """
    script = textwrap.dedent(
        f"""
        import os
        os.environ["KERAX_DECODE_WORKERS"] = "1"
        from kerax.utils import _decode_pool
        args, shape, paths = ((4, 4), 3, "bilinear", False, False), (1, 4, 4, 3), [{images[0]!r}]
        parent_pool = _decode_pool.pool()
        parent_worker = _decode_pool.decode_batch(paths, shape, args) is not None and parent_pool._workers[0].process
        pid = os.fork()
        if pid == 0:
            child_pool = _decode_pool.pool()
            ok = child_pool is not parent_pool and child_pool.running() == 0
            ok = ok and _decode_pool.decode_batch(paths, shape, args).shape == shape
            ok = ok and child_pool._workers[0].process.pid != parent_worker.pid
            child_pool.shutdown()
            os._exit(0 if ok else 3)
        _, status = os.waitpid(pid, 0)
        assert parent_worker.poll() is None, "the child touched the parent's worker"
        print("child exit", os.waitstatus_to_exitcode(status))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0 and "child exit 0" in done.stdout, done.stderr
