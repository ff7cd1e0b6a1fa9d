"""JAX's persistent compilation cache: on by default under $KERAX_HOME, off with one switch."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

_SCRIPT = textwrap.dedent(
    """
    import numpy as np
    import kerax
    import jax
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0)  # cache even a fast machine's compiles
    {before}
    model = kerax.Sequential([kerax.Input((8,)), kerax.layers.Dense(64, activation="relu"), kerax.layers.Dense(1)])
    model.compile("adam", "mse")
    model.fit(np.ones((64, 8), "float32"), np.ones((64, 1), "float32"), batch_size=16, verbose=0)
    print(jax.config.jax_enable_compilation_cache, jax.config.jax_compilation_cache_dir)
    """
)


def _run(home: str, before: str = "", **env: str) -> str:
    environ = {k: v for k, v in os.environ.items() if k not in ("JAX_COMPILATION_CACHE_DIR", "KERAX_COMPILATION_CACHE")}
    environ.update(KERAX_HOME=home, **env)
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT.format(before=before)], env=environ, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("before", "env", "cached"),
    [
        ("", {}, True),
        ("", {"KERAX_COMPILATION_CACHE": "0"}, False),
        ("kerax.config.disable_compilation_cache()", {}, False),
    ],
    ids=["default", "environment-off", "switched-off"],
)
def test_compiled_steps_are_cached_under_kerax_home_unless_switched_off(tmp_path, before, env, cached) -> None:
    home = str(tmp_path / "home")
    line = _run(home, before, **env)
    cache = os.path.join(home, "jax_cache")
    entries = os.listdir(cache) if os.path.isdir(cache) else []
    if cached:
        assert line == f"True {cache}"
        assert any("train_loop" in name for name in entries)  # the compiled training loop
    else:
        assert entries == []


def test_a_directory_chosen_by_the_program_is_kept(tmp_path) -> None:
    chosen = str(tmp_path / "mine")
    line = _run(str(tmp_path / "home"), "", JAX_COMPILATION_CACHE_DIR=chosen)
    assert line == f"True {chosen}"
    assert not os.path.exists(tmp_path / "home" / "jax_cache")
