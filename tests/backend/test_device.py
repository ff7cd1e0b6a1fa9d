"""kerax.device: a scope that places new arrays on the named device."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import pytest

import kerax


def test_device_places_new_arrays() -> None:
    cpu = jax.devices("cpu")[0]
    with kerax.device("cpu:0"):
        assert jnp.ones(3).devices() == {cpu}
    with kerax.device(cpu):
        assert jnp.zeros(2).devices() == {cpu}
    with pytest.raises(ValueError):
        kerax.device("cpu:99")
    with pytest.raises(ValueError):
        kerax.device(3)
