"""Fashion-MNIST on real data (the 3,615-image sample), IDX validation, download of the four files."""

from __future__ import annotations

import gzip
import hashlib
import shutil
from pathlib import Path

import numpy as np
import pytest
from kx_dataset_helpers import FASHION_FILES, FASHION_HEAD, write_idx_gz

from kerax.datasets import DatasetFormatError, DatasetIntegrityError, DatasetUnavailableError, fashion_mnist
from kerax.datasets._common import KERAS_ORIGIN
from kerax.datasets._files import _ORIGIN_OVERRIDES

SAMPLE_DIR = Path(fashion_mnist.__file__).parent / "_sample"
# First labels of the official training set (train-labels-idx1-ubyte.gz).
FIRST_LABELS = [9, 0, 0, 3, 0, 2, 7, 2, 5, 5]


def install_head(home: Path) -> Path:
    folder = home / "fashion-mnist"
    folder.mkdir(parents=True)
    for name in FASHION_FILES:
        shutil.copy(FASHION_HEAD / name, folder / name)
    return folder


def check_head(split) -> None:
    (x_train, y_train), (x_test, y_test) = split
    assert x_train.shape == (3000, 28, 28) and y_train.shape == (3000,)
    assert x_test.shape == (615, 28, 28) and y_test.shape == (615,)
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype(np.uint8)}
    assert y_train[:10].tolist() == FIRST_LABELS
    assert set(np.unique(y_train)) == set(range(10))
    mean = (x_train.sum(dtype=np.int64) + x_test.sum(dtype=np.int64)) / (x_train.size + x_test.size)
    assert mean == pytest.approx(72.5, abs=0.05)


def test_load_data_from_cache_with_real_files(home: Path) -> None:
    install_head(home)
    split = fashion_mnist.load_data()
    check_head(split)
    # Same bytes as a naive reader of the gzip payloads.
    raw = gzip.decompress((FASHION_HEAD / "train-images-idx3-ubyte.gz").read_bytes())
    np.testing.assert_array_equal(split[0][0].reshape(-1), np.frombuffer(raw, np.uint8, offset=16))


def test_load_sample_is_bundled_and_identical(home: Path) -> None:
    split = fashion_mnist.load_sample()
    check_head(split)
    assert not home.exists()  # no cache touched
    for name in FASHION_FILES:
        assert (SAMPLE_DIR / name).read_bytes() == (FASHION_HEAD / name).read_bytes()
    assert "Zalando" in (SAMPLE_DIR / "README.md").read_text() and "MIT" in (SAMPLE_DIR / "README.md").read_text()


def test_returned_arrays_are_writable() -> None:
    (x_train, _), _ = fashion_mnist.load_sample()
    x_train[0, 0, 0] = 1


def test_missing_files_error_lists_all_four(home: Path) -> None:
    with pytest.raises(DatasetUnavailableError) as info:
        fashion_mnist.load_data()
    message = str(info.value)
    for name in FASHION_FILES:
        assert str(home / "fashion-mnist" / name) in message
        assert KERAS_ORIGIN + name in message


def test_one_missing_file_is_named_alone(home: Path) -> None:
    folder = install_head(home)
    (folder / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(DatasetUnavailableError) as info:
        fashion_mnist.load_data()
    assert str(folder / "t10k-labels-idx1-ubyte.gz") in str(info.value)
    assert str(folder / "train-labels-idx1-ubyte.gz") not in str(info.value)


def test_download_all_four_from_a_mirror(home: Path, server, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in FASHION_FILES:
        server.routes[f"/{name}"] = (FASHION_HEAD / name).read_bytes()
        monkeypatch.setitem(_ORIGIN_OVERRIDES, KERAS_ORIGIN + name, server.url(f"/{name}"))
    check_head(fashion_mnist.load_data())
    assert sorted(server.hits) == sorted(f"/{n}" for n in FASHION_FILES)
    assert sorted(p.name for p in (home / "fashion-mnist").iterdir()) == sorted(FASHION_FILES)
    for name in FASHION_FILES:
        assert (
            hashlib.sha256((home / "fashion-mnist" / name).read_bytes()).hexdigest()
            == hashlib.sha256((FASHION_HEAD / name).read_bytes()).hexdigest()
        )


def test_downloaded_non_idx_file_is_rejected(home: Path, server, monkeypatch: pytest.MonkeyPatch) -> None:
    name = FASHION_FILES[0]
    server.routes[f"/{name}"] = b"<html>captive portal</html>"
    monkeypatch.setitem(_ORIGIN_OVERRIDES, KERAS_ORIGIN + name, server.url(f"/{name}"))
    with pytest.raises(DatasetIntegrityError, match="not a valid gzip"):
        fashion_mnist.load_data()
    assert not (home / "fashion-mnist" / name).exists()
    assert [p.name for p in (home / "fashion-mnist").iterdir()] == []


def write_set(folder: Path, n_train: int = 5, n_test: int = 3) -> None:
    rng = np.random.RandomState(0)
    write_idx_gz(folder / FASHION_FILES[0], rng.randint(0, 10, n_train))
    write_idx_gz(folder / FASHION_FILES[1], rng.randint(0, 256, (n_train, 28, 28)))
    write_idx_gz(folder / FASHION_FILES[2], rng.randint(0, 10, n_test))
    write_idx_gz(folder / FASHION_FILES[3], rng.randint(0, 256, (n_test, 28, 28)))


def test_small_written_set(home: Path) -> None:
    write_set(home / "fashion-mnist")
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
    assert x_train.shape == (5, 28, 28) and y_test.shape == (3,)


@pytest.mark.parametrize(
    "index, array, kwargs, match",
    [
        (
            1,
            np.zeros((5, 28, 28)),
            {"magic": b"\x00\x00\x08\x01"},
            r"expected IDX magic number 0x00000803.*received 0x00000801",
        ),
        (
            0,
            np.zeros(5),
            {"magic": b"\x00\x00\x0d\x01"},
            r"expected IDX magic number 0x00000801.*received 0x00000d01",
        ),
        (1, np.zeros((5, 28, 27)), {}, r"expected items of shape \(28, 28\).*\(28, 27\)"),
        (1, np.zeros((5, 28, 28)), {"extra": b"\x00"}, "data continues past the 5 items"),
        (1, np.zeros((6, 28, 28)), {}, "holds 6 images but .* holds 5 labels"),
    ],
)
def test_invalid_idx_files(home: Path, index: int, array: np.ndarray, kwargs: dict, match: str) -> None:
    folder = home / "fashion-mnist"
    write_set(folder)
    write_idx_gz(folder / FASHION_FILES[index], array, **kwargs)
    with pytest.raises(DatasetFormatError, match=match):
        fashion_mnist.load_data()


def test_truncated_idx(home: Path) -> None:
    folder = home / "fashion-mnist"
    write_set(folder)
    raw = gzip.decompress((folder / FASHION_FILES[1]).read_bytes())
    (folder / FASHION_FILES[1]).write_bytes(gzip.compress(raw[:-10]))
    with pytest.raises(DatasetFormatError, match=r"file ends early: expected 3920 bytes .* received 3910"):
        fashion_mnist.load_data()


def test_not_gzip(home: Path) -> None:
    folder = home / "fashion-mnist"
    write_set(folder)
    (folder / FASHION_FILES[2]).write_bytes(b"\x00\x00\x08\x01plain")
    with pytest.raises(DatasetFormatError, match="not a valid gzip"):
        fashion_mnist.load_data()
