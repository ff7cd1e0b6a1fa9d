"""preprocess_input and obtain_input_shape against Keras 3, argument errors, and the safe legacy HDF5 reader."""

from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np
import pytest

import kerax
from kerax.applications import imagenet_utils
from kerax.saving._h5 import is_legacy_h5_weights, read_legacy_h5_weights

keras_utils = pytest.importorskip("keras.src.applications.imagenet_utils")


@pytest.mark.parametrize("mode", ["caffe", "tf", "torch"])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("ndim", [3, 4])
def test_preprocess_input_matches_keras(mode: str, data_format: str, ndim: int) -> None:
    shape = (2, 5, 4, 3) if data_format == "channels_last" else (2, 3, 5, 4)
    x = np.random.default_rng(0).uniform(0, 255, shape[4 - ndim :]).astype("float32")
    expected = keras_utils.preprocess_input(x.copy(), data_format=data_format, mode=mode)
    original = x.copy()
    got = imagenet_utils.preprocess_input(x, data_format=data_format, mode=mode)
    assert isinstance(got, np.ndarray) and got.dtype == np.float32
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-5)
    np.testing.assert_array_equal(x, original)  # the input is left alone
    tensor = imagenet_utils.preprocess_input(kerax.ops.convert_to_tensor(x), data_format=data_format, mode=mode)
    np.testing.assert_allclose(np.asarray(tensor), expected, rtol=1e-6, atol=1e-5)


def test_preprocess_input_integers_and_symbolic() -> None:
    x = np.arange(2 * 2 * 2 * 3, dtype="uint8").reshape(2, 2, 2, 3)
    np.testing.assert_allclose(
        kerax.applications.resnet50.preprocess_input(x),
        keras_utils.preprocess_input(x.copy(), mode="caffe"),
        rtol=1e-6,
    )
    inputs = kerax.Input((8, 8, 3))
    model = kerax.Model(inputs, kerax.applications.xception.preprocess_input(inputs))
    images = np.random.default_rng(1).uniform(0, 255, (1, 8, 8, 3)).astype("float32")
    np.testing.assert_allclose(model.predict(images, verbose=0), images / 127.5 - 1, rtol=1e-6, atol=1e-6)
    assert kerax.applications.efficientnet.preprocess_input(images) is images


def test_preprocess_input_errors() -> None:
    with pytest.raises(ValueError, match="mode=.bgr"):
        imagenet_utils.preprocess_input(np.zeros((1, 2, 2, 3)), mode="bgr")
    with pytest.raises(ValueError, match="data_format='nhwc'"):
        imagenet_utils.preprocess_input(np.zeros((1, 2, 2, 3)), data_format="nhwc")
    with pytest.raises(ValueError, match=r"received shape \(2, 2\)"):
        imagenet_utils.preprocess_input(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="3 colour channels"):
        imagenet_utils.preprocess_input(np.zeros((1, 2, 2, 4)))


@pytest.mark.parametrize(
    "args",
    [
        (None, 224, 32, "channels_last", True, None),
        (None, 224, 32, "channels_last", False, None),
        (None, 224, 32, "channels_first", False, "imagenet"),
        ((100, 120, 3), 224, 32, "channels_last", False, "imagenet"),
        ((100, 120, 1), 224, 32, "channels_last", True, None),
        ((3, 64, 64), 299, 32, "channels_first", False, None),
        ((224, 224, 3), 224, 32, "channels_last", True, "imagenet"),
    ],
)
def test_obtain_input_shape_matches_keras(args: tuple) -> None:
    assert imagenet_utils.obtain_input_shape(*args) == tuple(keras_utils.obtain_input_shape(*args))


@pytest.mark.parametrize(
    "args",
    [
        ((100, 100, 3), 224, 32, "channels_last", True, "imagenet"),
        ((20, 20, 3), 224, 32, "channels_last", False, None),
        ((64, 64, 1), 224, 32, "channels_last", False, "imagenet"),
        ((None, None, 3), 224, 32, "channels_last", True, None),
        ((64, 64), 224, 32, "channels_last", False, None),
    ],
)
def test_obtain_input_shape_errors_like_keras(args: tuple) -> None:
    with pytest.raises(ValueError):
        keras_utils.obtain_input_shape(*args)
    with pytest.raises(ValueError):
        imagenet_utils.obtain_input_shape(*args)


def test_application_argument_errors(tmp_path: Path) -> None:
    apps = kerax.applications
    with pytest.raises(ValueError, match="weights=.nowhere.h5"):
        apps.VGG16(weights="nowhere.h5")
    with pytest.raises(ValueError, match="`classes` should be 1000. Received classes=10"):
        apps.ResNet50(weights="imagenet", classes=10)
    with pytest.raises(ValueError, match="pooling=.mean"):
        apps.ResNet50(weights=None, include_top=False, pooling="mean")
    with pytest.raises(TypeError, match="input_tensor"):
        apps.ResNet50(weights=None, input_tensor=np.zeros((1, 32, 32, 3)))
    with pytest.raises(ValueError, match="Input size must be at least 71x71"):
        apps.Xception(weights=None, include_top=False, input_shape=(64, 64, 3))
    with pytest.raises(ValueError, match="alpha must be one of"):
        apps.MobileNetV2(weights="imagenet", alpha=0.6)
    with pytest.raises(ValueError, match="Only `None` and `softmax`"):
        apps.VGG16(weights=str(_empty_h5(tmp_path)), classifier_activation="relu")


def _empty_h5(folder: Path) -> Path:
    path = folder / "empty.h5"
    with h5py.File(path, "w"):
        pass
    return path


def test_input_tensor_and_custom_top() -> None:
    inputs = kerax.Input((40, 40, 3))
    x = kerax.layers.Rescaling(1 / 255)(inputs)
    model = kerax.applications.ResNet50V2(
        weights=None, input_tensor=x, classes=5, classifier_activation=None, input_shape=(40, 40, 3)
    )
    assert model.inputs[0] is inputs and model.layers[1].name == "rescaling"
    assert model.output.shape == (None, 5)
    assert model.get_layer("predictions").activation is kerax.activations.linear


def _legacy_file(path: Path) -> Path:
    with h5py.File(path, "w") as f:
        f.attrs["layer_names"] = np.array([b"dense", b"flatten"])
        dense = f.create_group("dense")
        dense.attrs["weight_names"] = np.array([b"dense/kernel:0", b"dense/bias:0"])
        dense.create_dataset("dense/kernel:0", data=np.ones((2, 3), "float32"))
        dense.create_dataset("dense/bias:0", data=np.zeros(3, "float32"))
        f.create_group("flatten").attrs["weight_names"] = np.array([], dtype="float64")
    return path


def test_legacy_reader_reads_layout(tmp_path: Path) -> None:
    path = _legacy_file(tmp_path / "w.h5")
    assert is_legacy_h5_weights(str(path))
    layers = read_legacy_h5_weights(str(path))
    assert [name for name, _ in layers] == ["dense", "flatten"]
    assert [(n, a.shape) for n, a in layers[0][1]] == [("dense/kernel:0", (2, 3)), ("dense/bias:0", (3,))]
    assert layers[1][1] == []
    assert not is_legacy_h5_weights(str(_empty_h5(tmp_path)))


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda f: f["dense"].attrs.__setitem__("weight_names", np.array([b"dense/gone:0"])), "listed but missing"),
        (lambda f: f["dense"].attrs.__setitem__("weight_names", np.array([b"../flatten"])), "not a plain relative"),
        (lambda f: f.__setitem__("link", h5py.SoftLink("/dense")), "soft link"),
        (lambda f: f.__setitem__("ext", h5py.ExternalLink("other.h5", "/x")), "external link"),
        (lambda f: f.attrs.__setitem__("layer_names", np.array([1, 2])), "not a list of strings"),
        (lambda f: f.attrs.__setitem__("layer_names", np.array([b"missing"])), "'/missing'"),
    ],
)
def test_legacy_reader_refuses(tmp_path: Path, edit, message: str) -> None:
    path = _legacy_file(tmp_path / "w.h5")
    with h5py.File(path, "a") as f:
        edit(f)
    with pytest.raises(ValueError, match=message):
        read_legacy_h5_weights(str(path))


def test_legacy_reader_bounds_declared_size(tmp_path: Path) -> None:
    path = _legacy_file(tmp_path / "w.h5")
    with pytest.raises(ValueError, match="over the limit of 10 bytes"):
        read_legacy_h5_weights(str(path), max_bytes=10)
    with pytest.raises(ValueError, match="Not an HDF5 file"):
        read_legacy_h5_weights(_text(tmp_path))


def _text(folder: Path) -> str:
    path = folder / "not.h5"
    path.write_text("hello")
    return str(path)
