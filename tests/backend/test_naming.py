"""Names: the uid counters that layer names share, and name_scope's variable paths."""

from __future__ import annotations

import keras

import kerax


def test_get_uid_shares_the_layer_name_counters() -> None:
    assert kerax.backend.get_uid("thing") == 1
    assert kerax.backend.get_uid("thing") == 2
    assert kerax.layers.Dense(1).name == "dense"
    assert kerax.backend.get_uid("dense") == 2
    kerax.backend.clear_session(free_memory=False)
    assert kerax.backend.get_uid("thing") == 1
    assert kerax.layers.Dense(1).name == "dense"


def test_name_scope_prefixes_variable_paths_as_keras_does() -> None:
    with kerax.name_scope("outer") as scope:
        assert scope.name == "outer"
        with kerax.name_scope("inner"):
            assert kerax.Variable(1.0, name="w").path == "outer/inner/w"
        dense = kerax.layers.Dense(2)
        dense.build((None, 3))
    assert dense.kernel.path == "outer/dense/kernel"
    assert kerax.Variable(1.0, name="w").path == "w"
    with keras.name_scope("outer"):
        assert keras.Variable(1.0, name="w").path == "outer/w"
