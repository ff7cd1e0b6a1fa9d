"""Image files and arrays (load_img, img_to_array, array_to_img, save_img, smart_resize) against Keras 3."""

from __future__ import annotations

import io
import os
import pathlib

import jax
import jax.numpy as jnp
import keras
import numpy as np
import pytest
from PIL import Image

import kerax
from kerax.preprocessing import image as kimage
from kerax.utils import _image_utils

RNG = np.random.RandomState(0)
RGB = RNG.randint(0, 256, (7, 11, 3)).astype("uint8")
RGBA = RNG.randint(0, 256, (9, 6, 4)).astype("uint8")
GRAY = RNG.randint(0, 256, (5, 8)).astype("uint8")


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("images")
    paths = {
        "rgb.png": Image.fromarray(RGB),
        "rgba.png": Image.fromarray(RGBA),
        "gray.png": Image.fromarray(GRAY),
        "rgb.jpg": Image.fromarray(RGB),
        "gray16.png": Image.fromarray(GRAY.astype("uint16") * 200),
    }
    out = {}
    for name, img in paths.items():
        img.save(folder / name)
        out[name] = str(folder / name)
    (folder / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 20)
    out["broken.png"] = str(folder / "broken.png")
    return out


def test_the_namespaces_hold_keras_names() -> None:
    for theirs, ours in [(keras.preprocessing, kerax.preprocessing), (keras.preprocessing.image, kimage)]:
        expected = {name for name in dir(theirs) if not name.startswith("_")}
        assert expected <= set(dir(ours)), sorted(expected - set(dir(ours)))
    for name in ("array_to_img", "img_to_array", "load_img", "save_img", "smart_resize"):
        assert callable(getattr(kimage, name))
    for name in ("array_to_img", "img_to_array", "load_img", "save_img"):
        assert getattr(kerax.utils, name) is getattr(kimage, name)


@pytest.mark.parametrize("name", ["rgb.png", "rgba.png", "gray.png", "rgb.jpg", "gray16.png"])
@pytest.mark.parametrize("color_mode", ["rgb", "rgba", "grayscale"])
def test_load_img_and_img_to_array_match_keras(files: dict[str, str], name: str, color_mode: str) -> None:
    ours = kerax.utils.load_img(files[name], color_mode=color_mode)
    theirs = keras.utils.load_img(files[name], color_mode=color_mode)
    assert ours.mode == theirs.mode and ours.size == theirs.size
    for data_format in ("channels_last", "channels_first"):
        a = kerax.utils.img_to_array(ours, data_format=data_format)
        b = keras.utils.img_to_array(theirs, data_format=data_format)
        assert a.dtype == b.dtype == np.float32 and a.shape == b.shape
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("interpolation", ["nearest", "bilinear", "bicubic", "lanczos", "box", "hamming"])
@pytest.mark.parametrize("keep_aspect_ratio", [False, True])
def test_load_img_resizes_as_keras(files: dict[str, str], interpolation: str, keep_aspect_ratio: bool) -> None:
    kwargs = {"target_size": (5, 9), "interpolation": interpolation, "keep_aspect_ratio": keep_aspect_ratio}
    ours = kerax.utils.load_img(pathlib.Path(files["rgb.png"]), **kwargs)
    theirs = keras.utils.load_img(pathlib.Path(files["rgb.png"]), **kwargs)
    assert ours.size == (9, 5)
    np.testing.assert_array_equal(np.asarray(ours), np.asarray(theirs))


def test_load_img_reads_bytesio_and_names_bad_files(files: dict[str, str]) -> None:
    with open(files["rgb.png"], "rb") as f:
        buffer = io.BytesIO(f.read())
    np.testing.assert_array_equal(np.asarray(kerax.utils.load_img(buffer)), RGB)
    with pytest.raises(ValueError, match="broken.png"):
        kerax.utils.load_img(files["broken.png"])
    with pytest.raises(ValueError, match="missing.png"):
        kerax.utils.load_img(os.path.join(os.path.dirname(files["rgb.png"]), "missing.png"))
    with pytest.raises(TypeError, match="path-like or io.BytesIO"):
        kerax.utils.load_img(3)
    with pytest.raises(ValueError, match="color_mode"):
        kerax.utils.load_img(files["rgb.png"], color_mode="cmyk")
    with pytest.raises(ValueError, match="interpolation method 'cubic'"):
        kerax.utils.load_img(files["rgb.png"], target_size=(3, 3), interpolation="cubic")


@pytest.mark.parametrize(
    "array",
    [
        RNG.rand(4, 5, 3) * 3 - 1,
        RNG.rand(4, 5, 4),
        RNG.rand(4, 5, 1) * 100,
        np.full((3, 3, 1), 7.0),
    ],
)
@pytest.mark.parametrize("scale", [True, False])
def test_array_to_img_matches_keras(array: np.ndarray, scale: bool) -> None:
    ours = kerax.utils.array_to_img(array, scale=scale)
    theirs = keras.utils.array_to_img(array, scale=scale)
    assert ours.mode == theirs.mode
    np.testing.assert_array_equal(np.asarray(ours), np.asarray(theirs))
    first = kerax.utils.array_to_img(array.transpose(2, 0, 1), data_format="channels_first", scale=scale)
    np.testing.assert_array_equal(np.asarray(first), np.asarray(theirs))


def test_array_to_img_uses_mode_i_above_255_and_refuses_bad_shapes() -> None:
    img = kerax.utils.array_to_img(np.full((2, 2, 1), 1000.0), scale=False)
    assert img.mode == keras.utils.array_to_img(np.full((2, 2, 1), 1000.0), scale=False).mode == "I"
    with pytest.raises(ValueError, match=r"rank 3.*\(4, 4\)"):
        kerax.utils.array_to_img(np.zeros((4, 4)))
    with pytest.raises(ValueError, match="1, 3 or 4 channels.*2 channels"):
        kerax.utils.array_to_img(np.zeros((4, 4, 2)))
    with pytest.raises(ValueError, match="rank 2 or 3"):
        kerax.utils.img_to_array(np.zeros((2, 2, 2, 2)))


def test_save_img_round_trips_and_writes_atomically(tmp_path: pathlib.Path) -> None:
    x = RNG.randint(0, 256, (6, 5, 3)).astype("float32")
    path = tmp_path / "out.png"
    kerax.utils.save_img(path, x, scale=False)
    with Image.open(path) as img:
        np.testing.assert_array_equal(np.asarray(img), x.astype("uint8"))
    assert sorted(os.listdir(tmp_path)) == ["out.png"]  # no temporary file left behind
    kerax.utils.save_img(str(tmp_path / "x.jpg"), x)
    with Image.open(tmp_path / "x.jpg") as img:
        assert img.format == "JPEG"
    buffer = io.BytesIO()
    kerax.utils.save_img(buffer, x, file_format="png", scale=False)
    with Image.open(io.BytesIO(buffer.getvalue())) as img:
        np.testing.assert_array_equal(np.asarray(img), x.astype("uint8"))
    with pytest.warns(UserWarning, match="JPEG format does not support RGBA"):
        kerax.utils.save_img(tmp_path / "a.jpeg", np.zeros((3, 3, 4)))
    with Image.open(tmp_path / "a.jpeg") as img:
        assert img.mode == "RGB"
    with pytest.raises(ValueError, match="file_format"):
        kerax.utils.save_img(io.BytesIO(), x)


def test_save_img_leaves_no_file_when_pillow_fails(tmp_path: pathlib.Path) -> None:
    with pytest.raises((KeyError, ValueError)):
        kerax.utils.save_img(tmp_path / "x.notaformat", np.zeros((2, 2, 3)))
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("interpolation", ["bilinear", "nearest", "bicubic", "lanczos3", "lanczos5", "area"])
def test_numpy_resize_matches_jax_image_resize(interpolation: str) -> None:
    method = "cubic" if interpolation == "bicubic" else interpolation
    for in_shape, size in [((7, 13), (8, 8)), ((20, 9), (5, 17)), ((3, 30), (31, 3))]:
        img = (RNG.rand(*in_shape, 2) * 255).astype("float32")
        expected = jax.image.resize(img, (*size, 2), method=method, antialias=False)
        np.testing.assert_allclose(_image_utils.resize_hwc(img, size, interpolation), expected, rtol=1e-5, atol=2e-4)


@pytest.mark.parametrize(
    ("data_format", "interpolation"),
    [("channels_last", "bilinear"), ("channels_first", "nearest"), ("channels_first", "bicubic")],
)
def test_smart_resize_matches_keras(data_format: str, interpolation: str) -> None:
    batch = (RNG.rand(2, 10, 15, 3) * 255).astype("float32")
    if data_format == "channels_first":
        batch = batch.transpose(0, 3, 1, 2)
    for x, size in [(batch, (6, 6)), (batch[0], (9, 4)), (batch.astype("uint8"), (5, 8))]:
        ours = kimage.smart_resize(x, size, interpolation=interpolation, data_format=data_format)
        theirs = keras.preprocessing.image.smart_resize(x, size, interpolation=interpolation, data_format=data_format)
        assert isinstance(ours, np.ndarray) and ours.dtype == theirs.dtype and ours.shape == theirs.shape
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=2e-4)
    jax_out = kimage.smart_resize(jnp.asarray(batch), (6, 4), interpolation=interpolation, data_format=data_format)
    assert isinstance(jax_out, jax.Array)
    np.testing.assert_allclose(
        jax_out,
        keras.preprocessing.image.smart_resize(
            jnp.asarray(batch), (6, 4), data_format=data_format, interpolation=interpolation
        ),
        rtol=1e-5,
        atol=2e-4,
    )


def test_smart_resize_refuses_bad_arguments() -> None:
    with pytest.raises(ValueError, match="tuple of 2 integers"):
        kimage.smart_resize(np.zeros((4, 4, 3)), (2, 2, 2))
    with pytest.raises(ValueError, match=r"incorrect rank|shape \(4, 4\)"):
        kimage.smart_resize(np.zeros((4, 4)), (2, 2))
    with pytest.raises(TypeError, match="unexpected keyword arguments"):
        kimage.smart_resize(np.zeros((4, 4, 3)), (2, 2), backend_module=None)
    with pytest.raises(ValueError, match="interpolation"):
        kimage.smart_resize(np.zeros((4, 4, 3)), (2, 2), interpolation="cubicle")


@pytest.mark.parametrize("interpolation", ["area", "gaussian", "mitchellcubic"])
def test_kernels_beyond_keras_jax_keep_constants_and_average(interpolation: str) -> None:
    flat = np.full((7, 10, 2), 42.0, "float32")
    np.testing.assert_allclose(_image_utils.resize_hwc(flat, (4, 13), interpolation), 42.0, rtol=1e-5)
    ramp = np.tile(np.arange(8, dtype="float32")[None, :, None], (3, 1, 1))
    halved = _image_utils.resize_hwc(ramp, (3, 4), interpolation)[0, :, 0]
    assert np.all(np.diff(halved) > 0)  # a ramp stays increasing
    if interpolation == "area":
        np.testing.assert_allclose(halved, [0.5, 2.5, 4.5, 6.5], rtol=1e-6)  # means of pixel pairs
