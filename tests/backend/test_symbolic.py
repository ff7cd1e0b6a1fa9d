"""Symbolic tensors: is_keras_tensor on symbolic and concrete values, and the backend's name."""

from __future__ import annotations

import numpy as np

import kerax


def test_is_keras_tensor_and_backend_name() -> None:
    symbolic = kerax.Input((2,))
    assert kerax.backend.is_keras_tensor(symbolic) and kerax.utils.is_keras_tensor(symbolic)
    assert isinstance(symbolic, kerax.KerasTensor)
    assert not kerax.backend.is_keras_tensor(np.ones(2))
    assert kerax.backend.backend() == "jax" == kerax.config.backend()
    assert kerax.utils.clear_session is kerax.backend.clear_session
