"""MNIST, Boston housing and California housing from tiny npz files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from kx_dataset_helpers import object_array

from kerax.datasets import DatasetFormatError, boston_housing, california_housing, mnist


def write_mnist(home: Path, n_train: int = 6, n_test: int = 4) -> dict[str, np.ndarray]:
    rng = np.random.RandomState(0)
    arrays = {
        "x_train": rng.randint(0, 256, (n_train, 28, 28)).astype(np.uint8),
        "y_train": rng.randint(0, 10, n_train).astype(np.uint8),
        "x_test": rng.randint(0, 256, (n_test, 28, 28)).astype(np.uint8),
        "y_test": rng.randint(0, 10, n_test).astype(np.uint8),
    }
    home.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(home / "mnist.npz", **arrays)
    return arrays


def test_mnist(home: Path) -> None:
    arrays = write_mnist(home)
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    for got, name in ((x_train, "x_train"), (y_train, "y_train"), (x_test, "x_test"), (y_test, "y_test")):
        assert got.dtype == np.uint8
        np.testing.assert_array_equal(got, arrays[name])


def test_mnist_custom_path(home: Path) -> None:
    write_mnist(home)
    (home / "mnist.npz").rename(home / "digits.npz")
    (x_train, _), _ = mnist.load_data(path="digits.npz")
    assert x_train.shape == (6, 28, 28)


def test_mnist_not_npz(home: Path) -> None:
    home.mkdir(parents=True)
    (home / "mnist.npz").write_bytes(b"\x80\x04N.")  # a pickle, not a zip
    with pytest.raises(DatasetFormatError, match=r"not an \.npz"):
        mnist.load_data()


def test_mnist_object_member_refused(home: Path) -> None:
    home.mkdir(parents=True)
    np.savez(
        home / "mnist.npz",
        x_train=object_array([[1]]),
        y_train=np.zeros(1),
        x_test=np.zeros((1, 2, 2)),
        y_test=np.zeros(1),
    )
    with pytest.raises(DatasetFormatError, match="holds pickled objects"):
        mnist.load_data()


def test_mnist_shape_mismatch(home: Path) -> None:
    home.mkdir(parents=True)
    np.savez(
        home / "mnist.npz",
        x_train=np.zeros((3, 28, 28)),
        y_train=np.zeros(2),
        x_test=np.zeros((1, 28, 28)),
        y_test=np.zeros(1),
    )
    with pytest.raises(DatasetFormatError, match=r"same length.*\(3, 28, 28\) and \(2,\)"):
        mnist.load_data()


def write_xy(home: Path, name: str, n: int, features: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.RandomState(1)
    x, y = rng.rand(n, features), rng.rand(n) * 50
    home.mkdir(parents=True, exist_ok=True)
    np.savez(home / name, x=x, y=y)
    return x, y


def test_boston(home: Path) -> None:
    x, y = write_xy(home, "boston_housing.npz", 50, 13)
    (x_train, y_train), (x_test, y_test) = boston_housing.load_data()
    assert x_train.shape == (40, 13) and x_test.shape == (10, 13) and y_train.shape == (40,)
    order = np.arange(50)
    np.random.RandomState(113).shuffle(order)
    np.testing.assert_array_equal(x_train, x[order[:40]])
    np.testing.assert_array_equal(y_test, y[order[40:]])


@pytest.mark.parametrize("test_split", [-0.1, 1.0])
def test_boston_invalid_split(home: Path, test_split: float) -> None:
    with pytest.raises(ValueError, match="test_split"):
        boston_housing.load_data(test_split=test_split)


@pytest.mark.parametrize("version, n", [("large", 700), ("small", 600)])
def test_california(home: Path, version: str, n: int) -> None:
    write_xy(home, "california_housing.npz", 700, 8)
    (x_train, y_train), (x_test, y_test) = california_housing.load_data(version=version, test_split=0.25, seed=3)
    assert len(x_train) == int(n * 0.75) and len(x_train) + len(x_test) == n and x_train.shape[1] == 8


def test_california_invalid_version(home: Path) -> None:
    with pytest.raises(ValueError, match="version"):
        california_housing.load_data(version="medium")
