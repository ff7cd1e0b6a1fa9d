"""Text in a model: host layers run first, on NumPy; the numeric rest is compiled (fit, predict, call)."""

from __future__ import annotations

import numpy as np
import pytest

import kerax
from kerax import layers
from kerax.layers._host_layer import HostLayer


class CharCodes(HostLayer):
    """Each string -> the codes of its first ``length`` characters, 0-padded (a stand-in for a vectorizer)."""

    def __init__(self, length: int = 4, **kwargs):
        super().__init__(**kwargs)
        self.length = length
        self.calls = 0

    def host_call(self, inputs):
        self.calls += 1
        texts = np.asarray(inputs).reshape(len(inputs), -1)[:, 0]
        out = np.zeros((len(texts), self.length), np.int32)
        for i, text in enumerate(texts):
            text = text.decode() if isinstance(text, bytes) else str(text)
            codes = [ord(c) % 97 for c in text[: self.length]]
            out[i, : len(codes)] = codes
        return out

    def compute_output_spec(self, inputs):
        return kerax.KerasTensor((inputs.shape[0], self.length), "int32")


def _model(host: CharCodes) -> kerax.Model:
    inputs = kerax.Input(shape=(1,), dtype="string", name="text")
    x = host(inputs)
    x = layers.Embedding(97, 3)(x)
    x = layers.GlobalAveragePooling1D()(x)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    return kerax.Model(inputs, outputs)


TEXTS = ["abc", "hello", "zz", "kerax", "jax", "a", "text in", "numbers out"]
LABELS = np.array([0, 1, 0, 1, 1, 0, 1, 0], np.float32)


def test_the_string_input_and_its_host_layer_sit_before_the_compiled_part():
    host = CharCodes()
    model = _model(host)
    assert model.inputs[0].dtype == "string"
    assert model._host_nodes and model._host_nodes[0].operation is host
    assert [t.dtype.name for t in model._core_tensors] == ["int32"]
    assert model.count_params() == 97 * 3 + 3 + 1


def test_call_predict_and_fit_take_raw_text():
    host = CharCodes()
    model = _model(host)
    direct = np.asarray(model(np.array([["abc"], ["hello"]])))
    assert direct.shape == (2, 1)
    listed = model.predict(TEXTS[:2], verbose=0)  # a plain list of strings, one axis short of (N, 1)
    np.testing.assert_allclose(listed, direct, rtol=1e-6)
    model.compile(optimizer="adam", loss="binary_crossentropy")
    calls = host.calls
    history = model.fit(np.array(TEXTS), LABELS, batch_size=4, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    assert host.calls == calls + 1  # arrays of text are turned into numbers once, not once per batch
    assert np.isfinite(model.evaluate(TEXTS, LABELS, verbose=0))


def test_batches_of_text_from_an_iterable_are_converted_per_batch():
    model = _model(CharCodes())
    model.compile(optimizer="sgd", loss="binary_crossentropy")

    def batches():
        for i in range(0, len(TEXTS), 4):
            yield np.array(TEXTS[i : i + 4]), LABELS[i : i + 4]

    model.fit(batches(), epochs=1, verbose=0)
    assert model.predict(np.array(TEXTS[:3]), verbose=0).shape == (3, 1)


def test_sequential_with_a_string_input():
    model = kerax.Sequential(
        [kerax.Input(shape=(1,), dtype="string"), CharCodes(length=3), layers.Flatten(), layers.Dense(2)]
    )
    assert model.predict(["ab", "cd"], verbose=0).shape == (2, 2)


def test_a_compiled_layer_on_text_is_refused_where_the_model_is_built():
    inputs = kerax.Input(shape=(1,), dtype="string")
    with pytest.raises(ValueError, match="received text"):
        kerax.Model(inputs, layers.Dense(2)(inputs))


def test_a_host_layer_after_a_compiled_one_is_refused():
    inputs = kerax.Input(shape=(3,))
    x = layers.Dense(3)(inputs)
    y = CharCodes()(x)
    with pytest.raises(ValueError, match="runs on the host"):
        kerax.Model(inputs, y)
