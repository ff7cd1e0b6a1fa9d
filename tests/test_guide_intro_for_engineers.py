"""keras.io's "Introduction to Keras for engineers" (the Keras 3 version, 2023/07/10), run with only
`import keras` changed.

Each cell keeps the guide's code, except the data: MNIST-shaped random ``uint8`` arrays (100 training and
64 test images) instead of ``keras.datasets.mnist.load_data()``, ``epochs = 2`` instead of 20, and, for the
cells that use PyTorch and TensorFlow (not installed), a re-iterable of shuffled batches with ``len()`` in
place of the ``torch`` ``DataLoader`` and a Python generator of batches in place of the ``tf.data.Dataset``.
The setup cell's ``os.environ["KERAS_BACKEND"] = "jax"`` is the suite's conftest. The cells that define
models run inside functions whose parameter is the guide's ``keras``, so that the same code also builds on
Keras itself; the checks after each cell are ours.
"""

from __future__ import annotations

import math
import os

import keras as real_keras
import numpy as np
import pytest

import kerax as keras

N_TRAIN, N_TEST = 100, 64  # under one batch of 128: one compiled step per fit


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # the guide writes its .keras files to the working directory
    real_keras.utils.clear_session()


def mnist_like() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Stands in for ``keras.datasets.mnist.load_data()``: same dtypes and image shape, fewer samples."""
    rng = np.random.default_rng(0)
    return (
        (rng.integers(0, 256, (N_TRAIN, 28, 28), dtype=np.uint8), rng.integers(0, 10, N_TRAIN, dtype=np.uint8)),
        (rng.integers(0, 256, (N_TEST, 28, 28), dtype=np.uint8), rng.integers(0, 10, N_TEST, dtype=np.uint8)),
    )


def data_cell():
    # Load the data and split it between train and test sets
    (x_train, y_train), (x_test, y_test) = mnist_like()

    # Scale images to the [0, 1] range
    x_train = x_train.astype("float32") / 255
    x_test = x_test.astype("float32") / 255
    # Make sure images have shape (28, 28, 1)
    x_train = np.expand_dims(x_train, -1)
    x_test = np.expand_dims(x_test, -1)
    print("x_train shape:", x_train.shape)
    print("y_train shape:", y_train.shape)
    print(x_train.shape[0], "train samples")
    print(x_test.shape[0], "test samples")
    return x_train, y_train, x_test, y_test


def sequential_cell(keras=keras):
    # Model parameters
    num_classes = 10
    input_shape = (28, 28, 1)

    model = keras.Sequential(
        [
            keras.layers.Input(shape=input_shape),
            keras.layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
            keras.layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
            keras.layers.MaxPooling2D(pool_size=(2, 2)),
            keras.layers.Conv2D(128, kernel_size=(3, 3), activation="relu"),
            keras.layers.Conv2D(128, kernel_size=(3, 3), activation="relu"),
            keras.layers.GlobalAveragePooling2D(),
            keras.layers.Dropout(0.5),
            keras.layers.Dense(num_classes, activation="softmax"),
        ]
    )
    return model


def custom_components_cell(keras=keras):
    class MyDense(keras.layers.Layer):
        def __init__(self, units, activation=None, name=None):
            super().__init__(name=name)
            self.units = units
            self.activation = keras.activations.get(activation)

        def build(self, input_shape):
            input_dim = input_shape[-1]
            self.w = self.add_weight(
                shape=(input_dim, self.units),
                initializer=keras.initializers.GlorotNormal(),
                name="kernel",
                trainable=True,
            )

            self.b = self.add_weight(
                shape=(self.units,),
                initializer=keras.initializers.Zeros(),
                name="bias",
                trainable=True,
            )

        def call(self, inputs):
            # Use Keras ops to create backend-agnostic layers/metrics/etc.
            x = keras.ops.matmul(inputs, self.w) + self.b
            return self.activation(x)

    class MyDropout(keras.layers.Layer):
        def __init__(self, rate, name=None):
            super().__init__(name=name)
            self.rate = rate
            # Use seed_generator for managing RNG state.
            # It is a state element and its seed variable is
            # tracked as part of `layer.variables`.
            self.seed_generator = keras.random.SeedGenerator(1337)

        def call(self, inputs):
            # Use `keras.random` for random ops.
            return keras.random.dropout(inputs, self.rate, seed=self.seed_generator)

    class MyModel(keras.Model):
        def __init__(self, num_classes):
            super().__init__()
            self.conv_base = keras.Sequential(
                [
                    keras.layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
                    keras.layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
                    keras.layers.MaxPooling2D(pool_size=(2, 2)),
                    keras.layers.Conv2D(128, kernel_size=(3, 3), activation="relu"),
                    keras.layers.Conv2D(128, kernel_size=(3, 3), activation="relu"),
                    keras.layers.GlobalAveragePooling2D(),
                ]
            )
            self.dp = MyDropout(0.5)
            self.dense = MyDense(num_classes, activation="softmax")

        def call(self, x):
            x = self.conv_base(x)
            x = self.dp(x)
            return self.dense(x)

    return MyDense, MyDropout, MyModel


PARAMS = [640, 36_928, 0, 73_856, 147_584, 0, 0, 1_290]
SHAPES = [(None, 26, 26, 64), (None, 24, 24, 64), (None, 12, 12, 64), (None, 10, 10, 128), (None, 8, 8, 128)]
SHAPES += [(None, 128), (None, 128), (None, 10)]


def test_the_mnist_convnet(capsys) -> None:
    x_train, y_train, x_test, y_test = data_cell()
    assert x_train.shape == (N_TRAIN, 28, 28, 1) and x_train.dtype == np.float32 and x_train.max() <= 1.0
    assert "x_train shape: (100, 28, 28, 1)" in capsys.readouterr().out

    model = sequential_cell()
    theirs = sequential_cell(real_keras)
    assert [layer.count_params() for layer in model.layers] == [layer.count_params() for layer in theirs.layers]
    assert [layer.count_params() for layer in model.layers] == PARAMS
    assert [layer.output.shape for layer in model.layers] == [layer.output.shape for layer in theirs.layers]
    assert [layer.output.shape for layer in model.layers] == SHAPES
    assert [layer.name for layer in model.layers] == [layer.name for layer in theirs.layers]

    model.summary()
    summary = capsys.readouterr().out
    assert "Total params: 260,298 (1016.79 KB)" in summary and "Trainable params: 260,298" in summary
    assert "global_average_pooling2d (GlobalAveragePooling2D)" in summary

    model.compile(
        loss=keras.losses.SparseCategoricalCrossentropy(),
        optimizer=keras.optimizers.Adam(learning_rate=1e-3),
        metrics=[
            keras.metrics.SparseCategoricalAccuracy(name="acc"),
        ],
    )

    batch_size = 128
    epochs = 2

    callbacks = [
        keras.callbacks.ModelCheckpoint(filepath="model_at_epoch_{epoch}.keras"),
        keras.callbacks.EarlyStopping(monitor="val_loss", patience=2),
    ]

    model.fit(
        x_train,
        y_train,
        batch_size=batch_size,
        epochs=epochs,
        validation_split=0.15,
        callbacks=callbacks,
    )
    score = model.evaluate(x_test, y_test, verbose=0)

    history = model.history
    assert sorted(history.history) == ["acc", "loss", "val_acc", "val_loss"]
    assert history.params["epochs"] == 2 and history.params["steps"] == 1  # 85 training samples
    assert all(np.isfinite(v).all() for v in history.history.values())
    assert len(score) == 2 and abs(score[0] - math.log(10)) < 0.5 and 0.0 <= score[1] <= 1.0
    assert sorted(os.listdir()) == ["model_at_epoch_1.keras", "model_at_epoch_2.keras"]

    model.save("final_model.keras")
    trained = model.get_weights()

    model = keras.saving.load_model("final_model.keras")

    predictions = model.predict(x_test)

    assert predictions.shape == (N_TEST, 10)
    np.testing.assert_allclose(predictions.sum(axis=1), 1.0, rtol=1e-5)
    for loaded, saved in zip(model.get_weights(), trained, strict=True):
        np.testing.assert_array_equal(loaded, saved)
    reloaded_by_keras = real_keras.saving.load_model("final_model.keras")
    np.testing.assert_allclose(reloaded_by_keras.predict(x_test, verbose=0), predictions, atol=1e-5)


def test_custom_components_build_as_in_keras() -> None:
    x = np.random.default_rng(1).random((2, 28, 28, 1)).astype("float32")
    MyDense, MyDropout, MyModel = custom_components_cell()
    model = MyModel(num_classes=10)
    theirs = custom_components_cell(real_keras)[2](num_classes=10)
    assert model(x).shape == theirs(x).shape == (2, 10)
    assert model.count_params() == theirs.count_params() == sum(PARAMS)
    assert [w.shape for w in model.weights] == [tuple(w.shape) for w in theirs.weights]
    assert [w.name for w in model.weights] == [w.name for w in theirs.weights]
    assert len(model.variables) == len(theirs.variables) == len(model.weights) + 1  # the seed generator's state
    assert [layer.name for layer in model.layers] == ["sequential", "my_dropout", "my_dense"]

    dense = MyDense(3, activation="relu", name="d")
    assert dense(np.ones((4, 5), "float32")).shape == (4, 3) and dense.w.path == "d/kernel"
    np.testing.assert_array_equal(dense.b, np.zeros(3))
    dropout = MyDropout(0.5)
    ones = np.ones((8, 64), "float32")
    first, second = np.asarray(dropout(ones)), np.asarray(dropout(ones))
    assert set(np.unique(first)) == {0.0, 2.0} and not np.array_equal(first, second)  # even outside training
    first, second = np.asarray(model(x)), np.asarray(model(x))  # so the model's predictions are random
    assert not np.allclose(first, second)
    np.testing.assert_allclose(first.sum(axis=1), 1.0, rtol=1e-5)


def test_the_subclassed_model_trains_on_arrays_and_on_iterables() -> None:
    x_train, y_train, x_test, y_test = data_cell()
    batch_size = 128
    _, _, MyModel = custom_components_cell()

    model = MyModel(num_classes=10)
    model.compile(
        loss=keras.losses.SparseCategoricalCrossentropy(),
        optimizer=keras.optimizers.Adam(learning_rate=1e-3),
        metrics=[
            keras.metrics.SparseCategoricalAccuracy(name="acc"),
        ],
    )

    model.fit(
        x_train,
        y_train,
        batch_size=batch_size,
        epochs=1,  # For speed
        validation_split=0.15,
    )
    assert sorted(model.history.history) == ["acc", "loss", "val_acc", "val_loss"]
    assert model.count_params() == sum(PARAMS)
    assert len(model.optimizer.variables) == 2 + 2 * len(model.trainable_weights)  # iterations, lr, m and v

    class DataLoader:
        """Stands in for ``torch.utils.data.DataLoader``: a re-iterable of (x, y) batches with ``len()``."""

        def __init__(self, dataset, batch_size, shuffle):
            self.dataset, self.batch_size, self.shuffle = dataset, batch_size, shuffle

        def __len__(self):
            return math.ceil(len(self.dataset[0]) / self.batch_size)

        def __iter__(self):
            x, y = self.dataset
            order = np.random.permutation(len(x)) if self.shuffle else np.arange(len(x))
            for start in range(0, len(x), self.batch_size):
                yield x[order[start : start + self.batch_size]], y[order[start : start + self.batch_size]]

    # Create a DataLoader
    train_dataloader = DataLoader((x_train, y_train), batch_size=batch_size, shuffle=True)
    val_dataloader = DataLoader((x_test, y_test), batch_size=batch_size, shuffle=False)

    model = MyModel(num_classes=10)
    model.compile(
        loss=keras.losses.SparseCategoricalCrossentropy(),
        optimizer=keras.optimizers.Adam(learning_rate=1e-3),
        metrics=[
            keras.metrics.SparseCategoricalAccuracy(name="acc"),
        ],
    )
    model.fit(train_dataloader, epochs=1, validation_data=val_dataloader)
    assert sorted(model.history.history) == ["acc", "loss", "val_acc", "val_loss"]
    assert int(model.optimizer.iterations) == 1

    def batches(x, y):
        for start in range(0, len(x), batch_size):
            yield x[start : start + batch_size], y[start : start + batch_size]

    train_dataset = batches(x_train, y_train)  # was tf.data.Dataset.from_tensor_slices(...).batch(batch_size)
    test_dataset = batches(x_test, y_test)

    model = MyModel(num_classes=10)
    model.compile(
        loss=keras.losses.SparseCategoricalCrossentropy(),
        optimizer=keras.optimizers.Adam(learning_rate=1e-3),
        metrics=[
            keras.metrics.SparseCategoricalAccuracy(name="acc"),
        ],
    )
    model.fit(train_dataset, epochs=1, validation_data=test_dataset)
    assert sorted(model.history.history) == ["acc", "loss", "val_acc", "val_loss"]
    assert int(model.optimizer.iterations) == 1
