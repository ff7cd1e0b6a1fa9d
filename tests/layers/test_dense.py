"""Dense: the layer contract (the shared harness) and parity with Keras 3 over its arguments: activations,
use_bias, initializers, regularizers, constraints, dtypes, 2-D and 3-D inputs; outputs, gradients, penalties
and a training step with the weights copied across."""

from __future__ import annotations

import numpy as np
import pytest

import kerax
from kerax import layers

from ._keras_grads import assert_gradient_parity
from .harness import assert_keras_parity, random_data, run_layer_test

ONES = {"kernel_initializer": "ones", "bias_initializer": "ones"}
PENALTIES = {
    "kernel_regularizer": "l2",
    "bias_regularizer": "l1",
    "activity_regularizer": "l2",
    "kernel_constraint": "max_norm",
    "bias_constraint": "non_neg",
}

# (init kwargs, input shape, output shape, weight shapes, output dtype)
CONTRACT_CASES = [
    ({"units": 4}, (2, 3), (2, 4), [(3, 4), (4,)], "float32"),
    ({"units": 5, "activation": "relu", **ONES}, (2, 3, 6), (2, 3, 5), [(6, 5), (5,)], "float32"),
    ({"units": 2, "use_bias": False, "kernel_initializer": "ones"}, (2, 4), (2, 2), [(4, 2)], "float32"),
    ({"units": 3, "activation": "tanh", **ONES, **PENALTIES}, (2, 5, 4), (2, 5, 3), [(4, 3), (3,)], "float32"),
    ({"units": 3, "dtype": "mixed_bfloat16", **ONES}, (2, 4), (2, 3), [(4, 3), (3,)], "bfloat16"),
    ({"units": 3, "dtype": "float16", **ONES}, (2, 2, 4), (2, 2, 3), [(4, 3), (3,)], "float16"),
]


@pytest.mark.parametrize(
    ("kwargs", "input_shape", "output_shape", "weight_shapes", "dtype"),
    CONTRACT_CASES,
    ids=["plain", "relu-3d", "no-bias", "penalties-3d", "mixed_bfloat16", "float16-3d"],
)
def test_contract(kwargs, input_shape, output_shape, weight_shapes, dtype):
    run_layer_test(
        layers.Dense,
        kwargs,
        input_shape,
        output_shape,
        expected_num_trainable_weights=len(weight_shapes),
        expected_weight_shapes=weight_shapes,
        expected_output_dtype=dtype,
    )


# (init kwargs, input shape, tolerance): the kernel starts at zeros, then both layers get the same random weights.
PARITY_CASES = [
    ({"units": 4}, (3, 5), 1e-5),
    ({"units": 4}, (2, 3, 5), 1e-5),
    ({"units": 3, "activation": "relu"}, (3, 5), 1e-5),
    ({"units": 3, "activation": "softmax"}, (2, 4, 5), 1e-5),
    ({"units": 3, "activation": "gelu"}, (3, 5), 1e-5),
    ({"units": 6, "activation": "sigmoid", "use_bias": False}, (2, 3, 5), 1e-5),
    ({"units": 2, "use_bias": False}, (4, 5), 1e-5),
    ({"units": 3, "activation": "tanh", **PENALTIES}, (2, 3, 5), 1e-5),
    ({"units": 3, "activation": "relu", "dtype": "float16"}, (3, 5), 1e-2),
    ({"units": 3, "dtype": "bfloat16"}, (2, 3, 5), 2e-2),
    ({"units": 3, "activation": "tanh", "dtype": "mixed_float16"}, (3, 5), 1e-2),
    ({"units": 3, "dtype": "mixed_bfloat16"}, (2, 3, 5), 2e-2),
]


def _parity_id(case) -> str:
    kwargs, shape, _ = case
    words = [f"{len(shape)}d"] + [f"{k}={v}" for k, v in kwargs.items() if k not in PENALTIES and k != "units"]
    return "-".join(words + (["penalties"] if "kernel_regularizer" in kwargs else []))


@pytest.mark.parametrize(("kwargs", "input_shape", "tol"), PARITY_CASES, ids=[_parity_id(c) for c in PARITY_CASES])
def test_outputs_gradients_and_penalties_match_keras(keras, kwargs, input_shape, tol):
    kwargs = {**kwargs, "kernel_initializer": "zeros"}
    ours, theirs = layers.Dense(**kwargs), keras.layers.Dense(**kwargs)
    data = random_data(input_shape)
    assert_keras_parity(ours, theirs, data, rtol=tol, atol=tol)
    assert [(v.name, v.dtype) for v in ours.weights] == [(v.name, v.dtype) for v in theirs.weights]
    assert_gradient_parity(ours, theirs, (data,), rtol=max(tol, 1e-4), atol=max(tol, 1e-5))
    ours_losses = sorted(float(np.asarray(loss, "float64")) for loss in ours.losses)
    theirs_losses = sorted(float(np.asarray(loss, "float64")) for loss in theirs.losses)
    np.testing.assert_allclose(ours_losses, theirs_losses, rtol=1e-5)
    assert bool(ours_losses) == ("kernel_regularizer" in kwargs)


@pytest.mark.parametrize(
    ("kernel_initializer", "bias_initializer"),
    [
        ("ones", "zeros"),
        ("zeros", "ones"),
        ({"class_name": "Constant", "config": {"value": 0.3}}, {"class_name": "Constant", "config": {"value": -2.0}}),
        ("identity", "zeros"),
    ],
    ids=["ones-zeros", "zeros-ones", "constants", "identity"],
)
def test_deterministic_initializers_give_keras_outputs_without_copying_weights(
    keras, kernel_initializer, bias_initializer
):
    kwargs = {"units": 4, "kernel_initializer": kernel_initializer, "bias_initializer": bias_initializer}
    data = random_data((3, 4))
    expected = np.asarray(keras.layers.Dense(**kwargs)(data))
    np.testing.assert_allclose(np.asarray(layers.Dense(**kwargs)(data)), expected, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("initializer", ["glorot_uniform", "he_normal", "lecun_uniform", "orthogonal"])
def test_random_initializers_have_keras_configs_and_scales(keras, initializer):
    ours = layers.Dense(64, kernel_initializer=initializer)
    theirs = keras.layers.Dense(64, kernel_initializer=initializer)
    ours.build((None, 32))
    theirs.build((None, 32))
    ours_config, theirs_config = ours.get_config()["kernel_initializer"], theirs.get_config()["kernel_initializer"]
    assert ours_config["class_name"] == theirs_config["class_name"]
    keras_only = {"input_axes", "output_axes"}  # Keras 3.15's fan axes for EinsumDense kernels; None here
    assert ours_config["config"] == {k: v for k, v in theirs_config["config"].items() if k not in keras_only}
    assert all(theirs_config["config"].get(k) is None for k in keras_only)
    np.testing.assert_allclose(np.std(ours.kernel.numpy()), np.std(theirs.kernel.numpy()), rtol=0.1)
    assert np.abs(ours.kernel.numpy()).max() <= np.abs(theirs.kernel.numpy()).max() * 1.5


def test_config_matches_keras(keras):
    kwargs = {"units": 3, "activation": "relu", "use_bias": False, **PENALTIES, "kernel_initializer": "ones"}
    ours, theirs = layers.Dense(**kwargs).get_config(), keras.layers.Dense(**kwargs).get_config()
    keras_only = {"quantization_config"}  # kerax has no quantized kernels (None is its neutral value)
    assert set(ours) == set(theirs) - keras_only
    assert theirs["quantization_config"] is None
    for key in set(ours) - {"name", "dtype", "kernel_regularizer", "bias_regularizer", "activity_regularizer"}:
        assert ours[key] == theirs[key], key
    for key in ("kernel_regularizer", "bias_regularizer", "activity_regularizer"):  # Keras keeps float32 factors
        assert ours[key]["class_name"] == theirs[key]["class_name"], key
        assert ours[key]["config"] == pytest.approx(theirs[key]["config"]), key


@pytest.mark.parametrize("input_shape", [(6, 4), (3, 2, 4)], ids=["2d", "3d"])
def test_a_training_step_with_penalties_and_constraints_matches_keras(keras, input_shape):
    """One SGD step: the weight penalties reach the gradient, the activity penalty the loss, and the
    constraints clip the updated weights, as in Keras."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal(input_shape).astype("float32")
    y = rng.standard_normal((*input_shape[:-1], 3)).astype("float32")
    kwargs = {"units": 3, "activation": "tanh", "kernel_initializer": "zeros", **PENALTIES}
    kwargs["kernel_constraint"] = {"class_name": "MaxNorm", "config": {"max_value": 0.5, "axis": 0}}

    def train(lib):
        model = lib.Sequential([lib.Input(input_shape[1:]), lib.layers.Dense(**kwargs)])
        model.compile(optimizer=lib.optimizers.SGD(0.5), loss="mse")
        model.layers[0].set_weights(
            [rng_weights.standard_normal((4, 3)).astype("float32"), np.linspace(-1, 1, 3).astype("float32")]
        )
        loss = model.train_on_batch(x, y)
        return float(np.asarray(loss).ravel()[0]), model.layers[0].get_weights()

    rng_weights = np.random.default_rng(1)
    ours_loss, ours_weights = train(kerax)
    rng_weights = np.random.default_rng(1)
    theirs_loss, theirs_weights = train(keras)
    assert ours_loss == pytest.approx(theirs_loss, rel=1e-5)
    for got, expected in zip(ours_weights, theirs_weights, strict=True):
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    assert np.all(ours_weights[1] >= 0)  # non_neg clipped the bias
    assert np.linalg.norm(ours_weights[0], axis=0).max() <= 0.5 + 1e-6  # max_norm clipped every column


def test_errors_name_the_layer_and_the_values():
    with pytest.raises(ValueError, match=r"Dense 'd'.*`units` must be a positive integer, received 0"):
        layers.Dense(0, name="d")
    with pytest.raises(ValueError, match=r"Dense 'd2'.*`units` must be a positive integer, received True"):
        layers.Dense(True, name="d2")
    with pytest.raises(ValueError, match=r"Dense 'unknown'.*last dimension of the input must be known"):
        layers.Dense(2, name="unknown").build((None, None))
    built = layers.Dense(2, name="built")
    built(np.zeros((1, 3), "float32"))
    with pytest.raises(ValueError, match=r"'built'.*expected axis -1 of input shape to have value 3"):
        built(np.zeros((1, 4), "float32"))
    with pytest.raises(ValueError, match=r"'vector'.*expected min_ndim=2, found ndim=1"):
        layers.Dense(2, name="vector")(np.zeros((3,), "float32"))


def test_lora_matches_keras(keras):
    x = random_data((3, 5), seed=4)
    ours, theirs = layers.Dense(4, lora_rank=2), keras.layers.Dense(4, lora_rank=2)
    assert_keras_parity(ours, theirs, x)  # copies kernel, bias and both factors
    assert [v.name for v in ours.weights] == [v.name for v in theirs.weights]
    assert [v.name for v in ours.trainable_weights] == ["bias", "lora_kernel_a", "lora_kernel_b"]
    assert [v.name for v in ours.non_trainable_weights] == ["kernel"]
    assert_gradient_parity(ours, theirs, (x,))
    for key in ("lora_rank", "lora_alpha"):
        assert ours.get_config()[key] == theirs.get_config()[key] == 2, key


def test_enable_lora_trains_only_the_factors_and_saves_the_merged_kernel_like_keras(keras, tmp_path):
    x = random_data((4, 3), seed=5)
    y = random_data((4, 2), seed=6)
    inputs = kerax.Input((3,))
    model = kerax.Model(inputs, layers.Dense(2)(inputs))
    dense = model.layers[1]
    before = np.asarray(model(x))
    dense.enable_lora(1, lora_alpha=2.0)
    np.testing.assert_allclose(np.asarray(model(x)), before, rtol=1e-6)  # B starts at zero
    frozen = np.asarray(dense._kernel.value)
    model.compile("sgd", "mse")
    model.fit(x, y, epochs=2, verbose=0)
    np.testing.assert_array_equal(np.asarray(dense._kernel.value), frozen)
    assert np.any(np.asarray(dense.lora_kernel_b.value))
    merged = frozen + 2.0 * np.asarray(dense.lora_kernel_a.value) @ np.asarray(dense.lora_kernel_b.value)
    np.testing.assert_allclose(np.asarray(dense.kernel), merged, rtol=1e-6)
    model.save(tmp_path / "lora.keras")
    theirs = keras.saving.load_model(tmp_path / "lora.keras")
    np.testing.assert_allclose(np.asarray(theirs(x)), np.asarray(model(x)), rtol=1e-5, atol=1e-6)
    again = kerax.saving.load_model(tmp_path / "lora.keras")
    np.testing.assert_allclose(np.asarray(again(x)), np.asarray(model(x)), rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="already enabled"):
        dense.enable_lora(1)
    with pytest.raises(ValueError, match="lora_rank"):
        layers.Dense(2, lora_rank=0)
