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
