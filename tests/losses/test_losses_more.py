"""CTC, Dice, Tversky, Circle and generalised crossentropy: details, errors, gradients, and `fit` parity."""

from __future__ import annotations

import json

import jax
import numpy as np
import pytest
from losses_data import B, D, make

import kerax
import kerax.losses as kl
from models.kx_helpers import quiet

keras = pytest.importorskip("keras")


def test_circle_with_reference_set_matches_keras():
    labels, emb = make("embeddings", seed=4)
    ref_labels, ref_emb = make("embeddings", seed=5, lead=(B + 2,))
    kwargs = {"ref_labels": ref_labels, "ref_embeddings": ref_emb, "remove_diagonal": False, "gamma": 10.0}
    expected = keras.losses.circle(labels, emb, **kwargs)
    np.testing.assert_allclose(kl.circle(labels, emb, **kwargs), np.asarray(expected), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(
        kl.circle(labels[:, None], emb, **kwargs), np.asarray(expected), rtol=1e-5, atol=1e-6
    )  # (batch, 1) labels too


def test_circle_averages_over_queries_with_a_positive_loss():
    labels, emb = make("embeddings", seed=2)
    per_query = np.asarray(kl.circle(labels, emb))
    assert per_query[-1] == 0.0 and np.all(per_query[:-1] > 0)  # the singleton label has no positive pair
    np.testing.assert_allclose(kl.Circle()(labels, emb), per_query[:-1].mean(), rtol=1e-6)


@pytest.mark.parametrize(
    ("loss", "kind"),
    [(kl.Circle(), "embeddings"), (kl.CTC(), "ctc"), (kl.Dice(axis=(1,)), "soft_binary"), (kl.Tversky(), "binary")],
    ids=["circle", "ctc", "dice", "tversky"],
)
def test_gradients_are_finite_under_jit(loss, kind):
    y_true, y_pred = make(kind, seed=6)
    grad = jax.jit(jax.grad(lambda p: loss(y_true, p)))(y_pred)
    assert grad.shape == y_pred.shape and np.all(np.isfinite(grad)) and np.any(grad != 0)


def test_generalized_crossentropy_accepts_column_labels():
    """Keras documents `(batch, 1)` labels but broadcasts them to a (batch, batch) loss; kerax squeezes them."""
    y_true, y_pred = make("sparse", seed=8)
    flat = np.asarray(keras.losses.CategoricalGeneralizedCrossEntropy(q=0.3)(y_true, y_pred))
    loss = kl.CategoricalGeneralizedCrossEntropy(q=0.3)
    np.testing.assert_allclose(loss(y_true[:, None], y_pred), flat, rtol=1e-6)
    np.testing.assert_allclose(loss(y_true.astype(np.int32), y_pred), flat, rtol=1e-6)


def test_tuple_axis_survives_a_json_round_trip():
    y_true, y_pred = make("soft_binary", seed=9, lead=(B, 3))
    loss = kl.Tversky(alpha=0.1, beta=0.9, axis=(1, 2), reduction=None)
    clone = kl.deserialize(json.loads(json.dumps(kl.serialize(loss))))
    assert isinstance(clone, kl.Tversky) and clone.alpha == 0.1 and list(clone.axis) == [1, 2]
    np.testing.assert_allclose(clone(y_true, y_pred), loss(y_true, y_pred), rtol=1e-6)
    assert loss(y_true, y_pred).shape == (B,)
    assert keras.losses.serialize(keras.losses.Tversky(alpha=0.1, beta=0.9, axis=(1, 2), reduction=None)) == (
        kl.serialize(loss)
    )


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: kl.CategoricalGeneralizedCrossEntropy(q=1.0), ValueError, r"`q`.*\(0, 1\).*q=1.0"),
        (lambda: kl.CategoricalGeneralizedCrossEntropy(q="0.5"), ValueError, "q='0.5'"),
        (
            lambda: kl.categorical_generalized_cross_entropy(np.zeros((3, 2)), np.ones((3, 4)), q=0.5),
            ValueError,
            r"y_true.shape=\(3, 2\)",
        ),
        (lambda: kl.Dice(axis="1"), TypeError, "axis='1'"),
        (lambda: kl.dice(np.ones((2, 3)), np.ones((2, 3)), axis=(1, 2)), ValueError, "out of range.*rank 2"),
        (lambda: kl.tversky(np.ones((2, 3)), np.ones((2, 4))), ValueError, r"y_true.shape=\(2, 3\)"),
        (lambda: kl.ctc(np.ones((2, 3, 1)), np.ones((2, 4, 5))), ValueError, r"y_true.*\(batch_size, max_length\)"),
        (lambda: kl.ctc(np.ones((2, 3)), np.ones((2, 4))), ValueError, r"y_pred.*y_pred.shape=\(2, 4\)"),
        (lambda: kl.circle(np.ones((2, 2)), np.ones((2, 3))), ValueError, r"y_true.shape=\(2, 2\)"),
        (lambda: kl.circle(np.ones(3), np.ones((2, 3))), ValueError, "must match their embeddings"),
        (lambda: kl.circle(np.ones(2), np.ones((2, 3, 1))), ValueError, r"y_pred.shape=\(2, 3, 1\)"),
    ],
)
def test_invalid_inputs_raise_clear_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


# ------------------------------------------------------------------------------------ fit parity


def _fit_problem(kind):
    """Model factory, inputs and targets for each loss kind (32 samples: 2 steps of 16)."""
    rng = np.random.default_rng(0)
    n = 32
    if kind == "ctc":
        x = rng.normal(size=(n, 5, 3)).astype("float32")
        y = rng.integers(1, 4, (n, 2)).astype("float32")
        y[::3, 1] = 0
        return (lambda lib: lib.Sequential([lib.Input((5, 3)), lib.layers.Dense(4)])), x, y
    x = rng.normal(size=(n, 6)).astype("float32")
    if kind == "circle":
        y = (x[:, 0] > 0).astype("float32") + 2 * (x[:, 1] > 0)
        layers = lambda lib: [lib.layers.Dense(D), lib.layers.UnitNormalization()]  # noqa: E731
    elif kind == "gce":
        y = (x @ rng.normal(size=(6, 3))).argmax(-1).astype("float32")
        layers = lambda lib: [lib.layers.Dense(3, activation="softmax")]  # noqa: E731
    else:  # segmentation: 4 binary "pixels" per sample
        y = (x[:, :4] + 0.5 * x[:, 4:5] > 0).astype("float32")
        layers = lambda lib: [lib.layers.Dense(4, activation="sigmoid")]  # noqa: E731
    return (lambda lib: lib.Sequential([lib.Input((6,)), *layers(lib)])), x, y


@pytest.mark.parametrize(
    ("make_loss", "kind"),
    [
        (lambda lib: lib.losses.Dice(), "segmentation"),
        (lambda lib: lib.losses.Circle(gamma=8.0), "circle"),
        (lambda lib: lib.losses.CTC(), "ctc"),
        (lambda lib: lib.losses.CategoricalGeneralizedCrossEntropy(q=0.4), "gce"),
    ],
    ids=["Dice", "Circle", "CTC", "CategoricalGeneralizedCrossEntropy"],
)
def test_fit_with_the_loss_matches_keras(make_loss, kind):
    build, x, y = _fit_problem(kind)
    keras.backend.clear_session()
    kerax.utils.clear_session()
    keras.utils.set_random_seed(1)
    k_model, x_model = build(keras), build(kerax)
    x_model.set_weights(k_model.get_weights())
    histories = []
    for lib, model in ((keras, k_model), (kerax, x_model)):
        model.compile(optimizer=lib.optimizers.SGD(learning_rate=0.1), loss=make_loss(lib))
        with quiet():
            histories.append(model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0).history)
    assert set(histories[1]) == set(histories[0]) == {"loss"}
    np.testing.assert_allclose(histories[1]["loss"], histories[0]["loss"], rtol=1e-4, atol=1e-5)
    for got, want in zip(x_model.get_weights(), k_model.get_weights(), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)


def test_circle_by_name_leaves_out_zero_loss_queries_as_keras_does():
    import keras

    from kerax.losses._loss import LossFunctionWrapper

    rng = np.random.default_rng(0)
    labels = np.array([0, 0, 1, 1, 2, 2, 7, 8], "int32")  # the last two queries have no positive pair
    embeddings = rng.normal(size=(8, 4)).astype("float32")
    want = float(keras.losses.Circle()(labels, embeddings))
    by_name = LossFunctionWrapper(kerax.losses.get("circle"))
    assert float(by_name(labels, embeddings)) == pytest.approx(want, rel=1e-5)
