"""Keras-saved weights loaded into kerax applications give Keras's outputs.

For each architecture a Keras 3 model is built (weights=None, small input, a small top) with random
batch-norm statistics, and saved in Keras's legacy HDF5 layout (``save_weights_to_hdf5_group``, the
layout of the published ImageNet files) and in Keras 3's ``.weights.h5``; its feature extractor (the
same layers without the top) is saved in the legacy layout too. kerax builds the same application with
``weights=<file>`` and must predict what Keras predicts, with the top and with every ``pooling``.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import h5py
import numpy as np
import pytest

import kerax
from kerax import applications
from kerax.applications import _weights

keras = pytest.importorskip("keras")
from keras.src.legacy.saving import legacy_h5_format  # noqa: E402

# (application, input shape, name of the last feature layer, input range)
CASES = {
    "ResNet50": ((32, 32, 3), "conv5_block3_out", (-1.0, 1.0)),
    "MobileNetV2": ((32, 32, 3), "out_relu", (-1.0, 1.0)),
    "EfficientNetB0": ((32, 32, 3), "top_activation", (0.0, 255.0)),
    "Xception": ((71, 71, 3), "block14_sepconv2_act", (-1.0, 1.0)),
}
PARAMS = [
    pytest.param("ResNet50", id="ResNet50"),
    pytest.param("MobileNetV2", id="MobileNetV2"),
    pytest.param("EfficientNetB0", id="EfficientNetB0", marks=pytest.mark.slow),
    pytest.param("Xception", id="Xception", marks=pytest.mark.slow),
]
CLASSES = 7


def _randomize_statistics(model, rng: np.random.Generator) -> None:
    """Give batch-norm and normalization statistics values far from their defaults."""
    for variable in model.weights:
        leaf = variable.path.rsplit("/", 1)[-1]
        shape = tuple(variable.shape)
        if leaf in ("gamma", "moving_variance", "variance"):
            variable.assign(rng.uniform(0.5, 1.5, shape).astype("float32"))
        elif leaf in ("beta", "moving_mean", "mean"):
            variable.assign(rng.normal(0.0, 0.1, shape).astype("float32"))


class KerasFiles:
    def __init__(self, name: str, folder: str) -> None:
        shape, feature_layer, (low, high) = CASES[name]
        keras.backend.clear_session()
        keras.utils.set_random_seed(0)
        model = getattr(keras.applications, name)(weights=None, include_top=True, input_shape=shape, classes=CLASSES)
        rng = np.random.default_rng(0)
        _randomize_statistics(model, rng)
        features = keras.Model(model.inputs, model.get_layer(feature_layer).output)
        self.x = rng.uniform(low, high, (2, *shape)).astype("float32")
        self.top_out = np.asarray(model.predict(self.x, verbose=0))
        self.features_out = np.asarray(features.predict(self.x, verbose=0))
        self.legacy_top = os.path.join(folder, f"{name}_top.h5")
        self.legacy_notop = os.path.join(folder, f"{name}_notop.h5")
        self.keras3_top = os.path.join(folder, f"{name}_top.weights.h5")
        with h5py.File(self.legacy_top, "w") as f:
            legacy_h5_format.save_weights_to_hdf5_group(f, model)
        with h5py.File(self.legacy_notop, "w") as f:
            legacy_h5_format.save_weights_to_hdf5_group(f, features)
        model.save_weights(self.keras3_top)
        self.shape = shape


@pytest.fixture(scope="module")
def keras_files(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], KerasFiles]:
    cache: dict[str, KerasFiles] = {}

    def get(name: str) -> KerasFiles:
        if name not in cache:
            cache[name] = KerasFiles(name, str(tmp_path_factory.mktemp(name)))
        return cache[name]

    return get


def _close(ours: np.ndarray, theirs: np.ndarray) -> None:
    scale = max(1.0, float(np.abs(theirs).max()))
    np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-4 * scale)


@pytest.mark.parametrize("name", PARAMS)
def test_top_from_legacy_and_keras3_files(name: str, keras_files: Callable[[str], KerasFiles]) -> None:
    files = keras_files(name)
    build = getattr(applications, name)
    for path in (files.legacy_top, files.keras3_top):
        kerax.utils.clear_session(free_memory=False)
        model = build(weights=path, include_top=True, input_shape=files.shape, classes=CLASSES)
        _close(np.asarray(model.predict(files.x, verbose=0)), files.top_out)


@pytest.mark.parametrize("name", PARAMS)
def test_notop_each_pooling_from_legacy_file(name: str, keras_files: Callable[[str], KerasFiles]) -> None:
    files = keras_files(name)
    build = getattr(applications, name)
    expected = {
        None: files.features_out,
        "avg": files.features_out.mean(axis=(1, 2)),
        "max": files.features_out.max(axis=(1, 2)),
    }
    for pooling, theirs in expected.items():
        kerax.utils.clear_session(free_memory=False)
        model = build(weights=files.legacy_notop, include_top=False, input_shape=files.shape, pooling=pooling)
        _close(np.asarray(model.predict(files.x, verbose=0)), theirs)


def test_legacy_file_with_other_layer_names_loads_by_position(keras_files: Callable[[str], KerasFiles]) -> None:
    """Keras's own rule: when the file's names do not all match (automatic names numbered differently),
    the layers with weights are matched in order."""
    files = keras_files("ResNet50")
    kerax.utils.clear_session(free_memory=False)
    model = applications.ResNet50(weights=None, include_top=False, input_shape=files.shape)
    renamed = files.legacy_notop.replace(".h5", "_renamed.h5")
    with h5py.File(files.legacy_notop, "r") as src, h5py.File(renamed, "w") as dst:
        names = [n.decode() if isinstance(n, bytes) else n for n in src.attrs["layer_names"]]
        dst.attrs["layer_names"] = [f"saved_{n}".encode() for n in names]
        for n in names:
            src.copy(src[n], dst, name=f"saved_{n}")
    _weights.load_legacy_weights(model, renamed)
    _close(np.asarray(model.predict(files.x, verbose=0)), files.features_out)


def test_mismatched_file_leaves_model_unchanged(keras_files: Callable[[str], KerasFiles]) -> None:
    files = keras_files("MobileNetV2")
    kerax.utils.clear_session(free_memory=False)
    model = applications.MobileNetV2(weights=None, include_top=False, input_shape=files.shape, alpha=0.5)
    before = [np.asarray(v.value).copy() for v in model.weights]
    with pytest.raises(ValueError, match="Shape mismatch for layer 'Conv1'"):
        _weights.load_legacy_weights(model, files.legacy_notop)
    for old, variable in zip(before, model.weights, strict=True):
        np.testing.assert_array_equal(old, np.asarray(variable.value))
    with pytest.raises(ValueError, match="Layer count mismatch"):
        _weights.load_legacy_weights(model, files.legacy_top)
