"""Functional models: ``Model(inputs, outputs)`` over a graph of layers and ops."""

from __future__ import annotations

import numpy as np
import pytest

import kerax
from kerax import layers, ops
from models.kx_helpers import keras_summary_text, summary_text, table_rows


def two_tower(lib=kerax):
    """Two inputs, a layer shared by both branches, arithmetic on symbolic tensors, two outputs."""
    L = lib.layers
    a = lib.Input((4,), name="a")
    b = lib.Input((3,), name="b")
    shared = L.Dense(5, name="shared")
    xa = shared(a)
    xb = shared(L.Dense(4, name="project_b")(b))
    s = xa + xb
    doubled = s * 2
    merged = lib.ops.concatenate([s, doubled], axis=-1)
    out_class = L.Dense(2, name="class_out")(merged)
    out_score = L.Dense(1, name="score_out")(s)
    return lib.Model([a, b], [out_class, out_score], name="two_tower")


def data(n=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 4)).astype("float32"), rng.normal(size=(n, 3)).astype("float32")


def test_multi_input_multi_output_list():
    model = two_tower()
    xa, xb = data()
    out = model([xa, xb])
    assert isinstance(out, list) and len(out) == 2
    assert out[0].shape == (3, 2) and out[1].shape == (3, 1)
    assert [tuple(t.shape) for t in model.outputs] == [(None, 2), (None, 1)]
    assert model.output_names == ["class_out", "score_out"]


def test_call_with_dict_keyed_by_input_name_equals_list_call():
    model = two_tower()
    xa, xb = data()
    by_list = model([xa, xb])
    by_dict = model({"b": xb, "a": xa})
    for u, v in zip(by_list, by_dict, strict=True):
        np.testing.assert_array_equal(np.asarray(u), np.asarray(v))


def dict_model():
    a = kerax.Input((4,), name="a")
    b = kerax.Input((3,), name="b")
    h = layers.concatenate([layers.Dense(2)(a), layers.Dense(2)(b)])
    return kerax.Model({"right": b, "left": a}, {"q": layers.Dense(3)(h), "p": layers.Dense(1)(h)})


def test_dict_inputs_and_dict_outputs():
    model = dict_model()
    xa, xb = data()
    out = model({"left": xa, "right": xb})
    assert set(out) == {"p", "q"}
    assert out["p"].shape == (3, 1) and out["q"].shape == (3, 3)


def test_predict_with_dict_inputs_keyed_like_the_model_inputs():
    model = dict_model()
    xa, xb = data()
    out = model({"left": xa, "right": xb})
    predicted = model.predict({"left": xa, "right": xb}, verbose=0)
    assert set(predicted) == {"p", "q"}
    assert all(isinstance(v, np.ndarray) for v in predicted.values())
    np.testing.assert_allclose(predicted["q"], np.asarray(out["q"]), rtol=1e-6, atol=1e-6)


def test_outputs_follow_the_graph_arithmetic():
    model = two_tower()
    xa, xb = data()
    w = {l.name: [np.asarray(v) for v in l.get_weights()] for l in model.layers}
    dense = lambda x, name: x @ w[name][0] + w[name][1]  # noqa: E731
    s = dense(xa, "shared") + dense(dense(xb, "project_b"), "shared")
    expected_class = dense(np.concatenate([s, 2 * s], axis=-1), "class_out")
    expected_score = dense(s, "score_out")
    out_class, out_score = model([xa, xb])
    np.testing.assert_allclose(np.asarray(out_class), expected_class, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(np.asarray(out_score), expected_score, rtol=1e-5, atol=1e-5)


def test_shared_layer_has_two_nodes_and_its_params_count_once():
    model = two_tower()
    names = [l.name for l in model.layers]
    assert names.count("shared") == 1
    shared = model.get_layer("shared")
    assert shared.count_params() == 4 * 5 + 5
    assert model.count_params() == sum(l.count_params() for l in model.layers)
    assert len(model.weights) == len({id(v) for v in model.weights})
    row = [r for r in table_rows(summary_text(model)) if r[0] == "shared(Dense)"]
    assert row == [("shared(Dense)", "(None,5)", "25", "a[0][0],project_b[0][0]")]


def test_layers_and_summary_match_keras():
    keras = pytest.importorskip("keras")
    keras.backend.clear_session()
    model, k_model = two_tower(), two_tower(keras)
    assert [l.name for l in model.layers] == [l.name for l in k_model.layers]
    assert table_rows(summary_text(model)) == table_rows(keras_summary_text(k_model))


def test_input_and_output_shapes_match_keras():
    keras = pytest.importorskip("keras")
    model, k_model = two_tower(), two_tower(keras)
    assert model.input_shape == k_model.input_shape == [(None, 4), (None, 3)]
    assert model.output_shape == k_model.output_shape == [(None, 2), (None, 1)]
    single, k_single = (lib.Model(x := lib.Input((4,)), lib.layers.Dense(5)(x)) for lib in (kerax, keras))
    assert single.input_shape == k_single.input_shape == (None, 4)
    assert single.output_shape == k_single.output_shape == (None, 5)


def test_predictions_match_keras_with_copied_weights():
    keras = pytest.importorskip("keras")
    keras.backend.clear_session()
    model, k_model = two_tower(), two_tower(keras)
    model.set_weights(k_model.get_weights())
    xa, xb = data(5)
    for got, want in zip(model.predict([xa, xb], verbose=0), k_model.predict([xa, xb], verbose=0), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_ops_on_symbolic_tensors_record_nodes():
    inputs = kerax.Input((3,), name="x")
    y = ops.relu(inputs) - 1.0
    z = ops.concatenate([y, inputs * inputs], axis=-1)
    model = kerax.Model(inputs, z)
    x = np.array([[-1.0, 0.5, 2.0]], "float32")
    expected = np.concatenate([np.maximum(x, 0) - 1.0, x * x], axis=-1)
    np.testing.assert_allclose(np.asarray(model(x)), expected, rtol=1e-6)
    assert tuple(model.outputs[0].shape) == (None, 6)
    assert model.count_params() == 0


def test_get_layer_by_name_and_index():
    model = two_tower()
    assert model.get_layer("class_out") is model.layers[-2]
    assert model.get_layer(index=0) is model.layers[0]
    assert model.get_layer(index=-1).name == "score_out"
    with pytest.raises(ValueError, match="no_such_layer"):
        model.get_layer("no_such_layer")
    with pytest.raises(ValueError, match="out of range"):
        model.get_layer(index=99)


def test_inputs_and_outputs_attributes():
    a = kerax.Input((4,), name="a")
    b = kerax.Input((3,), name="b")
    out = layers.Dense(2)(layers.concatenate([a, b]))
    model = kerax.Model(inputs=[a, b], outputs=out)
    assert model.inputs[0] is a and model.inputs[1] is b
    assert model.outputs[0] is out
    assert model.input == [a, b]
    assert model.output is out
    assert model.input_names == ["a", "b"]


def test_nested_model_used_as_a_layer():
    inner_in = kerax.Input((4,))
    inner = kerax.Model(inner_in, layers.Dense(3, name="inner_dense")(inner_in), name="inner")
    outer_in = kerax.Input((4,))
    outer = kerax.Model(outer_in, layers.Dense(2, name="head")(inner(outer_in)), name="outer")
    assert [l.name for l in outer.layers][1:] == ["inner", "head"]
    assert outer.count_params() == 4 * 3 + 3 + 3 * 2 + 2
    assert len(outer.weights) == 4
    x = np.ones((2, 4), "float32")
    expected = np.asarray(outer.get_layer("head")(inner(x)))
    np.testing.assert_allclose(np.asarray(outer(x)), expected, rtol=1e-6)
    row = [r for r in table_rows(summary_text(outer)) if r[0].startswith("inner")]
    assert row == [("inner(Functional)", "(None,3)", "15")]


def test_nested_model_called_twice_shares_weights():
    inner_in = kerax.Input((4,))
    inner = kerax.Model(inner_in, layers.Dense(4)(inner_in), name="inner")
    i = kerax.Input((4,))
    outer = kerax.Model(i, inner(inner(i)))
    assert outer.count_params() == 20
    x = np.ones((1, 4), "float32")
    np.testing.assert_allclose(np.asarray(outer(x)), np.asarray(inner(inner(x))), rtol=1e-6)


def nested_with_dropout_and_bn():
    inner_in = kerax.Input((16,))
    h = layers.BatchNormalization(name="bn")(inner_in)
    h = layers.Dropout(0.5, name="drop")(h)
    inner = kerax.Model(inner_in, h, name="inner")
    outer_in = kerax.Input((16,))
    return kerax.Model(outer_in, inner(outer_in), name="outer")


def test_training_flag_reaches_dropout_in_a_nested_model():
    model = nested_with_dropout_and_bn()
    x = np.random.default_rng(0).uniform(1.0, 2.0, (64, 16)).astype("float32")  # no zeros in the data
    inference = np.asarray(model(x, training=False))
    assert not (inference == 0).any()
    np.testing.assert_allclose(inference, np.asarray(model(x)), rtol=1e-6)  # default: inference
    training = np.asarray(model(x, training=True))
    dropped = (training == 0).mean()
    assert 0.35 < dropped < 0.65


def test_training_flag_reaches_batch_normalization_in_a_nested_model():
    model = nested_with_dropout_and_bn()
    bn = model.get_layer("inner").get_layer("bn")
    x = np.random.default_rng(0).normal(3.0, 2.0, (64, 16)).astype("float32")
    model(x, training=False)
    np.testing.assert_array_equal(np.asarray(bn.moving_mean.value), np.zeros(16, "float32"))
    model(x, training=True)
    assert np.all(np.asarray(bn.moving_mean.value) > 0.0)  # updated from the batch mean (about 3)


def test_inference_output_of_nested_batch_normalization():
    model = nested_with_dropout_and_bn()
    bn = model.get_layer("inner").get_layer("bn")
    mean = np.linspace(-1, 1, 16).astype("float32")
    var = np.linspace(0.5, 2, 16).astype("float32")
    gamma = np.linspace(0.5, 1.5, 16).astype("float32")
    beta = np.linspace(-0.2, 0.2, 16).astype("float32")
    bn.set_weights([gamma, beta, mean, var])
    x = np.random.default_rng(1).normal(size=(8, 16)).astype("float32")
    expected = (x - mean) / np.sqrt(var + 1e-3) * gamma + beta
    np.testing.assert_allclose(np.asarray(model(x, training=False)), expected, rtol=1e-5, atol=1e-5)


def test_model_built_from_intermediate_tensors():
    inputs = kerax.Input((4,))
    hidden = layers.Dense(3, name="hidden")(inputs)
    outputs = layers.Dense(2)(hidden)
    full = kerax.Model(inputs, outputs)
    extractor = kerax.Model(inputs, hidden)
    x = np.ones((2, 4), "float32")
    np.testing.assert_allclose(np.asarray(extractor(x)), np.asarray(full.get_layer("hidden")(x)), rtol=1e-6)
    assert [l.name for l in extractor.layers][1:] == ["hidden"]


def test_feature_extractor_from_layer_output():
    inputs = kerax.Input((4,))
    x = layers.Dense(3, name="hidden")(inputs)
    model = kerax.Model(inputs, layers.Dense(2)(x))
    extractor = kerax.Model(inputs=model.input, outputs=model.get_layer("hidden").output)
    assert tuple(extractor.outputs[0].shape) == (None, 3)
    assert model.get_layer("hidden").input is inputs


def test_functional_model_default_names():
    i = kerax.Input((2,))
    first = kerax.Model(i, layers.Dense(1)(i))
    second = kerax.Model(i, layers.Dense(1)(i))
    assert (first.name, second.name) == ("functional", "functional_1")
