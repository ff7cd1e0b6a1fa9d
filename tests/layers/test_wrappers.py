"""Wrapper, SpectralNormalization, Pipeline and ReversibleEmbedding: contract, Keras 3 parity, errors."""

from __future__ import annotations

import inspect

import jax
import numpy as np
import pytest

import kerax
from kerax import layers

from ._keras_grads import assert_gradient_parity, assert_signature_matches, assert_summary_counts
from .harness import assert_keras_parity, random_data, run_layer_test

DENSE3 = {"class_name": "Dense", "config": {"units": 3}}

# -- Wrapper ------------------------------------------------------------------------------------------


class _Doubler(layers.Wrapper):
    def call(self, inputs):
        return 2 * self.layer(inputs)


def test_wrapper_builds_tracks_and_serializes_the_wrapped_layer():
    wrapper = _Doubler(layers.Dense(3, name="inner"), name="doubler")
    x = random_data((2, 4))
    out = wrapper(x)
    assert wrapper.layer.built and [v.name for v in wrapper.weights] == ["kernel", "bias"]
    np.testing.assert_allclose(out, 2 * np.asarray(wrapper.layer(x)), rtol=1e-6)
    config = wrapper.get_config()
    assert config["layer"]["class_name"] == "Dense" and config["layer"]["config"]["units"] == 3
    clone = _Doubler.from_config(config)
    assert isinstance(clone.layer, layers.Dense) and clone.layer is not wrapper.layer
    assert clone.name == "doubler"


def test_wrapper_refuses_what_is_not_a_layer():
    with pytest.raises(ValueError, match="`layer` must be a kerax Layer"):
        _Doubler(3)


# -- SpectralNormalization ------------------------------------------------------------------------


def test_spectral_normalization_contract():
    layer = run_layer_test(
        layers.SpectralNormalization,
        {"layer": DENSE3, "power_iterations": 2},
        (2, 4),
        (2, 3),
        expected_num_trainable_weights=2,
        expected_num_non_trainable_weights=1,
        expected_weight_shapes=[(4, 3), (1, 3), (3,)],
        expect_state_updates=True,
    )
    assert [v.name for v in layer.weights] == ["kernel", "vector_u", "bias"]


@pytest.mark.parametrize(
    ("make", "data_shape", "power_iterations"),
    [
        (lambda m: m.layers.Dense(3), (2, 4), 1),
        (lambda m: m.layers.Conv2D(2, 2), (1, 4, 4, 2), 3),
    ],
)
def test_spectral_normalization_matches_keras(keras, make, data_shape, power_iterations):
    data = random_data(data_shape, seed=2)
    ours = layers.SpectralNormalization(make(kerax), power_iterations=power_iterations)
    theirs = keras.layers.SpectralNormalization(make(keras), power_iterations=power_iterations)
    assert_keras_parity(ours, theirs, data)  # inference: the kernel as it is
    assert [v.name for v in ours.weights] == [v.name for v in theirs.weights]
    assert_gradient_parity(ours, theirs, (data,), {"training": True})
    # A training call normalizes the kernel and updates vector_u, in both.
    expected = np.asarray(theirs(data, training=True))
    got = np.asarray(ours(data, training=True))
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)
    for mine, reference in zip(ours.get_weights(), theirs.get_weights(), strict=True):
        np.testing.assert_allclose(mine, reference, rtol=1e-4, atol=1e-6)
    assert ours.count_params() == theirs.count_params()


def test_spectral_normalization_gives_unit_spectral_norm_and_keeps_zero_kernels():
    layer = layers.SpectralNormalization(layers.Dense(5), power_iterations=30)
    x = random_data((2, 6), seed=3)
    layer(x, training=True)
    assert np.linalg.svd(np.asarray(layer.layer.kernel.value), compute_uv=False)[0] == pytest.approx(1.0, rel=1e-3)
    zero = layers.SpectralNormalization(layers.Dense(2, kernel_initializer="zeros"))
    zero(x, training=True)
    assert np.all(np.asarray(zero.layer.kernel.value) == 0) and np.all(np.isfinite(zero.vector_u.value))


def test_spectral_normalization_symbolic_training_call_leaves_weights_concrete():
    layer = layers.SpectralNormalization(layers.Dense(3))
    assert layer(kerax.Input((4,)), training=True).shape == (None, 3)
    assert isinstance(layer.vector_u.value, jax.Array) and not isinstance(layer.vector_u.value, jax.core.Tracer)
    assert layer(random_data((2, 4))).shape == (2, 3)


def test_spectral_normalization_errors():
    with pytest.raises(ValueError, match="power_iterations"):
        layers.SpectralNormalization(layers.Dense(2), power_iterations=0)
    with pytest.raises(ValueError, match="neither a `kernel` nor an `embeddings`"):
        layers.SpectralNormalization(layers.LayerNormalization())(random_data((2, 3)))


# -- Pipeline -----------------------------------------------------------------------------------------


def test_pipeline_matches_keras(keras):
    data = random_data((3, 4), seed=4)
    ours = layers.Pipeline([layers.Dense(3), layers.Dense(2, activation="relu")])
    theirs = keras.layers.Pipeline([keras.layers.Dense(3), keras.layers.Dense(2, activation="relu")])
    assert_keras_parity(ours, theirs, data)
    assert_gradient_parity(ours, theirs, (data,))
    assert len(ours.layers) == 2 and ours.count_params() == theirs.count_params() == 4 * 3 + 3 + 3 * 2 + 2
    i, j = kerax.Input((4,)), keras.Input((4,))
    assert_summary_counts(kerax.Model(i, ours(i)), keras.Model(j, theirs(j)))


def test_pipeline_trains_its_layers_by_default_and_round_trips():
    x = np.ones((4, 50), "float32")
    pipeline = layers.Pipeline([layers.Dropout(0.5, seed=1), layers.Rescaling(2.0)], name="augment")
    dropped = np.asarray(pipeline(x))
    assert set(np.unique(dropped)) <= {0.0, 4.0} and (dropped == 0).any()  # training=True unless told
    np.testing.assert_allclose(pipeline(x, training=False), 2 * x)
    config = pipeline.get_config()
    assert set(config) == {"layers", "name"} and config["name"] == "augment"
    clone = layers.Pipeline.from_config(config)
    assert [type(layer).__name__ for layer in clone.layers] == ["Dropout", "Rescaling"]
    np.testing.assert_allclose(clone(x, training=False), 2 * x)


def test_pipeline_passes_masks_along():
    pipeline = layers.Pipeline([layers.Embedding(5, 2, mask_zero=True), layers.LSTM(3)])
    ids = np.array([[1, 2, 0, 0]], "int32")
    out = pipeline(ids, training=False)
    reference = pipeline.layers[1](pipeline.layers[0](ids[:, :2]))
    np.testing.assert_allclose(out, reference, rtol=1e-5, atol=1e-6)


def test_pipeline_errors():
    with pytest.raises(ValueError, match="`layers` must be a list"):
        layers.Pipeline(layers.Dense(2))
    with pytest.raises(ValueError, match=r"`layers\[1\]` must be a kerax Layer"):
        layers.Pipeline([layers.Dense(2), "relu"])
    with pytest.raises(ValueError, match="`layers` key"):
        layers.Pipeline.from_config({"name": "p"})


# -- ReversibleEmbedding ------------------------------------------------------------------------------


@pytest.mark.parametrize("tie_weights", [True, False])
def test_reversible_embedding_contract(tie_weights):
    n = 1 if tie_weights else 2
    shapes = [(10, 4)] if tie_weights else [(10, 4), (4, 10)]
    kwargs = {"input_dim": 10, "output_dim": 4, "tie_weights": tie_weights}
    run_layer_test(
        layers.ReversibleEmbedding,
        kwargs,
        (2, 3),
        (2, 3, 4),
        expected_num_trainable_weights=n,
        expected_weight_shapes=shapes,
        input_dtype="int32",
        run_training_check=tie_weights,  # the reverse weight is unused by a forward call
    )
    # The reverse call (the harness's compute_output_shape check cannot pass `reverse`): symbolic, eager, jit.
    layer = layers.ReversibleEmbedding(**kwargs)
    assert layer(kerax.Input((3, 4)), reverse=True).shape == (None, 3, 10)
    hidden = random_data((2, 3, 4), seed=6)
    eager = layer(hidden, reverse=True)
    assert eager.shape == (2, 3, 10) and [v.shape for v in layer.weights] == shapes
    trainable = [v.value for v in layer.trainable_weights]
    jitted = jax.jit(lambda tv, x: layer.stateless_call(tv, [], x, reverse=True)[0])
    np.testing.assert_allclose(jitted(trainable, hidden), eager, rtol=1e-6)
    grads = jax.grad(lambda tv: jitted(tv, hidden).sum())(trainable)
    assert all(np.any(np.asarray(g) != 0) for g in grads[-1:])


@pytest.mark.parametrize(
    "kwargs", [{}, {"tie_weights": False}, {"logit_soft_cap": 2.0}, {"tie_weights": False, "logit_soft_cap": 0.5}]
)
def test_reversible_embedding_matches_keras(keras, kwargs):
    ids = np.array([[1, 2, 9], [0, 3, 3]], "int32")
    ours, theirs = layers.ReversibleEmbedding(10, 4, **kwargs), keras.layers.ReversibleEmbedding(10, 4, **kwargs)
    assert_keras_parity(ours, theirs, ids)
    hidden = random_data((2, 3, 4), seed=5) * 3
    np.testing.assert_allclose(
        np.asarray(ours(hidden, reverse=True)), np.asarray(theirs(hidden, reverse=True)), rtol=1e-5, atol=1e-5
    )
    assert_gradient_parity(ours, theirs, (hidden,), {"reverse": True})
    assert [v.name for v in ours.weights] == [v.name for v in theirs.weights]
    ours_config, theirs_config = ours.get_config(), theirs.get_config()
    for key in ("tie_weights", "reverse_dtype", "logit_soft_cap", "input_dim", "output_dim", "mask_zero"):
        assert ours_config[key] == theirs_config[key]
    assert layers.ReversibleEmbedding.from_config(ours_config).get_config() == ours_config


def test_reversible_embedding_masks_forward_calls_only():
    layer = layers.ReversibleEmbedding(6, 3, mask_zero=True)
    hidden = layer(np.array([[0, 1, 2]], "int32"))
    np.testing.assert_array_equal(hidden._keras_mask, [[False, True, True]])
    logits = layer(np.asarray(hidden), reverse=True)
    assert getattr(logits, "_keras_mask", None) is None
    i = kerax.Input((3,), dtype="int32")
    assert layer(i)._keras_mask is not None
    assert layer.compute_output_shape((None, 3, 3), reverse=True) == (None, 3, 6)


def test_reversible_embedding_errors():
    with pytest.raises(ValueError, match="logit_soft_cap"):
        layers.ReversibleEmbedding(5, 2, logit_soft_cap=-1.0)
    with pytest.raises(ValueError, match="input_dim"):
        layers.ReversibleEmbedding(0, 2)


@pytest.mark.parametrize("name", ["Wrapper", "SpectralNormalization", "Pipeline", "ReversibleEmbedding"])
def test_signatures_match_keras(keras, name):
    if name == "Wrapper":  # an abstract base: only the constructor
        assert list(inspect.signature(layers.Wrapper.__init__).parameters) == ["self", "layer", "kwargs"]
        return
    assert_signature_matches(getattr(layers, name), getattr(keras.layers, name))


def test_model_files_load_both_ways(keras, tmp_path):
    ids = np.array([[1, 2, 3], [4, 0, 6]], "int32")

    def build(lib):
        i = lib.Input((3,), dtype="int32")
        embed = lib.layers.ReversibleEmbedding(7, 4, tie_weights=False)
        hidden = lib.layers.Pipeline([lib.layers.Dense(4), lib.layers.Dense(4)])(embed(i))
        hidden = lib.layers.SpectralNormalization(lib.layers.Dense(4))(hidden)
        return lib.Model(i, embed(hidden, reverse=True))

    theirs = build(keras)
    theirs.save(tmp_path / "keras.keras")
    ours = kerax.saving.load_model(tmp_path / "keras.keras")
    np.testing.assert_allclose(ours(ids), theirs(ids), rtol=1e-5, atol=1e-6)
    mine = build(kerax)
    mine.save(tmp_path / "kerax.keras")
    np.testing.assert_allclose(keras.saving.load_model(tmp_path / "kerax.keras")(ids), mine(ids), rtol=1e-5, atol=1e-6)
