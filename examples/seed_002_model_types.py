"""Seed 002: an image classifier (Sequential) and a multi-input model (Functional), imports changed."""

import numpy as np

import kerax as keras
from kerax import layers

input_shape = (64, 64, 3)
num_product_categories = 10

model_sequential = keras.Sequential(
    [
        layers.Conv2D(32, (3, 3), activation="relu", input_shape=input_shape, name="conv1"),
        layers.MaxPooling2D((2, 2), name="pool1"),
        layers.Conv2D(64, (3, 3), activation="relu", name="conv2"),
        layers.MaxPooling2D((2, 2), name="pool2"),
        layers.Flatten(name="flatten"),
        layers.Dense(64, activation="relu", name="dense1"),
        layers.Dropout(0.5, name="dropout1"),
        layers.Dense(num_product_categories, activation="softmax", name="output_softmax"),
    ],
    name="product_image_classifier_sequential",
)
model_sequential.summary()

num_samples = 100
X_train_dummy = np.random.rand(num_samples, 64, 64, 3).astype(np.float32)
y_train_dummy = np.random.randint(0, num_product_categories, num_samples)
model_sequential.compile(
    optimizer=keras.optimizers.Adam(learning_rate=0.001),
    loss=keras.losses.SparseCategoricalCrossentropy(),
    metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
)
history_sequential = model_sequential.fit(X_train_dummy, y_train_dummy, epochs=2, batch_size=32, verbose=1)

image_input_shape = (64, 64, 3)
text_input_shape = (100,)
num_classes_purchase = 1

image_input = keras.Input(shape=image_input_shape, name="image_features_input")
text_input = keras.Input(shape=text_input_shape, name="text_features_input")
x1 = layers.Flatten(name="flatten_image")(image_input)
x1 = layers.Dense(64, activation="relu", name="dense_image_1")(x1)
x1 = layers.Dropout(0.3, name="dropout_image")(x1)
image_features_processed = layers.Dense(32, activation="relu", name="dense_image_2")(x1)
x2 = layers.Dense(64, activation="relu", name="dense_text_1")(text_input)
x2 = layers.Dropout(0.3, name="dropout_text")(x2)
text_features_processed = layers.Dense(32, activation="relu", name="dense_text_2")(x2)
concatenated_features = layers.concatenate(
    [image_features_processed, text_features_processed], name="concatenate_branches"
)
x_combined = layers.Dense(32, activation="relu", name="dense_combined")(concatenated_features)
output_purchase = layers.Dense(num_classes_purchase, activation="sigmoid", name="output_sigmoid")(x_combined)
model_functional = keras.Model(
    inputs=[image_input, text_input], outputs=output_purchase, name="multi_input_purchase_predictor"
)
model_functional.summary()

X_train_image_dummy = np.random.rand(num_samples, 64, 64, 3).astype(np.float32)
X_train_text_dummy = np.random.rand(num_samples, 100).astype(np.float32)
y_train_purchase_dummy = np.random.randint(0, 2, num_samples)
model_functional.compile(
    optimizer=keras.optimizers.Adam(learning_rate=0.001),
    loss=keras.losses.BinaryCrossentropy(),
    metrics=["accuracy"],
)
history_functional = model_functional.fit(
    [X_train_image_dummy, X_train_text_dummy], y_train_purchase_dummy, epochs=2, batch_size=32, verbose=1
)
