"""Setup for the examples in kerax's docstrings (``pytest --doctest-modules src/kerax``).

Every example can use ``np`` (NumPy) and ``kerax`` without importing them, and starts as a test does:
fresh layer names (``dense``, not ``dense_7``) and random seed 0, so printed names and values are stable.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import kerax


@pytest.fixture(autouse=True)
def _doctest_setup(doctest_namespace: dict[str, Any]) -> None:
    doctest_namespace["np"] = np
    doctest_namespace["kerax"] = kerax
    kerax.utils.clear_session(free_memory=False)
    kerax.utils.set_random_seed(0)
