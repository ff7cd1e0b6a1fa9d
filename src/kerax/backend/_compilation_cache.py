"""JAX's persistent compilation cache, on by default under kerax's home.

A training step takes seconds to compile; with the cache, a second run of the same script loads the
compiled programs from disk and starts at full speed. The cache lives in ``$KERAX_HOME/jax_cache``
(``~/.kerax/jax_cache``) unless the program already chose a directory for JAX. Set
``KERAX_COMPILATION_CACHE=0`` in the environment, or call ``kerax.config.disable_compilation_cache()``,
to turn it off.
"""

from __future__ import annotations

import os

import jax

from kerax.backend import _config

# Programs that compile faster than this are not worth a disk round trip.
_MIN_COMPILE_SECONDS = 0.2
_OFF = frozenset({"0", "false", "off", "no"})


def compilation_cache_dir() -> str | None:
    """The directory JAX caches compiled programs in, or None when the cache is off."""
    if not jax.config.jax_enable_compilation_cache:
        return None
    return jax.config.jax_compilation_cache_dir


def enable_compilation_cache(path: str | None = None) -> str:
    """Cache compiled programs in ``path`` (default ``$KERAX_HOME/jax_cache``); returns the directory.

    Args:
        path: The cache directory; ``None`` (default) means ``$KERAX_HOME/jax_cache``.
    """
    if path is None:
        path = os.path.join(_config.kerax_home(), "jax_cache")
    if not isinstance(path, str | os.PathLike) or not str(path):
        raise TypeError(f"enable_compilation_cache: `path` must be a directory path, received {path!r}.")
    path = os.path.abspath(os.fspath(path))
    jax.config.update("jax_compilation_cache_dir", path)
    jax.config.update("jax_persistent_cache_min_compile_time_secs", _MIN_COMPILE_SECONDS)
    jax.config.update("jax_enable_compilation_cache", True)
    return path


def disable_compilation_cache() -> None:
    """Compile every program afresh (nothing is read from or written to the cache)."""
    jax.config.update("jax_enable_compilation_cache", False)


def configure_from_environment() -> None:
    """At import: turn the cache on under kerax's home, unless switched off or already set up by the program."""
    if os.environ.get("KERAX_COMPILATION_CACHE", "").strip().lower() in _OFF:
        return
    if jax.config.jax_compilation_cache_dir is not None:
        return  # the program (or JAX_COMPILATION_CACHE_DIR) chose a directory: leave it as it is
    enable_compilation_cache()
