"""Fixtures for the layer tests: Keras 3 is the oracle, on the JAX backend (set before keras is imported)."""

from __future__ import annotations

import os
import sys

os.environ["KERAS_BACKEND"] = "jax"

import numpy as np  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture(scope="session")
def keras():
    """The Keras 3 module on the JAX backend; the test is skipped when keras is not installed."""
    module = pytest.importorskip("keras")
    if "keras" in sys.modules and module.backend.backend() != "jax":  # pragma: no cover
        pytest.skip("keras was imported with another backend before the layer tests set KERAS_BACKEND=jax")
    return module


@pytest.fixture
def rng() -> np.random.Generator:
    """A seeded NumPy generator, fresh for every test."""
    return np.random.default_rng(1234)
