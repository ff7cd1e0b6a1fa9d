"""Suite-wide setup: Keras 3 (the test oracle) on the JAX backend, and a fresh kerax session per test."""

from __future__ import annotations

import os
import sys
import tempfile

os.environ.setdefault("KERAS_BACKEND", "jax")
# Hypothesis keeps a cache of its own; it belongs in a temporary folder, not in the checkout.
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", os.path.join(tempfile.gettempdir(), "kerax-hypothesis"))

import pytest  # noqa: E402

import kerax  # noqa: E402


@pytest.fixture(scope="session")
def keras():
    """The Keras 3 module on the JAX backend; the test is skipped when keras is not installed."""
    module = pytest.importorskip("keras")
    if "keras" in sys.modules and module.backend.backend() != "jax":  # pragma: no cover
        pytest.skip("keras was imported with another backend before the tests set KERAS_BACKEND=jax")
    return module


@pytest.fixture(autouse=True)
def _fresh_kerax_session() -> None:
    """Every test starts with fresh layer names (``dense``, not ``dense_7``) and seed 0."""
    kerax.utils.clear_session(free_memory=False)
    kerax.utils.set_random_seed(0)
