"""IMDB and Reuters from tiny npz files holding object arrays of lists, as Keras's files do."""

from __future__ import annotations

import io
import json
import os
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pytest
from kx_dataset_helpers import object_array, save_object_npz

from kerax.datasets import DatasetFormatError, UnsafeDatasetError, imdb, reuters

TRAIN = [[1, 5, 2], [7, 3, 3, 9], [4], [2, 2, 8, 6, 1], [9, 9]]
TEST = [[3, 1], [5, 5, 5, 5, 5, 5], [6, 2, 4]]


def write_imdb(home: Path, train=TRAIN, test=TEST) -> None:
    save_object_npz(
        home / "imdb.npz",
        x_train=object_array(train),
        y_train=np.arange(len(train)) % 2,
        x_test=object_array(test),
        y_test=np.arange(len(test)) % 2,
    )


def as_lists(arr: np.ndarray) -> list[list[int]]:
    return [list(x) for x in arr]


def test_imdb_defaults(home: Path) -> None:
    write_imdb(home)
    (x_train, y_train), (x_test, y_test) = imdb.load_data()
    assert x_train.dtype == object and x_train.shape == (5,) and x_test.shape == (3,)
    assert y_train.dtype == np.int64 and y_train.shape == (5,)
    # Shuffled with RandomState(113); every sequence gains start_char=1 and index_from=3.
    order = np.arange(5)
    np.random.RandomState(113).shuffle(order)
    max_index = max(w + 3 for s in TRAIN + TEST for w in s)  # excluded, as in Keras
    expected = [[1] + [w + 3 if w + 3 < max_index else 2 for w in TRAIN[i]] for i in order]
    assert as_lists(x_train) == expected
    assert y_train.tolist() == [i % 2 for i in order]


def test_imdb_options(home: Path) -> None:
    write_imdb(home)
    (x_train, _), (x_test, _) = imdb.load_data(num_words=8, skip_top=5, maxlen=4, seed=0, oov_char=None)
    for seq in as_lists(x_train) + as_lists(x_test):
        assert len(seq) < 4
        assert all(5 <= w < 8 for w in seq)


def test_imdb_no_start_no_offset(home: Path) -> None:
    write_imdb(home)
    (x_train, _), _ = imdb.load_data(start_char=None, index_from=0, num_words=100)
    assert sorted(map(tuple, as_lists(x_train))) == sorted(map(tuple, TRAIN))


def test_imdb_equal_lengths_stay_one_dimensional(home: Path) -> None:
    write_imdb(home, train=[[1, 2], [3, 4]], test=[[5, 6]])
    (x_train, _), (x_test, _) = imdb.load_data()
    assert x_train.shape == (2,) and x_test.shape == (1,)


def test_imdb_maxlen_too_small(home: Path) -> None:
    write_imdb(home)
    with pytest.raises(ValueError, match="no sequence was kept"):
        imdb.load_data(maxlen=1)


def test_imdb_missing_member(home: Path) -> None:
    save_object_npz(home / "imdb.npz", x_train=object_array(TRAIN), y_train=np.zeros(5))
    with pytest.raises(DatasetFormatError, match="expected arrays"):
        imdb.load_data()


def test_imdb_not_lists(home: Path) -> None:
    save_object_npz(
        home / "imdb.npz",
        x_train=np.array(["a", "b"], dtype=object),
        y_train=np.zeros(2),
        x_test=object_array(TEST),
        y_test=np.zeros(3),
    )
    with pytest.raises(DatasetFormatError, match="sequence 0 is not a list of ints"):
        imdb.load_data()


class CallsOsSystem:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_imdb_malicious_object_array_refused(home: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    member = io.BytesIO()
    np.lib.format.write_array_header_1_0(member, {"descr": "|O", "fortran_order": False, "shape": (1,)})
    member.write(pickle.dumps(CallsOsSystem(marker), protocol=4))
    home.mkdir(parents=True)
    with zipfile.ZipFile(home / "imdb.npz", "w") as zf:
        for name in ("x_train", "y_train", "x_test", "y_test"):
            zf.writestr(f"{name}.npy", member.getvalue())
    with pytest.raises(UnsafeDatasetError, match="system"):
        imdb.load_data()
    assert not marker.exists()


def test_imdb_word_index(home: Path) -> None:
    home.mkdir(parents=True)
    (home / "imdb_word_index.json").write_text(json.dumps({"the": 1, "and": 2}))
    assert imdb.get_word_index() == {"the": 1, "and": 2}
    (home / "imdb_word_index.json").write_text("[1, 2]")
    with pytest.raises(DatasetFormatError, match="mapping words to integers"):
        imdb.get_word_index()


def write_reuters(home: Path, n: int = 20) -> tuple[list[list[int]], np.ndarray]:
    rng = np.random.RandomState(3)
    xs = [list(map(int, rng.randint(1, 40, size=rng.randint(1, 9)))) for _ in range(n)]
    ys = rng.randint(0, 46, size=n)
    save_object_npz(home / "reuters.npz", x=object_array(xs), y=ys)
    return xs, ys


def test_reuters_defaults(home: Path) -> None:
    write_reuters(home)
    (x_train, y_train), (x_test, y_test) = reuters.load_data()
    assert x_train.shape == (16,) and x_test.shape == (4,) and x_train.dtype == object
    assert y_train.shape == (16,) and y_test.shape == (4,)
    assert all(seq[0] == 1 for seq in as_lists(x_train))


@pytest.mark.parametrize("test_split", [0.0, 0.5, 1.0])
def test_reuters_test_split(home: Path, test_split: float) -> None:
    write_reuters(home)
    (x_train, _), (x_test, _) = reuters.load_data(test_split=test_split)
    assert len(x_train) == int(20 * (1 - test_split)) and len(x_train) + len(x_test) == 20


def test_reuters_invalid_test_split(home: Path) -> None:
    with pytest.raises(ValueError, match="test_split"):
        reuters.load_data(test_split=1.5)


def test_reuters_labels_and_word_index(home: Path) -> None:
    names = reuters.get_label_names()
    assert len(names) == 46 and names[3] == "earn"
    home.mkdir(parents=True)
    (home / "reuters_word_index.json").write_text(json.dumps({"said": 1}))
    assert reuters.get_word_index() == {"said": 1}
