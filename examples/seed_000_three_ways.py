"""Seed 000: Sequential vs Functional vs subclassing, with only the imports changed.

(`from tensorflow.keras ...` -> `from kerax ...`.) One fix: the seed's `Con2D` is a typo for
`Conv2D` (a NameError in Keras too).
"""

from kerax import Input, Model, Sequential, layers

# Simple linear regression, Sequential API
LR_model_seq = Sequential()
LR_model_seq.add(layers.Dense(1, activation="linear"))

# Simple linear regression, Functional API
inputs = Input(shape=(1,))
output = layers.Dense(1, activation="linear")(inputs)
LR_model_func = Model(inputs, output)

# 1. Sequential API
from kerax.layers import BatchNormalization, Conv2D, Dense, Dropout, Flatten, MaxPooling2D  # noqa: E402
from kerax.models import Sequential  # noqa: E402, F811

model_sequential = Sequential()
model_sequential.add(Conv2D(32, (3, 3), activation="relu", input_shape=(64, 64, 3)))  # seed: `Con2D`
model_sequential.add(BatchNormalization())
model_sequential.add(MaxPooling2D(pool_size=(2, 2)))
model_sequential.add(Conv2D(64, (3, 3), activation="relu"))
model_sequential.add(BatchNormalization())
model_sequential.add(MaxPooling2D(pool_size=(2, 2)))
model_sequential.add(Flatten())
model_sequential.add(Dense(128, activation="relu"))
model_sequential.add(Dropout(0.5))
model_sequential.add(Dense(10, activation="softmax"))
model_sequential.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
model_sequential.summary()

# 2. Functional API
from kerax.layers import Input  # noqa: E402, F811
from kerax.models import Model  # noqa: E402, F811

inputs = Input(shape=(64, 64, 3))
x = Conv2D(32, (3, 3), activation="relu")(inputs)
x = BatchNormalization()(x)
x = MaxPooling2D(pool_size=(2, 2))(x)
x = Conv2D(64, (3, 3), activation="relu")(x)
x = BatchNormalization()(x)
x = MaxPooling2D(pool_size=(2, 2))(x)
x = Flatten()(x)
x = Dense(128, activation="relu")(x)
x = Dropout(0.5)(x)
outputs = Dense(10, activation="softmax")(x)
model_functional = Model(inputs=inputs, outputs=outputs)
model_functional.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
model_functional.summary()


# 3. Subclassing API
class MyModel(Model):
    def __init__(self):
        super(MyModel, self).__init__()  # noqa: UP008 - the seed's spelling
        self.conv1 = Conv2D(32, (3, 3), activation="relu")
        self.bn1 = BatchNormalization()
        self.pool1 = MaxPooling2D(pool_size=(2, 2))
        self.conv2 = Conv2D(64, (3, 3), activation="relu")
        self.bn2 = BatchNormalization()
        self.pool2 = MaxPooling2D(pool_size=(2, 2))
        self.flatten = Flatten()
        self.fc1 = Dense(128, activation="relu")
        self.dropout = Dropout(0.5)
        self.fc2 = Dense(10, activation="softmax")

    def call(self, inputs):
        x = self.conv1(inputs)
        x = self.bn1(x)
        x = self.pool1(x)
        x = self.conv2(x)
        x = self.bn2(x)
        x = self.pool2(x)
        x = self.flatten(x)
        x = self.fc1(x)
        x = self.dropout(x)
        return self.fc2(x)


model_subclass = MyModel()
model_subclass.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
model_subclass.build((None, 64, 64, 3))
model_subclass.summary()
