"""keras.io's "Image classification from scratch" (examples/vision/image_classification_from_scratch.py, the
Keras 3 version, last modified 2023/11/09), run on kerax on a small generated ``PetImages`` folder.

The example's code is kept cell by cell, with ``import kerax as keras`` for ``import keras``. What changed,
and why:

* Data: instead of downloading and unzipping the Kaggle archive, the test writes ``PetImages/Cat`` and
  ``PetImages/Dog`` with 20 JPEGs each (36x44 noise, reddish for cats, bluish for dogs) and, in each
  folder, one ``.jpg`` that is not a JPEG, which the example's "filter out corrupted images" cell must
  delete (it would fail decoding otherwise).
* Sizes: ``image_size = (32, 32)`` instead of (180, 180), ``batch_size = 16`` instead of 128,
  ``epochs = 1`` instead of 25, and a smaller Xception: entry ``Conv2D`` 8 filters instead of 128, two
  residual blocks ``[16, 32]`` instead of three ``[256, 512, 728]``, last ``SeparableConv2D`` 64 instead
  of 1024. Every kind of layer and connection of the example is there; compiling the example's three
  blocks (and initializing them in the Keras oracle) took the test from about 35 s to 60 s on a loaded
  2-core machine.
* ``tf.data`` lines, replaced by their Grain equivalents (kerax's datasets are Grain ``IterDataset``s of
  NumPy batches): ``train_ds.take(1)`` is ``grain.experimental.LimitIterDataset(train_ds, 1)``;
  ``train_ds.map(lambda img, label: ..., num_parallel_calls=tf_data.AUTOTUNE)`` is
  ``train_ds.map(lambda batch: ...)`` (Grain maps one element, the ``(images, labels)`` tuple);
  ``ds.prefetch(tf_data.AUTOTUNE)`` is ``grain.experimental.ThreadPrefetchIterDataset(ds,
  prefetch_buffer_size=4)`` (a fixed buffer: Grain has no AUTOTUNE constant for it).
* The matplotlib cells keep their loops and conversions (``np.array(images[i]).astype("uint8")``,
  ``int(labels[i])``) but draw nothing (matplotlib is not installed); ``plot_model`` writes
  ``model.png``; the inference image is one of the generated cats instead of ``PetImages/Cat/6779.jpg``.

The checks between cells are ours. Keras is the oracle: the same model built with Keras, holding the
trained weights, gives the same prediction for the inference image. (``image_dataset_from_directory``
against Keras's is checked in ``tests/utils/test_dataset_from_directory.py``.)
"""

from __future__ import annotations

import os
from pathlib import Path

import grain
import keras as real_keras
import numpy as np
import pytest
from PIL import Image

import kerax as keras
from kerax import layers

N_PER_CLASS = 20  # 40 images: 32 for training (2 full batches of 16), 8 for validation


def write_pet_images(root: Path) -> None:
    """``PetImages/{Cat,Dog}``: JPEGs of coloured noise, plus one file per class that is not a JPEG."""
    rng = np.random.default_rng(0)
    for name, channel in (("Cat", 0), ("Dog", 2)):
        folder = root / "PetImages" / name
        folder.mkdir(parents=True)
        for i in range(N_PER_CLASS):
            pixels = rng.integers(0, 120, (36, 44, 3)).astype(np.uint8)
            pixels[..., channel] += 120
            Image.fromarray(pixels).save(folder / f"{i}.jpg", quality=90)
        (folder / "666.jpg").write_bytes(b"\x89PNG\r\n\x1a\n not a JPEG" + rng.bytes(64))


def make_model(keras, layers, input_shape, num_classes):  # noqa: ANN001, ANN201 - kerax or Keras
    """The example's ``make_model``, smaller (see the module docstring)."""
    inputs = keras.Input(shape=input_shape)

    # Entry block
    x = layers.Rescaling(1.0 / 255)(inputs)
    x = layers.Conv2D(8, 3, strides=2, padding="same")(x)
    x = layers.BatchNormalization()(x)
    x = layers.Activation("relu")(x)

    previous_block_activation = x  # Set aside residual

    for size in [16, 32]:
        x = layers.Activation("relu")(x)
        x = layers.SeparableConv2D(size, 3, padding="same")(x)
        x = layers.BatchNormalization()(x)

        x = layers.Activation("relu")(x)
        x = layers.SeparableConv2D(size, 3, padding="same")(x)
        x = layers.BatchNormalization()(x)

        x = layers.MaxPooling2D(3, strides=2, padding="same")(x)

        # Project residual
        residual = layers.Conv2D(size, 1, strides=2, padding="same")(previous_block_activation)
        x = layers.add([x, residual])  # Add back residual
        previous_block_activation = x  # Set aside next residual

    x = layers.SeparableConv2D(64, 3, padding="same")(x)
    x = layers.BatchNormalization()(x)
    x = layers.Activation("relu")(x)

    x = layers.GlobalAveragePooling2D()(x)
    if num_classes == 2:
        units = 1
    else:
        units = num_classes

    x = layers.Dropout(0.25)(x)
    # We specify activation=None so as to return logits
    outputs = layers.Dense(units, activation=None)(x)
    return keras.Model(inputs, outputs)


@pytest.fixture
def pet_images(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # the example works in the current folder (PetImages, checkpoints, model.png)
    write_pet_images(tmp_path)
    return tmp_path


def test_image_classification_from_scratch(pet_images: Path, capsys: pytest.CaptureFixture) -> None:
    # -- Filter out corrupted images ----------------------------------------------------------------------
    num_skipped = 0
    for folder_name in ("Cat", "Dog"):
        folder_path = os.path.join("PetImages", folder_name)
        for fname in os.listdir(folder_path):
            fpath = os.path.join(folder_path, fname)
            try:
                fobj = open(fpath, "rb")  # noqa: SIM115 - the example's code
                is_jfif = b"JFIF" in fobj.peek(10)
            finally:
                fobj.close()

            if not is_jfif:
                num_skipped += 1
                # Delete corrupted image
                os.remove(fpath)

    print(f"Deleted {num_skipped} images.")

    assert num_skipped == 2 and not (pet_images / "PetImages" / "Cat" / "666.jpg").exists()

    # -- Generate a `Dataset` -----------------------------------------------------------------------------
    image_size = (32, 32)
    batch_size = 16

    train_ds, val_ds = keras.utils.image_dataset_from_directory(
        "PetImages",
        validation_split=0.2,
        subset="both",
        seed=1337,
        image_size=image_size,
        batch_size=batch_size,
    )

    out = capsys.readouterr().out
    assert "Found 40 files belonging to 2 classes." in out
    assert "Using 32 files for training." in out and "Using 8 files for validation." in out
    assert train_ds.class_names == ["Cat", "Dog"]

    # -- Visualize the data (drawing left out) ------------------------------------------------------------
    for images, labels in grain.experimental.LimitIterDataset(train_ds, 1):
        for i in range(9):
            shown = np.array(images[i]).astype("uint8")
            title = int(labels[i])

    assert images.shape == (16, 32, 32, 3) and images.dtype == np.float32 and labels.dtype == np.int32
    assert shown.shape == (32, 32, 3) and title in (0, 1)
    # The colour says the class: red dominates the cats (label 0), blue the dogs (label 1).
    np.testing.assert_array_equal(images[..., 2].mean(axis=(1, 2)) > images[..., 0].mean(axis=(1, 2)), labels == 1)

    # -- Using image data augmentation --------------------------------------------------------------------
    data_augmentation_layers = [
        layers.RandomFlip("horizontal"),
        layers.RandomRotation(0.1),
    ]

    def data_augmentation(images):  # noqa: ANN001, ANN202 - the example's function
        for layer in data_augmentation_layers:
            images = layer(images)
        return images

    for images, _ in grain.experimental.LimitIterDataset(train_ds, 1):
        for i in range(9):  # noqa: B007 - the example's loop (i picked the subplot)
            augmented_images = data_augmentation(images)
            shown = np.array(augmented_images[0]).astype("uint8")

    augmented = np.asarray(augmented_images)
    assert augmented.shape == images.shape and augmented.dtype == np.float32 and np.isfinite(augmented).all()
    assert shown.shape == (32, 32, 3)
    assert not np.allclose(augmented, images)  # rotated by a random angle: the pixels move
    assert augmented.min() >= 0.0 and augmented.max() <= 255.0 + 1e-3

    # -- Configure the dataset for performance ------------------------------------------------------------
    # Apply `data_augmentation` to the training images.
    train_ds = train_ds.map(lambda batch: (data_augmentation(batch[0]), batch[1]))
    # Prefetching samples in GPU memory helps maximize GPU utilization.
    train_ds = grain.experimental.ThreadPrefetchIterDataset(train_ds, prefetch_buffer_size=4)
    val_ds = grain.experimental.ThreadPrefetchIterDataset(val_ds, prefetch_buffer_size=4)

    # -- Build a model ------------------------------------------------------------------------------------
    model = make_model(keras, layers, input_shape=image_size + (3,), num_classes=2)
    keras.utils.plot_model(model, show_shapes=True)

    assert (pet_images / "model.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    theirs = make_model(real_keras, real_keras.layers, input_shape=image_size + (3,), num_classes=2)
    assert model.count_params() == theirs.count_params()
    assert [layer.output.shape for layer in model.layers] == [layer.output.shape for layer in theirs.layers]

    # -- Train the model ----------------------------------------------------------------------------------
    epochs = 1

    callbacks = [
        keras.callbacks.ModelCheckpoint("save_at_{epoch}.keras"),
    ]
    model.compile(
        optimizer=keras.optimizers.Adam(3e-4),
        loss=keras.losses.BinaryCrossentropy(from_logits=True),
        metrics=[keras.metrics.BinaryAccuracy(name="acc")],
    )
    history = model.fit(
        train_ds,
        epochs=epochs,
        callbacks=callbacks,
        validation_data=val_ds,
    )

    assert sorted(history.history) == ["acc", "loss", "val_acc", "val_loss"]
    assert all(np.isfinite(v).all() for v in history.history.values())
    assert "2/2 " in capsys.readouterr().out  # 32 training images, batches of 16
    assert sorted(os.listdir()) == ["PetImages", "model.png", "save_at_1.keras"]

    # -- Run inference on new data ------------------------------------------------------------------------
    img = keras.utils.load_img("PetImages/Cat/6.jpg", target_size=image_size)

    img_array = keras.utils.img_to_array(img)
    img_array = keras.ops.expand_dims(img_array, 0)  # Create batch axis

    predictions = model.predict(img_array)
    score = float(keras.ops.sigmoid(predictions[0][0]))
    print(f"This image is {100 * (1 - score):.2f}% cat and {100 * score:.2f}% dog.")

    assert predictions.shape == (1, 1) and 0.0 < score < 1.0
    assert f"This image is {100 * (1 - score):.2f}% cat" in capsys.readouterr().out
    # Oracle: Keras's model holding the trained weights (batch-norm statistics included) predicts the same.
    theirs.set_weights(model.get_weights())
    np.testing.assert_allclose(predictions, theirs.predict(np.asarray(img_array), verbose=0), rtol=1e-4, atol=1e-5)
    # The checkpoint holds the trained model.
    restored = keras.saving.load_model("save_at_1.keras")
    assert [type(layer).__name__ for layer in restored.layers] == [type(layer).__name__ for layer in model.layers]
    for saved, trained in zip(restored.get_weights(), model.get_weights(), strict=True):
        np.testing.assert_array_equal(saved, trained)
