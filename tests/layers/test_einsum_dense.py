"""EinsumDense: equation forms, shapes, weights, LoRA, regularizers; parity with Keras 3; errors."""

from __future__ import annotations

import numpy as np
import pytest

import kerax
from kerax import initializers
from kerax.layers import EinsumDense

from ._keras_grads import assert_gradient_parity, assert_signature_matches, assert_summary_counts
from .harness import assert_keras_parity, random_data, run_layer_test

# (constructor arguments, input shape, output shape, weight shapes)
CASES = [
    (
        {"equation": "ab,bc->ac", "output_shape": 4, "bias_axes": "c", "activation": "relu"},
        (2, 3),
        (2, 4),
        [(3, 4), (4,)],
    ),
    ({"equation": "abc,cd->abd", "output_shape": (None, 4), "bias_axes": "d"}, (2, 5, 3), (2, 5, 4), [(3, 4), (4,)]),
    ({"equation": "...b,bc->...c", "output_shape": 4, "bias_axes": "c"}, (2, 3, 2, 5), (2, 3, 2, 4), [(5, 4), (4,)]),
    (
        {"equation": "ab...,bc->ac...", "output_shape": 4, "bias_axes": "c"},
        (2, 3, 2, 5),
        (2, 4, 2, 5),
        [(3, 4), (4, 1, 1)],
    ),
    (
        {"equation": "abc,cde->abde", "output_shape": (None, 2, 4), "bias_axes": "de"},
        (2, 3, 5),
        (2, 3, 2, 4),
        [(5, 2, 4), (2, 4)],
    ),
    ({"equation": "abcd,cde->abe", "output_shape": (None, 3)}, (2, 2, 4, 5), (2, 2, 3), [(4, 5, 3)]),
]


@pytest.mark.parametrize(("kwargs", "input_shape", "output_shape", "weights"), CASES)
def test_einsum_dense_contract(kwargs, input_shape, output_shape, weights):
    layer = run_layer_test(
        EinsumDense,
        kwargs,
        input_shape,
        output_shape,
        expected_num_trainable_weights=len(weights),
        expected_weight_shapes=weights,
    )
    assert [v.name for v in layer.weights] == ["kernel", "bias"][: len(weights)]


@pytest.mark.parametrize(("kwargs", "input_shape", "output_shape", "weights"), CASES)
def test_einsum_dense_matches_keras(keras, kwargs, input_shape, output_shape, weights):
    data = random_data(input_shape, seed=1)
    kwargs = {**kwargs, "kernel_initializer": "zeros"}
    ours, theirs = EinsumDense(**kwargs), keras.layers.EinsumDense(**kwargs)
    assert_keras_parity(ours, theirs, data)
    assert_gradient_parity(ours, theirs, (data,))
    ours_config, theirs_config = ours.get_config(), theirs.get_config()
    for key in ("equation", "bias_axes", "activation", "quantization_config", "kernel_regularizer"):
        assert ours_config[key] == theirs_config[key]
    assert tuple(ours_config["output_shape"]) == tuple(theirs_config["output_shape"])
    assert ours.count_params() == theirs.count_params()


def test_einsum_dense_summary_matches_keras(keras):
    kwargs = {"equation": "abc,cde->abde", "output_shape": (None, 2, 4), "bias_axes": "e"}
    i, j = kerax.Input((3, 5)), keras.Input((3, 5))
    ours = kerax.Model(i, EinsumDense(**kwargs)(i))
    theirs = keras.Model(j, keras.layers.EinsumDense(**kwargs)(j))
    assert_summary_counts(ours, theirs)


def test_einsum_dense_regularizers_and_constraints_match_keras(keras):
    kwargs = {
        "equation": "abc,cd->abd",
        "output_shape": (None, 4),
        "bias_axes": "d",
        "kernel_regularizer": "l2",
        "bias_regularizer": {"class_name": "L1", "config": {"l1": 0.1}},
        "activity_regularizer": "l1",
        "kernel_constraint": "non_neg",
    }
    data = random_data((2, 3, 5), seed=2)
    ours, theirs = EinsumDense(**{**kwargs, "equation": "abc,cd->abd"}), keras.layers.EinsumDense(**kwargs)
    assert_keras_parity(ours, theirs, data)
    np.testing.assert_allclose(
        sorted(float(x) for x in ours.losses), sorted(float(x) for x in theirs.losses), rtol=1e-5
    )
    assert len(ours.losses) == 3
    assert type(ours.kernel.constraint).__name__ == "NonNeg"
    config = ours.get_config()
    assert config["kernel_regularizer"]["class_name"] == "L2"
    assert config["activity_regularizer"]["class_name"] == "L1"
    assert EinsumDense.from_config(config).get_config() == config


def test_einsum_dense_variance_scaling_counts_fans_over_axes():
    # Kernel (c, d, e) = (4, 5, 6): the input axis is c, so fan_in = 4 (not the conv-style 5 * 4).
    init = initializers.VarianceScaling(scale=1.0, mode="fan_in", distribution="uniform", seed=3)
    layer = EinsumDense("abc,cde->abde", output_shape=(None, 5, 6), kernel_initializer=init)
    layer.build((None, 3, 4))
    values = np.asarray(layer.kernel.value)
    limit = np.sqrt(3.0 / 4)
    assert values.shape == (4, 5, 6)
    assert np.abs(values).max() <= limit
    assert np.abs(values).max() > 0.8 * limit


def test_einsum_dense_lora_matches_keras(keras):
    kwargs = {"equation": "abc,cde->abde", "output_shape": (None, 2, 4), "bias_axes": "e", "lora_rank": 2}
    data = random_data((2, 3, 5), seed=4)
    ours, theirs = EinsumDense(**kwargs, lora_alpha=4), keras.layers.EinsumDense(**kwargs, lora_alpha=4)
    assert_keras_parity(ours, theirs, data)
    assert [v.name for v in ours.weights] == [v.name for v in theirs.weights]
    assert [v.name for v in ours.trainable_weights] == ["bias", "lora_kernel_a", "lora_kernel_b"]
    assert [v.name for v in ours.non_trainable_weights] == ["kernel"]
    assert_gradient_parity(ours, theirs, (data,))
    config = ours.get_config()
    assert (config["lora_rank"], config["lora_alpha"]) == (2, 4)


def test_einsum_dense_enable_lora_starts_at_the_same_function():
    layer = EinsumDense("ab,bc->ac", output_shape=3, bias_axes="c")
    x = random_data((2, 4))
    before = np.asarray(layer(x))
    layer.enable_lora(2)
    np.testing.assert_allclose(np.asarray(layer(x)), before, rtol=1e-6)  # B starts at zero
    assert layer.lora_enabled and layer.count_params() == 4 * 3 + 3 + 4 * 2 + 2 * 3
    with pytest.raises(ValueError, match="already enabled"):
        layer.enable_lora(2)
    with pytest.raises(ValueError, match="isn't built"):
        EinsumDense("ab,bc->ac", output_shape=3).enable_lora(2)
    constrained = EinsumDense("ab,bc->ac", output_shape=3, kernel_constraint="non_neg")
    constrained.build((None, 4))
    with pytest.raises(ValueError, match="constraint"):
        constrained.enable_lora(2)


def test_einsum_dense_output_shape_none_is_inferred_from_the_input():
    layer = EinsumDense("abc,cd->abd", output_shape=(None, 4), bias_axes="d")
    assert layer.compute_output_shape((None, 7, 3)) == (None, 7, 4)
    assert layer(kerax.Input((7, 3))).shape == (None, 7, 4)


def test_einsum_dense_errors():
    with pytest.raises(ValueError, match="invalid einsum equation"):
        EinsumDense("ab->b", output_shape=2)
    with pytest.raises(TypeError, match="equation"):
        EinsumDense(3, output_shape=2)
    with pytest.raises(TypeError, match="output_shape"):
        EinsumDense("ab,bc->ac", output_shape="4")
    with pytest.raises(ValueError, match="quantization_config"):
        EinsumDense("ab,bc->ac", output_shape=4, quantization_config={"mode": "int8"})
    with pytest.raises(ValueError, match="lora_rank"):
        EinsumDense("ab,bc->ac", output_shape=4, lora_rank=0)
    with pytest.raises(ValueError, match="quantize"):
        EinsumDense("ab,bc->ac", output_shape=4).quantize("int8")
    x = np.ones((2, 3), "float32")
    with pytest.raises(ValueError, match="Bias dimension|bias dimension 'z'"):
        EinsumDense("ab,bc->ac", output_shape=4, bias_axes="z")(x)
    with pytest.raises(ValueError, match="shared dimension 'b'"):
        EinsumDense("abc,cd->abd", output_shape=(5, 4))(np.ones((2, 3, 2), "float32"))
    with pytest.raises(ValueError, match="weight subscript 'q'"):
        EinsumDense("ab,bq->ab", output_shape=3)(x)
    with pytest.raises(ValueError, match="output subscript 'z'"):
        EinsumDense("ab,bc->az", output_shape=3)(x)
    with pytest.raises(ValueError, match="rank 3"):
        EinsumDense("abc,cd->abd", output_shape=(None, 4))(x)
    with pytest.raises(ValueError, match="output_shape` must have 1 entry"):
        EinsumDense("ab,bc->ac", output_shape=(2, 4))(x)
    with pytest.raises(ValueError, match="must be known"):
        EinsumDense("ab,bc->ac", output_shape=(None,))(x)


def test_einsum_dense_signature_matches_keras(keras):
    assert_signature_matches(EinsumDense, keras.layers.EinsumDense)


def test_einsum_dense_lora_saves_the_merged_kernel_like_keras(keras, tmp_path):
    x = random_data((2, 3, 5), seed=6)

    def build(lib):
        i = lib.Input((3, 5))
        return lib.Model(i, lib.layers.EinsumDense("abc,cde->abde", (None, 2, 4), bias_axes="e", lora_rank=2)(i))

    theirs = build(keras)
    rng = np.random.default_rng(7)
    theirs.layers[1].set_weights([rng.standard_normal(w.shape).astype("float32") for w in theirs.layers[1].weights])
    theirs.save(tmp_path / "keras.keras")
    ours = kerax.saving.load_model(tmp_path / "keras.keras")
    np.testing.assert_allclose(ours(x), theirs(x), rtol=1e-5, atol=1e-5)
    assert ours.layers[1].lora_enabled and not np.any(np.asarray(ours.layers[1].lora_kernel_b.value))
    ours.layers[1].lora_kernel_b.assign(np.ones((2, 4), "float32"))  # a trained update, merged when saving
    ours.save(tmp_path / "kerax.keras")
    again = keras.saving.load_model(tmp_path / "kerax.keras")
    np.testing.assert_allclose(again(x), ours(x), rtol=1e-5, atol=1e-5)
