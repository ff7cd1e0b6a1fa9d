"""Seed 003: reusable blocks and an inception-style model, with only the imports changed.

`tf.nn.relu` -> `kerax.ops.relu`. One fix: the seed writes `Conv2D(filters, kernel_size=3, padding)`,
a positional argument after a keyword (a SyntaxError in Python); its summary shows "same" padding with
the block's `filters`, which is what is written here.
"""

import os

import kerax as keras
from kerax import layers
from kerax.layers import BatchNormalization, Conv2D


def CNN_block(x, filters, kernel_size=3, padding="same"):  # noqa: N802 - the seed's name
    x = Conv2D(filters, kernel_size=kernel_size, padding=padding)(x)
    x = BatchNormalization()(x)
    return keras.ops.relu(x)


def inception_block(x, filter1, filter2):
    conv1 = CNN_block(x, filter1)
    conv2 = CNN_block(x, filter2)
    x = keras.layers.concatenate([conv1, conv2])
    return x


inputs = keras.Input(shape=(28, 28, 1))
x = CNN_block(inputs, 32)
x = layers.MaxPooling2D(3)(x)
x = inception_block(x, 32, 32)
x = inception_block(x, 64, 64)
x = CNN_block(x, 128)
x = layers.GlobalAveragePooling2D()(x)
x = layers.Dense(256, activation="relu")(x)
x = layers.Dropout(0.5)(x)
outputs = layers.Dense(10)(x)
model = keras.Model(inputs, outputs, name="final_model")
model.summary()

out = os.environ.get("KERAX_EXAMPLE_OUT", ".")
keras.utils.plot_model(model, os.path.join(out, "final_model.png"), show_shapes=True)
