"""Fixtures for the layer tests (the ``keras`` oracle fixture is the suite's, in ``tests/conftest.py``)."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture
def rng() -> np.random.Generator:
    """A seeded NumPy generator, fresh for every test."""
    return np.random.default_rng(1234)
