"""Freed host memory is reused across compiled calls on the CPU backend (no page faults per call)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import jax
import pytest

pytestmark = pytest.mark.skipif(
    jax.default_backend() != "cpu" or not sys.platform.startswith("linux"), reason="glibc's malloc on the CPU backend"
)

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


def test_the_switch_leaves_malloc_as_it_is() -> None:
    tuned, faults = _run(KERAX_KEEP_FREED_MEMORY="0")
    assert not tuned
    if not _huge_pages_always():  # with huge pages a fresh mapping faults in 2 MiB at a time
        assert faults > 10_000  # glibc maps and unmaps a block this large on every allocation
