"""keras.io's "Understanding masking & padding", run with only `import keras` changed.

The code is the Keras 3 version of the guide (keras-team/keras-io ``guides/keras_core/
understanding_masking_and_padding.py``, last modified 2023/06/25: ``keras.ops`` instead of ``tf``, as
published for Keras 3). Each cell is kept verbatim inside a function whose parameters are the guide's
module names, so that the same cell also runs on Keras itself; the checks after each cell are ours: the
guide's printed outputs, and Keras's shapes, masks, parameter counts and numbers (with copied weights).
"""

from __future__ import annotations

import keras as real_keras
import numpy as np
import pytest

import kerax as keras
from kerax import layers, ops

KERAS = (real_keras, real_keras.layers, real_keras.ops)

PADDED = np.array(
    [
        [711, 632, 71, 0, 0, 0],
        [73, 8, 3215, 55, 927, 0],
        [83, 91, 1, 645, 1253, 927],
    ]
)
PADDED_MASK = PADDED != 0


@pytest.fixture(autouse=True)
def _fresh_keras_names() -> None:
    real_keras.utils.clear_session()


def _mask(x):
    return np.asarray(x._keras_mask)


def _same_weights(ours, theirs) -> None:
    theirs.set_weights([np.asarray(w) for w in ours.get_weights()])


# -- Padding sequence data ---------------------------------------------------------------------------------


def padding_cell(keras=keras):
    raw_inputs = [
        [711, 632, 71],
        [73, 8, 3215, 55, 927],
        [83, 91, 1, 645, 1253, 927],
    ]

    # By default, this will pad using 0s; it is configurable via the
    # "value" parameter.
    # Note that you could use "pre" padding (at the beginning) or
    # "post" padding (at the end).
    # We recommend using "post" padding when working with RNN layers
    # (in order to be able to use the
    # CuDNN implementation of the layers).
    padded_inputs = keras.utils.pad_sequences(raw_inputs, padding="post")
    print(padded_inputs)
    return padded_inputs


def test_pad_sequences_pads_at_the_end() -> None:
    padded_inputs = padding_cell()
    np.testing.assert_array_equal(padded_inputs, PADDED)
    theirs = padding_cell(real_keras)
    assert padded_inputs.dtype == theirs.dtype == np.int32
    np.testing.assert_array_equal(padded_inputs, theirs)


# -- Mask-generating layers: Embedding and Masking ---------------------------------------------------------


def mask_generating_cell(padded_inputs, keras=keras, layers=layers, ops=ops):
    embedding = layers.Embedding(input_dim=5000, output_dim=16, mask_zero=True)
    masked_output = embedding(padded_inputs)

    print(masked_output._keras_mask)

    masking_layer = layers.Masking()
    # Simulate the embedding lookup by expanding the 2D input to 3D,
    # with embedding dimension of 10.
    unmasked_embedding = ops.cast(
        ops.tile(ops.expand_dims(padded_inputs, axis=-1), [1, 1, 10]),
        dtype="float32",
    )

    masked_embedding = masking_layer(unmasked_embedding)
    print(masked_embedding._keras_mask)
    return masked_output, masked_embedding


def test_embedding_and_masking_attach_the_padding_mask() -> None:
    masked_output, masked_embedding = mask_generating_cell(PADDED)
    assert masked_output.shape == (3, 6, 16) and masked_embedding.shape == (3, 6, 10)
    for ours, theirs in zip((masked_output, masked_embedding), mask_generating_cell(PADDED, *KERAS), strict=True):
        assert ours._keras_mask.shape == (3, 6) and ours._keras_mask.dtype == theirs._keras_mask.dtype == bool
        np.testing.assert_array_equal(_mask(ours), PADDED_MASK)
        np.testing.assert_array_equal(_mask(ours), _mask(theirs))
    np.testing.assert_array_equal(masked_embedding, np.repeat(PADDED[..., None], 10, axis=-1))


# -- Mask propagation in the Functional API and Sequential API ---------------------------------------------


def propagation_cell(keras=keras, layers=layers):
    model = keras.Sequential(
        [
            layers.Embedding(input_dim=5000, output_dim=16, mask_zero=True),
            layers.LSTM(32),
        ]
    )
    sequential = model

    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(input_dim=5000, output_dim=16, mask_zero=True)(inputs)
    outputs = layers.LSTM(32)(x)

    model = keras.Model(inputs, outputs)
    return sequential, model


def test_the_lstm_receives_the_embedding_mask() -> None:
    sequential, model = propagation_cell()
    their_sequential, theirs = propagation_cell(*KERAS[:2])
    assert not sequential.built and not their_sequential.built
    assert sequential(PADDED).shape == their_sequential(PADDED).shape == (3, 32)
    assert sequential.count_params() == their_sequential.count_params() == 80_000 + 6_272

    assert [type(layer).__name__ for layer in model.layers] == ["InputLayer", "Embedding", "LSTM"]
    assert [layer.name for layer in model.layers] == [layer.name for layer in theirs.layers]
    assert model.count_params() == theirs.count_params() == 86_272
    assert [w.shape for w in model.weights] == [tuple(w.shape) for w in theirs.weights]
    _same_weights(model, theirs)
    y = np.asarray(model(PADDED))
    np.testing.assert_allclose(y, theirs(PADDED), atol=1e-6)
    # The padded steps are skipped: each row equals the row run on its unpadded tokens alone.
    for row, length in enumerate(PADDED_MASK.sum(axis=1)):
        np.testing.assert_allclose(y[row], model(PADDED[row : row + 1, :length])[0], atol=1e-6)


# -- Passing mask tensors directly to layers ---------------------------------------------------------------


def direct_mask_cell(keras=keras, layers=layers):
    class MyLayer(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.embedding = layers.Embedding(input_dim=5000, output_dim=16, mask_zero=True)
            self.lstm = layers.LSTM(32)

        def call(self, inputs):
            x = self.embedding(inputs)
            # Note that you could also prepare a `mask` tensor manually.
            # It only needs to be a boolean tensor
            # with the right shape, i.e. (batch_size, timesteps).
            mask = self.embedding.compute_mask(inputs)
            output = self.lstm(x, mask=mask)  # The layer will ignore the masked values
            return output

    layer = MyLayer()
    x = np.random.random((32, 10)) * 100
    x = x.astype("int32")
    layer(x)
    return layer, x


def test_a_mask_passed_by_hand_reaches_the_lstm() -> None:
    np.random.seed(0)
    layer, x = direct_mask_cell()
    assert (x == 0).any() and (x != 0).any()
    np.random.seed(0)
    theirs, their_x = direct_mask_cell(*KERAS[:2])
    np.testing.assert_array_equal(x, their_x)
    np.testing.assert_array_equal(layer.embedding.compute_mask(x), x != 0)
    assert len(layer.weights) == len(theirs.weights) == 4
    _same_weights(layer, theirs)
    y = np.asarray(layer(x))
    assert y.shape == (32, 32)
    np.testing.assert_allclose(y, theirs(x), atol=1e-6)
    assert not np.allclose(y, layer.lstm(layer.embedding(x), mask=np.ones_like(x, bool)))


# -- Supporting masking in your custom layers --------------------------------------------------------------


def temporal_split_cell(masked_embedding, keras=keras, ops=ops):
    class TemporalSplit(keras.layers.Layer):
        """Split the input tensor into 2 tensors along the time dimension."""

        def call(self, inputs):
            # Expect the input to be 3D and mask to be 2D, split the input tensor into 2
            # subtensors along the time axis (axis 1).
            return ops.split(inputs, 2, axis=1)

        def compute_mask(self, inputs, mask=None):
            # Also split the mask into 2 if it presents.
            if mask is None:
                return None
            return ops.split(mask, 2, axis=1)

    first_half, second_half = TemporalSplit()(masked_embedding)
    print(first_half._keras_mask)
    print(second_half._keras_mask)
    return first_half, second_half


def test_a_layer_that_splits_time_splits_the_mask() -> None:
    _, masked_embedding = mask_generating_cell(PADDED)
    halves = temporal_split_cell(masked_embedding)
    _, their_embedding = mask_generating_cell(PADDED, *KERAS)
    their_halves = temporal_split_cell(their_embedding, real_keras, real_keras.ops)
    for half, expected, theirs in zip(halves, np.split(PADDED_MASK, 2, axis=1), their_halves, strict=True):
        assert half.shape == theirs.shape == (3, 3, 10)
        np.testing.assert_array_equal(_mask(half), expected)
        np.testing.assert_array_equal(_mask(half), _mask(theirs))


def custom_embedding_cell(keras=keras, ops=ops):
    class CustomEmbedding(keras.layers.Layer):
        def __init__(self, input_dim, output_dim, mask_zero=False, **kwargs):
            super().__init__(**kwargs)
            self.input_dim = input_dim
            self.output_dim = output_dim
            self.mask_zero = mask_zero

        def build(self, input_shape):
            self.embeddings = self.add_weight(
                shape=(self.input_dim, self.output_dim),
                initializer="random_normal",
                dtype="float32",
            )

        def call(self, inputs):
            inputs = ops.cast(inputs, "int32")
            return ops.take(self.embeddings, inputs)

        def compute_mask(self, inputs, mask=None):
            if not self.mask_zero:
                return None
            return ops.not_equal(inputs, 0)

    layer = CustomEmbedding(10, 32, mask_zero=True)
    x = np.random.random((3, 10)) * 9
    x = x.astype("int32")

    y = layer(x)
    mask = layer.compute_mask(x)

    print(mask)
    return layer, x, y, mask


def test_a_custom_embedding_generates_its_mask() -> None:
    np.random.seed(3)
    layer, x, y, mask = custom_embedding_cell()
    assert (x == 0).any()
    np.random.seed(3)
    theirs, _, their_y, their_mask = custom_embedding_cell(real_keras, real_keras.ops)
    # ops.take without an axis indexes the flattened table (as np.take): the guide's lookup gives one
    # number per token, in Keras too.
    assert y.shape == their_y.shape == (3, 10)
    np.testing.assert_array_equal(y, np.asarray(layer.embeddings).ravel()[x])
    np.testing.assert_array_equal(mask, x != 0)
    np.testing.assert_array_equal(mask, their_mask)
    np.testing.assert_array_equal(_mask(y), _mask(their_y))
    assert [w.shape for w in layer.weights] == [tuple(w.shape) for w in theirs.weights] == [(10, 32)]


# -- Opting-in to mask propagation on compatible layers ----------------------------------------------------


def opt_in_cell(keras=keras, layers=layers, ops=ops):
    class MyActivation(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            # Signal that the layer is safe for mask propagation
            self.supports_masking = True

        def call(self, inputs):
            return ops.relu(inputs)

    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(input_dim=5000, output_dim=16, mask_zero=True)(inputs)
    x = MyActivation()(x)  # Will pass the mask along
    print("Mask found:", x._keras_mask)
    outputs = layers.LSTM(32)(x)  # Will receive the mask

    model = keras.Model(inputs, outputs)
    y = model(np.random.randint(0, 5000, size=(32, 100)))
    return x, model, y


def test_a_layer_that_opts_in_passes_the_mask_along() -> None:
    x, model, y = opt_in_cell()
    their_x, theirs, their_y = opt_in_cell(*KERAS)
    assert isinstance(x._keras_mask, keras.KerasTensor)
    assert x._keras_mask.shape == their_x._keras_mask.shape == (None, None)
    assert x._keras_mask.dtype == their_x._keras_mask.dtype == "bool"
    assert y.shape == their_y.shape == (32, 32)
    assert model.count_params() == theirs.count_params() == 86_272

    tokens = np.array([[5, 7, 0, 0], [9, 0, 0, 0], [1, 2, 3, 4]])
    _same_weights(model, theirs)
    y = np.asarray(model(tokens))
    np.testing.assert_allclose(y, theirs(tokens), atol=1e-6)
    np.testing.assert_allclose(y[1], model(tokens[1:2, :1])[0], atol=1e-6)


# -- Writing layers that need mask information -------------------------------------------------------------


def mask_consumer_cell(keras=keras, layers=layers, ops=ops):
    class TemporalSoftmax(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.supports_masking = True

        def call(self, inputs, mask=None):
            assert mask is not None
            broadcast_float_mask = ops.expand_dims(ops.cast(mask, "float32"), -1)
            inputs_exp = ops.exp(inputs) * broadcast_float_mask
            inputs_sum = ops.sum(inputs_exp * broadcast_float_mask, axis=-1, keepdims=True)
            return inputs_exp / inputs_sum

    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(input_dim=10, output_dim=32, mask_zero=True)(inputs)
    x = layers.Dense(1)(x)
    outputs = TemporalSoftmax()(x)

    model = keras.Model(inputs, outputs)
    y = model(np.random.randint(0, 10, size=(32, 100)))
    return model, y


def test_a_mask_consumer_receives_the_mask() -> None:
    np.random.seed(5)
    model, y = mask_consumer_cell()
    np.random.seed(5)
    theirs, their_y = mask_consumer_cell(*KERAS)
    tokens = np.random.RandomState(5).randint(0, 10, size=(32, 100))
    assert y.shape == their_y.shape == (32, 100, 1)
    assert model.count_params() == theirs.count_params() == 10 * 32 + 33
    # The guide sums over the last axis (of size 1): 1 on kept steps, 0/0 on masked ones.
    y = np.asarray(y)
    np.testing.assert_array_equal(y[tokens != 0], 1.0)
    assert np.isnan(y[tokens == 0]).all()
    np.testing.assert_array_equal(np.isnan(y), np.isnan(their_y))
    np.testing.assert_array_equal(_mask(model(tokens)), tokens != 0)
    np.testing.assert_array_equal(_mask(model(tokens)), _mask(their_y))


@pytest.mark.parametrize("lib", [keras, real_keras], ids=["kerax", "keras"])
def test_the_sequential_model_builds_as_in_keras(lib) -> None:
    """The propagation cell's Sequential model, built for token sequences: its layers' shapes and sizes."""
    sequential, _ = propagation_cell(lib, lib.layers)
    sequential.build((None, None))
    assert [layer.output.shape for layer in sequential.layers] == [(None, None, 16), (None, 32)]
    assert [layer.count_params() for layer in sequential.layers] == [80_000, 6_272]
