"""Seed 001: Sequential vs Functional MLPs on Fashion-MNIST, with only the imports changed.

`tf.keras.X` -> `kerax.X`, `tf.optimizers.Adam` -> `kerax.optimizers.Adam`. The data comes from
`kerax.datasets.fashion_mnist.load_data()`, which reads `$KERAX_HOME/datasets/fashion-mnist/` (Keras's
layout) and downloads the files when missing.
"""

import kerax as tf  # the seed's `tf.keras` becomes `tf` below: `tf.keras.layers` -> `tf.layers`

mnist = tf.datasets.fashion_mnist
(train_data, train_labels), (test_data, test_labels) = mnist.load_data()
train_data = train_data / 255.0
test_data = test_data / 255.0

seq_model = tf.Sequential(
    [
        tf.layers.Flatten(input_shape=(28, 28)),
        tf.layers.Dense(128, activation="relu"),
        tf.layers.Dense(10, activation="softmax"),
    ]
)
seq_model.summary()
seq_model.compile(optimizer=tf.optimizers.Adam(), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
seq_model.fit(train_data, train_labels, epochs=5)
print(seq_model.evaluate(test_data, test_labels))

input_layer = tf.layers.Input(shape=(28, 28))
x = tf.layers.Flatten()(input_layer)
x = tf.layers.Dense(128, activation="relu")(x)
output = tf.layers.Dense(10, activation="softmax")(x)
func_model = tf.models.Model(inputs=input_layer, outputs=output)
func_model.summary()
func_model.compile(optimizer=tf.optimizers.Adam(), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
func_model.fit(train_data, train_labels, epochs=5)
print(func_model.evaluate(test_data, test_labels))
