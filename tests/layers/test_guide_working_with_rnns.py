"""keras.io's "Working with RNNs", run with only `import keras` changed to `import kerax as keras`.

The code is the Keras 3 version of the guide (keras-team/keras-io ``guides/working_with_rnns.py``, last
modified 2023/07/10). Each cell is kept verbatim inside a function whose parameters are the guide's module
names, so that a cell can also run on Keras itself; the checks after each cell are ours (Keras's parameter
counts and numbers with copied weights, and what the guide says the code does).

Three things differ from the guide's script, none in its code:

- Small synthetic data stands in for MNIST (no download); the nested-input part uses 2 batches of 5 steps
  instead of 10 batches of 50.
- The guide also calls TensorFlow (``tf.TensorShape``, ``tf.nest.flatten``, ``tf.matmul``, ``tf.einsum``,
  ``tf.device``, ``tf.argmax``, ``tf.expand_dims``) and matplotlib, which kerax does not use and this
  environment does not have: ``tf`` below is a stand-in over ``kerax.ops`` (replacing the guide's
  ``import tensorflow as tf``), and the test puts a stand-in ``matplotlib.pyplot`` in ``sys.modules`` for
  the cell that imports it.
- Keras 3.15 itself cannot run the nested-input part (its ``RNN`` takes one input tensor, and it refuses
  ``metrics=["accuracy"]`` for a model with two outputs); kerax runs it, and the checks there compare with
  NumPy instead of Keras.
"""

from __future__ import annotations

import contextlib
import sys
import types

import keras as real_keras
import numpy as np
import pytest

import kerax as keras
from kerax import layers

KERAS = (real_keras, real_keras.layers)


class _TensorShape:
    """``tf.TensorShape`` as the guide uses it: the shape of one state, not a list of states."""

    def __init__(self, dims):
        self._dims = [int(d) for d in dims]

    def as_list(self):
        return list(self._dims)

    def __iter__(self):
        return iter(self._dims)

    def __len__(self):
        return len(self._dims)

    def __getitem__(self, i):
        return self._dims[i]


class _EagerTensor(np.ndarray):
    def numpy(self):
        return np.asarray(self)


tf = types.SimpleNamespace(
    TensorShape=_TensorShape,
    nest=types.SimpleNamespace(flatten=keras.tree.flatten),
    matmul=keras.ops.matmul,
    einsum=keras.ops.einsum,
    device=lambda name: contextlib.nullcontext(),
    argmax=lambda x, axis: np.asarray(keras.ops.argmax(x, axis=axis)).view(_EagerTensor),
    expand_dims=keras.ops.expand_dims,
)


@pytest.fixture(autouse=True)
def _seeds() -> None:
    real_keras.utils.clear_session()
    keras.utils.set_random_seed(0)
    np.random.seed(0)


def _copy_weights(ours, theirs) -> None:
    theirs.set_weights([np.asarray(w) for w in ours.get_weights()])


# -- Built-in RNN layers: a simple example -----------------------------------------------------------------


def simple_example_cell(keras=keras, layers=layers):
    model = keras.Sequential()
    # Add an Embedding layer expecting input vocab of size 1000, and
    # output embedding dimension of size 64.
    model.add(layers.Embedding(input_dim=1000, output_dim=64))

    # Add a LSTM layer with 128 internal units.
    model.add(layers.LSTM(128))

    # Add a Dense layer with 10 units.
    model.add(layers.Dense(10))

    model.summary()
    return model


def test_simple_example(capsys) -> None:
    model = simple_example_cell()
    assert "0 (unbuilt)" in capsys.readouterr().out  # no input shape yet, as in Keras
    theirs = simple_example_cell(*KERAS)
    tokens = np.random.randint(0, 1000, size=(2, 7))
    assert model(tokens).shape == (2, 10)
    theirs.build((None, 7))
    assert model.count_params() == theirs.count_params() == 64_000 + 4 * 128 * (64 + 128 + 1) + 1290
    _copy_weights(model, theirs)
    np.testing.assert_allclose(model(tokens), theirs(tokens), atol=1e-5)


# -- Outputs and states -------------------------------------------------------------------------------------


def outputs_cell(keras=keras, layers=layers):
    model = keras.Sequential()
    model.add(layers.Embedding(input_dim=1000, output_dim=64))

    # The output of GRU will be a 3D tensor of shape (batch_size, timesteps, 256)
    model.add(layers.GRU(256, return_sequences=True))

    # The output of SimpleRNN will be a 2D tensor of shape (batch_size, 128)
    model.add(layers.SimpleRNN(128))

    model.add(layers.Dense(10))

    model.summary()
    return model


def states_cell(keras=keras, layers=layers):
    encoder_vocab = 1000
    decoder_vocab = 2000

    encoder_input = layers.Input(shape=(None,))
    encoder_embedded = layers.Embedding(input_dim=encoder_vocab, output_dim=64)(encoder_input)

    # Return states in addition to output
    output, state_h, state_c = layers.LSTM(64, return_state=True, name="encoder")(encoder_embedded)
    encoder_state = [state_h, state_c]

    decoder_input = layers.Input(shape=(None,))
    decoder_embedded = layers.Embedding(input_dim=decoder_vocab, output_dim=64)(decoder_input)

    # Pass the 2 states to a new LSTM layer, as initial state
    decoder_output = layers.LSTM(64, name="decoder")(decoder_embedded, initial_state=encoder_state)
    output = layers.Dense(10)(decoder_output)

    model = keras.Model([encoder_input, decoder_input], output)
    model.summary()
    return model


def test_outputs_and_states() -> None:
    model, theirs = outputs_cell(), outputs_cell(*KERAS)
    assert model.compute_output_shape((2, 5)) == (2, 10)
    theirs.build((None, 5))
    assert model.count_params() == theirs.count_params() == 64_000 + (3 * 256 * 320 + 2 * 768) + 128 * 385 + 1290

    model, theirs = states_cell(), states_cell(*KERAS)
    assert [t.shape for t in model.get_layer("encoder").output] == [(None, 64)] * 3  # output, h, c
    assert model.count_params() == theirs.count_params() == 64_000 + 128_000 + 2 * 4 * 64 * 129 + 650
    _copy_weights(model, theirs)
    data = [np.random.randint(0, 1000, size=(3, 6)), np.random.randint(0, 2000, size=(3, 4))]
    np.testing.assert_allclose(model.predict(data, verbose=0), theirs.predict(data, verbose=0), atol=1e-5)


# -- Cross-batch statefulness -------------------------------------------------------------------------------


def statefulness_cell(keras=keras, layers=layers):
    paragraph1 = np.random.random((20, 10, 50)).astype(np.float32)
    paragraph2 = np.random.random((20, 10, 50)).astype(np.float32)
    paragraph3 = np.random.random((20, 10, 50)).astype(np.float32)

    lstm_layer = layers.LSTM(64, stateful=True)
    output = lstm_layer(paragraph1)
    output = lstm_layer(paragraph2)
    output = lstm_layer(paragraph3)

    # reset_states() will reset the cached state to the original initial_state.
    # If no initial_state was provided, zero-states will be used by default.
    lstm_layer.reset_states()
    return lstm_layer, (paragraph1, paragraph2, paragraph3), output


def state_reuse_cell(keras=keras, layers=layers):
    paragraph1 = np.random.random((20, 10, 50)).astype(np.float32)
    paragraph2 = np.random.random((20, 10, 50)).astype(np.float32)
    paragraph3 = np.random.random((20, 10, 50)).astype(np.float32)

    lstm_layer = layers.LSTM(64, stateful=True)
    output = lstm_layer(paragraph1)
    output = lstm_layer(paragraph2)  # noqa: F841  (the guide's line)

    existing_state = lstm_layer.states

    new_lstm_layer = layers.LSTM(64)
    new_output = new_lstm_layer(paragraph3, initial_state=existing_state)
    return lstm_layer, new_lstm_layer, (paragraph1, paragraph2, paragraph3), existing_state, new_output


def test_cross_batch_statefulness_and_state_reuse() -> None:
    lstm_layer, paragraphs, output = statefulness_cell()
    assert all(not np.any(s.numpy()) for s in lstm_layer.states)  # reset_states() zeroed them
    assert lstm_layer.weights and all(s not in lstm_layer.weights for s in lstm_layer.states)
    # The three calls read one long sequence: a stateless LSTM with the same weights over all of it agrees.
    whole = layers.LSTM(64)
    whole(paragraphs[0])
    whole.set_weights(lstm_layer.get_weights())
    np.testing.assert_allclose(output, whole(np.concatenate(paragraphs, axis=1)), atol=1e-5)

    lstm_layer, new_lstm_layer, paragraphs, existing_state, new_output = state_reuse_cell()
    tracked = layers.LSTM(64, return_state=True)
    tracked(paragraphs[0])
    tracked.set_weights(lstm_layer.get_weights())
    _, h, c = tracked(np.concatenate(paragraphs[:2], axis=1))
    np.testing.assert_allclose(existing_state[0].numpy(), h, atol=1e-5)
    np.testing.assert_allclose(existing_state[1].numpy(), c, atol=1e-5)
    np.testing.assert_allclose(new_output, new_lstm_layer(paragraphs[2], initial_state=[h, c]), atol=1e-5)
    assert not np.allclose(new_output, new_lstm_layer(paragraphs[2]), atol=1e-3)  # the states mattered


# -- Bidirectional RNNs -------------------------------------------------------------------------------------


def bidirectional_cell(keras=keras, layers=layers):
    model = keras.Sequential()

    model.add(layers.Bidirectional(layers.LSTM(64, return_sequences=True), input_shape=(5, 10)))
    model.add(layers.Bidirectional(layers.LSTM(32)))
    model.add(layers.Dense(10))

    model.summary()
    return model


def test_bidirectional() -> None:
    model = bidirectional_cell()
    with pytest.warns(UserWarning):  # Keras warns about `input_shape` on a layer
        theirs = bidirectional_cell(*KERAS)
    assert model.count_params() == theirs.count_params() == 2 * 4 * 64 * 75 + 2 * 4 * 32 * 161 + 650
    _copy_weights(model, theirs)
    x = np.random.random((3, 5, 10)).astype("float32")
    np.testing.assert_allclose(model.predict(x, verbose=0), theirs.predict(x, verbose=0), atol=1e-5)


# -- Performance optimization and CuDNN kernels ---------------------------------------------------------------

batch_size = 64
# Each MNIST image batch is a tensor of shape (batch_size, 28, 28).
# Each input sequence will be of size (28, 28) (height is treated like time).
input_dim = 28

units = 64
output_size = 10  # labels are from 0 to 9


# Build the RNN model
def build_model(allow_cudnn_kernel=True):
    # CuDNN is only available at the layer level, and not at the cell level.
    # This means `LSTM(units)` will use the CuDNN kernel,
    # while RNN(LSTMCell(units)) will run on non-CuDNN kernel.
    if allow_cudnn_kernel:
        # The LSTM layer with default options uses CuDNN.
        lstm_layer = keras.layers.LSTM(units, input_shape=(None, input_dim))
    else:
        # Wrapping a LSTMCell in a RNN layer will not use CuDNN.
        lstm_layer = keras.layers.RNN(keras.layers.LSTMCell(units), input_shape=(None, input_dim))
    model = keras.models.Sequential(
        [
            lstm_layer,
            keras.layers.BatchNormalization(),
            keras.layers.Dense(output_size),
        ]
    )
    return model


def synthetic_mnist():
    """Stands in for ``keras.datasets.mnist.load_data()``: 28x28 uint8 images, labels 0-9."""
    rng = np.random.default_rng(0)
    y = rng.integers(0, 10, size=320)
    x = (rng.random((320, 28, 28)) * 60 + y[:, None, None] * 19).astype("uint8")
    return (x[:256], y[:256]), (x[256:], y[256:])


def test_cudnn_and_cell_models_train_alike(monkeypatch, capsys) -> None:
    (x_train, y_train), (x_test, y_test) = synthetic_mnist()
    x_train, x_test = x_train / 255.0, x_test / 255.0
    sample, sample_label = x_train[0], y_train[0]

    model = build_model(allow_cudnn_kernel=True)

    model.compile(
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        optimizer="sgd",
        metrics=["accuracy"],
    )

    model.fit(x_train, y_train, validation_data=(x_test, y_test), batch_size=batch_size, epochs=1)

    history = model.history.history
    assert {"loss", "accuracy", "val_loss", "val_accuracy"} <= set(history)
    assert np.isfinite(history["loss"][0]) and np.isfinite(history["val_loss"][0])
    start = model.get_weights()

    keras.utils.set_random_seed(3)
    noncudnn_model = build_model(allow_cudnn_kernel=False)
    noncudnn_model.set_weights(model.get_weights())
    noncudnn_model.compile(
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        optimizer="sgd",
        metrics=["accuracy"],
    )
    noncudnn_model.fit(x_train, y_train, validation_data=(x_test, y_test), batch_size=batch_size, epochs=1)

    # "RNN(LSTMCell(10)) produces the same result as LSTM(10)": the same epoch from the same start, with the
    # same shuffling, ends at the same weights.
    keras.utils.set_random_seed(3)
    twin = build_model(allow_cudnn_kernel=True)
    twin.set_weights(start)
    twin.compile(
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), optimizer="sgd", metrics=["accuracy"]
    )
    twin.fit(x_train, y_train, batch_size=batch_size, epochs=1, verbose=0)
    assert [w.shape for w in twin.get_weights()] == [w.shape for w in noncudnn_model.get_weights()]
    for ours, theirs in zip(noncudnn_model.get_weights(), twin.get_weights(), strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)
    assert not np.allclose(noncudnn_model.get_weights()[0], start[0])  # it did train
    capsys.readouterr()

    matplotlib = types.ModuleType("matplotlib")
    matplotlib.pyplot = types.SimpleNamespace(imshow=lambda *a, **k: None, get_cmap=lambda name: name)
    monkeypatch.setitem(sys.modules, "matplotlib", matplotlib)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", matplotlib.pyplot)

    import matplotlib.pyplot as plt

    with tf.device("CPU:0"):
        cpu_model = build_model(allow_cudnn_kernel=True)
        cpu_model.set_weights(model.get_weights())
        result = tf.argmax(cpu_model.predict_on_batch(tf.expand_dims(sample, 0)), axis=1)
        print("Predicted result is: %s, target result is: %s" % (result.numpy(), sample_label))  # noqa: UP031
        plt.imshow(sample, cmap=plt.get_cmap("gray"))

    expected = np.argmax(model.predict_on_batch(sample[None]), axis=1)
    assert capsys.readouterr().out.strip() == f"Predicted result is: {expected}, target result is: {sample_label}"


# -- RNNs with list/dict inputs, or nested inputs --------------------------------------------------------------


@keras.saving.register_keras_serializable()
class NestedCell(keras.layers.Layer):
    def __init__(self, unit_1, unit_2, unit_3, **kwargs):
        self.unit_1 = unit_1
        self.unit_2 = unit_2
        self.unit_3 = unit_3
        self.state_size = [tf.TensorShape([unit_1]), tf.TensorShape([unit_2, unit_3])]
        self.output_size = [tf.TensorShape([unit_1]), tf.TensorShape([unit_2, unit_3])]
        super().__init__(**kwargs)

    def build(self, input_shapes):
        # expect input_shape to contain 2 items, [(batch, i1), (batch, i2, i3)]
        i1 = input_shapes[0][1]
        i2 = input_shapes[1][1]
        i3 = input_shapes[1][2]

        self.kernel_1 = self.add_weight(shape=(i1, self.unit_1), initializer="uniform", name="kernel_1")
        self.kernel_2_3 = self.add_weight(
            shape=(i2, i3, self.unit_2, self.unit_3),
            initializer="uniform",
            name="kernel_2_3",
        )

    def call(self, inputs, states):
        # inputs should be in [(batch, input_1), (batch, input_2, input_3)]
        # state should be in shape [(batch, unit_1), (batch, unit_2, unit_3)]
        input_1, input_2 = tf.nest.flatten(inputs)
        s1, s2 = states

        output_1 = tf.matmul(input_1, self.kernel_1)
        output_2_3 = tf.einsum("bij,ijkl->bkl", input_2, self.kernel_2_3)
        state_1 = s1 + output_1
        state_2_3 = s2 + output_2_3

        output = (output_1, output_2_3)
        new_states = (state_1, state_2_3)

        return output, new_states

    def get_config(self):
        return {"unit_1": self.unit_1, "unit_2": unit_2, "unit_3": self.unit_3}


def test_nested_inputs_and_states() -> None:
    # The guide's script defines these at module level; its NestedCell.get_config reads the global unit_2.
    global unit_1, unit_2, unit_3, i1, i2, i3, batch_size, num_batches, timestep
    unit_1 = 10
    unit_2 = 20
    unit_3 = 30

    i1 = 32
    i2 = 64
    i3 = 32
    batch_size = 64
    num_batches = 2  # the guide: 10
    timestep = 5  # the guide: 50

    cell = NestedCell(unit_1, unit_2, unit_3)
    rnn = keras.layers.RNN(cell)

    input_1 = keras.Input((None, i1))
    input_2 = keras.Input((None, i2, i3))

    outputs = rnn((input_1, input_2))

    model = keras.models.Model([input_1, input_2], outputs)

    model.compile(optimizer="adam", loss="mse", metrics=["accuracy"])

    assert [t.shape for t in outputs] == [(None, unit_1), (None, unit_2, unit_3)]
    assert [w.shape for w in rnn.weights] == [(i1, unit_1), (i2, i3, unit_2, unit_3)]

    input_1_data = np.random.random((batch_size * num_batches, timestep, i1))
    input_2_data = np.random.random((batch_size * num_batches, timestep, i2, i3))
    target_1_data = np.random.random((batch_size * num_batches, unit_1))
    target_2_data = np.random.random((batch_size * num_batches, unit_2, unit_3))
    input_data = [input_1_data, input_2_data]
    target_data = [target_1_data, target_2_data]

    model.fit(input_data, target_data, batch_size=batch_size)

    logs = model.history.history
    assert np.isfinite(logs["loss"][0])
    assert {"rnn_loss", "rnn_1_loss", "rnn_accuracy", "rnn_1_accuracy"} <= set(logs)  # two outputs of one layer
    kernel_1, kernel_2_3 = (w.numpy() for w in rnn.weights)
    x1, x2 = input_1_data[:8].astype("float32"), input_2_data[:8].astype("float32")
    out_1, out_2_3 = model.predict([x1, x2], verbose=0)
    # The output is the last step's; the states add up every step's.
    np.testing.assert_allclose(out_1, x1[:, -1] @ kernel_1, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(out_2_3, np.einsum("bij,ijkl->bkl", x2[:, -1], kernel_2_3), rtol=1e-4, atol=1e-5)
    states_rnn = keras.layers.RNN(NestedCell(unit_1, unit_2, unit_3), return_state=True, go_backwards=True)
    states_rnn((x1, x2))
    states_rnn.set_weights([kernel_1, kernel_2_3])
    (first_1, _), state_1, state_2_3 = states_rnn((x1, x2))
    np.testing.assert_allclose(first_1, x1[:, 0] @ kernel_1, rtol=1e-4, atol=1e-5)  # backwards: ends at t=0
    np.testing.assert_allclose(state_1, x1.sum(1) @ kernel_1, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(state_2_3, np.einsum("bij,ijkl->bkl", x2.sum(1), kernel_2_3), rtol=1e-4, atol=1e-4)

    # The registered cell comes back from the model's config, its weights from a saved file.
    restored = keras.models.Model.from_config(model.get_config())
    restored.set_weights(model.get_weights())
    assert isinstance(restored.layers[-1].cell, NestedCell)
    for a, b in zip(restored.predict([x1, x2], verbose=0), (out_1, out_2_3), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6)
