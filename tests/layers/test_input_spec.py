"""InputSpec: the checks a layer's input spec makes, against Keras 3's on the same specs and inputs."""

from __future__ import annotations

import numpy as np
import pytest

import kerax


def _accepts(lib, spec_kwargs: dict, shape: tuple) -> bool:
    """Whether a layer whose input spec is ``InputSpec(**spec_kwargs)`` accepts an input of ``shape``."""

    class Probe(lib.layers.Layer):
        def __init__(self) -> None:
            super().__init__()
            self.input_spec = lib.layers.InputSpec(**spec_kwargs)

        def call(self, inputs):
            return inputs

    try:
        Probe()(np.zeros(shape, "float32"))
    except ValueError:
        return False
    return True


@pytest.mark.parametrize(
    ("spec_kwargs", "shape"),
    [
        ({"shape": (None, 4, 1)}, (2, 4, 1)),
        ({"shape": (None, 4, 1)}, (2, 4)),
        ({"shape": (None, 4, 1)}, (2, 5, 1)),
        ({"shape": (None, 4, 1), "allow_last_axis_squeeze": True}, (2, 4)),
        ({"shape": (None, 4, 1), "allow_last_axis_squeeze": True}, (2, 4, 1)),
        ({"shape": (None, 4, 1), "allow_last_axis_squeeze": True}, (2, 5)),
        ({"shape": (None, 4), "allow_last_axis_squeeze": True}, (2, 4, 1)),
        ({"shape": (None, 4), "allow_last_axis_squeeze": True}, (2, 4, 3)),
        ({"ndim": 3, "allow_last_axis_squeeze": True}, (2, 4)),
        ({"ndim": 3}, (2, 4)),
        ({"min_ndim": 2, "axes": {-1: 3}}, (2, 5, 3)),
        ({"min_ndim": 2, "axes": {-1: 3}}, (2, 5, 4)),
        ({"max_ndim": 2}, (2, 5, 4)),
    ],
)
def test_accepts_what_keras_accepts(keras, spec_kwargs, shape):
    assert _accepts(kerax, spec_kwargs, shape) == _accepts(keras, spec_kwargs, shape)


def test_refusal_names_the_layer_the_expectation_and_the_shape():
    spec = kerax.layers.InputSpec(shape=(None, 4, 1), allow_last_axis_squeeze=True)
    assert spec.allow_last_axis_squeeze and "allow_last_axis_squeeze=True" in repr(spec)
    assert "allow_last_axis_squeeze" not in repr(kerax.layers.InputSpec(ndim=0))
    assert "ndim=0" in repr(kerax.layers.InputSpec(ndim=0))
    layer = kerax.layers.Identity(name="probe")
    layer.input_spec = spec
    with pytest.raises(ValueError, match=r"layer 'probe'.*expected shape=\(None, 4, 1\), found shape=\(2, 5\)"):
        layer(np.zeros((2, 5), "float32"))
