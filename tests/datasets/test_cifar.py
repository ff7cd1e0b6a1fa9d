"""CIFAR-10/100 from tiny archives in the real format (Python 2 pickles of dicts in a tar.gz)."""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

import numpy as np
import pytest
from kx_dataset_helpers import cifar_batch, make_tar_gz, py2_pickle

from kerax import backend
from kerax.datasets import DatasetFormatError, DatasetUnavailableError, UnsafeDatasetError, cifar10, cifar100
from kerax.datasets._cifar import load_batch
from kerax.datasets._files import _ORIGIN_OVERRIDES

C10 = "cifar-10-batches-py"
C100 = "cifar-100-python"


def cifar10_files(n: int = 2, n_test: int = 3) -> tuple[dict[str, bytes], np.ndarray, list[int], np.ndarray, list[int]]:
    files, datas, labels = {}, [], []
    for i in range(1, 6):
        batch, data, lab = cifar_batch(n, seed=i)
        files[f"{C10}/data_batch_{i}"] = py2_pickle(batch)
        datas.append(data)
        labels += lab["labels"]
    batch, test_data, test_lab = cifar_batch(n_test, seed=99)
    files[f"{C10}/test_batch"] = py2_pickle(batch)
    files[f"{C10}/batches.meta"] = py2_pickle({b"label_names": [b"airplane"] * 10})
    return files, np.concatenate(datas), labels, test_data, test_lab["labels"]


def to_hwc(data: np.ndarray) -> np.ndarray:
    return data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)


def check_cifar10(split, data, labels, test_data, test_labels) -> None:
    (x_train, y_train), (x_test, y_test) = split
    assert x_train.shape == (10, 32, 32, 3) and x_test.shape == (3, 32, 32, 3)
    assert y_train.shape == (10, 1) and y_test.shape == (3, 1)
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype(np.uint8)}
    np.testing.assert_array_equal(x_train, to_hwc(data))
    np.testing.assert_array_equal(x_test, to_hwc(test_data))
    assert y_train[:, 0].tolist() == labels and y_test[:, 0].tolist() == test_labels
    # pixel (row 1, col 2, green) of image 0 is byte 1024 + 32 + 2 of its row
    assert x_train[0, 1, 2, 1] == data[0, 1024 + 32 + 2]


def test_cifar10_from_publisher_archive_placed_by_hand(home: Path) -> None:
    files, *expected = cifar10_files()
    make_tar_gz(home / "cifar-10-python.tar.gz", files)
    check_cifar10(cifar10.load_data(), *expected)
    # Extracted where Keras 3 extracts it.
    assert (home / "cifar-10-batches-py-target" / C10 / "data_batch_3").is_file()
    # Second load: archive not needed any more.
    (home / "cifar-10-python.tar.gz").unlink()
    check_cifar10(cifar10.load_data(), *expected)


def test_cifar10_keras3_cache_layout(home: Path) -> None:
    files, *expected = cifar10_files()
    make_tar_gz(home / "cifar-10-batches-py-target_archive", files)
    check_cifar10(cifar10.load_data(), *expected)


def test_cifar10_keras2_cache_layout(home: Path) -> None:
    files, *expected = cifar10_files()
    for name, blob in files.items():
        (home / name).parent.mkdir(parents=True, exist_ok=True)
        (home / name).write_bytes(blob)
    check_cifar10(cifar10.load_data(), *expected)
    assert not (home / "cifar-10-batches-py-target").exists()


def test_cifar10_download(home: Path, server, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    files, *expected = cifar10_files()
    make_tar_gz(tmp_path / "c10.tar.gz", files)
    blob = (tmp_path / "c10.tar.gz").read_bytes()
    server.routes["/c10.tar.gz"] = blob
    monkeypatch.setitem(_ORIGIN_OVERRIDES, cifar10._ORIGIN, server.url("/c10.tar.gz"))
    monkeypatch.setattr(cifar10, "_SHA256", hashlib.sha256(blob).hexdigest())
    check_cifar10(cifar10.load_data(), *expected)
    assert sorted(p.name for p in home.iterdir()) == [
        "cifar-10-batches-py-target",
        "cifar-10-batches-py-target_archive",
    ]


def test_cifar10_offline_message(home: Path) -> None:
    with pytest.raises(DatasetUnavailableError) as info:
        cifar10.load_data()
    message = str(info.value)
    assert "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz" in message
    assert "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce" in message
    assert str(home / "cifar-10-batches-py-target") in message


def test_cifar10_channels_first(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files, data, *_ = cifar10_files()
    make_tar_gz(home / "cifar-10-python.tar.gz", files)
    monkeypatch.setattr(backend, "image_data_format", lambda: "channels_first", raising=False)
    (x_train, _), (x_test, _) = cifar10.load_data()
    assert x_train.shape == (10, 3, 32, 32) and x_test.shape == (3, 3, 32, 32)
    np.testing.assert_array_equal(x_train.reshape(10, -1), data)


class CallsOsSystem:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_malicious_batch_pickle_is_refused(home: Path, tmp_path: Path) -> None:
    files, *_ = cifar10_files()
    marker = tmp_path / "pwned"
    files[f"{C10}/data_batch_2"] = pickle.dumps({"data": CallsOsSystem(marker), "labels": [0]}, protocol=2)
    make_tar_gz(home / "cifar-10-python.tar.gz", files)
    with pytest.raises(UnsafeDatasetError, match=r"posix\.system|os\.system|nt\.system"):
        cifar10.load_data()
    assert not marker.exists()


def test_archive_escaping_the_cache_is_refused(home: Path) -> None:
    files, *_ = cifar10_files()
    files["../evil"] = b"pwned"
    make_tar_gz(home / "cifar-10-python.tar.gz", files)
    with pytest.raises(UnsafeDatasetError, match=r"'\.\./evil'"):
        cifar10.load_data()
    assert not (home.parent / "evil").exists()
    assert sorted(p.name for p in home.iterdir()) == ["cifar-10-python.tar.gz"]


@pytest.mark.parametrize(
    "batch, match",
    [
        ([1, 2], "expected a pickled dict"),
        ({b"data": np.zeros((2, 10), np.uint8), b"labels": [0, 1]}, r"shape \(n, 3072\)"),
        ({b"data": np.zeros((2, 3072), np.uint8), b"labels": [0]}, "list of 2 ints"),
        ({b"data": np.zeros((2, 3072), np.uint8)}, "list of 2 ints"),
        ({b"data": np.zeros((1, 3072), np.uint8), b"labels": [300]}, r"ints in \[0, 256\)"),
    ],
)
def test_malformed_batches(tmp_path: Path, batch, match: str) -> None:
    path = tmp_path / "data_batch_1"
    path.write_bytes(py2_pickle(batch))
    with pytest.raises(DatasetFormatError, match=match):
        load_batch(str(path))


def cifar100_files() -> tuple[dict[str, bytes], dict, dict]:
    keys = ("fine_labels", "coarse_labels")
    train, train_data, train_labels = cifar_batch(4, seed=1, label_keys=keys, classes=20)
    test, test_data, test_labels = cifar_batch(2, seed=2, label_keys=keys, classes=20)
    files = {
        f"{C100}/train": py2_pickle(train),
        f"{C100}/test": py2_pickle(test),
        f"{C100}/meta": py2_pickle({}),
    }
    return files, {"data": train_data, **train_labels}, {"data": test_data, **test_labels}


@pytest.mark.parametrize("label_mode", ["fine", "coarse"])
def test_cifar100(home: Path, label_mode: str) -> None:
    files, train, test = cifar100_files()
    make_tar_gz(home / "cifar-100-python.tar.gz", files)
    (x_train, y_train), (x_test, y_test) = cifar100.load_data(label_mode)
    assert x_train.shape == (4, 32, 32, 3) and x_test.shape == (2, 32, 32, 3) and x_train.dtype == np.uint8
    assert y_train.shape == (4, 1) and y_test.shape == (2, 1) and y_train.dtype == np.int64
    np.testing.assert_array_equal(x_train, to_hwc(train["data"]))
    assert y_train[:, 0].tolist() == train[f"{label_mode}_labels"]
    assert y_test[:, 0].tolist() == test[f"{label_mode}_labels"]
    assert (home / "cifar-100-python-target" / C100 / "train").is_file()


def test_cifar100_label_mode_checked(home: Path) -> None:
    with pytest.raises(ValueError, match="label_mode"):
        cifar100.load_data("medium")
