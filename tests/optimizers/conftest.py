"""Optimizer-test setup: Keras 3 on the JAX backend, used only as the numerical oracle."""

from __future__ import annotations

import os

os.environ["KERAS_BACKEND"] = "jax"

import keras  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture(scope="session")
def keras_module():
    """The Keras 3 module, configured for the JAX backend."""
    return keras
