"""The main job: seed 001's program (Sequential and Functional MLPs) on real Fashion-MNIST images.

Runs offline on the 3,615-image sample that ships inside kerax, prints both summaries, trains each
model for 5 epochs with the live progress bar, reports test accuracy, and writes the model plot.
"""

import os
import sys
import time

import kerax

OUT = os.environ.get("KERAX_DEMO_OUT", "out")
EPOCHS = int(os.environ.get("KERAX_DEMO_EPOCHS", "5"))


def main() -> int:
    kerax.utils.set_random_seed(42)
    # Seed 001 reads the full set with `mnist.load_data()`; offline we read the bundled real sample.
    (train_data, train_labels), (test_data, test_labels) = kerax.datasets.fashion_mnist.load_sample()
    train_data = train_data / 255.0
    test_data = test_data / 255.0
    print(f"Fashion-MNIST sample: {len(train_data)} training and {len(test_data)} test images\n")

    # -- Sequential API -------------------------------------------------------------------------------
    seq_model = kerax.Sequential(
        [
            kerax.layers.Flatten(input_shape=(28, 28)),
            kerax.layers.Dense(128, activation="relu"),
            kerax.layers.Dense(10, activation="softmax"),
        ]
    )
    seq_model.summary()
    seq_model.compile(optimizer=kerax.optimizers.Adam(), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    t0 = time.perf_counter()
    seq_model.fit(train_data, train_labels, epochs=EPOCHS)
    seq_loss, seq_acc = seq_model.evaluate(test_data, test_labels)
    seconds = time.perf_counter() - t0
    print(f"Sequential: test loss {seq_loss:.4f}, test accuracy {seq_acc:.4f} (trained in {seconds:.1f} s)\n")

    # -- Functional API -------------------------------------------------------------------------------
    input_layer = kerax.layers.Input(shape=(28, 28))
    x = kerax.layers.Flatten()(input_layer)
    x = kerax.layers.Dense(128, activation="relu")(x)
    output = kerax.layers.Dense(10, activation="softmax")(x)
    func_model = kerax.models.Model(inputs=input_layer, outputs=output)
    func_model.summary()
    func_model.compile(optimizer=kerax.optimizers.Adam(), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    t0 = time.perf_counter()
    func_model.fit(train_data, train_labels, epochs=EPOCHS)
    func_loss, func_acc = func_model.evaluate(test_data, test_labels)
    seconds = time.perf_counter() - t0
    print(f"Functional: test loss {func_loss:.4f}, test accuracy {func_acc:.4f} (trained in {seconds:.1f} s)\n")

    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "functional_mlp.png")
    kerax.utils.plot_model(func_model, path, show_shapes=True)
    print(f"Model plot written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
