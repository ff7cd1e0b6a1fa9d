"""Test configuration for kerax.losses: Keras 3 (JAX backend) is the oracle."""

import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")

if "keras" in sys.modules and sys.modules["keras"].backend.backend() != "jax":  # pragma: no cover
    raise RuntimeError("The Keras oracle must use the JAX backend; set KERAS_BACKEND=jax before importing keras.")
