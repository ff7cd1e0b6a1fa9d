"""Suite-wide setup: Keras 3 (the test oracle) on the JAX backend, and a fresh kerax session per test."""

from __future__ import annotations

import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import pytest  # noqa: E402

import kerax  # noqa: E402


@pytest.fixture(autouse=True)
def _fresh_kerax_session() -> None:
    """Every test starts with fresh layer names (``dense``, not ``dense_7``) and seed 0."""
    kerax.utils.clear_session(free_memory=False)
    kerax.utils.set_random_seed(0)
