"""`predict` of one small float32/int32 batch skips the general data handling, with the same results."""

from __future__ import annotations

import numpy as np
import pytest

import kerax
from kerax.trainers import _predict


@pytest.fixture
def model():
    return kerax.Sequential([kerax.Input((4,)), kerax.layers.Dense(3, activation="softmax")])


def test_fast_path_matches_the_general_path(model, monkeypatch):
    x = np.random.default_rng(0).standard_normal((5, 4)).astype("float32")
    calls = []
    original = _predict.predict_one_batch
    monkeypatch.setattr(_predict, "predict_one_batch", lambda m, a: calls.append(a.shape) or original(m, a))
    fast = model.predict(x, verbose=0)
    general = model.predict(x, verbose=0, batch_size=2)  # several batches: the general path
    assert calls == [(5, 4)]
    np.testing.assert_allclose(fast, general, rtol=1e-6)
    assert isinstance(fast, np.ndarray) and fast.shape == (5, 3)
    model.predict(x.astype("float64"), verbose=0)  # converted by the general path, not handed over as is
    model.predict(x, verbose=1)
    assert calls == [(5, 4)]


def test_fast_path_refuses_what_it_does_not_handle():
    a, b = kerax.Input((2,)), kerax.Input((3,))
    two = kerax.Model([a, b], kerax.layers.concatenate([a, b]))
    assert _predict.predict_one_batch(two, np.zeros((1, 2), "float32")) is None
    out = two.predict([np.zeros((1, 2), "float32"), np.ones((1, 3), "float32")], verbose=0)
    np.testing.assert_array_equal(out, [[0, 0, 1, 1, 1]])


def test_bad_shapes_still_get_a_clear_error(model):
    with pytest.raises(ValueError, match=r"expects data of shape \(None, 4\)"):
        model.predict(np.zeros((2, 5), "float32"), verbose=0)


def _np_forward(model, x):
    kernel, bias = (np.asarray(w) for w in model.get_weights())
    logits = x @ kernel + bias
    e = np.exp(logits - logits.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


@pytest.mark.parametrize(
    "change",
    [
        "set_weights",
        "assign",
        "fit",
        "train_on_batch",
        "load_weights",
        "add_layer",
    ],
)
def test_cached_weight_values_follow_every_change(model, change, tmp_path):
    """predict and model(x) cache the weights' arrays: every way of changing a weight must show."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal((3, 4)).astype("float32")
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    before = model.predict(x, verbose=0)
    np.testing.assert_allclose(before, _np_forward(model, x), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(model(x)), before, rtol=1e-6)
    if change == "set_weights":
        model.set_weights([w * 3.0 + 0.1 for w in model.get_weights()])
    elif change == "assign":
        model.layers[-1].kernel.assign(np.arange(12, dtype="float32").reshape(4, 3) / 10)
    elif change == "fit":
        model.fit(x, np.array([0, 1, 2]), epochs=2, verbose=0)
    elif change == "train_on_batch":
        model.train_on_batch(x, np.array([0, 1, 2]))
    elif change == "load_weights":
        other = kerax.Sequential([kerax.Input((4,)), kerax.layers.Dense(3, activation="softmax")])
        other.set_weights([w * -2.0 for w in model.get_weights()])
        other.save_weights(tmp_path / "w.weights.safetensors")
        model.load_weights(tmp_path / "w.weights.safetensors")
    elif change == "add_layer":
        model.add(kerax.layers.Dense(2))
    after = model.predict(x, verbose=0)
    if change == "add_layer":
        assert after.shape == (3, 2)
        return
    assert not np.allclose(after, before)
    np.testing.assert_allclose(after, _np_forward(model, x), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(model(x)), after, rtol=1e-6)
