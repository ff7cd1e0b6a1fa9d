"""Mixed-precision test setup: Keras 3 on JAX is the oracle; both libraries' global policies are restored."""

from __future__ import annotations

import os

os.environ["KERAS_BACKEND"] = "jax"

from collections.abc import Iterator  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402

from kerax import mixed_precision  # noqa: E402


@pytest.fixture(scope="session")
def keras() -> Any:
    """The Keras 3 module on the JAX backend."""
    return pytest.importorskip("keras")


@pytest.fixture(autouse=True)
def _restore_global_policies(keras: Any) -> Iterator[None]:
    """Whatever a test sets, both libraries go back to the policy they had before it."""
    ours, theirs = mixed_precision.global_policy(), keras.config.dtype_policy()
    yield
    mixed_precision.set_global_policy(ours)
    keras.config.set_dtype_policy(theirs)
