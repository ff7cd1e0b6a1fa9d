"""Test configuration for kerax.metrics: Keras 3 (JAX backend) is the oracle."""

import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")

if "keras" in sys.modules and sys.modules["keras"].backend.backend() != "jax":  # pragma: no cover
    raise RuntimeError("The Keras oracle must use the JAX backend; set KERAS_BACKEND=jax before importing keras.")

import pytest  # noqa: E402

# Keras's IoU metrics cast indices to int64, which JAX (without x64) truncates with a UserWarning; the
# warning comes from the oracle, never from kerax (whose IoU metrics index with int32).
_KERAS_INT64_WARNING = "ignore:Explicitly requested dtype int64 requested in asarray:UserWarning"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/metrics/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.filterwarnings(_KERAS_INT64_WARNING))
