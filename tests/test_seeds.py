"""The five tutorial programs of ``examples/`` (written for ``tf.keras``), run in kerax with only their import
lines changed, against Keras 3.

Each snippet below is a tutorial's code, verbatim except for the imports (``from tensorflow.keras import
layers`` -> ``from kerax import layers``, ``tf.nn.relu`` -> ``kerax.ops.relu``, ``tf.keras.X`` ->
``kerax.X``), written once with a ``{lib}`` placeholder and run twice: as kerax and as Keras 3 (the
oracle, on the JAX backend). Two typos that stop the tutorials from running under any library are fixed
and marked ``# typo fixed``: ``seed_000_three_ways.py`` writes ``Con2D`` for ``Conv2D``; ``seed_003_inception.py``
passes ``padding`` positionally after a keyword argument (a SyntaxError; the summary it shows needs
``padding="same"``).

``seed_002_model_types.py`` describes model subclassing in words but gives no code; ``002_subclass`` is its image
classifier written as a subclass with the ``call(self, inputs, training=None, mask=None)`` signature the
tutorial describes.
"""

# ruff: noqa: E501  (the tutorials' code is kept verbatim, long comment lines included)

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest

import kerax
from models.kx_helpers import (
    copy_weights_by_layer,
    keras_summary_text,
    quiet,
    randomize_keras_weights,
    summary_text,
    table_rows,
    totals,
)

keras = pytest.importorskip("keras")
if keras.backend.backend() != "jax":  # pragma: no cover - the conftest selects JAX before keras loads
    pytest.skip("Keras must run on the JAX backend to serve as the oracle", allow_module_level=True)


# --------------------------------------------------------------------------------------------------
# seed_000_three_ways.py: linear regression (Sequential, Functional) and three CNNs (Sequential, Functional, subclass)
# --------------------------------------------------------------------------------------------------
TUTORIAL_000_LINEAR_SEQUENTIAL = """
from {lib} import Sequential
from {lib} import layers

# we just need to start with Sequential()
LR_model_seq = Sequential()

# and just add whatever layers you need
LR_model_seq.add(layers.Dense(1, activation='linear'))
"""

TUTORIAL_000_LINEAR_FUNCTIONAL = """
from {lib} import Model, Input

# we get whatever layer we need from tf.keras.layers
from {lib} import layers

# We need to specify how the input look like
inputs = Input(shape=(1,))

# Then we forward inputs into another layer, in this example, since it's a simple LR, we just directly go ahead into the output layer.
output = layers.Dense(1, activation='linear')(inputs)

LR_model_func = Model(inputs, output)
"""

TUTORIAL_000_CNN_SEQUENTIAL = """
from {lib}.models import Sequential
from {lib}.layers import Conv2D, MaxPooling2D, Flatten, Dense, BatchNormalization, Dropout

# Define the Sequential model
model_sequential = Sequential()
model_sequential.add(Conv2D(32, (3,3), activation = 'relu', input_shape = (64, 64, 3)))  # typo fixed
model_sequential.add(BatchNormalization())
model_sequential.add(MaxPooling2D(pool_size = (2,2)))
model_sequential.add(Conv2D(64, (3,3), activation = 'relu'))
model_sequential.add(BatchNormalization())
model_sequential.add(MaxPooling2D(pool_size = (2,2)))
model_sequential.add(Flatten())
model_sequential.add(Dense(128, activation = 'relu'))
model_sequential.add(Dropout(0.5))
model_sequential.add(Dense(10, activation = 'softmax'))

# Compile the model
model_sequential.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])

# Summary of the model
model_sequential.summary()
"""

TUTORIAL_000_CNN_FUNCTIONAL = """
from {lib}.models import Model
from {lib}.layers import Input, Conv2D, MaxPooling2D, Flatten, Dense, BatchNormalization, Dropout

# Define input layer
inputs = Input(shape=(64, 64, 3))

# Add layers
x = Conv2D(32, (3, 3), activation='relu')(inputs)
x = BatchNormalization()(x)
x = MaxPooling2D(pool_size=(2, 2))(x)
x = Conv2D(64, (3, 3), activation='relu')(x)
x = BatchNormalization()(x)
x = MaxPooling2D(pool_size=(2, 2))(x)
x = Flatten()(x)
x = Dense(128, activation='relu')(x)
x = Dropout(0.5)(x)

# Define output layer
outputs = Dense(10, activation='softmax')(x)

# Define the model
model_functional = Model(inputs=inputs, outputs=outputs)

# Compile the model
model_functional.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])

# Summary of the model
model_functional.summary()
"""

TUTORIAL_000_CNN_SUBCLASS = """
from {lib}.models import Model
from {lib}.layers import Conv2D, MaxPooling2D, Flatten, Dense, BatchNormalization, Dropout

# Define a custom model class
class MyModel(Model):
    def __init__(self):
        super(MyModel, self).__init__()
        self.conv1 = Conv2D(32, (3, 3), activation='relu')
        self.bn1 = BatchNormalization()
        self.pool1 = MaxPooling2D(pool_size=(2, 2))
        self.conv2 = Conv2D(64, (3, 3), activation='relu')
        self.bn2 = BatchNormalization()
        self.pool2 = MaxPooling2D(pool_size=(2, 2))
        self.flatten = Flatten()
        self.fc1 = Dense(128, activation='relu')
        self.dropout = Dropout(0.5)
        self.fc2 = Dense(10, activation='softmax')

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

# Instantiate and compile the model
model_subclass = MyModel()
model_subclass.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])

# Summary of the model
model_subclass.build((None, 64, 64, 3))
model_subclass.summary()
"""

# --------------------------------------------------------------------------------------------------
# seed_001_fashion_mnist.py: Fashion-MNIST MLPs (the data loading and training are exercised separately below)
# --------------------------------------------------------------------------------------------------
TUTORIAL_001_SEQUENTIAL = """
import {lib}

# Creating a Sequential model
seq_model = {lib}.Sequential([
    {lib}.layers.Flatten(input_shape=(28, 28)),
    {lib}.layers.Dense(128, activation="relu"),
    {lib}.layers.Dense(10, activation="softmax")
])

seq_model.summary()

# Compile the Sequential model
seq_model.compile(optimizer={lib}.optimizers.Adam(),
              loss='sparse_categorical_crossentropy',
              metrics=['accuracy'])
"""

TUTORIAL_001_FUNCTIONAL = """
import {lib}

# 1. Define input layer
# Instantiate the input Tensor with the specified shape
input_layer = {lib}.layers.Input(shape=(28, 28))

# 2. Define layers of the model
# Stack the layers using the syntax: new_layer()(previous_layer)
x = {lib}.layers.Flatten()(input_layer)
x = {lib}.layers.Dense(128, activation="relu")(x)
output = {lib}.layers.Dense(10, activation="softmax")(x)

# 3. Define the model
# Declare inputs and outputs and create the Functional model
func_model = {lib}.models.Model(inputs=input_layer, outputs=output)

func_model.summary()

# configure, train, and evaluate the model
func_model.compile(optimizer={lib}.optimizers.Adam(),
              loss='sparse_categorical_crossentropy',
              metrics=['accuracy'])
"""

# --------------------------------------------------------------------------------------------------
# seed_002_model_types.py: product image classifier (Sequential), purchase predictor (multi-input Functional)
# --------------------------------------------------------------------------------------------------
TUTORIAL_002_SEQUENTIAL = """
import {lib} as keras
from {lib} import layers
import numpy as np

# Define input shape (e.g., 64x64 RGB product images)
input_shape = (64, 64, 3)
num_product_categories = 10 # e.g., electronics, books, apparel, etc.

model_sequential = keras.Sequential(
    [
        # Input Layer (implicitly defined by input_shape in first Conv2D layer)
        layers.Conv2D(32, (3, 3), activation='relu', input_shape=input_shape, name="conv1"),
        layers.MaxPooling2D((2, 2), name="pool1"),
        layers.Conv2D(64, (3, 3), activation='relu', name="conv2"),
        layers.MaxPooling2D((2, 2), name="pool2"),
        layers.Flatten(name="flatten"),
        layers.Dense(64, activation='relu', name="dense1"),
        layers.Dropout(0.5, name="dropout1"),
        layers.Dense(num_product_categories, activation='softmax', name="output_softmax") # Output layer
    ],
    name="product_image_classifier_sequential"
)

# Print model summary
model_sequential.summary()

# For this example, let's create dummy data
num_samples = 100
X_train_dummy = np.random.rand(num_samples, 64, 64, 3).astype(np.float32)
y_train_dummy = np.random.randint(0, num_product_categories, num_samples)

# Compile the model
model_sequential.compile(
    optimizer=keras.optimizers.Adam(learning_rate=0.001),
    loss=keras.losses.SparseCategoricalCrossentropy(),
    metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")]
)
"""

TUTORIAL_002_MULTI_INPUT = """
import {lib} as keras
from {lib} import layers
import numpy as np

# Define input shapes
image_input_shape = (64, 64, 3) # For image features (e.g., output of a CNN base)
text_input_shape = (100,)      # For text features (e.g., TF-IDF or embedding sequence length)
num_classes_purchase = 1       # Binary: purchase (1) or not (0)

# 1. Define Input layers
image_input = keras.Input(shape=image_input_shape, name="image_features_input")
text_input = keras.Input(shape=text_input_shape, name="text_features_input")

# 2. Define branches for each input type
# Image processing branch (conceptual - could be more complex)
x1 = layers.Flatten(name="flatten_image")(image_input)
x1 = layers.Dense(64, activation='relu', name="dense_image_1")(x1)
x1 = layers.Dropout(0.3, name="dropout_image")(x1)
image_features_processed = layers.Dense(32, activation='relu', name="dense_image_2")(x1)

# Text processing branch (conceptual - could be an LSTM or Dense layer on embeddings)
x2 = layers.Dense(64, activation='relu', name="dense_text_1")(text_input) # Assuming text_input is already vectorized
x2 = layers.Dropout(0.3, name="dropout_text")(x2)
text_features_processed = layers.Dense(32, activation='relu', name="dense_text_2")(x2)

# 3. Concatenate the processed features from both branches
concatenated_features = layers.concatenate([image_features_processed, text_features_processed], name="concatenate_branches")

# 4. Add a common classification head
x_combined = layers.Dense(32, activation='relu', name="dense_combined")(concatenated_features)
output_purchase = layers.Dense(num_classes_purchase, activation='sigmoid', name="output_sigmoid")(x_combined) # Sigmoid for binary

# 5. Create the Model
model_functional = keras.Model(
    inputs=[image_input, text_input], # List of input tensors
    outputs=output_purchase,          # Output tensor
    name="multi_input_purchase_predictor"
)

# Print model summary
model_functional.summary()

# Conceptual data for demonstration
num_samples = 100
X_train_image_dummy = np.random.rand(num_samples, 64, 64, 3).astype(np.float32)
X_train_text_dummy = np.random.rand(num_samples, 100).astype(np.float32)
y_train_purchase_dummy = np.random.randint(0, 2, num_samples)

# Compile the model
model_functional.compile(
    optimizer=keras.optimizers.Adam(learning_rate=0.001),
    loss=keras.losses.BinaryCrossentropy(),
    metrics=['accuracy']
)
"""

# Not the tutorial's code (it has none for subclassing): its classifier as a subclass, as the tutorial describes.
TUTORIAL_002_SUBCLASS = """
import {lib} as keras
from {lib} import layers

class ProductImageClassifier(keras.Model):
    def __init__(self, num_classes=10, **kwargs):
        super().__init__(**kwargs)
        self.conv1 = layers.Conv2D(32, (3, 3), activation='relu', name="conv1")
        self.pool1 = layers.MaxPooling2D((2, 2), name="pool1")
        self.conv2 = layers.Conv2D(64, (3, 3), activation='relu', name="conv2")
        self.pool2 = layers.MaxPooling2D((2, 2), name="pool2")
        self.flatten = layers.Flatten(name="flatten")
        self.dense1 = layers.Dense(64, activation='relu', name="dense1")
        self.dropout1 = layers.Dropout(0.5, name="dropout1")
        self.classifier = layers.Dense(num_classes, activation='softmax', name="output_softmax")

    def call(self, inputs, training=None, mask=None):
        x = self.pool1(self.conv1(inputs))
        x = self.pool2(self.conv2(x))
        x = self.dense1(self.flatten(x))
        x = self.dropout1(x, training=training)
        return self.classifier(x)

model_subclass = ProductImageClassifier(name="product_image_classifier_subclass")
model_subclass.build((None, 64, 64, 3))
model_subclass.summary()
"""

# --------------------------------------------------------------------------------------------------
# seed_003_inception.py: named Sequential stack, and the inception model built from CNN and inception blocks
# --------------------------------------------------------------------------------------------------
TUTORIAL_003_NAMED_SEQUENTIAL = """
import {lib} as keras
from {lib} import layers

model =  keras.Sequential( [
                    layers.Dense(16, activation="relu", name="layer1"),
                    layers.Dense(8, activation="relu", name="layer2"),
                    layers.Dense(4, name="layer3") ] )
"""

TUTORIAL_003_INCEPTION = """
import {lib}
import {lib} as keras
from {lib} import layers
from {lib}.layers import Conv2D, BatchNormalization

def CNN_block(x,filters, kernel_size=3, padding="same"):
    # Defining a function which returns an operation of Convolution, BatchNormalisation and Relu.
    # Here x is the input.
    x = Conv2D(filters, kernel_size=3, padding=padding)(x)  # typo fixed
    x = BatchNormalization()(x)

    return {lib}.ops.relu(x)

def inception_block(x, filter1, filter2):
    # Defining a function which applies two CNN blocks. The output of both these blocks are then concatenated
    conv1 = CNN_block(x, filter1)
    conv2 = CNN_block(x, filter2)
    x = keras.layers.concatenate([conv1, conv2])

    return x

inputs = keras.Input(shape=(28, 28, 1))
x = CNN_block(inputs,32)
x = layers.MaxPooling2D(3)(x)
x = inception_block(x,32, 32)
x = inception_block(x,64, 64)
x = CNN_block(x,128)
x = layers.GlobalAveragePooling2D()(x)
x = layers.Dense(256, activation="relu")(x)
x = layers.Dropout(0.5)(x)
outputs = layers.Dense(10)(x)
model = keras.Model(inputs, outputs, name="final_model")
model.summary()
"""

# --------------------------------------------------------------------------------------------------
# seed_004_models.py: the same MLP as Sequential and Functional
# --------------------------------------------------------------------------------------------------
TUTORIAL_004_SEQUENTIAL = """
from {lib}.models import Sequential
from {lib}.layers import Dense

model = Sequential()
model.add(Dense(64, activation='relu', input_shape=(784,)))
model.add(Dense(64, activation='relu'))
model.add(Dense(10, activation='softmax'))
"""

TUTORIAL_004_FUNCTIONAL = """
from {lib}.models import Model
from {lib}.layers import Input, Dense

inputs = Input(shape=(784,))
x = Dense(64, activation='relu')(inputs)
x = Dense(64, activation='relu')(x)
outputs = Dense(10, activation='softmax')(x)

model = Model(inputs=inputs, outputs=outputs)
"""


@dataclass(frozen=True)
class Tutorial:
    key: str
    source: str
    var: str
    input_shapes: tuple[tuple[int, ...], ...]  # one per model input, without the batch size
    total: int  # parameter count, as Keras prints it
    non_trainable: int = 0
    kind: str = "graph"  # "graph" (Functional/Sequential built from an input shape), "subclass", "unbuilt"
    build_from_data: bool = field(default=False)


TUTORIALS = [
    Tutorial("000_linear_sequential", TUTORIAL_000_LINEAR_SEQUENTIAL, "LR_model_seq", ((1,),), 2, kind="unbuilt"),
    Tutorial("000_linear_functional", TUTORIAL_000_LINEAR_FUNCTIONAL, "LR_model_func", ((1,),), 2),
    Tutorial("000_cnn_sequential", TUTORIAL_000_CNN_SEQUENTIAL, "model_sequential", ((64, 64, 3),), 1_626_826, 192),
    Tutorial("000_cnn_functional", TUTORIAL_000_CNN_FUNCTIONAL, "model_functional", ((64, 64, 3),), 1_626_826, 192),
    Tutorial(
        "000_cnn_subclass", TUTORIAL_000_CNN_SUBCLASS, "model_subclass", ((64, 64, 3),), 1_626_826, 192, "subclass"
    ),
    Tutorial("001_mlp_sequential", TUTORIAL_001_SEQUENTIAL, "seq_model", ((28, 28),), 101_770),
    Tutorial("001_mlp_functional", TUTORIAL_001_FUNCTIONAL, "func_model", ((28, 28),), 101_770),
    Tutorial("002_cnn_sequential", TUTORIAL_002_SEQUENTIAL, "model_sequential", ((64, 64, 3),), 822_922),
    Tutorial("002_multi_input", TUTORIAL_002_MULTI_INPUT, "model_functional", ((64, 64, 3), (100,)), 799_233),
    Tutorial("002_subclass", TUTORIAL_002_SUBCLASS, "model_subclass", ((64, 64, 3),), 822_922, kind="subclass"),
    Tutorial(
        "003_named_sequential",
        TUTORIAL_003_NAMED_SEQUENTIAL,
        "model",
        ((5,),),
        5 * 16 + 16 + 16 * 8 + 8 + 8 * 4 + 4,
        kind="unbuilt",
    ),
    Tutorial("003_inception", TUTORIAL_003_INCEPTION, "model", ((28, 28, 1),), 277_258, 704),
    Tutorial("004_sequential", TUTORIAL_004_SEQUENTIAL, "model", ((784,),), 55_050),
    Tutorial("004_functional", TUTORIAL_004_FUNCTIONAL, "model", ((784,),), 55_050),
]
TUTORIAL_IDS = [s.key for s in TUTORIALS]
BY_KEY = {s.key: s for s in TUTORIALS}


@dataclass
class Run:
    model: Any
    stdout: str
    namespace: dict[str, Any]


def sample_inputs(tutorial: Tutorial, batch: int, rng: np.random.Generator) -> Any:
    arrays = [rng.uniform(0.0, 1.0, (batch, *shape)).astype("float32") for shape in tutorial.input_shapes]
    return arrays[0] if len(arrays) == 1 else arrays


def run_tutorial(lib: str, tutorial: Tutorial) -> Run:
    """Run a tutorial's code after clearing ``lib``'s state (``"kerax"`` or ``"keras"``); build unbuilt models."""
    if lib == "kerax":
        kerax.utils.clear_session()
        kerax.utils.set_random_seed(0)
    else:
        keras.backend.clear_session()
        keras.utils.set_random_seed(0)
    namespace: dict[str, Any] = {"__name__": f"tutorial_{tutorial.key}_{lib}"}
    code = compile(tutorial.source.replace("{lib}", lib), f"<tutorial {tutorial.key} as {lib}>", "exec")
    out = io.StringIO()
    guard = quiet if lib == "keras" else contextlib.nullcontext
    with guard(), contextlib.redirect_stdout(out):
        exec(code, namespace)  # noqa: S102 - the tutorial's own code
    model = namespace[tutorial.var]
    if tutorial.kind == "unbuilt":
        with guard():
            model.build((None, *tutorial.input_shapes[0]))
    elif tutorial.kind == "subclass" and lib == "keras":
        # Keras 3 leaves a subclassed model unbuilt by build(shape); calling it builds every layer.
        with guard():
            model(sample_inputs(tutorial, 1, np.random.default_rng(0)))
    return Run(model, out.getvalue(), namespace)


@pytest.fixture(scope="module")
def runs():
    """``runs(lib, key)``: each tutorial runs once per library for the whole module."""
    cache: dict[tuple[str, str], Run] = {}

    def get(lib: str, key: str) -> Run:
        if (lib, key) not in cache:
            cache[(lib, key)] = run_tutorial(lib, BY_KEY[key])
        return cache[(lib, key)]

    yield get
    cache.clear()


# --------------------------------------------------------------------------------------------------
# Counts
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("key", TUTORIAL_IDS)
def test_tutorial_parameter_counts(runs, key):
    tutorial = BY_KEY[key]
    model = runs("kerax", key).model
    assert model.built
    assert model.count_params() == tutorial.total
    non_trainable = sum(int(np.prod(v.shape)) for v in model.non_trainable_weights)
    trainable = sum(int(np.prod(v.shape)) for v in model.trainable_weights)
    assert (trainable, non_trainable) == (tutorial.total - tutorial.non_trainable, tutorial.non_trainable)


@pytest.mark.parametrize("key", TUTORIAL_IDS)
def test_tutorial_counts_are_the_ones_keras_prints(runs, key):
    """The hard-coded counts are Keras's own: the oracle agrees with the numbers written here."""
    tutorial = BY_KEY[key]
    model = runs("keras", key).model
    assert model.count_params() == tutorial.total
    assert sum(int(np.prod(v.shape)) for v in model.non_trainable_weights) == tutorial.non_trainable


# --------------------------------------------------------------------------------------------------
# Structure: names, shapes, per-layer params, summary rows
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("key", TUTORIAL_IDS)
def test_tutorial_layers_match_keras(runs, key):
    x_model, k_model = runs("kerax", key).model, runs("keras", key).model
    assert x_model.name == k_model.name
    assert [l.name for l in x_model.layers] == [l.name for l in k_model.layers]
    assert [type(l).__name__ for l in x_model.layers] == [type(l).__name__ for l in k_model.layers]
    assert [l.count_params() for l in x_model.layers] == [l.count_params() for l in k_model.layers]
    x_weights = [(v.name, tuple(v.shape)) for v in x_model.weights]
    k_weights = [(v.name, tuple(v.shape)) for v in k_model.weights]
    assert x_weights == k_weights


@pytest.mark.parametrize("key", [s.key for s in TUTORIALS if s.kind != "subclass"])
def test_tutorial_summary_rows_match_keras(runs, key):
    """Same rows in the same order: name (type), output shape, params and, for graphs, connections."""
    x_text = summary_text(runs("kerax", key).model)
    k_text = keras_summary_text(runs("keras", key).model)
    assert table_rows(x_text) == table_rows(k_text)
    assert totals(x_text) == totals(k_text)


@pytest.mark.parametrize("key", [s.key for s in TUTORIALS if s.kind == "subclass"])
def test_subclassed_tutorial_model_summary_shows_built_shapes(runs, key):
    """Keras 3 prints '?' and '0 (unbuilt)' here; kerax traces call() and shows the real table."""
    tutorial = BY_KEY[key]
    run = runs("kerax", key)
    text = summary_text(run.model)
    rows = table_rows(text)
    assert [r[0] for r in rows] == [f"{l.name}({type(l).__name__})" for l in run.model.layers]
    assert [r[2] for r in rows] == [f"{l.count_params():,}" for l in run.model.layers]
    assert "?" not in [r[1] for r in rows]
    assert "unbuilt" not in text and "unbuilt" not in run.stdout
    assert totals(text)["Total params"].startswith(f"{tutorial.total:,} (")
    # The summary the tutorial itself printed (after build()) is the same table.
    assert f"Total params: {tutorial.total:,}" in run.stdout


def test_three_ways_subclass_summary_shapes_equal_functional_twin(runs):
    sub = table_rows(summary_text(runs("kerax", "000_cnn_subclass").model))
    seq = table_rows(summary_text(runs("kerax", "000_cnn_sequential").model))
    assert [r[1:3] for r in sub] == [r[1:3] for r in seq]
    assert sub[0][1] == "(None,62,62,32)"
    assert sub[-1][1] == "(None,10)"


def test_inception_relu_ops_are_summary_rows(runs):
    text = summary_text(runs("kerax", "003_inception").model)
    relu_rows = [r for r in table_rows(text) if "(Relu)" in r[0]]
    assert [r[0] for r in relu_rows] == [f"relu{s}(Relu)" for s in ("", "_1", "_2", "_3", "_4", "_5")]
    assert [r[1] for r in relu_rows] == ["(None,28,28,32)"] + ["(None,9,9,32)"] * 2 + ["(None,9,9,64)"] * 2 + [
        "(None,9,9,128)"
    ]
    assert {r[2] for r in relu_rows} == {"0"}
    assert totals(text) == {
        "Total params": "277,258 (1.06 MB)",
        "Trainable params": "276,554 (1.05 MB)",
        "Non-trainable params": "704 (2.75 KB)",
    }


def test_inception_first_rows_and_connections(runs):
    rows = table_rows(summary_text(runs("kerax", "003_inception").model))
    assert rows[0] == ("input_layer(InputLayer)", "(None,28,28,1)", "0", "-")
    assert rows[1] == ("conv2d(Conv2D)", "(None,28,28,32)", "320", "input_layer[0][0]")
    concat = [r for r in rows if r[0] == "concatenate(Concatenate)"]
    assert concat == [("concatenate(Concatenate)", "(None,9,9,64)", "0", "relu_1[0][0],relu_2[0][0]")]


def test_tutorials_print_their_summaries(runs):
    """Every snippet that calls summary() printed a table with the model's title and total."""
    for tutorial in TUTORIALS:
        run = runs("kerax", tutorial.key)
        if "summary()" in tutorial.source:
            assert f'Model: "{run.model.name}"' in run.stdout
            assert f"Total params: {tutorial.total:,}" in run.stdout
            assert "\u2026" not in run.stdout  # nothing cut off with an ellipsis


# --------------------------------------------------------------------------------------------------
# Predictions: same weights, same outputs
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("key", TUTORIAL_IDS)
def test_tutorial_predictions_match_keras(runs, key):
    tutorial = BY_KEY[key]
    x_model, k_model = runs("kerax", key).model, runs("keras", key).model
    randomize_keras_weights(k_model, seed=1)
    copy_weights_by_layer(k_model, x_model)
    data = sample_inputs(tutorial, 4, np.random.default_rng(2))
    expected = k_model.predict(data, verbose=0)
    got = x_model.predict(data, verbose=0)
    assert isinstance(got, np.ndarray)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4)


# --------------------------------------------------------------------------------------------------
# The tutorials' training code
# --------------------------------------------------------------------------------------------------
def test_fashion_mnist_tutorial_trains_and_evaluates_on_the_bundled_sample(runs):
    """The Fashion-MNIST tutorial's data preparation, fit and evaluate (on the bundled sample: no download)."""
    (train_data, train_labels), (test_data, test_labels) = kerax.datasets.fashion_mnist.load_sample()
    train_data = train_data[:512] / 255.0
    test_data = test_data[:128] / 255.0
    seq_model = runs("kerax", "001_mlp_sequential").model
    history = seq_model.fit(train_data, train_labels[:512], epochs=2, verbose=0)
    assert sorted(history.history) == ["accuracy", "loss"]
    assert history.history["loss"][1] < history.history["loss"][0]
    result = seq_model.evaluate(test_data, test_labels[:128], verbose=0)
    assert isinstance(result, list) and len(result) == 2
    loss, accuracy = result
    assert np.isfinite(loss) and 0.0 <= accuracy <= 1.0
