"""StatelessScope (Keras's state mapping, assignments recorded in the scope) and SymbolicScope."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

import kerax


def test_stateless_scope_takes_keras_state_mapping() -> None:
    variable = kerax.Variable(np.zeros(2, "float32"))
    with kerax.StatelessScope(state_mapping=[(variable, jnp.ones(2))]) as scope:
        np.testing.assert_array_equal(variable.value, np.ones(2))
        variable.assign(jnp.full(2, 3.0))
        np.testing.assert_array_equal(scope.get_current_value(variable), np.full(2, 3.0))
    np.testing.assert_array_equal(variable.numpy(), np.zeros(2))


class _Probe(kerax.layers.Layer):
    seen: list[bool]

    def call(self, x: jax.Array) -> jax.Array:
        self.seen.append(kerax.backend._scope.in_symbolic_scope())
        return x


def test_symbolic_scope_marks_shape_inference() -> None:
    probe = _Probe()
    probe.seen = []
    probe(kerax.Input((2,)))
    probe(np.ones((1, 2), "float32"))
    assert probe.seen[-1] is False and probe.seen[:-1] and all(probe.seen[:-1])  # traced once or twice
    with kerax.SymbolicScope():
        assert kerax.backend._scope.in_symbolic_scope()
    assert not kerax.backend._scope.in_symbolic_scope()
