"""Seed 004: the same MLP with the Sequential and the Functional API, with only the imports changed."""

from kerax.layers import Dense
from kerax.models import Sequential

model = Sequential()
model.add(Dense(64, activation="relu", input_shape=(784,)))
model.add(Dense(64, activation="relu"))
model.add(Dense(10, activation="softmax"))
model.summary()

from kerax.layers import Input  # noqa: E402
from kerax.models import Model  # noqa: E402

inputs = Input(shape=(784,))
x = Dense(64, activation="relu")(inputs)
x = Dense(64, activation="relu")(x)
outputs = Dense(10, activation="softmax")(x)

model = Model(inputs=inputs, outputs=outputs)
model.summary()
