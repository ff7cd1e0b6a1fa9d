"""Seed 000's CNN built three ways (Sequential, Functional, subclassing), trained on real Fashion-MNIST.

Uses the sample bundled with kerax (3,000 training and 615 test images, 28x28 grey), so the input
shape is (28, 28, 1) instead of the seed's (64, 64, 3). All three models train the same way.
"""

import os

import numpy as np

import kerax
from kerax.layers import BatchNormalization, Conv2D, Dense, Dropout, Flatten, Input, MaxPooling2D

EPOCHS = int(os.environ.get("KERAX_EXAMPLE_EPOCHS", "3"))
LIMIT = int(os.environ.get("KERAX_EXAMPLE_LIMIT", "0")) or None


def stack():
    return [
        Conv2D(32, (3, 3), activation="relu"),
        BatchNormalization(),
        MaxPooling2D(pool_size=(2, 2)),
        Conv2D(64, (3, 3), activation="relu"),
        BatchNormalization(),
        MaxPooling2D(pool_size=(2, 2)),
        Flatten(),
        Dense(128, activation="relu"),
        Dropout(0.5),
        Dense(10, activation="softmax"),
    ]


def sequential():
    return kerax.Sequential([Input((28, 28, 1)), *stack()], name="cnn_sequential")


def functional():
    inputs = Input((28, 28, 1))
    x = inputs
    for layer in stack():
        x = layer(x)
    return kerax.Model(inputs, x, name="cnn_functional")


class SubclassedCNN(kerax.Model):
    def __init__(self):
        super().__init__(name="cnn_subclassed")
        self.blocks = stack()

    def call(self, inputs, training=None):
        x = inputs
        for layer in self.blocks:
            x = layer(x, training=training)
        return x


def main():
    kerax.utils.set_random_seed(0)
    (x_train, y_train), (x_test, y_test) = kerax.datasets.fashion_mnist.load_sample()
    x_train = (x_train[:LIMIT] / 255.0)[..., None].astype(np.float32)
    y_train = y_train[:LIMIT]
    x_test = (x_test / 255.0)[..., None].astype(np.float32)
    y_onehot = np.eye(10, dtype=np.float32)[y_train]
    for model in (sequential(), functional(), SubclassedCNN()):
        model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
        model.build((None, 28, 28, 1))
        model.summary()
        model.fit(x_train, y_onehot, epochs=EPOCHS, batch_size=32, verbose=2)
        loss, acc = model.evaluate(x_test, np.eye(10, dtype=np.float32)[y_test], verbose=0)
        print(f"{model.name}: test accuracy {acc:.4f}, {model.count_params():,} parameters\n")


if __name__ == "__main__":
    main()
