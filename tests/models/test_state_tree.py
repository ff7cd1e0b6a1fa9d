"""Model.get_state_tree / set_state_tree: Keras 3's layout, values both ways, and clear refusals."""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
import pytest

import kerax

RNG = np.random.default_rng(0)
X = RNG.standard_normal((16, 4)).astype("float32")
Y = RNG.integers(0, 3, 16)


def _model(k: Any) -> Any:
    """The same compiled model in kerax or Keras, named alike after a clear_session()."""
    k.backend.clear_session()
    model = k.Sequential(
        [k.Input((4,)), k.layers.Dense(5, activation="relu"), k.layers.BatchNormalization(), k.layers.Dense(3)],
        name="net",
    )
    model.compile(optimizer=k.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def _trained(k: Any, weights: list[np.ndarray]) -> Any:
    model = _model(k)
    model.set_weights(weights)
    model.fit(X, Y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    return model


def _flat(tree: Any, prefix: str = "") -> dict[str, np.ndarray]:
    if not isinstance(tree, dict):
        return {prefix: np.asarray(tree)}
    out: dict[str, np.ndarray] = {}
    for key, value in tree.items():
        out.update(_flat(value, f"{prefix}/{key}" if prefix else key))
    return out


@pytest.fixture(scope="module")
def weights() -> list[np.ndarray]:
    return [RNG.standard_normal(w.shape).astype("float32") for w in _model(kerax).get_weights()]


def test_the_state_tree_has_keras_groups_paths_and_values(weights: list[np.ndarray]) -> None:
    ours = _trained(kerax, weights).get_state_tree("numpy_array")
    theirs = _trained(keras, weights).get_state_tree("numpy_array")
    assert (
        set(ours)
        == set(theirs)
        == {
            "trainable_variables",
            "non_trainable_variables",
            "optimizer_variables",
            "metrics_variables",
        }
    )
    for group in ("trainable_variables", "non_trainable_variables", "optimizer_variables", "metrics_variables"):
        a, b = _flat(ours[group]), _flat(theirs[group])
        assert sorted(a) == sorted(b), group
        for path in a:
            np.testing.assert_allclose(a[path], b[path], rtol=1e-5, atol=1e-5, err_msg=path)
    assert sorted(_flat(ours["metrics_variables"])) == ["accuracy/count", "accuracy/total", "loss/count", "loss/total"]
    assert "net" in ours["trainable_variables"] and "adam" in ours["optimizer_variables"]
    assert isinstance(_flat(ours["trainable_variables"])["net/dense/kernel"], np.ndarray)


def test_backend_tensors_by_default() -> None:
    tree = _model(kerax).get_state_tree()
    import jax

    assert isinstance(tree["trainable_variables"]["net"]["dense"]["kernel"], jax.Array)


def test_a_state_tree_moves_a_trained_state_into_another_model(weights: list[np.ndarray]) -> None:
    trained = _trained(kerax, weights)
    tree = trained.get_state_tree("numpy_array")
    fresh = _model(kerax)  # the same names: clear_session() numbered them alike
    assert not fresh.optimizer.built
    fresh.set_state_tree(tree)
    for got, want in zip(
        fresh.weights + fresh.optimizer.variables, trained.weights + trained.optimizer.variables, strict=True
    ):
        np.testing.assert_array_equal(np.asarray(got.value), np.asarray(want.value))
    np.testing.assert_allclose(fresh.predict(X, verbose=0), trained.predict(X, verbose=0), rtol=1e-6)


def test_a_keras_state_tree_sets_a_kerax_model_and_back(weights: list[np.ndarray]) -> None:
    keras_model = _trained(keras, weights)
    model = _model(kerax)
    model.set_state_tree(keras_model.get_state_tree("numpy_array"))
    np.testing.assert_allclose(model.predict(X, verbose=0), keras_model.predict(X, verbose=0), rtol=1e-5, atol=1e-6)
    assert int(model.optimizer.iterations) == 2
    keras_fresh = _model(keras)
    keras_fresh.set_state_tree(model.get_state_tree("numpy_array"))
    np.testing.assert_allclose(keras_fresh.predict(X, verbose=0), keras_model.predict(X, verbose=0), rtol=1e-6)


def test_a_model_without_an_optimizer_takes_the_weights_only(weights: list[np.ndarray]) -> None:
    tree = _trained(kerax, weights).get_state_tree("numpy_array")
    kerax.backend.clear_session()
    plain = kerax.Sequential(
        [
            kerax.Input((4,)),
            kerax.layers.Dense(5, activation="relu"),
            kerax.layers.BatchNormalization(),
            kerax.layers.Dense(3),
        ],
        name="net",
    )
    plain.set_state_tree(tree)  # optimizer and metrics groups ignored, no warning
    assert plain.get_state_tree()["optimizer_variables"] == {}
    np.testing.assert_array_equal(
        np.asarray(plain.layers[0].kernel.value), tree["trainable_variables"]["net"]["dense"]["kernel"]
    )


def test_bad_state_trees_are_refused_or_reported() -> None:
    model = _model(kerax)
    with pytest.raises(ValueError, match="`value_format` must be one of"):
        model.get_state_tree("lists")
    with pytest.raises(TypeError, match="expected a dict of variable groups"):
        model.set_state_tree([1, 2])
    with pytest.raises(ValueError, match=r"unknown variable group\(s\) \['weights'\]"):
        model.set_state_tree({"weights": {}})
    with pytest.raises(ValueError, match="net/dense/kernel"):
        model.set_state_tree({"trainable_variables": {"net": {"dense": {"kernel": np.zeros((2, 2), "float32")}}}})
    with pytest.warns(UserWarning, match=r"1 value\(s\) match no variable .*trainable_variables/net/other/kernel"):
        model.set_state_tree({"trainable_variables": {"net": {"other": {"kernel": np.zeros((4, 5), "float32")}}}})


def test_repeated_paths_are_refused() -> None:
    inputs = kerax.Input((3,))
    left = kerax.Model(inputs, kerax.layers.Dense(2, name="same")(inputs))
    inputs_2 = kerax.Input((3,))
    right = kerax.Model(inputs_2, kerax.layers.Dense(2, name="same")(inputs_2))
    outer_inputs = kerax.Input((3,))
    model = kerax.Model(outer_inputs, [left(outer_inputs), right(outer_inputs)])
    with pytest.raises(ValueError, match="'same/kernel' is found twice .* unique names"):
        model.get_state_tree()
