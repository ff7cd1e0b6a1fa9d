"""Same files, same arguments: kerax's loaders return what Keras 3's return (Keras is only the oracle)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from kx_dataset_helpers import cifar_batch, make_tar_gz, object_array, py2_pickle

os.environ.setdefault("KERAS_BACKEND", "jax")
k = pytest.importorskip("keras.src.datasets")
k_boston, k_california, k_cifar100 = k.boston_housing, k.california_housing, k.cifar100
k_imdb, k_mnist, k_reuters = k.imdb, k.mnist, k.reuters

from kerax.datasets import boston_housing, california_housing, cifar100, imdb, mnist, reuters  # noqa: E402


def serve(monkeypatch: pytest.MonkeyPatch, module, path: Path) -> None:
    """Make Keras read our file instead of downloading (its get_file would re-download on hash mismatch)."""
    monkeypatch.setattr(module, "get_file", lambda *args, **kwargs: str(path))


def same(a, b) -> None:
    (kx_tr, ky_tr), (kx_te, ky_te) = a
    (x_tr, y_tr), (x_te, y_te) = b
    for mine, theirs in ((kx_tr, x_tr), (ky_tr, y_tr), (kx_te, x_te), (ky_te, y_te)):
        mine, theirs = np.asarray(mine), np.asarray(theirs)
        if theirs.dtype == object:
            assert [list(s) for s in mine] == [list(s) for s in theirs]
        else:
            assert mine.dtype == theirs.dtype and mine.shape == theirs.shape
            np.testing.assert_array_equal(mine, theirs)


def random_seqs(rng: np.random.RandomState, n: int) -> np.ndarray:
    return object_array([list(map(int, rng.randint(1, 60, size=rng.randint(1, 12)))) for _ in range(n)])


IMDB_CASES = [
    {},
    {"num_words": 20, "skip_top": 3},
    {"maxlen": 6, "seed": 5},
    {"start_char": None, "oov_char": None, "num_words": 30},
    {"start_char": None, "index_from": 0},
    {"index_from": 10, "oov_char": 7, "num_words": 40, "skip_top": 12},
]


@pytest.mark.parametrize("kwargs", IMDB_CASES)
def test_imdb_matches_keras(home: Path, monkeypatch: pytest.MonkeyPatch, kwargs: dict) -> None:
    rng = np.random.RandomState(7)
    home.mkdir(parents=True)
    np.savez(
        home / "imdb.npz",
        x_train=random_seqs(rng, 30),
        y_train=rng.randint(0, 2, 30),
        x_test=random_seqs(rng, 20),
        y_test=rng.randint(0, 2, 20),
    )
    serve(monkeypatch, k_imdb, home / "imdb.npz")
    same(imdb.load_data(**kwargs), k_imdb.load_data(**kwargs))


@pytest.mark.parametrize("kwargs", IMDB_CASES + [{"test_split": 0.5}, {"test_split": 0.0, "maxlen": 9}])
def test_reuters_matches_keras(home: Path, monkeypatch: pytest.MonkeyPatch, kwargs: dict) -> None:
    rng = np.random.RandomState(11)
    home.mkdir(parents=True)
    np.savez(home / "reuters.npz", x=random_seqs(rng, 40), y=rng.randint(0, 46, 40))
    serve(monkeypatch, k_reuters, home / "reuters.npz")
    same(reuters.load_data(**kwargs), k_reuters.load_data(**kwargs))


@pytest.mark.parametrize("kwargs", [{}, {"test_split": 0.5, "seed": 1}, {"test_split": 0.0}])
def test_boston_matches_keras(home: Path, monkeypatch: pytest.MonkeyPatch, kwargs: dict) -> None:
    rng = np.random.RandomState(2)
    home.mkdir(parents=True)
    np.savez(home / "boston_housing.npz", x=rng.rand(37, 13), y=rng.rand(37))
    serve(monkeypatch, k_boston, home / "boston_housing.npz")
    same(boston_housing.load_data(**kwargs), k_boston.load_data(**kwargs))


@pytest.mark.parametrize("kwargs", [{}, {"version": "small"}, {"version": "small", "test_split": 0.3, "seed": 9}])
def test_california_matches_keras(home: Path, monkeypatch: pytest.MonkeyPatch, kwargs: dict) -> None:
    rng = np.random.RandomState(4)
    home.mkdir(parents=True)
    np.savez(
        home / "california_housing.npz",
        x=rng.rand(650, 8).astype(np.float32),
        y=rng.rand(650).astype(np.float32),
    )
    serve(monkeypatch, k_california, home / "california_housing.npz")
    same(california_housing.load_data(**kwargs), k_california.load_data(**kwargs))


def test_mnist_matches_keras(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.RandomState(5)
    home.mkdir(parents=True)
    np.savez(
        home / "mnist.npz",
        x_train=rng.randint(0, 256, (4, 28, 28)).astype(np.uint8),
        y_train=np.arange(4, dtype=np.uint8),
        x_test=rng.randint(0, 256, (2, 28, 28)).astype(np.uint8),
        y_test=np.arange(2, dtype=np.uint8),
    )
    serve(monkeypatch, k_mnist, home / "mnist.npz")
    same(mnist.load_data(), k_mnist.load_data())


@pytest.mark.parametrize("label_mode", ["fine", "coarse"])
def test_cifar100_matches_keras(home: Path, monkeypatch: pytest.MonkeyPatch, label_mode: str) -> None:
    keys = ("fine_labels", "coarse_labels")
    files = {
        "cifar-100-python/train": py2_pickle(cifar_batch(5, 1, keys, classes=20)[0]),
        "cifar-100-python/test": py2_pickle(cifar_batch(3, 2, keys, classes=20)[0]),
    }
    make_tar_gz(home / "cifar-100-python.tar.gz", files)
    mine = cifar100.load_data(label_mode)
    serve(monkeypatch, k_cifar100, home / "cifar-100-python-target")
    same(mine, k_cifar100.load_data(label_mode))
