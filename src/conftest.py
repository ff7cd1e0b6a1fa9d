"""The examples in kerax's docstrings run as tests: ``pytest`` collects them from ``src/kerax``.

(``testpaths`` in pyproject.toml names ``tests`` and ``src/kerax``; here every module of the package is
collected as its docstring examples, without ``--doctest-modules``, which would also collect ``tests/``.)

Every example can use ``np`` (NumPy) and ``kerax`` without importing them, and starts as a test does:
fresh layer names (``dense``, not ``dense_7``) and random seed 0, so printed names and values are stable.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from _pytest.doctest import DoctestModule

import kerax


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> DoctestModule | None:
    if file_path.suffix != ".py" or file_path.name == "conftest.py" or parent.config.option.doctestmodules:
        return None  # with --doctest-modules, pytest collects the examples itself
    return DoctestModule.from_parent(parent, path=file_path)


@pytest.fixture(autouse=True)
def _doctest_setup(doctest_namespace: dict[str, Any]) -> None:
    doctest_namespace["np"] = np
    doctest_namespace["kerax"] = kerax
    kerax.utils.clear_session(free_memory=False)
    kerax.utils.set_random_seed(0)
