"""The activation layers Activation, ReLU, LeakyReLU, PReLU, ELU and Softmax: contract, Keras parity, errors."""

from __future__ import annotations

import numpy as np
import pytest

from kerax import activations
from kerax.layers import Activation
from kerax.layers._activations import ELU, LeakyReLU, PReLU, ReLU, Softmax

from .harness import assert_keras_parity, random_data, run_layer_test

SHAPE = (2, 3, 4)


@pytest.mark.parametrize(
    ("cls", "kwargs"),
    [
        (ReLU, {"max_value": 1.0, "negative_slope": 0.1, "threshold": 0.2}),
        (LeakyReLU, {}),
        (ELU, {"alpha": 0.5}),
        (Softmax, {"axis": [1, 2]}),
    ],
)
def test_contract(cls, kwargs):
    run_layer_test(cls, kwargs, SHAPE, SHAPE)


@pytest.mark.parametrize(
    ("kwargs", "weight_shape"), [({}, (3, 4)), ({"shared_axes": [1], "alpha_initializer": "ones"}, (1, 4))]
)
def test_prelu_contract(kwargs, weight_shape):
    run_layer_test(PReLU, kwargs, SHAPE, SHAPE, expected_num_trainable_weights=1, expected_weight_shapes=[weight_shape])


PARITY_CASES = [
    ("ReLU", {}),
    ("ReLU", {"max_value": 6.0}),
    ("ReLU", {"max_value": 1.5, "negative_slope": 0.2, "threshold": 0.3}),
    ("ReLU", {"negative_slope": 0.25}),
    ("LeakyReLU", {}),
    ("LeakyReLU", {"negative_slope": 0.05}),
    ("ELU", {}),
    ("ELU", {"alpha": 0.3}),
    ("PReLU", {}),
    ("PReLU", {"shared_axes": [1, 2]}),
    ("Softmax", {}),
    ("Softmax", {"axis": 1}),
    ("Softmax", {"axis": [1, 2]}),
]
KERAX = {"ReLU": ReLU, "LeakyReLU": LeakyReLU, "ELU": ELU, "PReLU": PReLU, "Softmax": Softmax}


@pytest.mark.parametrize(("name", "kwargs"), PARITY_CASES)
def test_matches_keras(keras, name, kwargs):
    ours, theirs = KERAX[name](**kwargs), getattr(keras.layers, name)(**kwargs)
    assert_keras_parity(ours, theirs, random_data(SHAPE) * 2)
    assert [v.name for v in ours.weights] == [w.name for w in theirs.weights]
    mine, keras_config = ours.get_config(), theirs.get_config()
    assert set(mine) == set(keras_config)
    for key in set(mine) - {"name", "dtype", "trainable"}:
        assert mine[key] == keras_config[key], key


@pytest.mark.parametrize(
    "mask",
    [
        np.array([True, False, True, True]),  # broadcast over batch and rows
        random_data((2, 3, 4), seed=3) > 0,
        (random_data((2, 1, 4), seed=4) > 0).astype("float32"),  # numeric: > 0.5 keeps
    ],
)
def test_softmax_mask_matches_keras(keras, mask):
    x = random_data(SHAPE)
    expected = np.asarray(keras.layers.Softmax()(x, mask=mask))
    got = np.asarray(Softmax()(x, mask=mask))
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-7)
    keep = np.broadcast_to(mask > 0.5 if mask.dtype != bool else mask, SHAPE)
    assert np.all(got[~keep] == 0)


def test_softmax_mask_contract_and_symbolic_call():
    mask = np.array([True, True, False, True])
    run_layer_test(Softmax, {}, SHAPE, SHAPE, call_kwargs={"mask": mask})
    out = np.asarray(Softmax()(np.zeros((1, 4), "float32"), mask=mask))
    np.testing.assert_allclose(out, [[1 / 3, 1 / 3, 0, 1 / 3]], rtol=1e-6)


def test_relu_values():
    x = np.array([-2.0, -0.5, 0.0, 0.5, 1.0, 3.0], "float32")
    np.testing.assert_allclose(ReLU()(x), [0, 0, 0, 0.5, 1, 3])
    np.testing.assert_allclose(ReLU(max_value=1.0)(x), [0, 0, 0, 0.5, 1, 1])
    np.testing.assert_allclose(ReLU(threshold=0.5)(x), [0, 0, 0, 0, 1, 3])
    np.testing.assert_allclose(LeakyReLU()(x), [-0.6, -0.15, 0, 0.5, 1, 3], rtol=1e-6)


def test_prelu_learns_per_channel_slopes():
    layer = PReLU(shared_axes=[1])
    layer(np.zeros((1, 3, 2), "float32"))
    layer.set_weights([np.array([[0.5, 2.0]], "float32")])
    out = np.asarray(layer(-np.ones((1, 3, 2), "float32")))
    np.testing.assert_allclose(out, np.tile([-0.5, -2.0], (1, 3, 1)))
    assert layer.get_config()["shared_axes"] == [1]
    assert PReLU(shared_axes=2).get_config()["shared_axes"] == [2]


def test_leaky_relu_deprecated_alpha():
    with pytest.warns(UserWarning, match="`alpha` is deprecated"):
        layer = LeakyReLU(alpha=0.1)
    assert layer.negative_slope == 0.1


def test_errors():
    with pytest.raises(ValueError, match=r"ReLU 'r'.*`max_value` must be a non-negative number.*max_value=-1"):
        ReLU(max_value=-1, name="r")
    with pytest.raises(ValueError, match=r"`negative_slope` must be a non-negative"):
        ReLU(negative_slope=None)
    with pytest.raises(ValueError, match=r"`threshold` must be a non-negative"):
        ReLU(threshold=-0.5)
    with pytest.raises(ValueError, match=r"LeakyReLU 'l'.*negative_slope=-0.1"):
        LeakyReLU(negative_slope=-0.1, name="l")
    with pytest.raises(ValueError, match=r"PReLU 'p'.*`shared_axes` must be non-batch axes"):
        PReLU(shared_axes=[0], name="p")
    with pytest.raises(ValueError, match=r"PReLU 'p2'.*shared axis 5 is out of bounds"):
        PReLU(shared_axes=[5], name="p2")(np.zeros((2, 3), "float32"))
    regularized = PReLU(alpha_regularizer="l2")
    regularized(np.zeros((2, 3), "float32"))
    assert type(regularized.alpha.regularizer).__name__ == "L2"
    with pytest.raises(ValueError, match=r"Softmax 's'.*broadcastable.*mask.shape=\(3,\)"):
        Softmax(name="s")(np.zeros((2, 4), "float32"), mask=np.ones(3, bool))
    with pytest.raises(TypeError, match=r"Softmax 's2'.*`axis`"):
        Softmax(axis="x", name="s2")
    built = PReLU(name="built")
    built(np.zeros((2, 3), "float32"))
    with pytest.raises(ValueError, match=r"'built'.*axis 1"):
        built(np.zeros((2, 4), "float32"))


# -- Activation: any activation function by name or callable -------------------------------------------------------
@pytest.mark.parametrize("activation", ["relu", "softmax", "linear"])
def test_activation_contract(activation):
    run_layer_test(Activation, {"activation": activation}, (2, 3, 4), (2, 3, 4))


@pytest.mark.parametrize("activation", ["relu", "softmax"])
def test_activation_matches_keras(keras, activation):
    assert_keras_parity(Activation(activation), keras.layers.Activation(activation), random_data((2, 5)))


def test_activation_callable_and_config():
    layer = Activation(activations.sigmoid)
    assert layer.get_config()["activation"] == "sigmoid"
    np.testing.assert_allclose(layer(np.zeros((1, 2), "float32")), [[0.5, 0.5]])
    assert Activation(None).get_config()["activation"] == "linear"


def test_activation_unknown_name():
    with pytest.raises(ValueError, match="Unknown activation 'rleu'.*Did you mean 'relu'"):
        Activation("rleu")
