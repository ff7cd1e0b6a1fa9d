"""image/text/audio_dataset_from_directory and split_dataset: Grain datasets, checked against Keras 3's grain format."""

from __future__ import annotations

import gc
import os
import pathlib
import random
import struct
import threading
import time
import wave

import keras
import numpy as np
import pytest
import scipy.signal
from keras.src.utils import dataset_utils as keras_dataset_utils
from PIL import Image

import kerax
from kerax.utils import _audio_dataset, _decode_pool

RNG = np.random.RandomState(0)


def _save(path: pathlib.Path, array: np.ndarray, mode: str | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(array, mode).save(path)


@pytest.fixture(scope="module")
def image_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    """3 classes, 9 images: PNG (RGB, RGBA, grayscale) and JPEG, different sizes, one in a nested folder."""
    root = tmp_path_factory.mktemp("image_dir")
    shapes = [(6, 9), (10, 7), (8, 8)]
    for c, name in enumerate(["a", "b", "c"]):
        for i in range(3):
            h, w = shapes[(c + i) % 3]
            kind = (c * 3 + i) % 4
            folder = root / name / ("sub" if (name, i) == ("b", 2) else "")
            if kind == 0:
                _save(folder / f"{i}.png", RNG.randint(0, 256, (h, w, 3)).astype("uint8"))
            elif kind == 1:
                _save(folder / f"{i}.png", RNG.randint(0, 256, (h, w, 4)).astype("uint8"))
            elif kind == 2:
                _save(folder / f"{i}.PNG", RNG.randint(0, 256, (h, w)).astype("uint8"))
            else:
                _save(folder / f"{i}.jpg", RNG.randint(0, 256, (h, w, 3)).astype("uint8"))
    (root / "a" / "notes.txt").write_text("not an image")
    _save(root / ".hidden" / "x.png", np.zeros((4, 4, 3), "uint8"))
    return str(root)


def _numpy(batch: object) -> object:
    if isinstance(batch, tuple | list):
        return tuple(np.asarray(part) for part in batch)
    return np.asarray(batch)


def _assert_same_batches(ours: object, theirs: object, atol: float = 2e-3) -> None:
    a_list, b_list = [_numpy(b) for b in ours], [_numpy(b) for b in theirs]
    assert len(a_list) == len(b_list) > 0
    for a, b in zip(a_list, b_list, strict=True):
        a_parts, b_parts = (a, b) if isinstance(a, tuple) else ((a,), (b,))
        assert len(a_parts) == len(b_parts)
        for x, y in zip(a_parts, b_parts, strict=True):
            assert isinstance(x, np.ndarray) and x.shape == y.shape and x.dtype == y.dtype
            np.testing.assert_allclose(x, y, rtol=1e-5, atol=atol)


IMAGE_CASES = [
    {"seed": 1},
    {"seed": 3, "validation_split": 0.34, "subset": "training", "label_mode": "categorical"},
    {"seed": 3, "validation_split": 0.34, "subset": "validation", "color_mode": "grayscale"},
    {"shuffle": False, "color_mode": "rgba", "interpolation": "nearest", "batch_size": None},
    {"seed": 5, "crop_to_aspect_ratio": True, "interpolation": "bicubic", "data_format": "channels_first"},
    {"seed": 6, "pad_to_aspect_ratio": True, "label_mode": "binary", "class_names": ["c", "a"]},
    {"seed": 2, "labels": [0, 1, 0, 2, 0, 1, 2, 1, 1, 0], "label_mode": "categorical"},  # 10: .hidden counts
    {"seed": 4, "labels": None, "image_size": 5},
    {"seed": 7, "image_size": (8, 8)},  # the 8x8 images need no resizing: their pixels go to the batch as they are
    {"seed": 8, "image_size": 8, "color_mode": "grayscale", "data_format": "channels_first", "label_mode": None},
]


@pytest.mark.parametrize("kwargs", IMAGE_CASES)
def test_image_dataset_matches_keras(image_dir: str, kwargs: dict[str, object]) -> None:
    args = {"image_size": (6, 7), "batch_size": 4, "verbose": False, **kwargs}
    theirs_args = {**args, "labels": list(args["labels"])} if args.get("labels") else args  # Keras shuffles in place
    ours = kerax.utils.image_dataset_from_directory(image_dir, **args)
    theirs = keras.utils.image_dataset_from_directory(image_dir, format="grain", **theirs_args)
    assert ours.file_paths == theirs.file_paths
    assert ours.class_names == theirs.class_names
    _assert_same_batches(ours, theirs)


def test_image_dataset_both_subsets_match_keras(image_dir: str, capsys: pytest.CaptureFixture[str]) -> None:
    args = {"image_size": (5, 5), "batch_size": 2, "seed": 9, "validation_split": 0.3, "subset": "both"}
    ours = kerax.utils.image_dataset_from_directory(image_dir, **args)
    out = capsys.readouterr().out
    assert "Found 9 files belonging to 3 classes." in out
    assert "Using 7 files for training." in out and "Using 2 files for validation." in out
    theirs = keras.utils.image_dataset_from_directory(image_dir, format="grain", verbose=False, **args)
    assert isinstance(ours, list) and len(ours) == 2
    for a, b in zip(ours, theirs, strict=True):
        assert a.file_paths == b.file_paths and a.class_names == b.class_names == ["a", "b", "c"]
        _assert_same_batches(a, b)
    assert not set(ours[0].file_paths) & set(ours[1].file_paths)


def test_image_dataset_yields_numpy_in_the_same_order_every_epoch(image_dir: str) -> None:
    ds = kerax.preprocessing.image_dataset_from_directory(image_dir, image_size=(4, 4), batch_size=4, seed=0)
    first = [y for _, y in ds]
    second = [y for _, y in ds]
    assert all(isinstance(y, np.ndarray) and y.dtype == np.int32 for y in first)
    assert [y.tolist() for y in first] == [y.tolist() for y in second]
    assert sum(len(y) for y in first) == 9


def test_image_dataset_feeds_fit(image_dir: str) -> None:
    ds = kerax.utils.image_dataset_from_directory(image_dir, image_size=(6, 6), batch_size=4, seed=1, verbose=False)
    model = kerax.Sequential([kerax.Input((6, 6, 3)), kerax.layers.Flatten(), kerax.layers.Dense(3)])
    model.compile("sgd", kerax.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(ds, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2 and np.isfinite(history.history["loss"]).all()
    train, val = kerax.utils.image_dataset_from_directory(
        image_dir, image_size=(6, 6), batch_size=4, seed=1, validation_split=0.3, subset="both", verbose=False
    )
    history = model.fit(train, validation_data=val, epochs=1, verbose=0)
    assert np.isfinite(history.history["val_loss"]).all()


def test_decoding_threads_end_with_the_iterator(image_dir: str) -> None:
    before = set(threading.enumerate())
    ds = kerax.utils.image_dataset_from_directory(image_dir, image_size=(4, 4), batch_size=2, seed=1, verbose=False)
    iterator = iter(ds)
    next(iterator)
    assert any(t.name.startswith("grain") for t in set(threading.enumerate()) - before)
    del iterator
    gc.collect()
    deadline = time.time() + 5
    while time.time() < deadline and any(t.name.startswith("grain") for t in set(threading.enumerate()) - before):
        time.sleep(0.02)
    assert not [t.name for t in set(threading.enumerate()) - before if t.name.startswith("grain")]


def _grain_threads(before: set[threading.Thread]) -> list[str]:
    return [t.name for t in set(threading.enumerate()) - before if t.name.startswith("grain") and t.is_alive()]


def _wait_for_no_grain_threads(before: set[threading.Thread]) -> list[str]:
    gc.collect()
    deadline = time.time() + 5
    while time.time() < deadline and _grain_threads(before):
        time.sleep(0.02)
    return _grain_threads(before)


def test_images_decode_to_the_exact_pixels_on_a_thread_that_ends_with_the_iterator(tmp_path: pathlib.Path) -> None:
    rng = np.random.default_rng(0)
    for i in range(24):
        _save(tmp_path / f"c{i % 2}" / f"{i:02d}.jpg", rng.integers(0, 256, (5, 6, 3)).astype("uint8"))
    _save(tmp_path / "c0" / "grey.png", rng.integers(0, 256, (5, 6)).astype("uint8"))
    before = set(threading.enumerate())
    ds = kerax.utils.image_dataset_from_directory(
        tmp_path, image_size=(5, 6), batch_size=4, shuffle=False, verbose=False, data_format="channels_first"
    )
    batches = list(ds)
    images = np.concatenate([x for x, _ in batches])
    assert images.dtype == np.float32 and images.shape == (25, 3, 5, 6)
    for image, path in zip(images, ds.file_paths, strict=True):  # exactly what Pillow decodes, in file order
        with Image.open(path) as img:
            expected = np.asarray(img.convert("RGB"), dtype=np.float32).transpose(2, 0, 1)
        np.testing.assert_array_equal(image, expected, err_msg=path)
    iterator = iter(ds)
    next(iterator)
    # One reading thread per decoding process (each waits without the GIL), or one that decodes itself.
    assert len(_grain_threads(before)) == _decode_pool.reading_threads()
    del iterator  # dropped half read: its threads end
    assert not _wait_for_no_grain_threads(before)


def test_no_decoding_thread_outlives_fit(image_dir: str) -> None:
    before = set(threading.enumerate())
    ds = kerax.utils.image_dataset_from_directory(image_dir, image_size=(6, 6), batch_size=2, seed=1, verbose=False)
    model = kerax.Sequential([kerax.Input((6, 6, 3)), kerax.layers.Flatten(), kerax.layers.Dense(3)])
    model.compile("sgd", kerax.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(ds, epochs=2, verbose=0)
    model.fit(ds, epochs=1, steps_per_epoch=2, verbose=0)  # stopped before the end of the data
    assert not _wait_for_no_grain_threads(before)
    assert not [t for t in threading.enumerate() if t.name == "kerax-prefetch" and t.is_alive()]


def test_unreadable_and_truncated_images_are_named(tmp_path: pathlib.Path) -> None:
    _save(tmp_path / "truncated" / "a" / "good.jpg", np.zeros((8, 8, 3), "uint8"))
    data = (tmp_path / "truncated" / "a" / "good.jpg").read_bytes()
    (tmp_path / "truncated" / "a" / "part.jpg").write_bytes(data[: len(data) // 2])
    _save(tmp_path / "text" / "a" / "good.png", np.zeros((4, 4, 3), "uint8"))
    (tmp_path / "text" / "a" / "words.png").write_bytes(b"this is not a png")
    for folder, name in (("truncated", "part.jpg"), ("text", "words.png")):
        ds = kerax.utils.image_dataset_from_directory(
            tmp_path / folder, image_size=(4, 4), shuffle=False, verbose=False
        )
        with pytest.raises(ValueError, match=rf"could not decode the image file .*{name}"):
            list(ds)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"validation_split": 0.2}, "If `subset` is set, `validation_split` must be set, and inversely."),
        ({"subset": "training"}, "If `subset` is set, `validation_split` must be set, and inversely."),
        ({"validation_split": 0.2, "subset": "training"}, "you must provide a `seed` argument"),
        ({"validation_split": 1.5, "subset": "training", "seed": 1}, "`validation_split` must be between 0 and 1"),
        ({"validation_split": 0.2, "subset": "test", "seed": 1}, '`subset` must be either "training"'),
        ({"label_mode": "sparse"}, "`label_mode` argument must be one of"),
        ({"label_mode": "binary"}, 'When passing `label_mode="binary"`, there must be exactly 2 class_names'),
        ({"color_mode": "cmyk"}, "`color_mode` must be one of"),
        ({"image_size": (4, 4, 4)}, "Invalid `image_size` value"),
        ({"image_size": (0, 4)}, "Invalid `image_size` value"),
        ({"interpolation": "cubic"}, "Argument `interpolation` should be one of"),
        ({"crop_to_aspect_ratio": True, "pad_to_aspect_ratio": True}, "Only one of `pad_to_aspect_ratio`"),
        ({"format": "tf"}, "does not use TensorFlow.*format='grain'"),
        ({"batch_size": 0}, "`batch_size` must be a positive integer or None"),
        ({"labels": "folders"}, "`labels` must be"),
        ({"labels": 3}, "`labels` argument should be a list/tuple of integer labels"),
        ({"labels": [0, 1]}, "Expected the lengths of `labels` to match the number of files"),
        ({"labels": [0, 1], "class_names": ["a"]}, "You can only pass `class_names` if"),
        ({"labels": None, "class_names": ["a"]}, "When `labels=None` .no labels., argument `class_names`"),
        ({"class_names": ["a", "zzz"]}, "The `class_names` passed did not match"),
        ({"data_format": "channels_middle"}, "data_format"),
    ],
)
def test_image_dataset_refuses_bad_arguments(image_dir: str, kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        kerax.utils.image_dataset_from_directory(image_dir, verbose=False, **kwargs)


def test_directories_without_images_or_classes_are_refused(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(ValueError, match="does not exist"):
        kerax.utils.image_dataset_from_directory(tmp_path / "nowhere")
    with pytest.raises(ValueError, match="no subdirectories"):
        kerax.utils.image_dataset_from_directory(tmp_path)
    _save(tmp_path / "flat.png", np.zeros((4, 4, 3), "uint8"))
    with pytest.raises(ValueError, match="no subdirectories"):
        kerax.utils.image_dataset_from_directory(tmp_path)
    capsys.readouterr()
    ds = kerax.utils.image_dataset_from_directory(tmp_path, labels=None, image_size=(2, 2))
    assert capsys.readouterr().out == "Found 1 files.\n"
    assert [b.shape for b in ds] == [(1, 2, 2, 3)]
    (tmp_path / "empty_class").mkdir()
    with pytest.raises(ValueError, match="No images found in directory"):
        kerax.utils.image_dataset_from_directory(tmp_path, verbose=False)
    _save(tmp_path / "empty_class" / "x.png", np.zeros((4, 4, 3), "uint8"))
    with pytest.raises(ValueError, match="No validation images found"):
        kerax.utils.image_dataset_from_directory(tmp_path, validation_split=0.2, subset="both", seed=1, verbose=False)


def test_follow_links(image_dir: str, tmp_path: pathlib.Path) -> None:
    (tmp_path / "x").mkdir()
    os.symlink(os.path.join(image_dir, "a"), tmp_path / "x" / "linked")
    _save(tmp_path / "x" / "own.png", np.zeros((3, 3, 3), "uint8"))
    plain = kerax.utils.image_dataset_from_directory(tmp_path, image_size=(2, 2), shuffle=False, verbose=False)
    linked = kerax.utils.image_dataset_from_directory(
        tmp_path, image_size=(2, 2), shuffle=False, follow_links=True, verbose=False
    )
    assert len(plain.file_paths) == 1 and len(linked.file_paths) == 4


# -- text -------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def text_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    root = tmp_path_factory.mktemp("text_dir")
    texts = {
        "neg/0.txt": "bad movie",
        "neg/1.txt": "très mauvais — nul\r\nsecond line",
        "neg/deep/2.txt": "",
        "pos/0.txt": "great movie, 5 stars",
        "pos/1.txt": "ünïcödé ✓ 好",
        "pos/2.txt": "a" * 40,
        "pos/skip.md": "not read",
    }
    for name, text in texts.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    return str(root)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"seed": 1},
        {"seed": 2, "max_length": 7, "label_mode": "binary"},
        {"shuffle": False, "label_mode": "categorical", "batch_size": None},
        {"seed": 3, "labels": None},
        {"seed": 4, "validation_split": 0.5, "subset": "validation"},
    ],
)
def test_text_dataset_matches_keras(text_dir: str, kwargs: dict[str, object]) -> None:
    args = {"batch_size": 4, "verbose": False, **kwargs}
    ours = list(kerax.utils.text_dataset_from_directory(text_dir, **args))
    theirs = list(keras.utils.text_dataset_from_directory(text_dir, format="grain", **args))
    assert len(ours) == len(theirs) > 0
    for a, b in zip(ours, theirs, strict=True):
        a_text, b_text = (a[0], b[0]) if isinstance(a, tuple) else (a, b)
        if args["batch_size"] is None:
            assert isinstance(a_text, str) and a_text == b_text
        else:
            assert isinstance(a_text, np.ndarray) and a_text.dtype == object
            assert list(a_text) == list(b_text)
        if isinstance(a, tuple):
            np.testing.assert_array_equal(a[1], np.asarray(b[1]))
            assert a[1].dtype == np.asarray(b[1]).dtype


def test_text_dataset_both_subsets_and_class_names(text_dir: str) -> None:
    args = {"batch_size": 2, "seed": 5, "validation_split": 0.4, "subset": "both", "verbose": False}
    ours = kerax.utils.text_dataset_from_directory(text_dir, **args)
    theirs = keras.utils.text_dataset_from_directory(text_dir, format="grain", **args)
    for a, b in zip(ours, theirs, strict=True):
        assert a.class_names == b.class_names == ["neg", "pos"]
        assert [list(x) for x, _ in a] == [list(x) for x, _ in b]


def test_non_utf8_text_is_named(tmp_path: pathlib.Path) -> None:
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    ds = kerax.utils.text_dataset_from_directory(tmp_path, verbose=False)
    with pytest.raises(ValueError, match=r"latin1\.txt.*UTF-8"):
        list(ds)
    with pytest.raises(ValueError, match="does not use TensorFlow"):
        kerax.utils.text_dataset_from_directory(tmp_path, format="tf")
    with pytest.raises(ValueError, match="max_length"):
        kerax.utils.text_dataset_from_directory(tmp_path, max_length=-1)
    (tmp_path / "empty" / "x").mkdir(parents=True)
    with pytest.raises(ValueError, match="No text files found in directory"):
        kerax.utils.text_dataset_from_directory(tmp_path / "empty", verbose=False)


# -- audio ------------------------------------------------------------------------------------------
def _write_pcm(path: pathlib.Path, ints: np.ndarray, width: int, rate: int = 8000) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    frames = ints.reshape(ints.shape[0], -1)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(frames.shape[1])
        w.setsampwidth(width)
        w.setframerate(rate)
        if width == 3:
            data = np.ascontiguousarray(frames.astype("<i4")).view(np.uint8).reshape(-1, 4)[:, :3].tobytes()
        else:
            data = frames.astype({1: "u1", 2: "<i2", 4: "<i4"}[width]).tobytes()
        w.writeframes(data)


def _write_float(path: pathlib.Path, audio: np.ndarray, rate: int = 8000, extensible: bool = False) -> None:
    channels = audio.shape[1]
    data = audio.astype("<f4").tobytes()
    if extensible:
        guid = struct.pack("<H", 3) + b"\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71"
        fmt = struct.pack("<HHIIHHHHI", 0xFFFE, channels, rate, rate * 4 * channels, 4 * channels, 32, 22, 32, 0) + guid
    else:
        fmt = struct.pack("<HHIIHH", 3, channels, rate, rate * 4 * channels, 4 * channels, 32)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"LIST" + struct.pack("<I", 3) + b"abc\x00"
    body += b"data" + struct.pack("<I", len(data)) + data
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)


def test_wav_files_decode_to_scaled_float32(tmp_path: pathlib.Path) -> None:
    ints16 = np.array([[0, 1], [-32768, 32767], [1000, -1000]])
    _write_pcm(tmp_path / "s16.wav", ints16, 2)
    audio, rate = _audio_dataset.read_wav(str(tmp_path / "s16.wav"))
    assert rate == 8000 and audio.dtype == np.float32 and audio.shape == (3, 2)
    np.testing.assert_array_equal(audio, ints16 / 32768.0)
    _write_pcm(tmp_path / "u8.wav", np.array([0, 128, 255]), 1)
    np.testing.assert_array_equal(_audio_dataset.read_wav(str(tmp_path / "u8.wav"))[0][:, 0], [-1.0, 0.0, 127 / 128])
    ints24 = np.array([-(2**23), -1, 0, 2**23 - 1])
    _write_pcm(tmp_path / "s24.wav", ints24, 3)
    np.testing.assert_allclose(_audio_dataset.read_wav(str(tmp_path / "s24.wav"))[0][:, 0], ints24 / 2**23)
    ints32 = np.array([-(2**31), 2**30, 0])
    _write_pcm(tmp_path / "s32.wav", ints32, 4)
    np.testing.assert_allclose(_audio_dataset.read_wav(str(tmp_path / "s32.wav"))[0][:, 0], ints32 / 2**31)
    floats = np.array([[0.25, -0.5, 0.125]], "float32").T
    for extensible in (False, True):
        _write_float(tmp_path / "f32.wav", floats, extensible=extensible)
        np.testing.assert_array_equal(_audio_dataset.read_wav(str(tmp_path / "f32.wav"))[0], floats)
    (tmp_path / "junk.wav").write_bytes(b"RIFF0000WAVEjunk")
    with pytest.raises(ValueError, match=r"junk\.wav"):
        _audio_dataset.read_wav(str(tmp_path / "junk.wav"))


def test_resampling_matches_scipy() -> None:
    audio = RNG.rand(50, 2).astype("float32") - 0.5
    for rate_in, rate_out in [(8000, 4000), (8000, 16000), (100, 73), (100, 131)]:
        frames = int(round(50 * rate_out / rate_in))
        expected = scipy.signal.resample(audio.astype("float64"), frames, axis=0)
        np.testing.assert_allclose(_audio_dataset.resample(audio, rate_in, rate_out), expected, atol=1e-5)


@pytest.fixture(scope="module")
def audio_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Two classes; every file holds one distinct value, so a sample tells which file it came from."""
    root = tmp_path_factory.mktemp("audio_dir")
    for c, name in enumerate(["no", "yes"]):
        for i in range(3):
            value = 1000 * (c * 3 + i + 1)
            _write_pcm(root / name / f"{i}.wav", np.full((5 + 2 * i,), value), 2)
    (root / "yes" / "readme.txt").write_text("skipped")
    return str(root)


def test_audio_dataset_pads_batches_and_keeps_labels(audio_dir: str) -> None:
    ds = kerax.utils.audio_dataset_from_directory(audio_dir, batch_size=4, seed=3, verbose=False)
    assert ds.class_names == ["no", "yes"]
    seen = []
    for audio, labels in ds:
        assert audio.dtype == np.float32 and audio.ndim == 3 and audio.shape[2] == 1 and labels.dtype == np.int32
        for clip, label in zip(audio, labels, strict=True):
            file_index = int(round(clip[0, 0] * 32768 / 1000)) - 1
            assert label == file_index // 3
            assert np.count_nonzero(clip) == 5 + 2 * (file_index % 3)  # zero-padded to the batch's longest
            seen.append(file_index)
    assert sorted(seen) == list(range(6))
    paths, _, _ = keras_dataset_utils.index_directory(audio_dir, "inferred", (".wav",), shuffle=False, verbose=False)
    assert len(paths) == 6


def test_audio_dataset_lengths_ragged_splits_and_errors(audio_dir: str) -> None:
    fixed = kerax.utils.audio_dataset_from_directory(
        audio_dir, batch_size=None, output_sequence_length=6, label_mode="categorical", shuffle=False, verbose=False
    )
    samples = list(fixed)
    assert [a.shape for a, _ in samples] == [(6, 1)] * 6
    np.testing.assert_array_equal(samples[0][0][:, 0], [1000 / 32768] * 5 + [0])  # 5 frames, padded to 6
    np.testing.assert_array_equal(samples[5][0][:, 0], [6000 / 32768] * 6)  # 9 frames, cut to 6
    np.testing.assert_array_equal(samples[4][1], [0, 1])
    ragged = kerax.utils.audio_dataset_from_directory(
        audio_dir, batch_size=3, ragged=True, labels=None, shuffle=False, verbose=False
    )
    first = next(iter(ragged))
    assert isinstance(first, list) and [a.shape for a in first] == [(5, 1), (7, 1), (9, 1)]
    resampled = kerax.utils.audio_dataset_from_directory(
        audio_dir, batch_size=None, sampling_rate=16000, labels=None, shuffle=False, verbose=False
    )
    assert [a.shape[0] for a in resampled] == [10, 14, 18] * 2
    train, val = kerax.utils.audio_dataset_from_directory(
        audio_dir, validation_split=0.5, subset="both", seed=1, verbose=False
    )
    assert sum(len(y) for _, y in train) == 3 and sum(len(y) for _, y in val) == 3
    for kwargs, message in [
        ({"ragged": True, "output_sequence_length": 4}, "Cannot set both `ragged` and `output_sequence_length`"),
        ({"sampling_rate": 1.5}, "`sampling_rate` should have an integer value"),
        ({"sampling_rate": 0}, "`sampling_rate` should be higher than 0"),
        ({"output_sequence_length": 0}, "output_sequence_length"),
        ({"label_mode": "onehot"}, "`label_mode` argument must be one of"),
        ({"validation_split": 0.5, "subset": "training"}, "provide a `seed`"),
    ]:
        with pytest.raises(ValueError, match=message):
            kerax.utils.audio_dataset_from_directory(audio_dir, verbose=False, **kwargs)


# -- split_dataset ----------------------------------------------------------------------------------
def _keras_split(samples: list[object], left: object, right: object, shuffle: bool, seed: int | None) -> tuple:
    """Keras's algorithm (its TF-only code path cannot run here): Python's random, then slices."""
    samples = list(samples)
    if shuffle:
        random.seed(seed)
        random.shuffle(samples)
    n_left, n_right = keras_dataset_utils._rescale_dataset_split_sizes(left, right, len(samples))
    return samples[:n_left], samples[-n_right:]


@pytest.mark.parametrize(
    ("left", "right", "shuffle"), [(0.8, None, False), (None, 3, True), (4, 0.3, True), (0.25, 0.5, False)]
)
def test_split_dataset_of_arrays_matches_keras_order(left: object, right: object, shuffle: bool) -> None:
    x, y = np.arange(20).reshape(10, 2), np.arange(10) * 10
    ours = kerax.utils.split_dataset((x, y), left_size=left, right_size=right, shuffle=shuffle, seed=4)
    expected = _keras_split(list(zip(x, y, strict=True)), left, right, shuffle, 4)
    for split, want in zip(ours, expected, strict=True):
        got = list(split)
        assert len(got) == len(want)
        for (gx, gy), (wx, wy) in zip(got, want, strict=True):
            np.testing.assert_array_equal(gx, wx)
            assert gy == wy
    left_ds, right_ds = kerax.utils.split_dataset(x, left_size=0.5)
    np.testing.assert_array_equal(np.stack(list(left_ds)), x[:5])
    np.testing.assert_array_equal(np.stack(list(right_ds)), x[5:])


def test_split_dataset_of_a_batched_grain_dataset_rebatches() -> None:
    data = np.arange(24, dtype="float32").reshape(12, 2)
    ds = kerax.utils.timeseries_dataset_from_array(data, np.arange(12), sequence_length=1, batch_size=4)
    left, right = kerax.utils.split_dataset(ds, left_size=7, shuffle=True, seed=1)
    left_batches = list(left)
    assert [x.shape[0] for x, _ in left_batches] == [4, 3]
    right_targets = np.concatenate([t for _, t in right])
    left_targets = np.concatenate([t for _, t in left_batches])
    assert sorted(left_targets.tolist() + right_targets.tolist()) == list(range(12))
    order = list(range(12))
    random.Random(1).shuffle(order)
    assert left_targets.tolist() == order[:7]
    unbatched = kerax.utils.timeseries_dataset_from_array(data, None, sequence_length=2, batch_size=None)
    a, b = kerax.utils.split_dataset(unbatched, right_size=0.5)
    a_windows, b_windows = list(a), list(b)
    assert (len(a_windows), len(b_windows)) == (5, 6)  # 11 windows; round(5.5) = 6 go right
    np.testing.assert_array_equal(a_windows[0], data[0:2])
    np.testing.assert_array_equal(b_windows[-1], data[10:12])


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        ({"dataset": {"x": np.zeros(3)}, "left_size": 1}, TypeError, "must be a Grain"),
        ({"dataset": [], "left_size": 1}, ValueError, "empty"),
        ({"dataset": [np.zeros(3), np.zeros(4)], "left_size": 1}, ValueError, "different lengths"),
        ({"dataset": [np.zeros(3), [1, 2, 3]], "left_size": 1}, ValueError, "numpy.ndarray"),
        ({"dataset": (np.zeros(3), np.array(1.0)), "left_size": 1}, ValueError, "index 1 is a scalar"),
        ({"dataset": np.zeros(5)}, ValueError, "At least one of the `left_size` or `right_size`"),
        ({"dataset": np.zeros(5), "left_size": "a"}, TypeError, "Invalid `left_size` Type"),
        ({"dataset": np.zeros(5), "left_size": 5}, ValueError, "`left_size` should be either a positive integer"),
        ({"dataset": np.zeros(5), "right_size": 1.5}, ValueError, "`right_size` should be either"),
        ({"dataset": np.zeros(5), "left_size": 0.7, "right_size": 0.6}, ValueError, "greater than 1"),
        ({"dataset": np.zeros(5), "left_size": 3, "right_size": 3}, ValueError, "should be smaller than the 5"),
        ({"dataset": np.zeros(5), "left_size": 0.05}, ValueError, "split will be empty"),
        ({"dataset": np.zeros(5), "left_size": 2, "preferred_backend": "tensorflow"}, ValueError, "Grain"),
    ],
)
def test_split_dataset_refuses_bad_input(args: dict[str, object], error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        kerax.utils.split_dataset(**args)
