"""timeseries_dataset_from_array: the same windows, targets and order as Keras 3's ``format="grain"``."""

from __future__ import annotations

import keras
import numpy as np
import pytest

import kerax

DATA = np.arange(60, dtype="float32").reshape(30, 2)
TARGETS = np.arange(100, 130)


def _batches(ds: object) -> list[object]:
    return [tuple(np.asarray(part) for part in b) if isinstance(b, tuple) else np.asarray(b) for b in ds]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"sequence_length": 5},
        {"sequence_length": 4, "sequence_stride": 3, "batch_size": 4},
        {"sequence_length": 3, "sampling_rate": 2, "batch_size": 5},
        {"sequence_length": 4, "start_index": 3, "end_index": 25, "batch_size": 3},
        {"sequence_length": 4, "shuffle": True, "seed": 7, "batch_size": 4},
        {
            "sequence_length": 3,
            "sequence_stride": 2,
            "sampling_rate": 3,
            "shuffle": True,
            "seed": 1,
            "batch_size": None,
        },
        {"sequence_length": 30},
    ],
)
@pytest.mark.parametrize("with_targets", [True, False])
def test_windows_match_keras(kwargs: dict[str, object], with_targets: bool) -> None:
    targets = TARGETS if with_targets else None
    ours = _batches(kerax.utils.timeseries_dataset_from_array(DATA, targets, **kwargs))
    theirs = _batches(keras.utils.timeseries_dataset_from_array(DATA, targets, format="grain", **kwargs))
    assert len(ours) == len(theirs) > 0
    for a, b in zip(ours, theirs, strict=True):
        if with_targets:
            np.testing.assert_array_equal(a[0], b[0])
            np.testing.assert_array_equal(a[1], b[1])
            assert a[0].dtype == DATA.dtype
        else:
            np.testing.assert_array_equal(a, b)


def test_windows_are_the_documented_ones_and_keep_dtypes() -> None:
    data = np.arange(20, dtype="int16")
    ds = kerax.preprocessing.timeseries_dataset_from_array(
        data, data * 10, sequence_length=3, sampling_rate=2, sequence_stride=4, batch_size=2, start_index=1
    )
    (x0, y0), (x1, y1) = list(ds)[:2]
    np.testing.assert_array_equal(x0, [[1, 3, 5], [5, 7, 9]])
    np.testing.assert_array_equal(y0, [10, 50])
    np.testing.assert_array_equal(x1, [[9, 11, 13], [13, 15, 17]])
    assert x0.dtype == np.int16 and isinstance(x0, np.ndarray)


def test_a_shuffled_dataset_feeds_fit() -> None:
    x = np.random.RandomState(0).rand(40, 3).astype("float32")
    ds = kerax.utils.timeseries_dataset_from_array(x, x[:, 0], sequence_length=4, batch_size=8, shuffle=True, seed=2)
    model = kerax.Sequential([kerax.Input((4, 3)), kerax.layers.Flatten(), kerax.layers.Dense(1)])
    model.compile("sgd", "mse")
    history = model.fit(ds, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2 and np.isfinite(history.history["loss"]).all()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"start_index": -1}, "start_index"),
        ({"start_index": 30}, "`start_index` must be lower than the length of the data"),
        ({"start_index": 5, "end_index": 5}, "`end_index` must be higher than `start_index`"),
        ({"end_index": 30}, "`end_index` must be lower than the length of the data"),
        ({"end_index": -2}, "end_index"),
        ({"sampling_rate": 0}, "sampling_rate"),
        ({"sampling_rate": 30}, "`sampling_rate` must be lower than the length of the data"),
        ({"sequence_stride": 0}, "sequence_stride"),
        ({"sequence_stride": 31}, "`sequence_stride` must be lower than the length of the data"),
        ({"sequence_length": 0}, "sequence_length"),
        ({"batch_size": 0}, "batch_size"),
        ({"format": "tf"}, "does not use TensorFlow.*format='grain'"),
        ({"format": "torch"}, "format"),
    ],
)
def test_bad_arguments_are_refused(kwargs: dict[str, object], message: str) -> None:
    args = {"sequence_length": 3, **kwargs}
    with pytest.raises(ValueError, match=message):
        kerax.utils.timeseries_dataset_from_array(DATA, None, **args)


def test_too_short_targets_are_refused_up_front() -> None:
    with pytest.raises(ValueError, match="`targets`"):
        kerax.utils.timeseries_dataset_from_array(DATA, TARGETS[:5], sequence_length=3, start_index=10)
